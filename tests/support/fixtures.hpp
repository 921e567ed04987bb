#pragma once
// The reference problems the proofs and the tests share (constexpr, so proofs can use them).
#include "../../tools/seeds/seed_layer.hpp"
#include "tconv/problem.hpp"

namespace tconv::test {

/// A valid 2-D transposed convolution: 3x4 input, 2x3 kernel, stride (2,3), dilation (1,2),
/// pads (1,0 | 0,2), output_padding (1,2), C_in = 4, C_out = 6, groups = 2, batch 2.
/// out = (3-1)*2 - 1 - 0 + 1 + 1 + 1 = 6 and (4-1)*3 - 0 - 2 + 2*2 + 2 + 1 = 14.
[[nodiscard]] constexpr problem good() {
  problem p;
  p.rank = 2;
  p.batch = 2;
  p.in_channels = 4;
  p.out_channels = 6;
  p.groups = 2;
  p.input = {3, 4, 1};
  p.kernel = {2, 3, 1};
  p.stride = {2, 3, 1};
  p.dilation = {1, 2, 1};
  p.pad_begin = {1, 0, 0};
  p.pad_end = {0, 2, 0};
  p.output_padding = {1, 2, 0};
  return p;
}

/// The seeds' layer (tools/seeds/seed_layer.hpp): C_in x h x w, k x k, square stride and pad.
using seeds::layer;

}  // namespace tconv::test
