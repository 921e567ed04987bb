// PyTorch and ONNX conventions resolved into one canonical problem: padding splits, auto_pad,
// output_shape (including extension past the natural extent), and their error messages.
// Expected pads come from the ONNX ConvTranspose specification's formulas, worked by hand.
#include <catch2/catch.hpp>

#include "test_support.hpp"

using namespace tconv;
using Catch::Matchers::Contains;
using test::i64;
using test::make;

namespace {

onnx_conv_transpose onnx1(i64 in, i64 k, i64 s) {
  onnx_conv_transpose o;
  o.x_shape = {1, 1, in};
  o.w_shape = {1, 1, k};
  o.strides = {s};
  return o;
}
std::string fault_of(const onnx_conv_transpose& o) {
  try {
    (void)from_onnx(o);
  } catch (const invalid_problem& e) {
    return e.what();
  }
  return "(accepted)";
}
std::string fault_of(const pytorch_layer& l, op_kind op = op_kind::conv_transpose) {
  try {
    (void)from_pytorch(l, op);
  } catch (const invalid_problem& e) {
    return e.what();
  }
  return "(accepted)";
}

}  // namespace

TEST_CASE("PyTorch: per-axis lists, broadcasting, symmetric padding", "[conventions][pytorch]") {
  // nn.ConvTranspose2d(4, 6, kernel_size=(2,3), stride=(2,1), padding=(1,0), output_padding=(1,0),
  // groups=2) on (1,4,3,5)
  const auto p = from_pytorch({{1, 4, 3, 5}, 6, {2, 3}, {2, 1}, {1, 0}, {1, 0}, {}, 2, true},
                              op_kind::conv_transpose);
  CHECK(p.rank == 2);
  CHECK(p.in_channels == 4);
  CHECK(p.out_channels == 6);
  CHECK(p.groups == 2);
  CHECK(p.has_bias);
  CHECK(p.kernel == extents{2, 3, 1});
  CHECK(p.pad_begin == extents{1, 0, 0});
  CHECK(p.pad_end == extents{1, 0, 0});
  CHECK(p.output_padding == extents{1, 0, 0});
  // (3-1)*2 - 2 + 1 + 1 + 1 = 5; (5-1)*1 + 2 + 1 = 7
  CHECK(output_shape(p, op_kind::conv_transpose) == std::vector<i64>{1, 6, 5, 7});
  // one value broadcasts to every axis (rank 3)
  const auto q =
      from_pytorch({{2, 1, 4, 4, 4}, 1, {3}, {2}, {1}, {}, {2}, 1, false}, op_kind::conv);
  CHECK(q.rank == 3);
  CHECK(q.kernel == extents{3, 3, 3});
  CHECK(q.dilation == extents{2, 2, 2});
  // floor((4 + 2 - 2*2 - 1)/2) + 1 = 1
  CHECK(output_shape(q, op_kind::conv) == std::vector<i64>{2, 1, 1, 1, 1});
  // rank 1
  CHECK(from_pytorch({{1, 1, 7}, 1, {3}, {}, {}, {}, {}, 1, false}, op_kind::conv).input ==
        extents{7, 1, 1});
}

TEST_CASE("PyTorch: bad layers are refused with a message", "[conventions][pytorch]") {
  CHECK(fault_of({{1, 1, 4, 4}, 1, {2}, {}, {1, 2, 3}, {}, {}, 1, false}) ==
        "padding: [1, 2, 3] has 3 values; give 1 or one per spatial axis (2)");
  CHECK(fault_of({{1, 1, 4, 4}, 1, {}, {}, {}, {}, {}, 1, false}) == "kernel_size: required");
  CHECK_THAT(fault_of({{1, 1, 4, 4, 4, 4}, 1, {2}, {}, {}, {}, {}, 1, false}),
             Contains("input_shape: [1, 1, 4, 4, 4, 4] must be [N, C, D1[, D2[, D3]]]"));
  CHECK(fault_of({{1, 1, 4}, 1, {2}, {2}, {}, {2}, {}, 1, false}) ==
        "output_padding[0] = 2: must be < max(stride, dilation) = 2");
  CHECK(fault_of({{1, 3, 4}, 2, {2}, {}, {}, {}, {}, 2, false}) ==
        "groups = 2: must divide in_channels = 3");
  // a convolution has no output_padding
  CHECK_THAT(fault_of({{1, 1, 4}, 1, {2}, {2}, {}, {1}, {}, 1, false}, op_kind::conv),
             Contains("must be 0 for a convolution"));
}

