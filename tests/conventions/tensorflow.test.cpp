// TensorFlow's conv{2,3}d_transpose rules (from_tensorflow in tconv/conventions.hpp) against worked
// examples typed from TensorFlow's and Keras's own documentation and tests: Keras's
// deconv_output_length (SAME out = in * s, VALID out = in * s + max(k - s, 0)) and
// tensorflow/python/kernel_tests/nn_ops/conv2d_transpose_test.py (shapes, and the values it
// checks, which fix where the odd SAME pad goes). Expected numbers are typed, never computed by
// from_tensorflow; a test-local copy of the split with begin and end swapped must disagree.
#include <catch2/catch.hpp>
#include <string>

#include "tconv/conv_transpose.hpp"
#include "tconv/conventions.hpp"

using namespace tconv;
using Catch::Matchers::Contains;
using i64 = std::int64_t;

namespace {

// conv2d_transpose of an [N, h, w, C_in] input with a [kh, kw, C_out, C_in] filter to
// output_shape, strides (sh, sw)
tensorflow_conv_transpose tf2(std::vector<i64> x, std::vector<i64> f, std::vector<i64> y,
                              std::vector<i64> strides, std::string_view padding) {
  tensorflow_conv_transpose t;
  t.input_shape = std::move(x);
  t.filter_shape = std::move(f);
  t.output_shape = std::move(y);
  t.strides = std::move(strides);
  t.padding = padding;
  return t;
}

// one spatial axis of a 2-D conv2d_transpose, both axes alike: in, kernel, stride, out
tensorflow_conv_transpose square(i64 in, i64 k, i64 s, i64 out, std::string_view padding) {
  return tf2({1, in, in, 1}, {k, k, 1, 1}, {1, out, out, 1}, {s}, padding);
}

std::string fault_of(const tensorflow_conv_transpose& t) {
  try {
    (void)from_tensorflow(t);
  } catch (const invalid_problem& e) {
    return e.what();
  }
  return "(accepted)";
}

// conv_transpose of all-ones x and w (exact integers): TF's tests check these counts
tensor<i64> ones_through(const problem& p) {
  tensor<i64> x(input_shape(p)), w(weight_shape(p, op_kind::conv_transpose));
  for (auto& v : x.data) v = 1;
  for (auto& v : w.data) v = 1;
  return conv_transpose<i64>(p, x, w, nullptr, output_padding_rule::extension);
}

}  // namespace

TEST_CASE("TensorFlow: Keras deconv_output_length's examples resolve", "[conventions][tf]") {
  // Keras Conv2DTranspose, output_padding None: 'same' out = in * s; 'valid' out = in * s +
  // max(k - s, 0). in 5, k 3, s 2: same 10, valid 11.
  const problem same = from_tensorflow(square(5, 3, 2, 10, "SAME"));
  // SAME: ceil(10 / 2) = 5; total = max(0, (5-1)*2 + 3 - 10) = 1: 0 before, 1 after; op 0
  CHECK(same.pad_begin == extents{0, 0, 0});
  CHECK(same.pad_end == extents{1, 1, 0});
  CHECK(same.output_padding == extents{0, 0, 0});
  CHECK(output_shape(same, op_kind::conv_transpose) == std::vector<i64>{1, 1, 10, 10});
  const problem valid = from_tensorflow(square(5, 3, 2, 11, "VALID"));
  // VALID: (11 - 3 + 2) / 2 = 5; no pads; op = 11 - ((5-1)*2 + 3) = 0
  CHECK(valid.pad_begin == extents{0, 0, 0});
  CHECK(valid.output_padding == extents{0, 0, 0});
  CHECK(output_shape(valid, op_kind::conv_transpose) == std::vector<i64>{1, 1, 11, 11});
  // k 2 = s 2 (upsampling): same 10, valid 10 + max(0, 0) = 10; total = 8 + 2 - 10 = 0
  CHECK(from_tensorflow(square(5, 2, 2, 10, "SAME")).pad_begin == extents{0, 0, 0});
  CHECK(from_tensorflow(square(5, 2, 2, 10, "SAME")).pad_end == extents{0, 0, 0});
  CHECK(from_tensorflow(square(5, 2, 2, 10, "VALID")).output_padding == extents{0, 0, 0});
  // k 1 < s 3, in 4: same 12 and valid 12 + max(-2, 0) = 12; natural (4-1)*3 + 1 = 10, so the
  // output_padding is 2 = s - 1 in both
  CHECK(from_tensorflow(square(4, 1, 3, 12, "SAME")).output_padding == extents{2, 2, 0});
  CHECK(from_tensorflow(square(4, 1, 3, 12, "VALID")).output_padding == extents{2, 2, 0});
  CHECK(from_tensorflow(square(4, 1, 3, 12, "VALID")).pad_begin == extents{0, 0, 0});
}

