#pragma once
// The layer every worked example of SEEDS.md is written in; the proofs and unit tests reuse it
// through tests/support/fixtures.hpp (tests may include the product, never the reverse).
#include <cstdint>

#include "tconv/problem.hpp"

namespace tconv::seeds {

/// A single-batch 2-D layer: C_in x h x w input, k x k kernel, square stride, symmetric padding.
[[nodiscard]] constexpr problem layer(std::int64_t h, std::int64_t w, std::int64_t k,
                                      std::int64_t stride = 1, std::int64_t pad = 0,
                                      std::int64_t cin = 1, std::int64_t cout = 1) {
  problem p;
  p.rank = 2;
  p.in_channels = cin;
  p.out_channels = cout;
  p.input = {h, w, 1};
  p.kernel = {k, k, 1};
  p.stride = {stride, stride, 1};
  p.pad_begin = p.pad_end = {pad, pad, 0};
  return p;
}

}  // namespace tconv::seeds
