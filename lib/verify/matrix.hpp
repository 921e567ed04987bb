#pragma once
// The verification matrix as a C++ type: what `tconv verify` found, cell by cell. The campaign
// fills it in memory; the text, HTML and JSON reports (report.hpp) are written from it.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "harness/implementation.hpp"
#include "tconv/region.hpp"

namespace tconv::verify {

/// One output element outside the bound, as a counterexample lists it.
struct wrong_element {
  std::int64_t flat = 0;  // row-major position in the output
  std::vector<std::int64_t> index;
  double got = 0, error = 0, bound = 0;
  std::string exact, reason;  // exact: the exact value in decimal
};

/// The counterexample run once more for the report: its verdict and, when small, the tensor.
struct rerun {
  std::string verdict;   // "reproduced", "passed on re-run (...)", "re-run failed: ..."
  bool checked = false;  // the output was judged: violations and elements are set
  std::int64_t violations = 0, elements = 0;
  bool tensor_shown = false;  // got, exact and wrong are set (outputs of at most 4096 elements)
  std::vector<float> got, exact;
  std::vector<wrong_element> wrong;
};

/// A finding of one cell: the shrunk case in memory, what the campaign said of it, the re-run.
struct finding {
  std::string id;  // "cx1", "cx2", ... in report order
  harness::finding_kind kind = harness::finding_kind::error;
  std::string origin, message, saved, replay;
  std::string known;  // the baseline finding it belongs to, "" when new
  std::int64_t case_index = -1, rank_campaign = 0;
  std::uint64_t shrink_steps = 0, shrink_attempts = 0;
  harness::explore_case c;                 // the minimal counterexample
  std::optional<rerun> again;              // wrong results only
  std::string signature;                   // its class (harness/signature.hpp)
  std::uint64_t hits = 1;                  // failing cases of its campaign that it covers
  std::string finding_class = "semantic";  // the baseline's "class" of its known finding
  std::string label;                       // the kind in words (harness::label): "wrong value"...
};

/// A spec ambiguity a cell met (not a finding): its matrix-wide id ("A1", "A2", ...) and what the
/// campaign recorded (the readings, the engine's choice, the references, the case).
struct ambiguity_entry {
  std::string id;
  harness::ambiguity a;
};

/// The name of the matrix row of convention handling (after the region rows).
inline constexpr const char* conventions_row_name = "conventions";
/// The note of a conventions cell whose implementation declares no convention forms.
inline constexpr const char* no_conventions_note = "declares no convention forms";

/// Cases of a region in a cell's campaigns.
struct region_tally {
  std::uint64_t tested = 0, unsupported = 0;
};

/// One campaign of a cell (one rank).
struct campaign_run {
  std::int64_t rank = 0;
  std::uint64_t seed = 0, cases = 0, executed = 0, unsupported = 0;
  double seconds = 0;
};

/// A cell's verdict: a finding, every case declined, all within the bound, or not run.
enum class cell_status { pass, fail, unsupported, not_available };

/// Stable lower-case name of a cell status, as the reports write it.
[[nodiscard]] constexpr const char* name(cell_status s) {
  switch (s) {
    case cell_status::pass:
      return "pass";
    case cell_status::fail:
      return "fail";
    case cell_status::unsupported:
      return "unsupported";
    case cell_status::not_available:
      return "not_available";
  }
  return "?";
}

/// One (implementation, region) cell of the matrix; a not-available cell has only the first three.
struct cell {
  std::string implementation;
  region where = region::rank1;
  cell_status status = cell_status::not_available;
  std::string definition, note;  // note: "" when none
  std::uint64_t executed = 0, tested = 0, unsupported = 0;
  double seconds = 0;
  std::vector<std::int64_t> ranks;
  std::vector<campaign_run> campaigns;
  std::map<region, region_tally> coverage;
  std::map<std::string, std::uint64_t> known_hits;
  std::vector<finding> findings;
  bool conventions_row = false;  // the conventions row's cell (`where` is then meaningless)
  std::vector<ambiguity_entry> ambiguities;
};

/// The row a cell lies in: its region's name, or "conventions".
[[nodiscard]] inline std::string row_name(const cell& c) {
  return c.conventions_row ? conventions_row_name : std::string(name(c.where));
}

/// One implementation's row: where it is, and what its cells cost, or why it was not run.
struct implementation_row {
  std::string name, kind, target;  // kind: "plugin" or "command"
  bool available = true;
  std::string reason;       // when not available
  std::string replay_flag;  // when loaded
  std::uint64_t cases = 0;
  double seconds = 0;
};

/// A finding of the matrix as the baseline sees it.
struct finding_ref {
  std::string implementation, region, id, kind, finding;  // finding: the baseline's id
};

/// The matrix judged against the baseline of known findings.
struct baseline_verdict {
  std::string file;  // "" without a baseline
  std::vector<finding_ref> fresh, known, missing;
  bool campaign_matches = false;              // the baseline was recorded with this seed and budget
  std::map<std::string, std::string> titles;  // known finding id -> title
  std::map<std::string, std::string> signatures;  // known finding id -> its signature
};

/// Everything `tconv verify` reports.
struct matrix {
  std::uint64_t seed = 1, plugin_cases = 0, command_cases = 0;  // cases per cell
  double shrink_time_s = 0, timeout_s = 0, seconds = 0;
  std::vector<region> regions;   // the rows, in canonical order
  bool conventions_row = false;  // the conventions row follows them
  std::vector<implementation_row> implementations;
  std::vector<cell> cells;
  baseline_verdict baseline;
  std::string json_path, html_path;
  int exit_status = 0;
};

/// The cell of (implementation, region), nullptr when there is none.
[[nodiscard]] inline const cell* find_cell(const matrix& m, const std::string& impl, region r) {
  for (const auto& c : m.cells)
    if (c.implementation == impl && c.where == r && !c.conventions_row) return &c;
  return nullptr;
}

/// The conventions row's cell of an implementation, nullptr when there is none.
[[nodiscard]] inline const cell* find_conventions_cell(const matrix& m, const std::string& impl) {
  for (const auto& c : m.cells)
    if (c.implementation == impl && c.conventions_row) return &c;
  return nullptr;
}

}  // namespace tconv::verify
