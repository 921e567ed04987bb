#pragma once
// Overflow-checked int64 arithmetic and number formatting usable in constant expressions.
#include <cstdint>
#include <string>
#include <string_view>

namespace tconv::detail {

/// out = a * b; false (out unspecified) when the product overflows int64.
[[nodiscard]] constexpr bool mul_ok(std::int64_t a, std::int64_t b, std::int64_t& out) {
  return !__builtin_mul_overflow(a, b, &out);
}
/// out = a + b; false when the sum overflows int64.
[[nodiscard]] constexpr bool add_ok(std::int64_t a, std::int64_t b, std::int64_t& out) {
  return !__builtin_add_overflow(a, b, &out);
}

/// Decimal text of v (constexpr, unlike std::to_string).
[[nodiscard]] constexpr std::string to_string(std::int64_t v) {
  if (v == 0) return "0";
  const bool neg = v < 0;
  // work in unsigned so that INT64_MIN has a magnitude
  std::uint64_t m =
      neg ? std::uint64_t{0} - static_cast<std::uint64_t>(v) : static_cast<std::uint64_t>(v);
  // digits are appended backwards then reversed: std::string::insert at the front trips a
  // GCC 12 -O3 false -Wrestrict (PR 105329)
  std::string s;
  while (m != 0) {
    s += static_cast<char>('0' + m % 10);
    m /= 10;
  }
  if (neg) s += '-';
  for (std::size_t i = 0, j = s.size() - 1; i < j; ++i, --j) {
    const char c = s[i];
    s[i] = s[j];
    s[j] = c;
  }
  return s;
}

/// open + v[0] + sep + v[1] + ... + close for any range of integers; "[a, b, c]" by default.
template <class R>
requires requires(const R& r) { r.begin() != r.end(); }
[[nodiscard]] constexpr std::string to_string(const R& v, std::string_view sep = ", ",
                                              std::string_view open = "[",
                                              std::string_view close = "]") {
  std::string s(open);
  bool first = true;
  for (const auto e : v) {
    if (!first) s += sep;
    first = false;
    s += to_string(static_cast<std::int64_t>(e));
  }
  s += close;
  return s;
}

}  // namespace tconv::detail
