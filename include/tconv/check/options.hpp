#pragma once
// The options of check_output.
#include <optional>

#include "tconv/check/float_format.hpp"

namespace tconv::check {

/// Options of check_output.
struct options {
  double rtol = -1,
         atol = -1;     // >= 0 for either: tolerance mode |got - exact| <= atol + rtol |exact|
  int max_listed = 10;  // violations and warnings listed in full
  double lambda = 6;    // probabilistic tier: lambda * sqrt(n+1) * u
  int threads = 0;      // 0: up to 2
  std::optional<float_format> y_storage;  // format y was stored in (default: float32 / float64)
  bool exact_everywhere =
      false;  // judge every element with exact arithmetic (slow; tests the fast path)
  bool flush_subnormals = false;  // the precision policy allows flush-to-zero (bound.hpp)

  /// True in tolerance mode (rtol or atol given): |got - exact| <= atol + rtol |exact|.
  [[nodiscard]] bool tolerance() const { return rtol >= 0 || atol >= 0; }
};

}  // namespace tconv::check
