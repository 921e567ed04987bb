#pragma once
// The binary floating-point formats results are rounded to: float16, float32, float64.

namespace tconv::check {

/// A binary floating-point format for rounding: precision p (bits, with the hidden one), the
/// exponent of the smallest subnormal, and the largest finite exponent.
struct float_format {
  int precision;
  int min_exponent;  // quantum of the subnormals: 2^min_exponent
  int max_exponent;  // largest finite values are below 2^(max_exponent + 1)
};
inline constexpr float_format binary16{11, -24, 15};
inline constexpr float_format binary32{24, -149, 127};
inline constexpr float_format binary64{53, -1074, 1023};

}  // namespace tconv::check