TEST_CASE("ONNX NOTSET: pads are all begins, then all ends", "[conventions][onnx]") {
  onnx_conv_transpose o;
  o.x_shape = {1, 2, 3, 4};
  o.w_shape = {2, 3, 2, 3};  // C_in = 2, C_out/group = 3
  o.strides = {2, 2};
  o.pads = {1, 2, 0, 1};
  const auto p = from_onnx(o);
  CHECK(p.out_channels == 3);
  CHECK(p.pad_begin == extents{1, 2, 0});
  CHECK(p.pad_end == extents{0, 1, 0});
  // (3-1)*2 - 1 - 0 + 1 + 1 = 5; (4-1)*2 - 2 - 1 + 2 + 1 = 6
  CHECK(output_extents(p, op_kind::conv_transpose) == extents{5, 6, 1});
  o.group = 2;  // C_out = 3 * 2
  CHECK(from_onnx(o).out_channels == 6);
}

TEST_CASE("ONNX auto_pad VALID and SAME_*", "[conventions][onnx]") {
  auto o = onnx1(3, 5, 2);
  o.auto_pad = "VALID";
  const auto v = from_onnx(o);  // no padding: (3-1)*2 + 4 + 1 = 9
  CHECK(v.pad_begin == extents{0, 0, 0});
  CHECK(v.pad_end == extents{0, 0, 0});
  CHECK(output_extents(v, op_kind::conv_transpose)[0] == 9);
  // SAME_*: output = in * s = 6, so 9 - 6 = 3 is padded away; the odd one goes at the end for
  // SAME_UPPER and at the begin for SAME_LOWER
  o.auto_pad = "SAME_UPPER";
  const auto up = from_onnx(o);
  CHECK(up.pad_begin[0] == 1);
  CHECK(up.pad_end[0] == 2);
  o.auto_pad = "SAME_LOWER";
  const auto low = from_onnx(o);
  CHECK(low.pad_begin[0] == 2);
  CHECK(low.pad_end[0] == 1);
  // values: x = [1,0,0] puts w = [1,2,3,4,5] at 0..4 of the uncropped 9; UPPER drops 1 at the begin
  const auto x = make<i64>({1, 1, 3}, {1, 0, 0}), w = make<i64>({1, 1, 5}, {1, 2, 3, 4, 5});
  CHECK(conv_transpose(up, x, w) == make<i64>({1, 1, 6}, {2, 3, 4, 5, 0, 0}));
  CHECK(conv_transpose(low, x, w) == make<i64>({1, 1, 6}, {3, 4, 5, 0, 0, 0}));
  // an even total splits evenly: k = 4 gives 8 - 6 = 2
  auto e = onnx1(3, 4, 2);
  e.auto_pad = "SAME_UPPER";
  CHECK(from_onnx(e).pad_begin[0] == 1);
  CHECK(from_onnx(e).pad_end[0] == 1);
  e.auto_pad = "SAME_LOWER";
  CHECK(from_onnx(e).pad_begin[0] == 1);
  CHECK(from_onnx(e).pad_end[0] == 1);
}

TEST_CASE("ONNX output_shape: split, and extension past the natural extent",
          "[conventions][onnx]") {
  // natural extent (3-1)*2 + 2 + 1 = 7
  auto o = onnx1(3, 3, 2);
  o.output_shape = {6};  // total 1: NOTSET puts it at the begin (the spec's "else" branch)
  auto p = from_onnx(o);
  CHECK(p.pad_begin[0] == 1);
  CHECK(p.pad_end[0] == 0);
  o.output_shape = {1, 1, 5};  // N and C may be included; total 2 splits 1 + 1
  p = from_onnx(o);
  CHECK(p.pad_begin[0] == 1);
  CHECK(p.pad_end[0] == 1);
  o.pads = {2, 0};  // ignored when output_shape is given
  CHECK(from_onnx(o) == p);
  o.pads.clear();
  o.auto_pad = "SAME_UPPER";  // with output_shape, SAME_UPPER's split: the odd one at the end
  o.output_shape = {6};
  CHECK(from_onnx(o).pad_begin[0] == 0);
  CHECK(from_onnx(o).pad_end[0] == 1);
  o.auto_pad = "NOTSET";

  // larger than natural: 7 -> 10 extends the end by 3, like output_padding 3 (>= stride 2, so
  // only under the extension rule)
  o.output_shape = {10};
  p = from_onnx(o);
  CHECK(p.pad_begin[0] == 0);
  CHECK(p.pad_end[0] == 0);
  CHECK(p.output_padding[0] == 3);
  CHECK_FALSE(is_valid(p, op_kind::conv_transpose));
  CHECK(is_valid(p, op_kind::conv_transpose, output_padding_rule::extension));
  // x = [1,2,3], w = [1,1,1]: input i covers 2i..2i+2: [1,1,1+2,2,2+3,3,3] then 3 empty slots
  const auto x = make<i64>({1, 1, 3}, {1, 2, 3}), w = make<i64>({1, 1, 3}, {1, 1, 1});
  const auto expected = make<i64>({1, 1, 10}, {1, 1, 3, 2, 5, 3, 3, 0, 0, 0});
  const auto ext = output_padding_rule::extension;
  const tensor<i64>* no_bias = nullptr;
  CHECK(conv_transpose(p, x, w, no_bias, ext) == expected);
  CHECK(conv_transpose_gather(p, x, w, no_bias, ext) == expected);
  CHECK(conv_transpose_via_matrix(p, x, w, no_bias, ext) == expected);
  CHECK(conv_transpose_zero_insertion(p, x, w, no_bias, ext) == expected);
  CHECK_THROWS_WITH(conv_transpose(p, x, w),
                    Contains("output_padding[0] = 3: must be < max(stride, dilation)"));
}

