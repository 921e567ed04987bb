#pragma once
// Test-side exact arithmetic: doubles as cpp_rational, and the correct-rounding criterion checked
// directly (the result is a nearest neighbour of the exact value, ties to even), so that no
// rounding code under test is trusted.
#include <boost/multiprecision/cpp_int.hpp>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>

namespace test {

using boost::multiprecision::cpp_int;
using boost::multiprecision::cpp_rational;

inline cpp_rational exact(double v) {
  int e;
  const double f = std::frexp(v, &e);  // v = f 2^e, |f| in [0.5, 1)
  const auto m = static_cast<std::int64_t>(std::ldexp(f, 53));
  cpp_rational r = cpp_rational(m);
  const int s = e - 53;
  if (s >= 0)
    r *= cpp_rational(cpp_int(1) << s);
  else
    r /= cpp_rational(cpp_int(1) << -s);
  return r;
}

// true when r is the round-to-nearest-even value of t among doubles (float_ when as_float)
inline bool is_correct_rounding(const cpp_rational& t, double r, bool as_float) {
  const double inf = std::numeric_limits<double>::infinity();
  auto up = [&](double v) {
    return as_float
               ? static_cast<double>(std::nextafter(static_cast<float>(v), static_cast<float>(inf)))
               : std::nextafter(v, inf);
  };
  auto down = [&](double v) {
    return as_float ? static_cast<double>(
                          std::nextafter(static_cast<float>(v), -static_cast<float>(inf)))
                    : std::nextafter(v, -inf);
  };
  const double maxv = as_float ? static_cast<double>(std::numeric_limits<float>::max())
                               : std::numeric_limits<double>::max();
  // overflow threshold: max + half an ulp of max
  const cpp_rational half_ulp = (exact(maxv) - exact(down(maxv))) / 2;
  if (std::isinf(r)) return r > 0 ? t >= exact(maxv) + half_ulp : t <= -(exact(maxv) + half_ulp);
  const cpp_rational er = exact(r), d = abs(t - er);
  for (double n : {up(r), down(r)}) {
    if (std::isinf(n)) continue;
    const cpp_rational dn = abs(t - exact(n));
    if (dn < d) return false;
    if (dn == d) {  // tie: r must have the even significand
      const bool r_even = as_float ? (std::bit_cast<std::uint32_t>(static_cast<float>(r)) & 1u) == 0
                                   : (std::bit_cast<std::uint64_t>(r) & 1u) == 0;
      if (!r_even) return false;
    }
  }
  return true;
}

// a random float over a wide exponent range (subnormal to huge), sometimes a small integer
inline float wide_float(std::mt19937_64& g, int emin = -149, int emax = 100) {
  std::uniform_int_distribution<int> kind(0, 9), ex(emin, emax);
  std::uniform_int_distribution<std::uint32_t> mant(0, (1u << 24) - 1);
  const int k = kind(g);
  if (k == 0) return static_cast<float>(static_cast<int>(mant(g) % 17) - 8);
  float v = std::ldexp(static_cast<float>(mant(g)), ex(g) - 23);
  if (k == 1) v = std::ldexp(static_cast<float>(mant(g) % 1024), -149);  // subnormal
  return (mant(g) & 1u) ? -v : v;
}

}  // namespace test
