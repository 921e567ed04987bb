// The superaccumulator against cpp_rational: sums of doubles and of products, over the whole
// range (subnormal to huge), with cancellation; correct rounding to binary64 and binary32 judged
// by the nearest-neighbour criterion; hex() parsed back exactly.
#include "tconv/check/superacc.hpp"

#include <catch2/catch.hpp>
#include <string>

#include "rational.hpp"

using tconv::check::superacc;
using namespace test;

namespace {

double wide_double(std::mt19937_64& g) {
  std::uniform_int_distribution<int> kind(0, 9), ex(-1074, 1000);
  std::uniform_int_distribution<std::uint64_t> mant(0, (std::uint64_t{1} << 53) - 1);
  const int k = kind(g);
  double v = std::ldexp(static_cast<double>(mant(g)), ex(g) - 52);
  if (k == 0) v = std::ldexp(static_cast<double>(mant(g) % 4096), -1074);
  if (k == 1) v = static_cast<double>(static_cast<int>(mant(g) % 9) - 4);
  if (k == 2) v = std::ldexp(static_cast<double>(mant(g)), 900 + static_cast<int>(mant(g) % 70));
  return (mant(g) & 1u) ? -v : v;
}

cpp_rational parse_hex(const std::string& s) {
  // [-]0x1.hhhp[+-]E or 0x0p+0
  std::size_t i = 0;
  const bool neg = s[0] == '-';
  if (neg) i = 1;
  i += 2;  // 0x
  cpp_int m = s[i] - '0';
  ++i;
  int frac_bits = 0;
  if (s[i] == '.') {
    ++i;
    while (s[i] != 'p') {
      const char c = s[i++];
      const int v = c <= '9' ? c - '0' : c - 'a' + 10;
      m = m * 16 + v;
      frac_bits += 4;
    }
  }
  const int e = std::stoi(s.substr(i + 1)) - frac_bits;
  cpp_rational r = cpp_rational(m);
  if (e >= 0)
    r *= cpp_rational(cpp_int(1) << e);
  else
    r /= cpp_rational(cpp_int(1) << -e);
  return neg ? -r : r;
}

}  // namespace

TEST_CASE("superacc sums products exactly and rounds correctly", "[superacc]") {
  std::mt19937_64 g(12345);
  for (int trial = 0; trial < 400; ++trial) {
    superacc acc;
    cpp_rational t = 0;
    const int n = 1 + static_cast<int>(g() % 12);
    for (int i = 0; i < n; ++i) {
      double a = wide_double(g), b = wide_double(g);
      if (trial % 3 == 0) a = wide_float(g), b = wide_float(g);
      // keep the product finite in double: it is exact in the accumulator either way
      acc.add_product(a, b);
      t += exact(a) * exact(b);
      if (g() % 4 ==
          0) {  // cancellation: the same product with the opposite sign, plus a tiny rest
        acc.add_product(-a, b);
        t -= exact(a) * exact(b);
        const double tiny = std::ldexp(1.0, -1074 + static_cast<int>(g() % 60));
        acc.add(tiny);
        t += exact(tiny);
      }
    }
    if (trial % 5 == 0) {
      const double c = wide_double(g);
      acc.add(c);
      t += exact(c);
    }
    const int sign = t > 0 ? 1 : (t < 0 ? -1 : 0);
    CHECK(acc.sign() == sign);
    const double r64 = acc.round_to(tconv::check::binary64);
    CHECK(is_correct_rounding(t, r64, false));
    const double r32 = acc.round_to(tconv::check::binary32);
    CHECK(is_correct_rounding(t, r32, true));
    CHECK(parse_hex(acc.hex()) == t);
  }
}

TEST_CASE("superacc: halfway cases round to even, subnormals and overflow", "[superacc]") {
  superacc acc;
  acc.add(1.0);
  acc.add(0x1p-24);  // exactly halfway between 1 and 1 + 2^-23: even is 1
  CHECK(acc.round_to(tconv::check::binary32) == 1.0);
  acc.add(0x1p-200);  // just above halfway
  CHECK(acc.round_to(tconv::check::binary32) == 1.0 + 0x1p-23);
  acc.clear();
  acc.add_product(0x1p-100, 0x1p-60);  // 2^-160: below half the smallest float subnormal -> 0
  CHECK(acc.round_to(tconv::check::binary32) == 0.0);
  acc.add_product(0x1p-100, 0x1p-50);  // + 2^-150 (exactly half of 2^-149), plus 2^-160 -> 2^-149
  CHECK(acc.round_to(tconv::check::binary32) == 0x1p-149);
  acc.clear();
  acc.add_product(0x1p100, 0x1p100);  // 2^200 overflows binary32
  CHECK(std::isinf(acc.round_to(tconv::check::binary32)));
  CHECK(acc.round_to(tconv::check::binary64) == 0x1p200);
  acc.clear();
  acc.add(std::numeric_limits<double>::infinity());
  acc.add(1.0);
  CHECK(acc.non_finite());
  CHECK(acc.round_to(tconv::check::binary64) == std::numeric_limits<double>::infinity());
  acc.add(-std::numeric_limits<double>::infinity());
  CHECK(std::isnan(acc.round_to(tconv::check::binary64)));
}

TEST_CASE("superacc decimal text is exact", "[superacc]") {
  superacc acc;
  acc.add(0.1);  // 0x1.999999999999ap-4
  CHECK(acc.decimal(60) == "1.000000000000000055511151231257827021181583404541015625e-1");
  acc.clear();
  acc.add(-3.0);
  CHECK(acc.decimal() == "-3e+0");
  CHECK(acc.hex() == "-0x1.8p+1");
}
