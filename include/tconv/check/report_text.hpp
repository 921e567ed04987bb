#pragma once
// A check report as the text `tconv check` prints.
#include <cstdio>
#include <string>
#include <vector>

#include "tconv/check/report.hpp"

namespace tconv::check {

namespace detail {

// "y[n,c,o...]"
inline std::string element_text(const std::vector<std::int64_t>& v) {
  std::string s = "y[";
  for (std::size_t i = 0; i < v.size(); ++i) s += (i ? "," : "") + std::to_string(v[i]);
  return s + "]";
}
// v with `format` ("%.9g", "%a")
inline std::string number_text(double v, const char* format) {
  char b[64];
  std::snprintf(b, sizeof b, format, v);
  return std::string(b);
}
// " at y[...]", or nothing for an empty index
inline std::string at_text(const std::vector<std::int64_t>& v) {
  return v.empty() ? "" : " at " + element_text(v);
}
// `title` and one line per finding; nothing when there is none
inline std::string findings_text(const char* title, const std::vector<finding>& v) {
  if (v.empty()) return "";
  std::string t = title;
  for (const auto& f : v)
    t += "  " + element_text(f.index) + ": got " + number_text(f.got, "%.9g") + " (" +
         number_text(f.got, "%a") + "), exact " + f.exact_decimal + " (" + f.exact_hex +
         "), error " + number_text(f.error, "%.9g") + ", bound " + number_text(f.bound, "%.9g") +
         (f.reason.empty() ? "" : " [" + f.reason + "]") + "\n";
  return t;
}

// the lines above the listed findings: verdict, mode, counts, the worst elements
inline std::string summary_text(const report& r) {
  auto num = [](double v) { return number_text(v, "%.9g"); };
  std::string t = std::string("verdict: ") + (r.ok ? "VERIFIED" : "VIOLATED") + "\n";
  if (!r.message.empty()) t += "message: " + r.message + "\n";
  if (r.mode == "tolerance")
    t += "mode: tolerance (|got - exact| <= atol + rtol*|exact|; NOT a rigorous bound)\n";
  else
    t += "mode: rigorous bound, precision " + r.precision_name +
         (r.flush_subnormals ? " (subnormals may flush to zero)" : "") + "\n";
  t += "elements checked: " + std::to_string(r.elements_checked) + "\n";
  t += "violations: " + std::to_string(r.violations) + "\n";
  if (r.mode != "tolerance")
    t += "warnings (beyond the probabilistic level lambda*sqrt(n+1)*u, lambda=" + num(r.lambda) +
         ", within the bound): " + std::to_string(r.warnings) + "\n";
  t += "largest error / bound: " + num(r.max_error_to_bound) + at_text(r.max_ratio_index) + "\n";
  t += "largest error in ulps: " + num(r.max_ulps) + at_text(r.max_ulps_index) + "\n";
  t += "elements decided with exact arithmetic: " + std::to_string(r.exact_fallbacks) + "\n";
  if (r.unbounded)
    t += "elements with n*u >= 1 (infinite bound): " + std::to_string(r.unbounded) + "\n";
  if (r.overflowed)
    t += "elements whose exact value overflows the output format (the infinity there is its "
         "correct rounding): " +
         std::to_string(r.overflowed) + "\n";
  return t;
}

}  // namespace detail

/// The report as text: the verdict, the mode, the counts, the worst elements, then the first
/// violations and warnings, one line each.
[[nodiscard]] inline std::string to_text(const report& r) {
  return detail::summary_text(r) +
         detail::findings_text("first violations:\n", r.first_violations) +
         detail::findings_text("first warnings:\n", r.first_warnings);
}

}  // namespace tconv::check
