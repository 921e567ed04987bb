#pragma once
// The arithmetic an implementation under check claims to use, and how it rounds.
#include <optional>
#include <string_view>

namespace tconv::check {

/// The arithmetic the implementation under check claims to use.
enum class precision { fp32, tf32, bf16, fp16, fp64 };

/// "fp32", "tf32", "bf16", "fp16" or "fp64".
[[nodiscard]] inline const char* name(precision p) {
  switch (p) {
    case precision::fp32:
      return "fp32";
    case precision::tf32:
      return "tf32";
    case precision::bf16:
      return "bf16";
    case precision::fp16:
      return "fp16";
    case precision::fp64:
      return "fp64";
  }
  return "?";
}
/// "fp32" -> precision::fp32; nullopt for an unknown name.
[[nodiscard]] inline std::optional<precision> parse_precision(std::string_view s) {
  for (auto p :
       {precision::fp32, precision::tf32, precision::bf16, precision::fp16, precision::fp64})
    if (s == name(p)) return p;
  return std::nullopt;
}

/// How the implementation rounds: its inputs, its accumulation.
struct precision_model {
  double u_acc, eta_acc;  // accumulation unit roundoff, underflow quantum per product
  int in_bits;            // input significand bits (with the hidden one)
  int in_min_exponent;    // input subnormal quantum 2^in_min_exponent
  double u_in, eta_in;    // input rounding: relative (one ulp: any rounding mode), absolute
  double in_max;          // largest finite input
};

/// The rounding model of p: u_acc 2^-53 (fp64), 2^-24 (fp32), 2^-23 (tf32, bf16, fp16); inputs
/// rounded to in_bits significand bits, within u_in relative plus eta_in absolute.
[[nodiscard]] inline precision_model model_of(precision p) {
  switch (p) {
    case precision::fp64:
      return {0x1p-53, 0x1p-1074, 53, -1074, 0x1p-53, 0x1p-1074, 0x1.fffffffffffffp1023};
    case precision::fp32:
      return {0x1p-24, 0x1p-149, 24, -149, 0x1p-24, 0x1p-149, 0x1.fffffep127};
    // reduced precision: accumulators that truncate (some tensor cores) are covered by u = 2^-23
    case precision::tf32:
      return {0x1p-23, 0x1p-149, 11, -136, 0x1p-10, 0x1p-136, 0x1.ffcp127};
    case precision::bf16:
      return {0x1p-23, 0x1p-149, 8, -133, 0x1p-7, 0x1p-133, 0x1.fep127};
    case precision::fp16:
      return {0x1p-23, 0x1p-149, 11, -24, 0x1p-10, 0x1p-24, 65504.0};
  }
  return model_of(precision::fp32);
}

}  // namespace tconv::check
