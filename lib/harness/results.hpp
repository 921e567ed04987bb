#pragma once
// The harness's typed spine: problem -> case -> outcome -> check report -> counterexample ->
// campaign result. The campaign fills these in memory; JSON and JUnit are written from them only
// by the report writers (campaign_report.hpp), and verify consumes them directly.
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "harness/convention.hpp"
#include "tconv/check/precision.hpp"
#include "tconv/check/report.hpp"
#include "tconv/problem.hpp"
#include "tconv/region.hpp"

namespace tconv::harness {

/// One case: a valid conv_transpose problem and its float32 data (b is empty without bias); with a
/// form (a --cmd that declares conventions) p is posed as `form` (convention.hpp), and form_salt
/// is the salt it was posed with (shrinking re-poses every candidate with the same kind and salt).
struct explore_case {
  problem p;
  std::vector<float> x, w, b;
  std::optional<convention_form> form{};
  std::uint64_t form_salt = 0;
};

/// What went wrong in a case (a finding), in the order reports list them.
enum class finding_kind {
  wrong_result,         // the checker's bound is violated (NaN sentinel left, wrong value)
  crash,                // killed by a signal or exited during the call
  timeout,              // did not answer within the per-case timeout
  out_of_bounds_write,  // a guard region around a buffer was overwritten
  input_modified,       // x, w or b changed although they are const
  nonzero_return,       // tconv_conv_transpose_f32 returned non-zero
  error,                // the command answered `error: ...`, or broke the protocol
  wrong_shape,          // y.npy's shape is no reading's output of the case's convention form
};

/// Stable lower-case name ("wrong_result", "crash", ...), used in reports and corpus names.
[[nodiscard]] constexpr const char* name(finding_kind k) {
  switch (k) {
    case finding_kind::wrong_result:
      return "wrong_result";
    case finding_kind::crash:
      return "crash";
    case finding_kind::timeout:
      return "timeout";
    case finding_kind::out_of_bounds_write:
      return "out_of_bounds_write";
    case finding_kind::input_modified:
      return "input_modified";
    case finding_kind::nonzero_return:
      return "nonzero_return";
    case finding_kind::error:
      return "error";
    case finding_kind::wrong_shape:
      return "wrong_shape";
  }
  return "?";
}

/// What the judge saw in a wrong_result: a wrong value, an element never written (the sentinel),
/// a NaN where the exact value is finite, or a value that depends on the guard bytes around x or
/// w (the implementation read outside its inputs).
enum class wrong_detail { value, unwritten, nan, read_out_of_bounds };

/// The finding's kind in words, the same in every report: "wrong value", "unwritten element",
/// "NaN", "read out of bounds" (a wrong_result, by d), "write out of bounds", "modified input",
/// "crash", "hang", "error status" (a non-zero return or a command's error).
[[nodiscard]] constexpr const char* label(finding_kind k, wrong_detail d = wrong_detail::value) {
  switch (k) {
    case finding_kind::wrong_result:
      return d == wrong_detail::unwritten            ? "unwritten element"
             : d == wrong_detail::nan                ? "NaN"
             : d == wrong_detail::read_out_of_bounds ? "read out of bounds"
                                                     : "wrong value";
    case finding_kind::crash:
      return "crash";
    case finding_kind::timeout:
      return "hang";
    case finding_kind::out_of_bounds_write:
      return "write out of bounds";
    case finding_kind::input_modified:
      return "modified input";
    case finding_kind::nonzero_return:
    case finding_kind::error:
      return "error status";
    case finding_kind::wrong_shape:
      return "wrong output shape";
  }
  return "?";
}

/// A spec ambiguity met by one case (a form with more than one reading, convention.hpp): not a
/// finding; the engine followed `choice`, a reading other than tconv's, or rejected the form.
struct ambiguity {
  std::string id;                     // resolution::ambiguity, e.g. "onnx_same_output_padding"
  std::string references;             // resolution::references
  std::vector<std::string> readings;  // "NAME: PROBLEM (RULE)" or "NAME: rejects the form (RULE)"
  std::string choice;                 // the reading's name it followed, or "rejected: MESSAGE"
  explore_case c;                     // the case (its form) that showed it
  std::uint64_t hits = 1;             // cases that made the same choice
};

/// Whether two ambiguities are the same entry of a report: the same id and the same choice (every
/// rejection one choice, whatever its message says).
[[nodiscard]] inline bool same_entry(const ambiguity& a, const ambiguity& b) {
  auto choice = [](const std::string& c) {
    return c.rfind("rejected: ", 0) == 0 ? std::string("rejected") : c;
  };
  return a.id == b.id && choice(a.choice) == choice(b.choice);
}

/// One call and its verdict. An implementation's call() answers `ok` with y, `unsupported`, or
/// `failed` with a kind and message; the judge then turns a wrong y into `failed` (wrong_result)
/// with the checker's report.
struct outcome {
  enum class status { ok, unsupported, failed } state = status::ok;
  finding_kind kind = finding_kind::error;  // when failed
  std::string message;                      // when failed
  std::vector<float> y;                     // when answered: N*C_out*prod(output) values
  std::optional<check::report> report;      // when judged wrong: the checker's report
  std::vector<std::int64_t> y_shape{};      // y.npy's shape (a case with a form: any shape)
  std::optional<ambiguity> ambiguous{};     // passed, but under a reading other than tconv's

