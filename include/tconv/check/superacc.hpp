#pragma once
// An exact accumulator for sums of doubles and of products of two doubles: a fixed-point integer
// with its lowest bit at 2^-2176, held as 140 signed 64-bit digits of radix 2^32 (carry-save).
// Every double is m * 2^e with m < 2^53 and e >= -1074, so every product of two doubles is an
// integer (< 2^106) times 2^e with e >= -2148 and below 2^2048: it lands on whole bits of the
// accumulator, and 2^62 such terms still fit (the top is 2^(32*140 - 2176) = 2^2304).
// Nothing is ever rounded; round_to() rounds the exact sum once, to nearest, ties to even.
#include <array>
#include <bit>
#include <boost/multiprecision/cpp_int.hpp>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>

#include "tconv/check/float_format.hpp"

namespace tconv::check {

__extension__ using uint128 =
    unsigned __int128;  // GCC/Clang builtin: __extension__ keeps -Wpedantic quiet

class superacc {
 public:
  static constexpr int min_exp = -2176;  // weight of the lowest bit
  static constexpr int digits = 140;

  /// Adds +-m * 2^e exactly (m < 2^64, e >= -2176).
  void add_scaled(std::uint64_t m, int e, bool negative) {
    if (m == 0) return;
    const int sh = e - min_exp;
    const int i = sh >> 5, r = sh & 31;
    const uint128 v = static_cast<uint128>(m) << r;
    const auto c0 = static_cast<std::int64_t>(static_cast<std::uint64_t>(v) & 0xffffffffu);
    const auto c1 = static_cast<std::int64_t>(static_cast<std::uint64_t>(v >> 32) & 0xffffffffu);
    const auto c2 = static_cast<std::int64_t>(static_cast<std::uint64_t>(v >> 64));
    if (negative) {
      d_[i] -= c0, d_[i + 1] -= c1, d_[i + 2] -= c2;
    } else {
      d_[i] += c0, d_[i + 1] += c1, d_[i + 2] += c2;
    }
    if (i < lo_) lo_ = i;
    if (i + 2 > hi_) hi_ = i + 2;
    // each digit moves by < 2^32 per call: 2^30 calls keep it far inside int64
    if (++pending_ == (1 << 30)) normalize();
  }

  /// Adds v exactly. Non-finite v is recorded (see non_finite()).
  void add(double v) {
    if (!std::isfinite(v)) return note_non_finite(v);
    std::uint64_t m;
    int e;
    bool neg;
    split(v, m, e, neg);
    add_scaled(m, e, neg);
  }

  /// Adds a * b exactly.
  void add_product(double a, double b) {
    if (!std::isfinite(a) || !std::isfinite(b)) return note_non_finite(a * b);
    std::uint64_t ma, mb;
    int ea, eb;
    bool na, nb;
    split(a, ma, ea, na);
    split(b, mb, eb, nb);
    const uint128 p = static_cast<uint128>(ma) * mb;
    add_scaled(static_cast<std::uint64_t>(p), ea + eb, na != nb);
    add_scaled(static_cast<std::uint64_t>(p >> 64), ea + eb + 64, na != nb);
  }

  /// True when a NaN or infinity was added; the IEEE result of such a sum is non_finite_value().
  [[nodiscard]] bool non_finite() const { return nan_ || pinf_ || ninf_; }
  /// NaN when a NaN or both infinities were added, else the infinity that was.
  [[nodiscard]] double non_finite_value() const {
    if (nan_ || (pinf_ && ninf_)) return std::numeric_limits<double>::quiet_NaN();
    return pinf_ ? std::numeric_limits<double>::infinity()
                 : -std::numeric_limits<double>::infinity();
  }

  /// -1, 0 or +1: the sign of the exact sum.
  [[nodiscard]] int sign() {
    normalize();
    if (d_[digits - 1] < 0) return -1;
    for (int j = hi_; j >= lo_ && j >= 0; --j)
      if (d_[j] != 0) return 1;
    return 0;
  }

  /// The exact sum rounded once to format f, to nearest, ties to even (overflow gives +-inf).
  [[nodiscard]] double round_to(const float_format& f) const {
    if (non_finite()) return non_finite_value();
    magnitude m(*this);
    if (m.zero()) return 0.0;
    const int top = m.top_bit();  // exponent of the leading bit
    int q = top - f.precision + 1;
    if (q < f.min_exponent) q = f.min_exponent;
    std::uint64_t mant = 0;
    for (int b = top; b >= q; --b) mant = (mant << 1) | static_cast<std::uint64_t>(m.bit(b));
    const bool half = m.bit(q - 1), rest = m.any_below(q - 1);
    if (half && (rest || (mant & 1u))) ++mant;
    // mant may have become 2^precision: still exact in double, and the overflow test below sees it
    const double r = std::ldexp(static_cast<double>(mant), q);
    const bool overflow = !std::isfinite(r) || r >= std::ldexp(1.0, f.max_exponent + 1);
    const double v = overflow ? std::numeric_limits<double>::infinity() : r;
    return m.negative ? -v : v;
  }

  /// Exact value as a hexadecimal float, e.g. -0x1.8p+1 (every bit, however many).
  [[nodiscard]] std::string hex() const {
    if (non_finite())
      return std::isnan(non_finite_value()) ? "nan" : (non_finite_value() > 0 ? "inf" : "-inf");
    magnitude m(*this);
    if (m.zero()) return "0x0p+0";
    const int top = m.top_bit(), low = m.low_bit();
    std::string s = m.negative ? "-0x1" : "0x1";
    if (top > low) {
      s += '.';
      for (int b = top - 1; b >= low; b -= 4) {
        int nib = 0;
        for (int j = 0; j < 4; ++j) nib = (nib << 1) | (b - j >= low ? m.bit(b - j) : 0);
        s += "0123456789abcdef"[nib];
      }
    }
    return s + "p" + (top >= 0 ? "+" : "") + std::to_string(top);
  }