TEST_CASE("TensorFlow: conv2d_transpose_test.py's shapes and values", "[conventions][tf]") {
  // testConv2DTransposeSingleStride: x [2,6,4,3], f [3,3,2,3], y [2,6,4,2], strides 1, SAME:
  // total (6-1) + 3 - 6 = 2 -> 1 and 1
  const problem one = from_tensorflow(tf2({2, 6, 4, 3}, {3, 3, 2, 3}, {2, 6, 4, 2}, {1}, "SAME"));
  CHECK(one.batch == 2);
  CHECK(one.in_channels == 3);
  CHECK(one.out_channels == 2);
  CHECK(one.pad_begin == extents{1, 1, 0});
  CHECK(one.pad_end == extents{1, 1, 0});
  CHECK(output_shape(one, op_kind::conv_transpose) == std::vector<i64>{2, 2, 6, 4});
  // testConv2DTransposeSame: strides 2, y [2,12,8,2]: totals (6-1)*2 + 3 - 12 = 1 and
  // (4-1)*2 + 3 - 8 = 1, the odd one after (kernel_shape_util.cc: "add more padding at the
  // 'right'")
  const problem same =
      from_tensorflow(tf2({2, 6, 4, 3}, {3, 3, 2, 3}, {2, 12, 8, 2}, {2, 2}, "SAME"));
  CHECK(same.pad_begin == extents{0, 0, 0});
  CHECK(same.pad_end == extents{1, 1, 0});
  CHECK(output_shape(same, op_kind::conv_transpose) == std::vector<i64>{2, 2, 12, 8});
  // its values: 3 input channels of ones through a ones filter; target = 3, + 3 where one of h,
  // w is even and inside (0 < h < y-1), + 9 where both are
  const tensor<i64> y = ones_through(same);
  for (i64 h = 0; h < 12; ++h)
    for (i64 w = 0; w < 8; ++w) {
      const bool h_in = h % 2 == 0 && h > 0 && h < 11, w_in = w % 2 == 0 && w > 0 && w < 7;
      const i64 target = 3 + (h_in && w_in ? 9 : h_in || w_in ? 3 : 0);
      CHECK(y.at({1, 1, h, w}) == target);
    }
  // testConv2DTransposeValid: y [2,13,9,2]: (13 - 3 + 2) / 2 = 6, (9 - 3 + 2) / 2 = 4
  const problem valid =
      from_tensorflow(tf2({2, 6, 4, 3}, {3, 3, 2, 3}, {2, 13, 9, 2}, {2, 2}, "VALID"));
  CHECK(valid.pad_begin == extents{0, 0, 0});
  CHECK(valid.output_padding == extents{0, 0, 0});
  CHECK(output_shape(valid, op_kind::conv_transpose) == std::vector<i64>{2, 2, 13, 9});
}

TEST_CASE("TensorFlow: a SAME split with begin and end swapped is caught", "[conventions][tf]") {
  // control: a wrong resolution (the odd pad before, as ONNX's SAME_LOWER would put it) must
  // disagree with testConv2DTransposeSame's typed values
  problem swapped = from_tensorflow(tf2({2, 6, 4, 3}, {3, 3, 2, 3}, {2, 12, 8, 2}, {2}, "SAME"));
  for (i64 a = 0; a < 2; ++a) std::swap(swapped.pad_begin[a], swapped.pad_end[a]);
  const tensor<i64> y = ones_through(swapped);
  // h = 2, w = 2: both even and inside, TensorFlow's target 12; the swapped pads shift the taps
  CHECK(y.at({0, 0, 2, 2}) != 12);
}

