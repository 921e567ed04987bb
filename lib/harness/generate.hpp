#pragma once
// Valid problems by construction: what explore's campaigns and the property laws draw from.
//
// Shrinking: a problem is a fixed list of independent raw draws (rank first, then batch,
// channels, then three axes whatever the rank) mapped into valid ranges, so RapidCheck shrinks
// each draw towards its minimum without ever producing an invalid problem or a discard.
//
// Block boundaries (explore's default space, explore_space()): SIMD kernels break where a
// channel count or a row crosses a vector block, so channels per group beyond 1-3 and input
// extents beyond 1-8 are drawn from block_values: k*b-1, k*b, k*b+1 for b in 4, 8, 16, 32. A
// count draw is one integer mapped monotonically onto the values (1/8 of the draws go to the
// block values, 7/8 stay small), so it shrinks towards 1 through every block value below it:
// a kernel failing at 17 channels shrinks to 9 when 9 fails too (one 8-block plus one).
// Cost: block values make every case dearer, so a problem with a block value and over max_macs
// multiply-adds (batch * C_out * C_in/g * input elements * kernel elements) gets batch 1, then
// fewer groups, then its largest extent halved (outer axes and kernels before the row) until it
// fits. Problems without a block value are never cut: they are the space of before (at most
// 3 * 3 * 3 * 3 * 36 * 9 = 26244 multiply-adds), drawn as often as 7/8 per count allows.
// With max_channels_per_group <= 3 and max_extent <= 8 (the laws' space, verify's) the draws
// are exactly the uniform ones of before.
#include <rapidcheck.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <vector>

#include "tconv/problem.hpp"

