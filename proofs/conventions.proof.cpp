// proofs/conventions.proof.cpp — passes iff it compiles.
// ONNX Conv's auto_pad resolved by from_onnx(const onnx_conv&), on examples worked by hand from the
// ONNX operator specification (onnx/docs/Operators.md, Conv, attribute auto_pad): "SAME_UPPER or
// SAME_LOWER mean pad the input so that output_shape[i] = ceil(input_shape[i] / strides[i]) for
// each axis i. The padding is split between the two sides equally or almost equally ... In case
// the padding is an odd number, the extra padding is added at the end for SAME_UPPER and at the
// beginning for SAME_LOWER. VALID mean no padding." The total is the spec's pad_shape
// (onnx/reference/ops/_op_common_pool.py, get_pad_shape): (out-1)*s + d(k-1) + 1 - in, at least 0.
// Each example stands next to a neighbour that must be rejected, and the examples must tell the
// right resolution from wrong ones (SAME_UPPER and SAME_LOWER swapped, SAME read as VALID).
#include "tconv/conventions.hpp"

#include <string_view>
#include <type_traits>
#include <utility>

namespace {

using tconv::onnx_conv;
using tconv::op_kind;
using tconv::problem;
using i64 = std::int64_t;

/// A rank-1 ONNX Conv: X [1, 1, in], W [1, 1, k], strides s, dilations d.
constexpr onnx_conv conv1(i64 in, i64 k, i64 s, i64 d, std::string_view auto_pad,
                          std::vector<i64> pads = {}) {
  return {{1, 1, in}, {1, 1, k}, auto_pad, {}, {s}, {d}, std::move(pads), 1, false};
}

/// (pad_begin, pad_end, output extent) of a resolved rank-1 convolution.
struct resolved {
  i64 begin, end, out;
  friend constexpr bool operator==(const resolved&, const resolved&) = default;
};
constexpr resolved of(const problem& p) {
  return {p.pad_begin[0], p.pad_end[0], tconv::output_extents(p, op_kind::conv)[0]};
}

/// True when F{}() is a constant expression: the resolution neither threw nor overflowed.
template <class F>
concept resolves = requires {
  typename std::bool_constant<(F{}(), true)>;
};

constexpr auto right = [](const onnx_conv& o) { return tconv::from_onnx(o); };

// in 4, k 3, s 2: out = ceil(4/2) = 2; total = (2-1)*2 + 2 + 1 - 4 = 1, odd:
// SAME_UPPER puts it at the end (0, 1), SAME_LOWER at the begin (1, 0); floor((4+1-3)/2)+1 = 2
static_assert(of(right(conv1(4, 3, 2, 1, "SAME_UPPER"))) == resolved{0, 1, 2});
static_assert(of(right(conv1(4, 3, 2, 1, "SAME_LOWER"))) == resolved{1, 0, 2});
static_assert(resolves<decltype([] { return tconv::from_onnx(conv1(4, 3, 2, 1, "SAME_UPPER")); })>);
// neighbour: "SAME" is not one of the four names
static_assert(!resolves<decltype([] { return tconv::from_onnx(conv1(4, 3, 2, 1, "SAME")); })>);

// in 5, k 4, s 1: out = 5; total = 4 + 3 + 1 - 5 = 3: SAME_UPPER (1, 2), SAME_LOWER (2, 1)
static_assert(of(right(conv1(5, 4, 1, 1, "SAME_UPPER"))) == resolved{1, 2, 5});
static_assert(of(right(conv1(5, 4, 1, 1, "SAME_LOWER"))) == resolved{2, 1, 5});
// neighbour: explicit pads cannot come with SAME_*
static_assert(!resolves<decltype([] {
  return tconv::from_onnx(conv1(5, 4, 1, 1, "SAME_UPPER", {1, 2}));
})>);

// in 6, k 3, s 3, d 2: out = 2; total = 3 + 2*2 + 1 - 6 = 2, even: (1, 1) either way;
// floor((6+2-5)/3)+1 = 2
static_assert(of(right(conv1(6, 3, 3, 2, "SAME_UPPER"))) == resolved{1, 1, 2});
static_assert(of(right(conv1(6, 3, 3, 2, "SAME_LOWER"))) == resolved{1, 1, 2});
// neighbour: dilation 0 is refused before any padding arithmetic
static_assert(
    !resolves<decltype([] { return tconv::from_onnx(conv1(6, 3, 3, 0, "SAME_UPPER")); })>);

// in 8, k 1, s 3: out = ceil(8/3) = 3; total = 2*3 + 0 + 1 - 8 = -1, so no padding; and indeed
// floor((8-1)/3)+1 = 3
static_assert(of(right(conv1(8, 1, 3, 1, "SAME_LOWER"))) == resolved{0, 0, 3});

// VALID, in 5, k 3, s 2: no padding; out = floor((5-3)/2)+1 = 2 = ceil((5-3+1)/2)
static_assert(of(right(conv1(5, 3, 2, 1, "VALID"))) == resolved{0, 0, 2});
// neighbour: a kernel longer than the unpadded input leaves no output
static_assert(!resolves<decltype([] { return tconv::from_onnx(conv1(2, 3, 1, 1, "VALID")); })>);

// NOTSET: pads as given, all begins then all ends: (1, 2); out = 4 + 3 - 3 + 1 = 5
static_assert(of(right(conv1(4, 3, 1, 1, "NOTSET", {1, 2}))) == resolved{1, 2, 5});
// neighbours: pads must hold 2 * rank values; W[1] * group must be C_in
static_assert(
    !resolves<decltype([] { return tconv::from_onnx(conv1(4, 3, 1, 1, "NOTSET", {1})); })>);
static_assert(!resolves<decltype([] {
  auto o = conv1(4, 3, 1, 1, "NOTSET");
  o.x_shape = {1, 2, 4};
  return tconv::from_onnx(o);
})>);

// ---- the examples have teeth: wrong resolutions fail them -------------------------------------
template <class Resolve>
constexpr bool examples_hold(Resolve resolve) {
  return of(resolve(conv1(4, 3, 2, 1, "SAME_UPPER"))) == resolved{0, 1, 2} &&
         of(resolve(conv1(4, 3, 2, 1, "SAME_LOWER"))) == resolved{1, 0, 2} &&
         of(resolve(conv1(5, 4, 1, 1, "SAME_UPPER"))) == resolved{1, 2, 5} &&
         of(resolve(conv1(5, 4, 1, 1, "SAME_LOWER"))) == resolved{2, 1, 5} &&
         of(resolve(conv1(6, 3, 3, 2, "SAME_UPPER"))) == resolved{1, 1, 2} &&
         of(resolve(conv1(8, 1, 3, 1, "SAME_LOWER"))) == resolved{0, 0, 3} &&
         of(resolve(conv1(5, 3, 2, 1, "VALID"))) == resolved{0, 0, 2} &&
         of(resolve(conv1(4, 3, 1, 1, "NOTSET", {1, 2}))) == resolved{1, 2, 5};
}
static_assert(examples_hold(right));

// the odd padding on the wrong side: SAME_UPPER and SAME_LOWER swapped
constexpr auto swapped = [](onnx_conv o) {
  if (o.auto_pad == "SAME_UPPER")
    o.auto_pad = "SAME_LOWER";
  else if (o.auto_pad == "SAME_LOWER")
    o.auto_pad = "SAME_UPPER";
  return tconv::from_onnx(o);
};
static_assert(!examples_hold(swapped));

// SAME_* read as VALID: no padding at all
constexpr auto same_as_valid = [](onnx_conv o) {
  if (o.auto_pad != "NOTSET") o.auto_pad = "VALID";
  return tconv::from_onnx(o);
};
static_assert(!examples_hold(same_as_valid));

}  // namespace
