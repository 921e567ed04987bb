#pragma once
// The report writers: a campaign_result as text (stdout), JSON (--json, and verify's input) and
// JUnit XML (--junit). The only place where a campaign's results become text.
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>

#include "harness/campaign.hpp"
#include "harness/results.hpp"

namespace tconv::harness {

/// "FOUND crash in case 12 (seed 1), shrunk in ...": the counterexample, its problem, values
/// (when at most 64), message, replay command and where it was saved.
void print_counterexample(const campaign_result& r, const counterexample& cx, std::ostream& out);

/// The text report: every counterexample, the coverage table, the rate and the result line.
void print_report(const campaign_result& r, std::ostream& out);

/// The --json report: {"tool": "tconv explore", "executed", "coverage", "findings", ...}.
[[nodiscard]] nlohmann::json to_json(const campaign_result& r);

/// The --junit report: corpus entries, the campaign, one test case per coverage region.
[[nodiscard]] std::string to_junit(const campaign_result& r);

/// Writes o.json and o.junit from r; both are attempted, a failure is printed to
/// err as "tconv explore: WHAT". Throws usage_error with the first failure (or r.save_error).
void write_reports(const options& o, const campaign_result& r, std::ostream& err);

}  // namespace tconv::harness
