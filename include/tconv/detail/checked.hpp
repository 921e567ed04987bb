#pragma once
// Overflow-checked int64 arithmetic and number formatting usable in constant expressions.
#include <cstdint>
#include <string>
#include <vector>

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

/// "[a, b, c]"
[[nodiscard]] constexpr std::string to_string(const std::vector<std::int64_t>& v) {
  std::string s = "[";
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (i != 0) s += ", ";
    s += to_string(v[i]);
  }
  s += ']';
  return s;
}

}  // namespace tconv::detail