  /// Exact value in decimal (scientific), cut to `max_digits` significant digits with "..." if
  /// longer.
  [[nodiscard]] std::string decimal(int max_digits = 40) const {
    if (non_finite()) return hex();
    magnitude m(*this);
    if (m.zero()) return "0";
    using boost::multiprecision::cpp_int;
    const int low = m.low_bit(), top = m.top_bit();
    cpp_int n = 0;
    for (int b = top; b >= low; --b) n = (n << 1) | m.bit(b);
    // value = n * 2^low = n * 5^-low / 10^-low when low < 0
    int exp10 = 0;
    if (low >= 0) {
      n <<= low;
    } else {
      n *= boost::multiprecision::pow(cpp_int(5), static_cast<unsigned>(-low));
      exp10 = low;
    }
    std::string digs = n.str();
    const int point =
        static_cast<int>(digs.size()) - 1 + exp10;  // decimal exponent of the first digit
    while (digs.size() > 1 && digs.back() == '0') digs.pop_back();
    bool cut = false;
    if (static_cast<int>(digs.size()) > max_digits) {
      digs.resize(static_cast<std::size_t>(max_digits));
      cut = true;
    }
    std::string s = m.negative ? "-" : "";
    s += digs[0];
    if (digs.size() > 1) s += "." + digs.substr(1);
    if (cut) s += "...";
    return s + "e" + (point >= 0 ? "+" : "") + std::to_string(point);
  }

  /// Back to an exact zero (only the digits touched since the last clear are reset).
  void clear() {
    for (int j = lo_; j <= hi_ + 1 && j < digits; ++j) d_[j] = 0;
    d_[digits - 1] = 0;
    lo_ = digits, hi_ = -1, pending_ = 0;
    nan_ = pinf_ = ninf_ = false;
  }

 private:
  // |value| as radix-2^32 digits, for rounding and printing
  struct magnitude {
    std::array<std::uint32_t, digits> u{};
    bool negative = false;
    explicit magnitude(superacc a) {
      a.normalize();
      negative = a.d_[digits - 1] < 0;
      if (negative) {
        for (auto& x : a.d_) x = -x;
        a.lo_ = 0, a.hi_ = digits - 1;
        a.normalize();
      }
      for (int j = 0; j < digits; ++j) u[j] = static_cast<std::uint32_t>(a.d_[j]);
    }
    [[nodiscard]] bool zero() const {
      for (auto x : u)
        if (x) return false;
      return true;
    }
    [[nodiscard]] int bit(int e) const {
      const int p = e - min_exp;
      if (p < 0 || p >= 32 * digits) return 0;
      return static_cast<int>((u[p >> 5] >> (p & 31)) & 1u);
    }
    [[nodiscard]] bool any_below(int e) const {  // any bit of weight < 2^e
      const int p = e - min_exp;
      if (p <= 0) return false;
      const int full = p >> 5, part = p & 31;
      for (int j = 0; j < full && j < digits; ++j)
        if (u[j]) return true;
      return full < digits && part != 0 && (u[full] & ((1u << part) - 1u)) != 0;
    }
    [[nodiscard]] int top_bit() const {
      for (int j = digits - 1; j >= 0; --j)
        if (u[j]) return min_exp + 32 * j + 31 - std::countl_zero(u[j]);
      return min_exp;
    }
    [[nodiscard]] int low_bit() const {
      for (int j = 0; j < digits; ++j)
        if (u[j]) return min_exp + 32 * j + std::countr_zero(u[j]);
      return min_exp;
    }
  };

  static void split(double v, std::uint64_t& m, int& e, bool& neg) {
    const auto bits = std::bit_cast<std::uint64_t>(v);
    neg = (bits >> 63) != 0;
    const int be = static_cast<int>((bits >> 52) & 0x7ffu);
    m = bits & ((std::uint64_t{1} << 52) - 1);
    if (be == 0) {
      e = -1074;
    } else {
      m |= std::uint64_t{1} << 52;
      e = be - 1075;
    }
  }

  void note_non_finite(double v) {
    if (std::isnan(v))
      nan_ = true;
    else if (v > 0)
      pinf_ = true;
    else
      ninf_ = true;
  }

  // digits below the top into [0, 2^32); the top digit keeps the sign
  void normalize() {
    if (hi_ < 0) return;
    std::int64_t carry = 0;
    for (int j = lo_; j < digits - 1; ++j) {
      const std::int64_t v = d_[j] + carry;
      carry = v >> 32;  // arithmetic shift: floor division
      d_[j] = v - (carry << 32);
      if (j >= hi_ && carry == 0) break;
    }
    if (carry != 0) d_[digits - 1] += carry;
    hi_ = digits - 1;
    // shrink hi_ back over zero digits so later normalizations stay short
    while (hi_ > lo_ && d_[hi_] == 0 && hi_ < digits - 1) --hi_;
    if (d_[digits - 1] == 0) {
      hi_ = digits - 2;
      while (hi_ > lo_ && d_[hi_] == 0) --hi_;
    }
    pending_ = 0;
  }

  std::array<std::int64_t, digits> d_{};
  int lo_ = digits, hi_ = -1;
  int pending_ = 0;
  bool nan_ = false, pinf_ = false, ninf_ = false;
};

}  // namespace tconv::check
