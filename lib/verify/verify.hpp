#pragma once
// `tconv verify`: the main job. A fixed-seed campaign per (implementation, region) cell on every
// available implementation, the verification matrix, JSON and HTML reports, and a baseline of
// known findings that decides the exit status.
#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

namespace tconv::verify {

/// An implementation named on the command line: --impl NAME=PATH or --cmd NAME=COMMAND.
struct impl_request {
  std::string name, target;
  bool command = false;
};

/// Everything `tconv verify` takes on its command line.
struct options {
  std::vector<impl_request> impls;     // given ones replace the discovered adapters...
  bool with_defaults = false;          // ...unless --with-defaults
  std::vector<std::string> only;       // --only NAME,...: run these implementations only
  std::vector<std::string> regions;    // --regions r,...: these matrix rows only (default all)
  std::uint64_t seed = 1;              // --seed
  std::uint64_t cases_per_cell = 400;  // --cases-per-cell: plugins (in-process speed)
  std::uint64_t cmd_cases_per_cell =
      80;                       // --cmd-cases-per-cell: commands (a process round trip per case)
  double timeout_s = 10.0;      // --timeout: per case
  double shrink_time_s = 10.0;  // --shrink-time: per finding
  std::string out_dir = "tconv-report";  // --out-dir: reports and counterexample cases
  std::string json, html;                // --json / --html (default OUT_DIR/verify.json, .html)
  std::string baseline;     // --baseline FILE | none (default: docs/known-findings.json)
  std::string adapter_dir;  // --adapter-dir: where libtconv_<name>.so are looked for first
  std::string python = "/usr/bin/python3";  // --python: runs the PyTorch Python adapter
};

/// Runs the campaign; returns the exit status: 0 every finding is known to the baseline, 1 a new
/// finding or a known one that no longer reproduces. Throws usage_error for a usage or input
/// error (exit status 2, printed by tools/tconv/main.cpp as "tconv verify: WHAT").
[[nodiscard]] int run_verify(const options& o, std::ostream& out, std::ostream& err);

}  // namespace tconv::verify
