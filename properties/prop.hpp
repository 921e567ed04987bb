#pragma once
// tconv::prop: rc::prop for Catch2 that (1) gives RapidCheck a test id, so that a failure
// prints the RC_PARAMS="reproduce=..." string that replays exactly that counterexample,
// (2) runs the suite's case budget, (3) prints each region's share of the cases and fails
// when a required region was never hit.
//
// Budget, in increasing priority: TCONV_PROPERTY_CASES at compile time (1000; 100000 with
// -DTCONV_DEEP=ON), the TCONV_PROPERTY_CASES environment variable, max_success in RC_PARAMS.
#include <rapidcheck.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdint>
#include <cstdlib>
#include <iomanip>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <unordered_map>
#include <vector>

#include "generators.hpp"

#ifndef TCONV_PROPERTY_CASES
#define TCONV_PROPERTY_CASES 1000
#endif

namespace rc::detail {
// Defined in librapidcheck (src/detail/StringSerialization.cpp) but not in its installed
// headers: the encoding RC_PARAMS="reproduce=..." expects.
std::string reproduceMapToString(const std::unordered_map<std::string, Reproduce>& reproduceMap);
}  // namespace rc::detail

namespace tconv {

/// Coverage is only enforced from this many cases on (a user's RC_PARAMS=max_success=10 run
/// cannot be expected to hit every region).
inline constexpr int coverage_min_cases = 500;

/// The parameters a law runs with: RapidCheck's configuration (seed, max_size, ...) with the
/// suite's case budget unless RC_PARAMS sets max_success itself.
[[nodiscard]] inline rc::detail::TestParams property_params() {
  auto params = rc::detail::configuration().testParams;
  const char* user = std::getenv("RC_PARAMS");
  if (user == nullptr || std::string(user).find("max_success") == std::string::npos) {
    params.maxSuccess = TCONV_PROPERTY_CASES;
    if (const char* env = std::getenv("TCONV_PROPERTY_CASES"); env != nullptr && *env != 0) {
      char* end = nullptr;
      const long v = std::strtol(env, &end, 10);
      if (*end != 0 || v < 1 || v > 100000000) {
        std::cerr << "TCONV_PROPERTY_CASES = " << env << ": must be an integer in [1, 1e8]\n";
        std::exit(2);
      }
      params.maxSuccess = static_cast<int>(v);
    }
  }
  return params;
}

/// The RC_PARAMS value that replays `failure` of the property with this id.
[[nodiscard]] inline std::string reproduce_string(const std::string& id,
                                                  const rc::detail::FailureResult& failure) {
  return "reproduce=" + rc::detail::reproduceMapToString({{id, failure.reproduce}});
}

/// Share of the successful cases carrying each tag (tag sets are split into single tags).
[[nodiscard]] inline std::map<std::string, int> tag_counts(const rc::detail::SuccessResult& r) {
  std::map<std::string, int> counts;
  for (const auto& [tags, n] : r.distribution)
    for (const auto& t : tags) {
      // RC_TAG stringifies with rc::show, which quotes strings
      const bool quoted = t.size() >= 2 && t.front() == '"' && t.back() == '"';
      counts[quoted ? t.substr(1, t.size() - 2) : t] += n;
    }
  return counts;
}

/// The tags of `required` that no successful case carried.
[[nodiscard]] inline std::vector<std::string> missing_tags(
    const rc::detail::SuccessResult& r, const std::vector<std::string>& required) {
  const auto counts = tag_counts(r);
  std::vector<std::string> missing;
  for (const auto& t : required)
    if (counts.find(t) == counts.end()) missing.push_back(t);
  return missing;
}

/// A listener that prints nothing (for properties that are meant to fail: the teeth test).
struct quiet_listener : rc::detail::TestListener {
  void onTestCaseFinished(const rc::detail::CaseDescription&) override {}
  void onShrinkTried(const rc::detail::CaseDescription&, bool) override {}
  void onTestFinished(const rc::detail::TestMetadata&, const rc::detail::TestResult&) override {}
};

/// Runs `testable` with exactly these parameters, silently and ignoring any RC_PARAMS
/// reproduce= map (so the result does not depend on the user's environment).
template <class Testable>
[[nodiscard]] rc::detail::TestResult check_quietly(Testable&& testable,
                                                   const rc::detail::TestParams& params,
                                                   const std::string& id = "quiet") {
  quiet_listener listener;
  return rc::detail::checkProperty(rc::detail::toProperty(std::forward<Testable>(testable)),
                                   rc::detail::TestMetadata{id, id}, params, listener,
                                   std::unordered_map<std::string, rc::detail::Reproduce>{});
}

/// Checks `testable` as a Catch2 assertion under the id "<test case>/<description>"; on
/// failure reports the shrunk counterexample and the RC_PARAMS reproduce string; on success
/// prints the tag shares and requires every tag in `required` to have been hit.
template <class Testable>
void prop(const std::string& description, Testable&& testable,
          const std::vector<std::string>& required = gen::law_tags()) {
  const std::string id = Catch::getResultCapture().getCurrentTestName() + "/" + description;
  const auto params = property_params();
  const auto result = rc::detail::checkTestable(std::forward<Testable>(testable),
                                                rc::detail::TestMetadata{id, description}, params);
  std::ostringstream msg;
  rc::detail::SuccessResult success;
  rc::detail::FailureResult failure;
  if (result.match(success)) {
    if (success.numSuccess == 0) {
      // RC_PARAMS=reproduce=... names other properties: this one is skipped
      std::cout << "- " << description << ": skipped (not named by reproduce=)\n";
      SUCCEED();
      return;
    }
    const auto counts = tag_counts(success);
    std::cout << "- " << description << ": OK, " << success.numSuccess
              << " cases, seed=" << params.seed << ", max_size=" << params.maxSize << "\n";
    for (const auto& [tag, n] : counts)
      std::cout << "    " << std::setw(24) << std::left << tag << std::right << std::setw(6)
                << std::fixed << std::setprecision(1) << 100.0 * n / success.numSuccess << "%\n";
    const auto missing = missing_tags(success, required);
    if (!missing.empty() && success.numSuccess >= coverage_min_cases) {
      for (const auto& t : missing) msg << t << ' ';
      INFO("regions never hit in " << success.numSuccess << " cases: " << msg.str());
      FAIL("coverage: a required region got 0% of the cases");
    }
    SUCCEED();
    return;
  }
  rc::detail::printResultMessage(result, msg);
  if (result.match(failure)) {
    // also printed unwrapped: Catch wraps long message lines, which breaks copy and paste
    std::cout << "- " << description << ": FALSIFIED. Replay with:\n  RC_PARAMS=\""
              << reproduce_string(id, failure) << "\"\n";
    msg << "\n\nReplay this counterexample with:\n  RC_PARAMS=\"" << reproduce_string(id, failure)
        << "\"\n(run seed was " << params.seed << ")";
  }
  INFO(description << "\n" << msg.str() << "\n");
  FAIL("property falsified: " << description);
}

}  // namespace tconv
