#pragma once
// Valid problems by construction: what explore's campaigns and the property laws draw from.
//
// Shrinking: a problem is a fixed list of independent raw draws (rank first, then batch,
// channels, then three axes whatever the rank) mapped into valid ranges, so RapidCheck shrinks
// each draw towards its minimum without ever producing an invalid problem or a discard.
#include <rapidcheck.h>

#include <algorithm>
#include <cstdint>

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
};

/// Uniform integer in [lo, hi] whatever RapidCheck's size, shrinking towards lo.
[[nodiscard]] inline rc::Gen<std::int64_t> uniform(std::int64_t lo, std::int64_t hi) {
  // gen::inRange scales its range with the size; shapes must cover their whole range at
  // every size (value magnitudes still grow with the size)
  return rc::gen::resize(100, rc::gen::inRange<std::int64_t>(lo, hi + 1));
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
  r.input = *uniform(1, s.max_extent);
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
  p.in_channels = p.groups * *uniform(1, s.max_channels_per_group);
  p.out_channels = p.groups * *uniform(1, s.max_channels_per_group);
  return p;
}

}  // namespace detail

/// A conv_transpose problem valid under PyTorch's rule by construction (never discarded).
/// Regions: rank 1-3, batch 1-3, groups, gaps (stride > dilated kernel), dilation, asymmetric
/// padding (also beyond the dilated kernel), every output_padding < max(stride, dilation),
/// 1x1 kernels, extent-1 inputs, bias or none.
[[nodiscard]] inline rc::Gen<problem> valid_problem(problem_space s = {}) {
  return rc::gen::exec([s] {
    problem p = detail::draw_layer(s);
    const std::int64_t in_cap = per_axis_cap(s.max_input_elements, p.rank, s.max_extent);
    const std::int64_t k_cap = per_axis_cap(s.max_kernel_elements, p.rank, s.max_kernel);
    for (std::size_t a = 0; a < static_cast<std::size_t>(max_rank); ++a) {
      const auto r = detail::draw_axis(s);  // drawn for every axis: rank shrinks independently
      if (static_cast<std::int64_t>(a) >= p.rank) continue;
      p.input[a] = std::min(r.input, in_cap);
      p.kernel[a] = std::min(r.kernel, k_cap);
      p.stride[a] = r.stride;
      p.dilation[a] = r.dilation;
      p.output_padding[a] = r.output_padding % std::max(r.stride, r.dilation);
      // the uncropped output; padding may remove all of it but one element
      const std::int64_t full = (p.input[a] - 1) * p.stride[a] + p.dilation[a] * (p.kernel[a] - 1) +
                                p.output_padding[a] + 1;
      p.pad_begin[a] = std::min(r.pad_begin, full - 1);
      p.pad_end[a] = std::min(r.symmetric ? r.pad_begin : r.pad_end, full - 1 - p.pad_begin[a]);
    }
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
