// The matrix as text: what `tconv verify` prints.
#include <algorithm>
#include <nlohmann/json.hpp>
#include <string>

#include "tconv/text.hpp"
#include "verify/report.hpp"
#include "verify/report_parts.hpp"

namespace tconv::verify {

using detail::cell_text;
using detail::num;

namespace {

std::string pad(std::string s, std::size_t w) {
  if (s.size() < w) s.append(w - s.size(), ' ');
  return s;
}

std::string text_matrix(const matrix& m) {
  std::vector<std::size_t> widths;
  for (const auto& i : m.implementations) {
    std::size_t w = i.name.size();
    for (const auto& row : detail::matrix_rows(m))
      w = std::max(w, cell_text(detail::row_cell(m, i.name, row)).size());
    widths.push_back(w + 2);
  }
  std::string t = pad("", 20);
  for (std::size_t i = 0; i < widths.size(); ++i) t += pad(m.implementations[i].name, widths[i]);
  t += "\n";
  for (const auto& row : detail::matrix_rows(m)) {
    t += pad(detail::row_text(row), 20);
    for (std::size_t i = 0; i < widths.size(); ++i)
      t += pad(cell_text(detail::row_cell(m, m.implementations[i].name, row)), widths[i]);
    while (!t.empty() && t.back() == ' ') t.pop_back();
    t += "\n";
  }
  return t;
}

constexpr const char* legend =
    "\n  pass T/D     T of the D cases drawn were supported, all within the fp32 bound (the "
    "rest declined)\n"
    "  FAIL ids     a minimal counterexample below; F<n>: a known finding (docs/findings.md), "
    "NEW: not in the baseline\n"
    "  precision F<n>  a known precision effect (e.g. flushes subnormals), apart from semantic "
    "failures\n"
    "  unsupported  every case declined (tconv_supports / `unsupported`);  n/a: implementation "
    "not available\n"
    "  rows rank1-3: every feature mixed; other rows: that feature alone, at each rank the "
    "implementation supports\n"
    "  conventions  the engine resolves auto_pad / output_shape / 'SAME' itself (forms it "
    "declares);  ambiguity A<n>: a spec ambiguity (listed below, never a failure)\n\n";

std::string text_implementations(const matrix& m) {
  std::string t = "implementations:\n";
  for (const auto& i : m.implementations) {
    t += "  " + pad(i.name, std::max<std::size_t>(16, i.name.size() + 1));  // a 16-letter name too
    if (!i.available) {
      t += "not available: " + i.reason + "\n";
      continue;
    }
    t += pad(i.kind, 8) + std::to_string(i.cases) + " cases, " + num(i.seconds) + " s   " +
         i.target + "\n";
  }
  return t;
}

std::string text_finding(const matrix& m, const cell& c, const finding& f) {
  std::string t = "  " + pad(f.id, 5) + c.implementation + " x " + row_name(c) + ": " +
                  name(f.kind) + (f.label.empty() ? "" : " (" + f.label + ")");
  if (detail::is_precision(f)) t += "  " + detail::precision_label(m, f) + ",";
  t += f.known.empty() ? "  NEW (not in the baseline)" : "  known " + f.known;
  if (const std::string title = detail::known_title(m, f.known); !title.empty())
    t += " (" + title + ")";
  t += "\n        problem: " + to_string(f.c.p);
  if (!f.signature.empty())
    t += "\n        class:   " + f.signature + " (failing cases: " + std::to_string(f.hits) + ")";
  if (f.known.empty()) t += "\n        what:    " + f.message;
  return t + "\n        replay:  " + f.replay + "\n";
}

std::string text_findings(const matrix& m) {
  std::size_t known = 0, fresh = 0, precision = 0;
  std::string list;
  for (const auto& c : m.cells)
    for (const auto& f : c.findings) {
      (f.known.empty() ? fresh : known) += 1;
      precision += detail::is_precision(f) ? 1 : 0;
      list += text_finding(m, c, f);
    }
  return "\nfindings: " + std::to_string(known) + " known, " + std::to_string(fresh) + " new" +
         (precision > 0 ? " (" + std::to_string(precision) + " known precision effects)" : "") +
         " (each shrunk to a minimal counterexample; data and wrong elements in the HTML "
         "report)\n" +
         list;
}

std::string text_ambiguities(const matrix& m) {
  std::string t;
  for (const auto& c : m.cells)
    for (const auto& [id, a] : c.ambiguities) {
      t += "  " + pad(id, 5) + c.implementation + " x " + row_name(c) + ": " + a.id +
           ", the engine chose " + a.choice + " (" + std::to_string(a.hits) +
           (a.hits == 1 ? " case)\n" : " cases)\n");
      if (a.c.form) t += "        form:    " + harness::to_json(*a.c.form).dump() + "\n";
      t += "        problem: " + to_string(a.c.p) + "\n";
      for (const auto& rd : a.readings) t += "        reading: " + rd + "\n";
      t += "        see:     " + a.references + "\n";
    }
  return t.empty() ? ""
                   : "\nspec ambiguities (not findings: the specification allows more than "
                     "one reading):\n" +
                         t;
}

std::string text_baseline(const baseline_verdict& b) {
  std::string t =
      "\nbaseline: " + (b.file.empty() ? std::string("none (every finding is new)") : b.file);
  if (!b.file.empty() && !b.campaign_matches)
    t += "\n  (seed or budget differ from the baseline's campaign: known findings are not "
         "required to reproduce)";
  for (const auto& x : b.missing)
    t += "\n  NOT REPRODUCED: " + x.finding + " in " + x.implementation + " x " + x.region +
         " (fixed upstream, or the campaign changed: re-check the baseline)";
  return t + "\n";
}

}  // namespace

std::string render_text(const matrix& m) {
  std::string t =
      "tconv verify: seed " + std::to_string(m.seed) + "; " + std::to_string(m.plugin_cases) +
      " cases per cell for plugins, " + std::to_string(m.command_cases) +
      " for commands; shrinking <= " + num(m.shrink_time_s, "%g") + " s per finding\n\n";
  t += text_matrix(m) + legend + text_implementations(m) + text_findings(m) + text_ambiguities(m) +
       text_baseline(m.baseline);
  t += "\nresult: " +
       std::string(m.exit_status == 0
                       ? "OK: every finding is a known one (exit 0)"
                       : "ATTENTION: new findings or known ones not reproduced (exit 1)") +
       ", " + num(m.seconds) + " s\n";
  return t;
}

}  // namespace tconv::verify
