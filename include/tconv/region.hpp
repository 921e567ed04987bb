#pragma once
// The regions of the hyperparameter space that coverage, campaigns and reports are broken down by.
#include <array>
#include <cstdint>
#include <string_view>

#include "tconv/problem.hpp"

namespace tconv {

/// A region of problem space: each is a yes/no property of a problem.
enum class region {
  rank1,
  rank2,
  rank3,
  gaps,
  dilation,
  groups,
  asymmetric_padding,
  output_padding,
  bias,
  channel_block_tail,
  wide_rows
};

inline constexpr std::array all_regions{region::rank1,
                                        region::rank2,
                                        region::rank3,
                                        region::gaps,
                                        region::dilation,
                                        region::groups,
                                        region::asymmetric_padding,
                                        region::output_padding,
                                        region::bias};

/// The regions explore's coverage reports: all_regions (also verify's matrix rows), then the
/// coverage-only regions of SIMD blocking, which verify does not campaign on.
inline constexpr std::array coverage_regions{region::rank1,
                                             region::rank2,
                                             region::rank3,
                                             region::gaps,
                                             region::dilation,
                                             region::groups,
                                             region::asymmetric_padding,
                                             region::output_padding,
                                             region::bias,
                                             region::channel_block_tail,
                                             region::wide_rows};

/// SIMD block widths whose tails channel_block_tail looks for: 4, 8, 16, 32 lanes.
inline constexpr std::array<std::int64_t, 4> simd_blocks{4, 8, 16, 32};

/// Whether n channels make at least one full block of some b in simd_blocks plus a partial one:
/// n > b and n mod b != 0.
[[nodiscard]] constexpr bool block_tail(std::int64_t n) {
  for (const std::int64_t b : simd_blocks)
    if (n > b && n % b != 0) return true;
  return false;
}

/// Stable lower-case name used in reports, JSON and tags ("rank1", "gaps", ...).
[[nodiscard]] constexpr std::string_view name(region r) {
  switch (r) {
    case region::rank1:
      return "rank1";
    case region::rank2:
      return "rank2";
    case region::rank3:
      return "rank3";
    case region::gaps:
      return "gaps";
    case region::dilation:
      return "dilation";
    case region::groups:
      return "groups";
    case region::asymmetric_padding:
      return "asymmetric_padding";
    case region::output_padding:
      return "output_padding";
    case region::bias:
      return "bias";
    case region::channel_block_tail:
      return "channel_block_tail";
    case region::wide_rows:
      return "wide_rows";
  }
  return "?";
}

/// Whether p lies in region r. gaps: some stride exceeds the dilated kernel d(k-1)+1, so the
/// transposed convolution's output has positions no input reaches. channel_block_tail:
/// block_tail(C_in/g) or block_tail(C_out/g). wide_rows: the output's row (its last, contiguous
/// axis) has at least 33 elements, one 32-wide vector plus a tail.
[[nodiscard]] constexpr bool in_region(const problem& p, region r) {
  auto any_axis = [&p](auto pred) {
    for (std::int64_t a = 0; a < p.rank; ++a)
      if (pred(a)) return true;
    return false;
  };
  switch (r) {
    case region::rank1:
      return p.rank == 1;
    case region::rank2:
      return p.rank == 2;
    case region::rank3:
      return p.rank == 3;
    case region::gaps:
      return any_axis(
          [&](std::int64_t a) { return p.stride[a] > p.dilation[a] * (p.kernel[a] - 1) + 1; });
    case region::dilation:
      return any_axis([&](std::int64_t a) { return p.dilation[a] > 1; });
    case region::groups:
      return p.groups > 1;
    case region::asymmetric_padding:
      return any_axis([&](std::int64_t a) { return p.pad_begin[a] != p.pad_end[a]; });
    case region::output_padding:
      return any_axis([&](std::int64_t a) { return p.output_padding[a] > 0; });
    case region::bias:
      return p.has_bias;
    case region::channel_block_tail:
      return block_tail(p.in_channels / p.groups) || block_tail(p.out_channels / p.groups);
    case region::wide_rows:
      return conv_transpose_extent(p.axis_at(p.rank - 1)) >= simd_blocks.back() + 1;
  }
  return false;
}

}  // namespace tconv
