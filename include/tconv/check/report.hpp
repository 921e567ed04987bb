#pragma once
// The outcome of a check, as plain data: counts, the worst elements, the first findings. Written
// out by to_text (report_text.hpp) and to_json (report_json.hpp).
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace tconv::check {

/// One listed element.
struct finding {
  std::vector<std::int64_t> index;  // (n, c, o...)
  std::size_t flat = 0;             // the same element's flat index in y (C order)
  double got = 0, exact = 0, error = 0, bound = 0;
  std::string exact_decimal, exact_hex, reason;
};

/// The outcome of a check.
struct report {
  bool ok = true;
  std::string mode = "rigorous";  // or "tolerance"
  std::string precision_name = "fp32";
  bool flush_subnormals = false;  // judged under the flush-to-zero policy (options)
  std::string message;  // set when the output could not be judged element by element (wrong shape)
  std::int64_t elements_checked = 0, violations = 0, warnings = 0, exact_fallbacks = 0,
               unbounded = 0;
  std::int64_t overflowed =
      0;  // exact value beyond the output format's range, y holds its rounding (an infinity)
  double max_error_to_bound = 0, max_ulps = 0, lambda = 6;
  std::vector<std::int64_t> max_ratio_index, max_ulps_index;
  std::vector<finding> first_violations, first_warnings;

  /// "verified" when ok, else "violated".
  [[nodiscard]] const char* verdict() const { return ok ? "verified" : "violated"; }
};

}  // namespace tconv::check
