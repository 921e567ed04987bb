// proofs/symbolic.proof.cpp -- passes iff it compiles.
// The symbolic check has teeth: deliberately wrong formulations, written here, are NOT
// symbolically equal to the library's, while the same code with the mistake undone is.
// (Without this file, "formulations agree symbolically" could be a check that cannot fail.)
#include <cstdint>

#include "box.hpp"
#include "tconv/tconv.hpp"

namespace {

using i64 = std::int64_t;
using tconv::bilinear;
using tconv::op_kind;
using tconv::problem;
using tconv::tensor;

constexpr problem line(tconv::axis a) {
  problem p;
  p.rank = 1;
  p.set_axis(0, a);
  return p;
}
constexpr tensor<bilinear> xs(const problem& p) {
  return tconv::symbols(tconv::input_shape(p), true);
}
constexpr tensor<bilinear> ws(const problem& p) {
  return tconv::symbols(tconv::weight_shape(p, op_kind::conv_transpose), false);
}

enum class mistake { none, swap_stride_dilation, pad_end_for_begin, no_divisibility, no_flip };

/// A rank-1, single-channel transposed convolution written from scratch, with one optional mistake.
/// Scatter for the first two mistakes, gather for the third, zero insertion for the fourth.
constexpr tensor<bilinear> local(const problem& p, mistake m) {
  const tconv::axis a = p.axis_at(0);
  const i64 out = tconv::conv_transpose_extent(a);
  const auto x = xs(p), w = ws(p);
  tensor<bilinear> y(std::vector<i64>{1, 1, out});
  if (m == mistake::none || m == mistake::swap_stride_dilation || m == mistake::pad_end_for_begin) {
    const i64 s = m == mistake::swap_stride_dilation ? a.dilation : a.stride;
    const i64 d = m == mistake::swap_stride_dilation ? a.stride : a.dilation;
    const i64 pb = m == mistake::pad_end_for_begin ? a.pad_end : a.pad_begin;
    for (i64 i = 0; i < a.input; ++i)
      for (i64 k = 0; k < a.kernel; ++k)
        if (const i64 o = i * s + k * d - pb; o >= 0 && o < out) y[o] += x[i] * w[k];
  } else if (m == mistake::no_divisibility) {
    for (i64 o = 0; o < out; ++o)
      for (i64 k = 0; k < a.kernel; ++k)
        // wrong: rounds (o + pb - kd) / s down instead of requiring an exact division
        if (const i64 t = o + a.pad_begin - k * a.dilation; t >= 0 && t / a.stride < a.input)
          y[o] += x[t / a.stride] * w[k];
  } else {  // no_flip: zero insertion convolving with K[k] instead of K[K-1-k]
    const i64 before = a.dilation * (a.kernel - 1) - a.pad_begin;
    for (i64 o = 0; o < out; ++o)
      for (i64 k = 0; k < a.kernel; ++k) {
        const i64 j = o + k * a.dilation - before;  // position in the zero-inserted input
        if (j >= 0 && j % a.stride == 0 && j / a.stride < a.input) y[o] += x[j / a.stride] * w[k];
      }
  }
  return y;
}
constexpr bool equals_library(const problem& p, mistake m) {
  return local(p, m) == tconv::conv_transpose(p, xs(p), ws(p));
}

// in 3, kernel 2, stride 2, dilation 1, pads (1, 0), output_padding 1
constexpr problem p1 = line({3, 2, 2, 1, 1, 0, 1});
static_assert(equals_library(p1, mistake::none));  // the local scatter itself is right
static_assert(!equals_library(p1, mistake::swap_stride_dilation));
static_assert(!equals_library(p1, mistake::pad_end_for_begin));
static_assert(!equals_library(p1, mistake::no_divisibility));
static_assert(!equals_library(p1, mistake::no_flip));
// ... and why the box varies every parameter independently: with stride == dilation and
// pad_begin == pad_end, the first two mistakes are invisible
constexpr problem p2 = line({3, 2, 2, 2, 1, 1, 1});
static_assert(equals_library(p2, mistake::swap_stride_dilation));
static_assert(equals_library(p2, mistake::pad_end_for_begin));
// with kernel 1 there is nothing to flip, and with stride 1 every division is exact
static_assert(equals_library(line({3, 1, 2, 1, 0, 0, 0}), mistake::no_flip));
static_assert(equals_library(line({3, 2, 1, 1, 0, 0, 0}), mistake::no_divisibility));

// The no-flip mistake is caught by the library's own zero-insertion formulation's structure:
// on a symmetric kernel the values agree, symbolically they do not (K0 and K1 are distinct symbols)
constexpr bool flip_matters_only_symbolically() {
  const problem p = line({2, 2, 1, 1, 0, 0, 0});
  const tensor<i64> x{{1, 1, 2}, {5, 7}}, w{{1, 1, 2}, {3, 3}};
  tensor<i64> unflipped(std::vector<i64>{1, 1, 3});
  // the wrong formula evaluated numerically: y[o] = sum_k z[o + k - 1] * w[k], z = x
  for (i64 o = 0; o < 3; ++o)
    for (i64 k = 0; k < 2; ++k)
      if (const i64 j = o + k - 1; j >= 0 && j < 2) unflipped[o] += x[j] * w[k];
  return unflipped == tconv::conv_transpose(p, x, w) && !equals_library(p, mistake::no_flip);
}
static_assert(flip_matters_only_symbolically());

// Bias: its symbols are distinct from the weight's, so a missing or misplaced bias is visible
constexpr bool bias_matters() {
  problem p = line({2, 2, 1, 1, 0, 0, 0});
  p.out_channels = 2;
  p.has_bias = true;
  const auto x = xs(p), w = ws(p);
  tensor<bilinear> b(std::vector<i64>{2}), swapped(std::vector<i64>{2});
  b[0] = swapped[1] = bilinear::w_symbol(w.size());
  b[1] = swapped[0] = bilinear::w_symbol(w.size() + 1);
  const auto y = tconv::conv_transpose(p, x, w, b);
  problem no_bias = p;
  no_bias.has_bias = false;
  return !(y == tconv::conv_transpose(no_bias, x, w)) &&
         !(y == tconv::conv_transpose_gather(p, x, w, &swapped)) &&
         y == tconv::conv_transpose_zero_insertion(p, x, w, b);
}
static_assert(bias_matters());

}  // namespace