TEST_CASE("TensorFlow: explicit padding and 3-D", "[conventions][tf]") {
  // EXPLICIT [[1, 2], [0, 0]], s 2, k 3, in 4: out in the window floor((out + 3 - 3) / 2) + 1 = 4
  // -> out 6 or 7; 7: op = 7 - ((4-1)*2 + 3 - 3) = 1
  auto t = tf2({1, 4, 4, 1}, {3, 3, 1, 1}, {1, 7, 9, 1}, {2}, "EXPLICIT");
  t.explicit_paddings = {{1, 2}, {0, 0}};
  const problem p = from_tensorflow(t);
  CHECK(p.pad_begin == extents{1, 0, 0});
  CHECK(p.pad_end == extents{2, 0, 0});
  CHECK(p.output_padding == extents{1, 0, 0});
  CHECK(output_shape(p, op_kind::conv_transpose) == std::vector<i64>{1, 1, 7, 9});
  // conv3d_transpose, NDHWC: x [1,2,3,4,5], filter [1,2,3,6,5], y [1,2,6,12,6], SAME, s (1,2,3):
  // ceil: 2, 3, 4; totals max(0, 1 + 1 - 2) = 0, max(0, 4 + 2 - 6) = 0, max(0, 9 + 3 - 12) = 0
  const problem q =
      from_tensorflow(tf2({1, 2, 3, 4, 5}, {1, 2, 3, 6, 5}, {1, 2, 6, 12, 6}, {1, 2, 3}, "SAME"));
  CHECK(q.rank == 3);
  CHECK(q.out_channels == 6);
  CHECK(q.output_padding == extents{0, 0, 0});
  CHECK(output_shape(q, op_kind::conv_transpose) == std::vector<i64>{1, 6, 2, 6, 12});
}

TEST_CASE("TensorFlow: inconsistent shapes name the parameter and the rule", "[conventions][tf]") {
  // SAME: ceil(11 / 2) = 6, not 5 (TF: "Size of out_backprop doesn't match computed")
  CHECK_THAT(fault_of(square(5, 3, 2, 11, "SAME")),
             Contains("output_shape[1] = 11") && Contains("has extent 6") && Contains("is 5"));
  // VALID: (9 - 3 + 2) / 2 = 4, not 5
  CHECK_THAT(fault_of(square(5, 3, 2, 9, "VALID")), Contains("output_shape[1] = 9"));
  // VALID output shorter than the kernel: (2 - 5 + 2) / 2 = 0
  CHECK_THAT(fault_of(square(1, 5, 2, 2, "VALID")), Contains("has extent 0"));
  CHECK_THAT(fault_of(tf2({2, 5, 5, 1}, {3, 3, 1, 1}, {1, 10, 10, 1}, {2}, "SAME")),
             Contains("output_shape[0] = 1") && Contains("batch"));
  CHECK_THAT(fault_of(tf2({1, 5, 5, 1}, {3, 3, 2, 1}, {1, 10, 10, 3}, {2}, "SAME")),
             Contains("output_shape[3] = 3") && Contains("C_out"));
  CHECK_THAT(fault_of(tf2({1, 5, 5, 4}, {3, 3, 1, 2}, {1, 10, 10, 1}, {2}, "SAME")),
             Contains("filter_shape[3] = 2") && Contains("C_in"));
  CHECK_THAT(fault_of(tf2({1, 5, 5, 1}, {3, 1, 1}, {1, 10, 10, 1}, {2}, "SAME")),
             Contains("filter_shape"));
  CHECK_THAT(fault_of(square(5, 3, 2, 10, "FULL")), Contains("padding = FULL"));
  CHECK_THAT(fault_of(square(5, 3, 2, 10, "EXPLICIT")), Contains("explicit_paddings"));
  auto t = square(5, 3, 2, 10, "SAME");
  t.explicit_paddings = {{0, 1}, {0, 1}};
  CHECK_THAT(fault_of(t), Contains("explicit_paddings: 2 pairs"));
  CHECK_THAT(fault_of(square(5, 3, 0, 10, "SAME")), Contains("stride[0] = 0"));
  CHECK_THAT(fault_of(tf2({1, 5, 1}, {3, 1, 1}, {1, 10, 1}, {2, 2}, "SAME")), Contains("strides"));
}
