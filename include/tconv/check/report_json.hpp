#pragma once
// A check report as JSON (the schema of `tconv check --json`). The only checker header that
// includes nlohmann/json.
#include <nlohmann/json.hpp>
#include <vector>

#include "tconv/check/report.hpp"

namespace tconv::check {

namespace detail {
// the findings as an array of {index, got, exact, exact_hex, error, bound, reason}
inline nlohmann::json findings_json(const std::vector<finding>& v) {
  nlohmann::json a = nlohmann::json::array();
  for (const auto& f : v)
    a.push_back({{"index", f.index},
                 {"got", f.got},
                 {"exact", f.exact_decimal},
                 {"exact_hex", f.exact_hex},
                 {"error", f.error},
                 {"bound", f.bound},
                 {"reason", f.reason}});
  return a;
}
}  // namespace detail

/// The report as JSON: verdict, mode, precision, the counts, the worst elements, the findings,
/// "message" when there is one, and "flush_subnormals": true under the flush-to-zero policy.
[[nodiscard]] inline nlohmann::json to_json(const report& r) {
  nlohmann::json j = {{"verdict", r.verdict()},
                      {"mode", r.mode},
                      {"precision", r.precision_name},
                      {"elements_checked", r.elements_checked},
                      {"violations", r.violations},
                      {"warnings", r.warnings},
                      {"probabilistic_lambda", r.lambda},
                      {"exact_fallbacks", r.exact_fallbacks},
                      {"unbounded_elements", r.unbounded},
                      {"overflowed_elements", r.overflowed},
                      {"max_error_to_bound", r.max_error_to_bound},
                      {"max_error_to_bound_index", r.max_ratio_index},
                      {"max_error_ulps", r.max_ulps},
                      {"max_error_ulps_index", r.max_ulps_index},
                      {"first_violations", detail::findings_json(r.first_violations)},
                      {"first_warnings", detail::findings_json(r.first_warnings)}};
  if (!r.message.empty()) j["message"] = r.message;
  if (r.flush_subnormals) j["flush_subnormals"] = true;
  return j;
}

}  // namespace tconv::check