namespace tconv::gen {

/// Bounds of the drawn problems. The defaults keep exact arithmetic fast (a few ms per case).
struct problem_space {
  std::int64_t max_rank = 3;
  std::int64_t max_extent = 8;  // input extent per axis (see max_input_elements)
  std::int64_t max_kernel = 4;  // kernel extent per axis (see max_kernel_elements)
  std::int64_t max_stride = 4;
  std::int64_t max_dilation = 3;
  std::int64_t max_padding = 6;  // per side, before the map that keeps the output >= 1
  std::int64_t max_channels_per_group = 2;
  std::int64_t max_groups = 3;
  std::int64_t max_batch = 3;
  bool allow_bias = true;
  // per-rank caps: an axis gets at most floor(max^(1/rank)), so rank 3 stays cheap
  std::int64_t max_input_elements = 36;
  std::int64_t max_kernel_elements = 9;
  // multiply-adds per problem at most (0: no cap); see the header comment for how a draw is cut
  std::int64_t max_macs = 0;
};

/// Channels per group and input extents drawn uniformly before any block value (1-3, 1-8).
inline constexpr std::int64_t small_channels = 3, small_extent = 8;

/// Explore's default space: channels per group up to 65 (64 = 2*32 and its neighbours), input
/// extents up to 33 (a 32-wide row plus one), at most 2048 multiply-adds per problem with a
/// block value (one group of 65 x 65 channels excepted).
[[nodiscard]] constexpr problem_space explore_space() {
  problem_space s;
  s.max_channels_per_group = 65;
  s.max_extent = 33;
  s.max_macs = 2048;
  return s;
}

/// The values above `small` and up to `max` next to a SIMD block: k*b-1, k*b, k*b+1 for b in
/// 4, 8, 16, 32 and k >= 1 (every multiple of 4 and its neighbours), ascending.
[[nodiscard]] constexpr std::vector<std::int64_t> block_values(std::int64_t small,
                                                               std::int64_t max) {
  std::vector<std::int64_t> v;
  for (std::int64_t n = small + 1; n <= max; ++n)
    if (n % 4 == 0 || n % 4 == 1 || n % 4 == 3) v.push_back(n);
  return v;
}

/// multiply-adds of p: batch * C_out * (C_in / g) * prod(input) * prod(kernel).
[[nodiscard]] constexpr std::int64_t macs(const problem& p) {
  std::int64_t m = p.batch * p.out_channels * (p.in_channels / p.groups);
  for (std::int64_t a = 0; a < p.rank; ++a) m *= p.input[a] * p.kernel[a];
  return m;
}

/// Uniform integer in [lo, hi] whatever RapidCheck's size, shrinking towards lo.
[[nodiscard]] inline rc::Gen<std::int64_t> uniform(std::int64_t lo, std::int64_t hi) {
  // gen::inRange scales its range with the size; shapes must cover their whole range at
  // every size (value magnitudes still grow with the size)
  return rc::gen::resize(100, rc::gen::inRange<std::int64_t>(lo, hi + 1));
}

/// A count in [1, max]: uniform when max <= small; else one draw t mapped monotonically, 7/8 of
/// it uniformly onto 1..small and 1/8 uniformly onto block_values(small, max), so t's shrinking
/// walks down through the block values towards 1.
[[nodiscard]] inline rc::Gen<std::int64_t> block_count(std::int64_t small, std::int64_t max) {
  if (max <= small) return uniform(1, max);
  const std::vector<std::int64_t> wide = block_values(small, max);
  const auto w = static_cast<std::int64_t>(wide.size());
  if (w == 0) return uniform(1, small);
  // small values get 7w slots each, block values `small` slots each: 7/8 and 1/8 in all
  const std::int64_t small_slots = 7 * w * small;
  return rc::gen::map(uniform(0, small_slots + small * w - 1), [=](std::int64_t t) {
    return t < small_slots ? 1 + t / (7 * w)
                           : wide[static_cast<std::size_t>((t - small_slots) / small)];
  });
}

/// Largest e >= 1 with e^rank <= budget, capped at cap.
[[nodiscard]] constexpr std::int64_t per_axis_cap(std::int64_t budget, std::int64_t rank,
                                                  std::int64_t cap) {
  std::int64_t e = 1;
  auto fits = [&](std::int64_t v) {
    std::int64_t prod = 1;
    for (std::int64_t r = 0; r < rank; ++r) prod *= v;
    return prod <= budget;
  };
  while (e < cap && fits(e + 1)) ++e;
  return e;
}

namespace detail {

// The raw draws of one axis, mapped into a valid conv_transpose axis (PyTorch's rule).
struct raw_axis {
  std::int64_t input, kernel, stride, dilation, pad_begin, pad_end, output_padding;
  bool symmetric, wide;
};

inline raw_axis draw_axis(const problem_space& s) {
  raw_axis r{};
  r.input = *block_count(small_extent, s.max_extent);
  r.kernel = *uniform(1, s.max_kernel);
  r.stride = *uniform(1, s.max_stride);
  r.dilation = *uniform(1, s.max_dilation);
  r.output_padding = *uniform(0, std::max(s.max_stride, s.max_dilation) - 1);
  r.pad_begin = *uniform(0, s.max_padding);
  r.pad_end = *uniform(0, s.max_padding);
  r.symmetric = *rc::gen::arbitrary<bool>();
  // half the axes pad by 0 or 1 only: uniform pads up to max_padding would crop most outputs
  // down to a few elements
  r.wide = *rc::gen::arbitrary<bool>();
  if (!r.wide) {
    r.pad_begin = std::min<std::int64_t>(r.pad_begin, 1);
    r.pad_end = std::min<std::int64_t>(r.pad_end, 1);
  }
  return r;
}

// The draws every problem starts with, in this order: rank, batch, groups, then channels as
// multiples of the groups (valid by construction).
inline problem draw_layer(const problem_space& s) {
  problem p;
  p.rank = *uniform(1, std::clamp<std::int64_t>(s.max_rank, 1, max_rank));
  p.batch = *uniform(1, s.max_batch);
  p.groups = *uniform(1, s.max_groups);
  p.in_channels = p.groups * *block_count(small_channels, s.max_channels_per_group);
  p.out_channels = p.groups * *block_count(small_channels, s.max_channels_per_group);
  return p;
}

// Cuts p to at most cap multiply-adds (cap > 0): batch 1, then fewer groups (channels per group
// kept), then halving (rounding up) the largest outer input extent or kernel extent, the row
// (last input axis) last. A single group over the cap is left as it is: the user asked for it.
inline void cap_macs(problem& p, std::int64_t cap) {
  if (cap <= 0 || macs(p) <= cap) return;
  p.batch = 1;
  const std::int64_t ci = p.in_channels / p.groups, co = p.out_channels / p.groups;
  p.groups = std::clamp<std::int64_t>(cap / (ci * co), 1, p.groups);
  p.in_channels = ci * p.groups;
  p.out_channels = co * p.groups;
  const auto row = static_cast<std::size_t>(p.rank - 1);
  while (macs(p) > cap) {
    std::int64_t* largest = &p.input[row];  // the row only when nothing else is left
    std::int64_t most = 1;
    for (std::size_t a = 0; a <= row; ++a)
      for (std::int64_t* e : {&p.input[a], &p.kernel[a]})
        if (e != &p.input[row] && *e > most) most = *(largest = e);
    if (*largest == 1) return;
    *largest = (*largest + 1) / 2;
  }
}

// The padding of axis a from its raw draws, once extents are final: the uncropped output may be
// cropped down to one element, never to nothing.
inline void set_padding(problem& p, std::size_t a, const raw_axis& r) {
  const std::int64_t full =
      (p.input[a] - 1) * p.stride[a] + p.dilation[a] * (p.kernel[a] - 1) + p.output_padding[a] + 1;
  p.pad_begin[a] = std::min(r.pad_begin, full - 1);
  p.pad_end[a] = std::min(r.symmetric ? r.pad_begin : r.pad_end, full - 1 - p.pad_begin[a]);
}

}  // namespace detail

/// A conv_transpose problem valid under PyTorch's rule by construction (never discarded).
/// Regions: rank 1-3, batch 1-3, groups, gaps (stride > dilated kernel), dilation, asymmetric
/// padding (also beyond the dilated kernel), every output_padding < max(stride, dilation),
/// 1x1 kernels, extent-1 inputs, bias or none; with explore_space() also channel block tails
/// and wide rows (block_count, detail::cap_macs).
[[nodiscard]] inline rc::Gen<problem> valid_problem(problem_space s = {}) {
  return rc::gen::exec([s] {
    problem p = detail::draw_layer(s);
    const std::int64_t in_cap = per_axis_cap(s.max_input_elements, p.rank, s.max_extent);
    const std::int64_t k_cap = per_axis_cap(s.max_kernel_elements, p.rank, s.max_kernel);
    std::array<detail::raw_axis, max_rank> raw{};
    bool block =
        p.in_channels / p.groups > small_channels || p.out_channels / p.groups > small_channels;
    for (std::size_t a = 0; a < static_cast<std::size_t>(max_rank); ++a) {
      raw[a] = detail::draw_axis(s);  // drawn for every axis: rank shrinks independently
      const auto& r = raw[a];
      if (static_cast<std::int64_t>(a) >= p.rank) continue;
      // a block value (beyond small_extent) is cut by the multiply-add cap, not the element cap
      p.input[a] = r.input > small_extent ? r.input : std::min(r.input, in_cap);
      block = block || r.input > small_extent;
      p.kernel[a] = std::min(r.kernel, k_cap);
      p.stride[a] = r.stride;
      p.dilation[a] = r.dilation;
      p.output_padding[a] = r.output_padding % std::max(r.stride, r.dilation);
    }
    if (block) detail::cap_macs(p, s.max_macs);
    for (std::size_t a = 0; a < static_cast<std::size_t>(p.rank); ++a)
      detail::set_padding(p, a, raw[a]);
    p.has_bias = s.allow_bias && *rc::gen::arbitrary<bool>();
    return p;
  });
}

/// A convolution problem (op_kind::conv) valid by construction: the input is raised, where
/// needed, to the dilated kernel's extent minus the padding, so the output is >= 1.
[[nodiscard]] inline rc::Gen<problem> valid_conv_problem(problem_space s = {}) {
  return rc::gen::exec([s] {
    problem p = detail::draw_layer(s);
    // a convolution's input is its transposed twin's output: allow it the larger extents
    const std::int64_t in_cap =
        per_axis_cap(s.max_input_elements * 8, p.rank, s.max_extent * s.max_stride);
    const std::int64_t k_cap = per_axis_cap(s.max_kernel_elements, p.rank, s.max_kernel);
    for (std::size_t a = 0; a < static_cast<std::size_t>(max_rank); ++a) {
      const auto r = detail::draw_axis(s);
      const std::int64_t raw_input = *uniform(1, s.max_extent * s.max_stride);
      if (static_cast<std::int64_t>(a) >= p.rank) continue;
      p.kernel[a] = std::min(r.kernel, k_cap);
      p.stride[a] = r.stride;
      p.dilation[a] = r.dilation;
      p.pad_begin[a] = r.pad_begin;
      p.pad_end[a] = r.symmetric ? r.pad_begin : r.pad_end;
      const std::int64_t reach = p.dilation[a] * (p.kernel[a] - 1) + 1;
      p.input[a] = std::max(std::min(raw_input, in_cap), reach - p.pad_begin[a] - p.pad_end[a]);
    }
    p.has_bias = s.allow_bias && *rc::gen::arbitrary<bool>();
    return p;
  });
}

}  // namespace tconv::gen
