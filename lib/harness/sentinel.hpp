#pragma once
// The value the plugin sandbox fills y with before a call: an element still holding it afterwards
// was never written by the implementation.
#include <bit>
#include <cstdint>

namespace tconv::harness {

/// A quiet NaN with a payload no arithmetic produces.
inline constexpr std::uint32_t unwritten_bits = 0x7FC0DEADu;

/// Whether v is still the sentinel (bit for bit: any other NaN was written).
[[nodiscard]] constexpr bool is_unwritten(float v) {
  return std::bit_cast<std::uint32_t>(v) == unwritten_bits;
}

}  // namespace tconv::harness
