#pragma once
// The exhaustive theorem's box: which configurations are proved, and the proof of one of them.
// Shared by the box_*.proof.cpp chunks (each chunk proves one slice, so that no single
// translation unit needs more than a couple of GiB of compiler memory).
#include <array>
#include <cstdint>

#include "tconv/tconv.hpp"

namespace tconv::proof {

/// The per-axis box: input 1..4, kernel 1..3, stride 1..3, dilation 1..2, pad_begin 0..2,
/// pad_end 0..2, every output_padding < max(stride, dilation), output extent >= 1.
inline constexpr std::int64_t box_input = 4, box_kernel = 3, box_stride = 3, box_dilation = 2,
                              box_pad = 2;

template <class F>
constexpr void for_each_box_axis(F&& f) {
  for (std::int64_t in = 1; in <= box_input; ++in)
    for (std::int64_t k = 1; k <= box_kernel; ++k)
      for (std::int64_t s = 1; s <= box_stride; ++s)
        for (std::int64_t d = 1; d <= box_dilation; ++d)
          for (std::int64_t pb = 0; pb <= box_pad; ++pb)
            for (std::int64_t pe = 0; pe <= box_pad; ++pe)
              for (std::int64_t op = 0; op < std::max(s, d); ++op) {
                const axis a{in, k, s, d, pb, pe, op};
                if (conv_transpose_extent(a) >= 1) f(a);
              }
}

[[nodiscard]] constexpr std::int64_t count_box_axes() {
  std::int64_t n = 0;
  for_each_box_axis([&n](const axis&) { ++n; });
  return n;
}
inline constexpr std::int64_t box_axes = count_box_axes();

[[nodiscard]] constexpr std::array<axis, box_axes> make_box_axes() {
  std::array<axis, box_axes> r{};
  std::size_t i = 0;
  for_each_box_axis([&](const axis& a) { r[i++] = a; });
  return r;
}
/// Every valid per-axis setting of the box, in loop order (input outermost, output_padding
/// innermost).
inline constexpr std::array<axis, box_axes> box_axis_list = make_box_axes();

/// Channel layout of a slice: batch, C_in, C_out, groups.
struct channels {
  std::int64_t batch = 1, in = 1, out = 1, groups = 1;
};

/// Formulations 1-4 agree on symbolic x, w and bias: equal as polynomials, hence for all inputs.
[[nodiscard]] constexpr bool formulations_agree(const problem& p) {
  const auto x = symbols(input_shape(p), true);
  const auto w = symbols(weight_shape(p, op_kind::conv_transpose), false);
  // the bias gets its own w-symbols, numbered after the weight's, so a bias added twice, to the
  // wrong channel or not at all changes the polynomial
  tensor<bilinear> b(bias_shape(p));
  for (std::int64_t i = 0; i < b.size(); ++i) b[i] = bilinear::w_symbol(w.size() + i);
  const tensor<bilinear>* bp = nullptr;
  if (p.has_bias) bp = &b;
  const auto scatter = conv_transpose(p, x, w, bp);
  if (!(conv_transpose_gather(p, x, w, bp) == scatter)) return false;
  if (!(conv_transpose_via_matrix(p, x, w, bp) == scatter)) return false;
  return conv_transpose_zero_insertion(p, x, w, bp) == scatter;
}

/// Shape inversion seen from the transposed side: the convolution with the same hyperparameters
/// maps the transposed output back to in + floor(op / s) on every axis -- exactly `in` whenever
/// op < s (op >= s is only possible when dilation > stride).
[[nodiscard]] constexpr bool shape_inverts(const problem& p) {
  const problem c = adjoint_conv(p);
  if (!is_valid(c, op_kind::conv)) return false;
  const extents back = output_extents(c, op_kind::conv);
  for (std::int64_t a = 0; a < p.rank; ++a) {
    if (back[a] != p.input[a] + p.output_padding[a] / p.stride[a]) return false;
    if (p.output_padding[a] < p.stride[a] && back[a] != p.input[a]) return false;
  }
  return true;
}

/// One configuration: valid, formulations agree, shape inverts.
[[nodiscard]] constexpr bool prove_one(const problem& p) {
  return is_valid(p, op_kind::conv_transpose) && formulations_agree(p) && shape_inverts(p);
}

/// Rank 1: per-axis settings [lo, hi) of the box with channel layout ch, bias on.
/// Returns how many were proved, or -(index + 1) of the first failure.
[[nodiscard]] constexpr std::int64_t prove_rank1(channels ch, std::int64_t lo, std::int64_t hi) {
  std::int64_t n = 0;
  for (std::int64_t i = lo; i < hi && i < box_axes; ++i) {
    problem p;
    p.rank = 1;
    p.batch = ch.batch;
    p.in_channels = ch.in;
    p.out_channels = ch.out;
    p.groups = ch.groups;
    p.has_bias = true;
    p.set_axis(0, box_axis_list[static_cast<std::size_t>(i)]);
    if (!prove_one(p)) return -(i + 1);
    ++n;
  }
  return n;
}

/// Rank 2: axis `sweep` takes per-axis settings [lo, hi) of the box while the other axis is held
/// at `fixed`. Returns how many were proved, or -(index + 1) of the first failure.
[[nodiscard]] constexpr std::int64_t prove_rank2(std::int64_t sweep, axis fixed, std::int64_t lo,
                                                 std::int64_t hi) {
  std::int64_t n = 0;
  for (std::int64_t i = lo; i < hi && i < box_axes; ++i) {
    problem p;
    p.rank = 2;
    p.has_bias = true;
    p.set_axis(sweep, box_axis_list[static_cast<std::size_t>(i)]);
    p.set_axis(1 - sweep, fixed);
    if (!prove_one(p)) return -(i + 1);
    ++n;
  }
  return n;
}

/// How many of [lo, hi) exist in the box: what a fully proved slice must report.
[[nodiscard]] constexpr std::int64_t slice_size(std::int64_t lo, std::int64_t hi) {
  return std::max<std::int64_t>(0, std::min(hi, box_axes) - lo);
}

// The held axes of the rank-2 slices: every parameter away from its identity, pad_begin !=
// pad_end and stride != dilation, so that reading the wrong axis's (or the wrong) parameter
// changes the result for most sweeping settings.
inline constexpr axis held_a{2, 2, 3, 2, 1, 2, 1};  // out = 1*3 - 3 + 2 + 1 + 1 = 4
inline constexpr axis held_b{3, 2, 2, 1, 2, 0, 1};  // out = 2*2 - 2 + 1 + 1 + 1 = 5

}  // namespace tconv::proof
