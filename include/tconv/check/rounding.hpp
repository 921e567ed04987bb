#pragma once
// Directed rounding for the bound's arithmetic, and the error growth factor gamma.
// Every quantity of the bound is nonnegative and computed with next_up after each operation, so
// the computed bound is at least the exact one: one rounding to nearest moves a value by at most
// half an ulp, and next_up moves it a whole ulp up.
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "tconv/check/float_format.hpp"

namespace tconv::check {

/// The next double above x (x itself when +inf or NaN).
[[nodiscard]] inline double next_up(double x) {
  if (std::isnan(x) || x == std::numeric_limits<double>::infinity()) return x;
  if (x == 0) return std::numeric_limits<double>::denorm_min();
  const auto b = std::bit_cast<std::uint64_t>(x);
  return std::bit_cast<double>(x > 0 ? b + 1 : b - 1);
}
/// The next double below x.
[[nodiscard]] inline double next_down(double x) { return -next_up(-x); }

/// gamma(m) = m u / (1 - m u), rounded upward; +inf when m u >= 1.
[[nodiscard]] inline double gamma_up(double m, double u) {
  const double mu = m * u;  // exact: u is a power of two
  if (mu >= 1) return std::numeric_limits<double>::infinity();
  return next_up(mu / next_down(1 - mu));
}

/// gamma_up(m, u) for m in [0, max_m], tabulated (computed on demand beyond 2^22).
class gamma_table {
 public:
  /// The table of gamma_up(m, u) for m in [0, max_m] (empty beyond 2^22: computed on demand).
  gamma_table(std::int64_t max_m, double u) : u_(u) {
    if (max_m <= (std::int64_t{1} << 22))
      for (std::int64_t m = 0; m <= max_m; ++m) t_.push_back(gamma_up(static_cast<double>(m), u));
  }
  /// gamma_up(m, u).
  [[nodiscard]] double operator()(std::int64_t m) const {
    return m < static_cast<std::int64_t>(t_.size()) ? t_[static_cast<std::size_t>(m)]
                                                    : gamma_up(static_cast<double>(m), u_);
  }

 private:
  double u_;
  std::vector<double> t_;
};

/// The smallest float >= v (+inf beyond the float range).
[[nodiscard]] inline float float_up(double v) {
  float f = static_cast<float>(v);
  if (static_cast<double>(f) < v) f = std::nextafter(f, std::numeric_limits<float>::infinity());
  return f;
}

/// One ulp of t in format f: 2^(max(ilogb|t|, emin) - p + 1), emin the smallest normal exponent.
[[nodiscard]] inline double ulp_of(double t, const float_format& f) {
  const double a = std::fabs(t);
  int e = f.min_exponent + f.precision - 1;  // smallest normal exponent
  if (a != 0 && std::isfinite(a)) {
    // ilogb from the exponent bits (subnormal doubles through ilogb): judged once per element
    const auto biased = static_cast<int>(std::bit_cast<std::uint64_t>(a) >> 52);
    e = std::max(biased == 0 ? std::ilogb(a) : biased - 1023, e);
  }
  const int q = e - f.precision + 1;
  if (q < -1022) return std::ldexp(1.0, q);
  return std::bit_cast<double>(static_cast<std::uint64_t>(q + 1023) << 52);
}

}  // namespace tconv::check
