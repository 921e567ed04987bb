// tconv-proof-report: prints how many configurations the compile-time proofs covered. Every
// number comes from a constant that a proof slice computed while it was compiled.
#include <cstdint>
#include <cstdio>

#include "box.hpp"

#define TCONV_SLICE(name, what) extern const std::int64_t tconv_proved_##name;
#include "slices.inc"
#undef TCONV_SLICE
extern const std::int64_t tconv_proved_conv_shapes;  // problem.proof.cpp

int main() {
  std::int64_t total = 0;
  std::printf(
      "tconv proofs: formulations 1-4 (scatter, gather, matrix, zero insertion) agree\n"
      "symbolically, and shape inversion holds, for every configuration below.\n"
      "per-axis box: input 1..4, kernel 1..3, stride 1..3, dilation 1..2, pad_begin 0..2,\n"
      "pad_end 0..2, output_padding < max(stride, dilation), output >= 1: %lld settings\n",
      static_cast<long long>(tconv::proof::box_axes));
#define TCONV_SLICE(name, what)                                                    \
  std::printf("  %6lld  %s\n", static_cast<long long>(tconv_proved_##name), what); \
  total += tconv_proved_##name;
#include "slices.inc"
#undef TCONV_SLICE
  std::printf("proved %lld configurations of the exhaustive theorem\n",
              static_cast<long long>(total));
  std::printf("and shape inversion from the convolution side for %lld per-axis conv settings\n",
              static_cast<long long>(tconv_proved_conv_shapes));
  return 0;
}