TEST_CASE("ONNX and PyTorch describe the same layer the same way", "[conventions]") {
  const auto t = from_pytorch({{2, 4, 3, 5}, 6, {2, 3}, {2, 1}, {1, 0}, {1, 0}, {1, 2}, 2, true},
                              op_kind::conv_transpose);
  onnx_conv_transpose o;
  o.x_shape = {2, 4, 3, 5};
  o.w_shape = {4, 3, 2, 3};
  o.strides = {2, 1};
  o.dilations = {1, 2};
  o.pads = {1, 0, 1, 0};
  o.output_padding = {1, 0};
  o.group = 2;
  o.has_bias = true;
  CHECK(from_onnx(o) == t);
  o.kernel_shape = {2, 3};  // consistent kernel_shape changes nothing
  CHECK(from_onnx(o) == t);
}

TEST_CASE("ONNX: bad attributes are refused with a message", "[conventions][onnx]") {
  auto o = onnx1(3, 3, 2);
  o.auto_pad = "SAME";
  CHECK(fault_of(o) == "auto_pad = SAME: must be NOTSET, VALID, SAME_UPPER or SAME_LOWER");
  o = onnx1(3, 3, 2);
  o.pads = {1, 1, 1};
  CHECK(fault_of(o) == "pads: [1, 1, 1] must hold 2 * rank = 2 values (all begins, then all ends)");
  o.pads = {1, 1};
  o.auto_pad = "VALID";
  CHECK(fault_of(o) == "pads: cannot be given together with auto_pad = VALID");
  o = onnx1(3, 3, 2);
  o.kernel_shape = {2};
  CHECK(fault_of(o) == "kernel_shape: [2] disagrees with W shape [1, 1, 3]");
  o = onnx1(3, 3, 2);
  o.w_shape = {2, 1, 3};
  CHECK(fault_of(o) == "W shape: [2, 1, 3]: W[0] must equal C_in = 1");
  o = onnx1(3, 3, 2);
  o.w_shape = {1, 1, 3, 3};
  CHECK_THAT(fault_of(o), Contains("must have the same rank"));
  o = onnx1(3, 3, 2);
  o.output_shape = {6, 6};
  CHECK_THAT(fault_of(o),
             Contains("output_shape: [6, 6] must hold the spatial extents (1 values)"));
  o.output_shape = {0};
  CHECK(fault_of(o) == "output_shape[0] = 0: must be in [1, 2^30]");
  o = onnx1(3, 3, 2);
  o.group = 0;
  CHECK(fault_of(o) == "group = 0: must be >= 1");
  o = onnx1(3, 3, 0);
  CHECK(fault_of(o) == "stride[0] = 0: must be in [1, 2^30]");
  o = onnx1(3, 3, 2);
  o.pads = {4, 3};  // (3-1)*2 - 7 + 2 + 1 = 0 < 1
  CHECK_THAT(fault_of(o), Contains("output[0] = 0: the output extent must be >= 1"));
}

