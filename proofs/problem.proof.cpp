// proofs/problem.proof.cpp -- passes iff it compiles.
// Shape arithmetic (#15 of SEEDS.md, shape inversion over the whole per-axis box) and every
// validation rule, each checked by a concept that must reject the broken problem and accept
// its repaired neighbour.
#include <cstdint>
#include <string_view>

#include "../tests/support/fixtures.hpp"
#include "box.hpp"
#include "tconv/tconv.hpp"

namespace {

using i64 = std::int64_t;
using tconv::op_kind;
using tconv::problem;

// #15: Conv2d(10, 20, k=5, p=2, s=3) maps (1,10,16,16) to (1,20,6,6): floor((16 + 4 - 4 - 1)/3) + 1
// = 6; ConvTranspose2d(20, 10, k=5, p=2, s=3) maps (1,20,6,6) back: (6-1)*3 - 4 + 4 + 1 = 16.
constexpr bool seed15() {
  const auto c =
      tconv::from_pytorch({{1, 10, 16, 16}, 20, {5}, {3}, {2}, {}, {}, 1, false}, op_kind::conv);
  const auto t = tconv::from_pytorch({{1, 20, 6, 6}, 10, {5}, {3}, {2}, {}, {}, 1, false},
                                     op_kind::conv_transpose);
  return tconv::output_shape(c, op_kind::conv) == std::vector<i64>{1, 20, 6, 6} &&
         tconv::output_shape(t, op_kind::conv_transpose) == std::vector<i64>{1, 10, 16, 16} &&
         tconv::weight_shape(c, op_kind::conv) == std::vector<i64>{20, 10, 5, 5} &&
         tconv::weight_shape(t, op_kind::conv_transpose) == std::vector<i64>{20, 10, 5, 5};
}
static_assert(seed15());

// ---- shape inversion, from the convolution's side -------------------------------------------
// For a convolution in -> O, the transposed convolution with the same hyperparameters maps O back
// to exactly `in` when output_padding = (in + pb + pe - d(k-1) - 1) mod s, which is always a
// valid output_padding (< s <= max(s, d)); output_padding 0 restores `in` iff that remainder is 0.
constexpr bool conv_axis_inverts(const tconv::axis& a) {
  const i64 span = a.input + a.pad_begin + a.pad_end - a.dilation * (a.kernel - 1) - 1;
  problem c;
  c.rank = 1;
  c.set_axis(0, a);
  if (span < 0) return !tconv::is_valid(c, op_kind::conv);  // the convolution itself is invalid
  if (!tconv::is_valid(c, op_kind::conv)) return false;
  problem t = c;
  t.input[0] = tconv::output_extents(c, op_kind::conv)[0];
  t.output_padding[0] = span % a.stride;
  if (!tconv::is_valid(t, op_kind::conv_transpose)) return false;
  if (tconv::output_extents(t, op_kind::conv_transpose)[0] != a.input) return false;
  t.output_padding[0] = 0;
  return (tconv::output_extents(t, op_kind::conv_transpose)[0] == a.input) ==
         (span % a.stride == 0);
}
// every (input, kernel, stride, dilation, pad_begin, pad_end) of the per-axis box
constexpr i64 conv_shape_inversions() {
  i64 n = 0;
  for (i64 in = 1; in <= tconv::proof::box_input; ++in)
    for (i64 k = 1; k <= tconv::proof::box_kernel; ++k)
      for (i64 s = 1; s <= tconv::proof::box_stride; ++s)
        for (i64 d = 1; d <= tconv::proof::box_dilation; ++d)
          for (i64 pb = 0; pb <= tconv::proof::box_pad; ++pb)
            for (i64 pe = 0; pe <= tconv::proof::box_pad; ++pe) {
              if (!conv_axis_inverts({in, k, s, d, pb, pe, 0})) return -(n + 1);
              ++n;
            }
  return n;
}
constexpr i64 proved_conv_shapes = conv_shape_inversions();
static_assert(proved_conv_shapes == 4 * 3 * 3 * 2 * 3 * 3);

// ---- validation: rejected, not miscomputed ---------------------------------------------------
template <problem P>
concept accepted = requires {
  requires tconv::is_valid(P, op_kind::conv_transpose);
};
template <problem P>
concept accepted_conv = requires {
  requires tconv::is_valid(P, op_kind::conv);
};

using tconv::test::good;  // tests/support/fixtures.hpp: out = {6, 14}
static_assert(accepted<good()>);
// out = (3-1)*2 - 1 - 0 + 1*1 + 1 + 1 = 6 and (4-1)*3 - 0 - 2 + 2*2 + 2 + 1 = 14
static_assert(tconv::output_extents(good(), op_kind::conv_transpose) == tconv::extents{6, 14, 1});

template <class F>
constexpr problem with(F f) {
  problem p = good();
  f(p);
  return p;
}
/// The fault names `parameter` (on axis `ax`).
constexpr bool names(const problem& p, std::string_view parameter, i64 ax = -1,
                     op_kind op = op_kind::conv_transpose) {
  const auto f = tconv::find_fault(p, op);
  return f && f.parameter == parameter && f.axis == ax;
}

// output_padding must be < max(stride, dilation): 2 on axis 0 (stride 2, dilation 1) is not
constexpr problem op_at_stride = with([](problem& p) { p.output_padding[0] = 2; });
static_assert(!accepted<op_at_stride> && names(op_at_stride, "output_padding", 0));
// ... but dilation 3 > stride 2 makes it valid (PyTorch's rule)
static_assert(accepted<with([](problem& p) {
  p.output_padding[0] = 2;
  p.dilation[0] = 3;
})>);
// ... and conv has no output_padding at all
static_assert(!accepted_conv<good()> && names(good(), "output_padding", 0, op_kind::conv));
static_assert(accepted_conv<with([](problem& p) { p.output_padding = {0, 0, 0}; })>);

constexpr problem stride0 = with([](problem& p) { p.stride[1] = 0; });
static_assert(!accepted<stride0> && names(stride0, "stride", 1));
constexpr problem dilation0 = with([](problem& p) { p.dilation[0] = 0; });
static_assert(!accepted<dilation0> && names(dilation0, "dilation", 0));
constexpr problem kernel0 = with([](problem& p) { p.kernel[1] = 0; });
static_assert(!accepted<kernel0> && names(kernel0, "kernel", 1));
constexpr problem input0 = with([](problem& p) { p.input[0] = 0; });
static_assert(!accepted<input0> && names(input0, "input", 0));
constexpr problem input_huge = with([](problem& p) { p.input[0] = (i64{1} << 30) + 1; });
static_assert(!accepted<input_huge> && names(input_huge, "input", 0));

constexpr problem groups_in = with([](problem& p) { p.in_channels = 5; });  // 2 does not divide 5
static_assert(!accepted<groups_in> && names(groups_in, "groups"));
constexpr problem groups_out = with([](problem& p) { p.out_channels = 7; });
static_assert(!accepted<groups_out> && names(groups_out, "groups"));
constexpr problem groups0 = with([](problem& p) { p.groups = 0; });
static_assert(!accepted<groups0> && names(groups0, "groups"));
constexpr problem batch0 = with([](problem& p) { p.batch = 0; });
static_assert(!accepted<batch0> && names(batch0, "batch"));
constexpr problem channels0 = with([](problem& p) { p.in_channels = 0; });
static_assert(!accepted<channels0> && names(channels0, "in_channels"));

constexpr problem pad_begin_negative = with([](problem& p) { p.pad_begin[0] = -1; });
static_assert(!accepted<pad_begin_negative> && names(pad_begin_negative, "pad_begin", 0));
constexpr problem pad_end_negative = with([](problem& p) { p.pad_end[1] = -1; });
static_assert(!accepted<pad_end_negative> && names(pad_end_negative, "pad_end", 1));
constexpr problem op_negative = with([](problem& p) { p.output_padding[1] = -1; });
static_assert(!accepted<op_negative> && names(op_negative, "output_padding", 1));

// padding that removes the whole output: (3-1)*2 - 4 - 3 + 1*(2-1) + 1 + 1 = 0 < 1
constexpr problem cropped_away = with([](problem& p) {
  p.pad_begin[0] = 4;
  p.pad_end[0] = 3;
});
static_assert(!accepted<cropped_away> && names(cropped_away, "output", 0));
// with pad_end 2 exactly one element is left: 4 - 4 - 2 + 1 + 1 + 1 = 1
static_assert(accepted<with([](problem& p) {
  p.pad_begin[0] = 4;
  p.pad_end[0] = 2;
})>);
// a convolution whose kernel reaches past the padded input: floor((3 + 0 + 0 - 1*(5-1) - 1)/1) + 1
// = -1
constexpr problem kernel_too_big = with([](problem& p) {
  p.output_padding = p.pad_begin = p.pad_end = {0, 0, 0};
  p.kernel[0] = 5;
});
static_assert(!accepted_conv<kernel_too_big> && names(kernel_too_big, "output", 0, op_kind::conv));

// zero insertion's padded input, out + d(k-1), is held to 2^30 so that every formulation accepts
// the same problems: in 1, k 2, d 2^30, pb 2^30 gives out = 0 - 2^30 + 2^30 + 1 = 1 but a padded
// length of 1 + 2^30; one less dilation and padding gives exactly 2^30, accepted
constexpr problem zi_too_long = [] {
  problem p;
  p.input[0] = 1;
  p.kernel[0] = 2;
  p.dilation[0] = p.pad_begin[0] = i64{1} << 30;
  return p;
}();
static_assert(tconv::output_extents(zi_too_long, op_kind::conv_transpose)[0] == 1);
static_assert(!accepted<zi_too_long> && names(zi_too_long, "output", 0));
static_assert(accepted<[] {
  problem p = zi_too_long;
  p.dilation[0] = p.pad_begin[0] = (i64{1} << 30) - 1;
  return p;
}()>);
// ... and a convolution is not affected (its input is capped directly)
static_assert(accepted_conv<[] {
  problem p = zi_too_long;
  p.input[0] = i64{1} << 30;
  p.pad_begin[0] = 0;
  p.dilation[0] = 3;
  return p;
}()>);

constexpr problem rank4 = with([](problem& p) { p.rank = 4; });
static_assert(!accepted<rank4> && names(rank4, "rank"));
constexpr problem rank0 = with([](problem& p) { p.rank = 0; });
static_assert(!accepted<rank0> && names(rank0, "rank"));
// axes past the rank are ignored: a rank-1 problem does not care about axis 1's zero stride
static_assert(accepted<with([](problem& p) {
  p.rank = 1;
  p.stride[1] = 0;
})>);

}  // namespace

// read by report.cpp
extern const std::int64_t tconv_proved_conv_shapes;
const std::int64_t tconv_proved_conv_shapes = proved_conv_shapes;
