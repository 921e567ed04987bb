#pragma once
// `tconv explore`: a property campaign against an implementation under test. Replays the corpus,
// runs the generated cases of this shard, shrinks each distinct finding (signature.hpp) to a
// minimal counterexample, saves it, and returns what it found as a campaign_result;
// campaign_report.hpp writes the text, JSON and JUnit reports from it, with a coverage summary per
// region.
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <optional>
#include <string>

#include "harness/implementation.hpp"
#include "harness/results.hpp"
#include "harness/signature.hpp"
#include "harness/values.hpp"

namespace tconv::gen {
struct problem_space;  // harness/generate.hpp
}

namespace tconv::harness {

/// Everything `tconv explore` takes on its command line.
struct options {
  std::string impl;                                // --impl LIB.so
  std::string command;                             // --cmd "COMMAND ARGS"
  std::uint64_t cases = 1000;                      // --cases: the whole campaign, over all shards
  std::uint64_t seed = 1;                          // --seed
  std::int64_t max_rank = 3;                       // --max-rank
  check::precision prec = check::precision::fp32;  // --precision (fp64 refused)
  std::string corpus;                              // --corpus DIR
  std::string replay;                              // --replay CASE
  std::string json;                                // --json FILE
  std::string junit;                               // --junit FILE
  std::string shard;            // --shard I/N (0-based I); else TEST_SHARD_INDEX/TEST_TOTAL_SHARDS
  double timeout_s = 10.0;      // --timeout: per case
  double startup_s = 60.0;      // --startup-timeout: extra for a --cmd's first case
  double shrink_time_s = 60.0;  // --shrink-time: budget for shrinking one finding
  bool json_cases = false;      // --json-cases: list every case (index, fingerprint) in the JSON

  // For callers that run many campaigns (tconv verify), not flags:
  // only problems satisfying `keep` are drawn (case i is the i-th kept draw) and shrinking stays
  // among them; `keep_name` names that subset in the report. At most max_draws_per_case draws are
  // made per case: a subset too rare to fill the budget ends the campaign early (reported).
  std::function<bool(const problem&)> keep;
  std::string keep_name;
  std::uint64_t max_draws_per_case = 2000;
  // adjusts the generator's bounds before drawing (e.g. no groups, no bias)
  std::function<void(gen::problem_space&)> tune_space;
  // runs against this implementation instead of loading --impl / starting --cmd (kept alive)
  implementation* use_impl = nullptr;
  bool replay_corpus = true;  // false: the corpus directory only receives findings
  // names the known finding a failure belongs to ("" = unknown). When set, a failure of a known
  // finding does not end the campaign: its first occurrence is shrunk (among failures of the same
  // finding) and reported, later ones are only counted ("known_hits" in the JSON report); the first
  // unknown failure is shrunk (among unknown failures) and ends the campaign as usual.
  // y holds the output when the implementation answered (empty otherwise).
  std::function<std::string(const explore_case& c, finding_kind kind, const std::vector<float>& y)>
      classify;
  // --max-channels / --max-extent: channels per group and input extent per axis at most (the
  // defaults are gen::explore_space()'s: block values up to 64 + 1 and 32 + 1; 2 and 8 draw
  // exactly the uniform space of before); validated 1..1024 and 1..4096 by run_campaign
  std::int64_t max_channels = 65;
  std::int64_t max_extent = 33;
  // the --cmd's declared domain (domain.hpp), set by apply_domain: counted in the report
  const declared_domain* domain = nullptr;
  // with declared conventions: the form kinds a case may be posed in (empty: every declared one);
  // verify's rows draw the plain kinds, its conventions row the others
  std::function<bool(form_kind)> form_kinds;

  // Many findings (signature.hpp): after an unknown finding is shrunk and saved the campaign goes
  // on; a later failure covered by the signature of a finding (or of known_signatures) is counted
  // as its hit, any other is shrunk outside every signature and reported as a new finding. The
  // campaign stops after max_findings new findings.
  std::int64_t max_findings = 5;  // --max-findings (>= 1)
  std::string known;              // --known FILE (a baseline) or DIR (a corpus): counted only
  std::vector<known_signature> known_signatures;  // covered failures count as hits of their id
  bool flush_subnormals = false;  // --ftz: judge under the flush-to-zero policy (check/bound.hpp)
};

/// The plugin file `given` as an absolute path, checked to be a regular file, so that the file
/// checked is the file loaded (a bare "libp.so" would otherwise be looked up on the library
/// search path); throws usage_error starting with `what` ("--impl libp.so").
[[nodiscard]] std::string plugin_path(const std::string& given, const std::string& what);

/// "tconv explore --impl PATH --replay DIR [--precision P]": the command that replays a stored
/// case.
[[nodiscard]] std::string explore_replay_command(const implementation& impl, check::precision prec,
                                                 const std::filesystem::path& dir);

/// Runs the campaign of o (o.replay ignored) against its implementation: replays the corpus,
/// runs this shard's generated cases, shrinks and saves each counterexample, and prints the text
/// report to out (progress on err's terminal). Throws usage_error for bad options, files or
/// plugins. The JSON and JUnit reports are written from the result (campaign_report.hpp).
[[nodiscard]] campaign_result run_campaign(const options& o, std::ostream& out, std::ostream& err);

/// `tconv explore`: the campaign (or the replay of o.replay) and its reports; returns the exit
/// status, 0 no counterexample, 1 counterexample. Throws usage_error (status 2, main.cpp).
[[nodiscard]] int run_explore(const options& o, std::ostream& out, std::ostream& err);

}  // namespace tconv::harness