TEST_CASE("ONNX Conv: auto_pad, pads and the weight layout", "[conventions][onnx][conv]") {
  // Operators.md, Conv: SAME_* pad so that out = ceil(in / s), the odd one at the end (UPPER) or
  // the begin (LOWER); in (4, 5), k (3, 4), s (2, 1): out (2, 5); totals (2 + 2 + 1 - 4 = 1,
  // 4 + 3 + 1 - 5 = 3)
  onnx_conv o;
  o.x_shape = {1, 4, 4, 5};
  o.w_shape = {6, 2, 3, 4};  // [C_out, C_in/group, k...]
  o.group = 2;
  o.strides = {2, 1};
  o.auto_pad = "SAME_UPPER";
  const auto up = from_onnx(o);
  CHECK(up.out_channels == 6);
  CHECK(up.pad_begin == extents{0, 1, 0});
  CHECK(up.pad_end == extents{1, 2, 0});
  CHECK(output_shape(up, op_kind::conv) == std::vector<i64>{1, 6, 2, 5});
  o.auto_pad = "SAME_LOWER";
  const auto low = from_onnx(o);
  CHECK(low.pad_begin == extents{1, 2, 0});
  CHECK(low.pad_end == extents{0, 1, 0});
  o.auto_pad = "VALID";
  CHECK(from_onnx(o).pad_begin == extents{0, 0, 0});
  o.auto_pad = "NOTSET";
  o.pads = {1, 0, 0, 2};
  const auto explicit_pads = from_onnx(o);
  CHECK(explicit_pads.pad_begin == extents{1, 0, 0});
  CHECK(explicit_pads.pad_end == extents{0, 2, 0});
}

TEST_CASE("ONNX Conv: faults name the attribute and the rule, as data",
          "[conventions][onnx][conv]") {
  auto fault = [](const onnx_conv& o) {
    try {
      (void)from_onnx(o);
    } catch (const invalid_problem& e) {
      return std::pair<std::string, problem_fault>{e.what(), e.fault};
    }
    return std::pair<std::string, problem_fault>{"(accepted)", {}};
  };
  onnx_conv o;
  o.x_shape = {1, 2, 4};
  o.w_shape = {3, 2, 3};
  CHECK(fault(o).first == "(accepted)");
  o.auto_pad = "SAME";
  auto [what, f] = fault(o);
  CHECK(what == "auto_pad = SAME: must be NOTSET, VALID, SAME_UPPER or SAME_LOWER");
  CHECK(std::string(f.parameter) == "auto_pad");
  CHECK(f.rule == onnx_rule::auto_pad_name);
  o.auto_pad = "SAME_UPPER";
  o.pads = {1, 1};
  std::tie(what, f) = fault(o);
  CHECK(what == "pads: cannot be given together with auto_pad = SAME_UPPER");
  CHECK(f.rule == onnx_rule::pads_with_auto_pad);
  o.pads = {1};
  std::tie(what, f) = fault(o);
  CHECK(what == "pads: [1] must hold 2 * rank = 2 values (all begins, then all ends)");
  CHECK((std::string(f.parameter) == "pads" && f.value == 1 && f.bound == 2));
  o = {};
  o.x_shape = {1, 2, 4};
  o.w_shape = {3, 1, 3};
  std::tie(what, f) = fault(o);
  CHECK(what == "W shape: [3, 1, 3]: W[1] * group must equal C_in = 2");
  CHECK((std::string(f.parameter) == "W shape" && f.axis == 1 && f.value == 1 && f.bound == 2));
  o.w_shape = {4, 1, 3};
  o.group = 2;
  o.strides = {0};
  std::tie(what, f) = fault(o);
  CHECK(what == "stride[0] = 0: must be in [1, 2^30]");
  CHECK((std::string(f.parameter) == "stride" && f.axis == 0 && f.value == 0));
}

TEST_CASE("invalid_problem carries the fault its message describes", "[conventions][fault]") {
  problem p;
  p.dilation = {0, 1, 1};
  try {
    validate(p, op_kind::conv_transpose);
    FAIL("accepted");
  } catch (const invalid_problem& e) {
    CHECK(std::string(e.what()) == describe(e.fault));
    CHECK(std::string(e.fault.parameter) == "dilation");
    CHECK(e.fault.axis == 0);
  }
  onnx_conv_transpose o;
  o.x_shape = {1, 2, 3};
  o.w_shape = {3, 1, 3};
  try {
    (void)from_onnx(o);
    FAIL("accepted");
  } catch (const invalid_problem& e) {
    CHECK(std::string(e.what()) == "W shape: [3, 1, 3]: W[0] must equal C_in = 2");
    CHECK((std::string(e.fault.parameter) == "W shape" && e.fault.value == 3 &&
           e.fault.bound == 2 && e.fault.rule == onnx_rule::w0_is_c_in));
  }
}
