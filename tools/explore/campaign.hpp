#pragma once
// `tconv explore`: a property campaign against an implementation under test. Replays the corpus,
// runs the generated cases of this shard, shrinks the first finding to a minimal counterexample,
// saves it, and reports (text, JSON, JUnit) with a coverage summary per region.
#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>

#include "values.hpp"

namespace tconv::explore {

/// Everything `tconv explore` takes on its command line.
struct options {
  std::string impl;                // --impl LIB.so
  std::string command;             // --cmd "COMMAND ARGS"
  std::uint64_t cases = 1000;      // --cases: the whole campaign, over all shards
  std::uint64_t seed = 1;          // --seed
  std::int64_t max_rank = 3;       // --max-rank
  precision prec = precision::fp32;  // --precision
  std::string corpus;              // --corpus DIR
  std::string replay;              // --replay CASE
  std::string json;                // --json FILE
  std::string junit;               // --junit FILE
  std::string shard;               // --shard I/N (0-based I); else TEST_SHARD_INDEX/TEST_TOTAL_SHARDS
  double timeout_s = 10.0;         // --timeout: per case
  double startup_s = 60.0;         // --startup-timeout: extra for a --cmd's first case
  double shrink_time_s = 60.0;     // --shrink-time: budget for shrinking one finding
  bool json_cases = false;         // --json-cases: list every case (index, fingerprint) in the JSON
};

/// Runs the campaign; returns the exit status (0 no counterexample, 1 finding, 2 usage error).
/// The report goes to out, messages and the progress line (on a terminal only) to err.
[[nodiscard]] int run_explore(const options& o, std::ostream& out, std::ostream& err);

}  // namespace tconv::explore
