#pragma once
// Pieces the text, HTML and JSON reports of the verify matrix share (report_*.cpp only).
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "verify/matrix.hpp"

namespace tconv::verify::detail {

/// v printed with printf format f ("%.1f" by default).
[[nodiscard]] inline std::string num(double v, const char* f = "%.1f") {
  char b[40];
  std::snprintf(b, sizeof b, f, v);
  return b;
}

/// A value as the reports show it: "%.9g" (enough digits to read the float back).
[[nodiscard]] inline std::string value_text(double v) { return num(v, "%.9g"); }

/// A list of integers as JSON writes it: "[1,2,3]".
[[nodiscard]] inline std::string list_text(const std::vector<std::int64_t>& v) {
  std::string s = "[";
  for (std::size_t i = 0; i < v.size(); ++i) s += (i ? "," : "") + std::to_string(v[i]);
  return s + "]";
}

/// Whether a finding is a precision effect (its known finding's "class"), shown apart.
[[nodiscard]] inline bool is_precision(const finding& f) { return f.finding_class == "precision"; }

/// The finding ids of a cell, each once: "F1,NEW" (the precision ones with `precision`).
[[nodiscard]] inline std::string finding_ids(const cell& c, bool precision = false) {
  std::string ids;
  for (const auto& f : c.findings) {
    if (is_precision(f) != precision) continue;
    const std::string id = f.known.empty() ? "NEW" : f.known;
    if (ids.find(id) == std::string::npos) ids += (ids.empty() ? "" : ",") + id;
  }
  return ids;
}

/// "FAIL F1", "FAIL NEW precision F5", "precision F5": semantic findings, then precision effects.
[[nodiscard]] inline std::string failing_text(const cell& c) {
  const std::string semantic = finding_ids(c), precision = finding_ids(c, true);
  std::string t = semantic.empty() ? "" : "FAIL " + semantic;
  if (!precision.empty()) t += (t.empty() ? "precision " : " precision ") + precision;
  return t;
}

/// ", ambiguity A1,A2": the cell's spec ambiguities (never a failure), "" when none.
[[nodiscard]] inline std::string ambiguity_text(const cell& c) {
  std::string ids;
  for (const auto& a : c.ambiguities) ids += (ids.empty() ? "" : ",") + a.id;
  return ids.empty() ? "" : ", ambiguity " + ids;
}

/// "pass 200", "pass 57/200", "FAIL F1", "FAIL NEW", "precision F5", "FAIL F1 precision F5",
/// "unsupported", "n/a" (then ", ambiguity A1" when the cell met spec ambiguities); "-" without a
/// cell.
[[nodiscard]] inline std::string cell_text(const cell* c) {
  if (c == nullptr) return "-";
  switch (c->status) {
    case cell_status::pass:
      return "pass " + std::to_string(c->tested) +
             (c->tested == c->executed ? "" : "/" + std::to_string(c->executed)) +
             ambiguity_text(*c);
    case cell_status::fail:
      return failing_text(*c) + ambiguity_text(*c);
    case cell_status::unsupported:
      return "unsupported";
    case cell_status::not_available:
      break;
  }
  return "n/a";
}

/// The cell of row `row` (a region, or the conventions row) for implementation `impl`.
[[nodiscard]] inline const cell* row_cell(const matrix& m, const std::string& impl,
                                          const std::optional<region>& row) {
  return row ? find_cell(m, impl, *row) : find_conventions_cell(m, impl);
}

/// The matrix's rows: its regions, then (nullopt) the conventions row when it has one.
[[nodiscard]] inline std::vector<std::optional<region>> matrix_rows(const matrix& m) {
  std::vector<std::optional<region>> rows(m.regions.begin(), m.regions.end());
  if (m.conventions_row) rows.emplace_back(std::nullopt);
  return rows;
}

/// A row's name: the region's, or "conventions".
[[nodiscard]] inline std::string row_text(const std::optional<region>& row) {
  return row ? std::string(name(*row)) : std::string(conventions_row_name);
}

/// The baseline's title of known finding `id`, "" when it has none.
[[nodiscard]] inline std::string known_title(const matrix& m, const std::string& id) {
  const auto it = m.baseline.titles.find(id);
  return it == m.baseline.titles.end() ? "" : it->second;
}

/// "precision: flushes subnormals" (a flush_to_zero finding), else "precision: TITLE".
[[nodiscard]] inline std::string precision_label(const matrix& m, const finding& f) {
  const auto it = m.baseline.signatures.find(f.known);
  if (it != m.baseline.signatures.end() && it->second == "flush_to_zero")
    return "precision: flushes subnormals";
  return "precision: " + known_title(m, f.known);
}

/// Whether a finding's data (x, w, b) is small enough to be shown in full.
[[nodiscard]] inline bool data_shown(const harness::explore_case& c) {
  return c.x.size() + c.w.size() + c.b.size() <= 512;
}

}  // namespace tconv::verify::detail