  wrong_detail detail = wrong_detail::value;  // when judged wrong: what the judge saw
  /// The finding's kind in words (label(kind, detail)).
  [[nodiscard]] const char* label() const { return harness::label(kind, detail); }
  [[nodiscard]] bool failed() const { return state == status::failed; }
  [[nodiscard]] bool unsupported() const { return state == status::unsupported; }
};

/// What shrinking a finding cost: accepted steps, candidates tried, seconds.
struct shrink_stats {
  std::uint64_t steps = 0, attempts = 0;
  double seconds = 0;
};

/// A finding, in memory: the (shrunk) case, what went wrong, and where it was stored.
struct counterexample {
  explore_case c;  // problem and values, after shrinking
  finding_kind kind = finding_kind::error;
  std::string message;                  // one line: the implementation's words or the judge's
  std::optional<check::report> report;  // wrong_result: the checker's report on c
  std::string origin;                   // "case 123" or "corpus entry NAME"
  std::int64_t case_index = -1;         // -1: found by a corpus entry
  std::string original_problem;         // the problem before shrinking ("" for corpus entries)
  shrink_stats shrink;
  std::filesystem::path saved;  // the case directory ("" when it could not be stored)
  std::string replay;           // the command that replays it
  std::string known;       // the known finding it belongs to (options::classify), "" when unknown
  std::string signature;   // its class: kind and the features of c (harness/signature.hpp)
  std::uint64_t hits = 1;  // failing cases of this finding: the one found and those it covers
  wrong_detail detail = wrong_detail::value;  // wrong_result: what the judge saw

  /// The finding's kind in words (label(kind, detail)).
  [[nodiscard]] const char* label() const { return harness::label(kind, detail); }
};

/// Shard I of N (I counts from 0): case i belongs to shard i mod N.
struct shard_spec {
  std::uint64_t index = 0, count = 1;
};

/// Cases of one region: answered (tested) or declined (unsupported).
struct region_count {
  std::uint64_t tested = 0, unsupported = 0;
};

/// One replayed corpus entry, for the JUnit report.
struct corpus_run {
  std::string name;
  std::string failure;  // the finding's message, "" when it passed or was declined
  bool unsupported = false;
  double seconds = 0;
};

/// A corpus entry that could not be read (damaged): skipped, with the reason.
struct skipped_entry {
  std::string entry, reason;
};

/// Everything a campaign found, in memory; the report writers turn it into text, JSON and JUnit.
struct campaign_result {
  // what was run
  std::string implementation;  // the flag that selects it again: --impl PATH / --cmd "..."
  std::uint64_t seed = 1, cases = 0;
  shard_spec shard;
  std::int64_t max_rank = 3;
  check::precision prec = check::precision::fp32;
  std::string problems;         // the subset drawn from (options::keep_name), or ""
  std::uint64_t max_draws = 0;  // draws allowed with a keep filter (cases * per case)
  bool json_cases = false;      // case_list was recorded

  bool flush_subnormals = false;  // judged under the flush-to-zero policy (--ftz)
  // what happened
  std::uint64_t executed = 0, unsupported = 0;      // generated cases run; of them declined
  std::map<region, region_count> coverage;          // per region; a case lies in several
  std::vector<counterexample> counterexamples;      // corpus failures first, then the campaign's
  std::vector<ambiguity> ambiguities;               // distinct (same_entry), in order met
  std::vector<corpus_run> corpus;                   // replayed corpus entries
  std::vector<skipped_entry> corpus_skipped;        // damaged corpus entries
  std::map<std::string, std::uint64_t> known_hits;  // failures per known finding
  std::vector<std::pair<std::uint64_t, std::string>> case_list;  // (index, fingerprint)
  bool exhausted = false;          // a keep filter ran out of draws before the budget
  double seconds = 0;              // the generated campaign, without the time spent shrinking
  double total_seconds = 0;        // everything, from the implementation's start
  std::string save_error;          // the first counterexample that could not be stored
  std::uint64_t max_findings = 0;  // the campaign stops after this many new findings
  bool findings_limit = false;     // it did stop there
  std::string domain;              // the implementation's declared domain as JSON, or "" (none)
  std::uint64_t domain_cases = 0, domain_inside = 0;  // cases counted with a domain; inside it

  /// 0 without an unknown counterexample, 1 with one.
  [[nodiscard]] int exit_status() const {
    for (const auto& cx : counterexamples)
      if (cx.known.empty()) return 1;
    return 0;
  }
  /// Executed cases per second of the campaign.
  [[nodiscard]] double cases_per_second() const {
    return static_cast<double>(executed) / (seconds > 1e-9 ? seconds : 1e-9);
  }
  /// Share of the counted cases inside the declared domain: domain_inside / domain_cases (0: none).
  [[nodiscard]] double domain_share() const {
    return domain_cases == 0
               ? 0.0
               : static_cast<double>(domain_inside) / static_cast<double>(domain_cases);
  }
};

}  // namespace tconv::harness
