#pragma once
// The one conversion between the canonical problem and the C plugin ABI (include/tconv/impl.h).
// Adapters are built against include/ alone, so this header depends on nothing else.
#include <cstddef>
#include <cstdint>

#include "tconv/impl.h"
#include "tconv/problem.hpp"

namespace tconv {

/// The ABI view of p: fields copied axis by axis, output = output_extents(p, conv_transpose);
/// axes past the rank are neutral (extents, strides, dilations 1; paddings 0).
[[nodiscard]] constexpr tconv_problem to_abi(const problem& p) {
  tconv_problem a{};
  a.rank = p.rank;
  a.batch = p.batch;
  a.in_channels = p.in_channels;
  a.out_channels = p.out_channels;
  a.groups = p.groups;
  const extents out = output_extents(p, op_kind::conv_transpose);
  for (std::size_t i = 0; i < TCONV_MAX_RANK; ++i) {
    const bool used = static_cast<std::int64_t>(i) < p.rank;
    a.input[i] = used ? p.input[i] : 1;
    a.kernel[i] = used ? p.kernel[i] : 1;
    a.stride[i] = used ? p.stride[i] : 1;
    a.dilation[i] = used ? p.dilation[i] : 1;
    a.pad_begin[i] = used ? p.pad_begin[i] : 0;
    a.pad_end[i] = used ? p.pad_end[i] : 0;
    a.output_padding[i] = used ? p.output_padding[i] : 0;
    a.output[i] = used ? out[i] : 1;
  }
  a.has_bias = p.has_bias ? 1 : 0;
  return a;
}

/// The problem a is (validated by the caller): fields copied axis by axis, axes past the rank
/// neutral, since the ABI ignores them and find_fault must not judge them.
[[nodiscard]] constexpr problem from_abi(const tconv_problem& a) {
  problem p;
  p.rank = a.rank;
  p.batch = a.batch;
  p.in_channels = a.in_channels;
  p.out_channels = a.out_channels;
  p.groups = a.groups;
  for (std::size_t i = 0; i < TCONV_MAX_RANK; ++i) {
    if (static_cast<std::int64_t>(i) >= a.rank) continue;  // problem's defaults are neutral
    p.input[i] = a.input[i];
    p.kernel[i] = a.kernel[i];
    p.stride[i] = a.stride[i];
    p.dilation[i] = a.dilation[i];
    p.pad_begin[i] = a.pad_begin[i];
    p.pad_end[i] = a.pad_end[i];
    p.output_padding[i] = a.output_padding[i];
  }
  p.has_bias = a.has_bias != 0;
  return p;
}

}  // namespace tconv
