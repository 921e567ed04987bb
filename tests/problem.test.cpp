// Validation: every rule rejects with a message that names the parameter and the rule;
// sizes that would overflow are refused; operands of the wrong shape are refused.
#include <catch2/catch.hpp>
#include <functional>
#include <string>

#include "support/fixtures.hpp"
#include "test_support.hpp"

using namespace tconv;
using Catch::Matchers::Contains;
using test::good;
using test::i64;
using test::make;

namespace {

std::string fault_of(const problem& p, op_kind op = op_kind::conv_transpose) {
  try {
    validate(p, op);
  } catch (const invalid_problem& e) {
    return e.what();
  }
  return "(accepted)";
}

}  // namespace

TEST_CASE("a valid problem is accepted and has the expected shapes", "[problem]") {
  const problem p = good();
  CHECK(fault_of(p) == "(accepted)");
  CHECK(output_shape(p, op_kind::conv_transpose) == std::vector<i64>{2, 6, 6, 14});
  CHECK(input_shape(p) == std::vector<i64>{2, 4, 3, 4});
  CHECK(weight_shape(p, op_kind::conv_transpose) == std::vector<i64>{4, 3, 2, 3});
  CHECK(bias_shape(p) == std::vector<i64>{6});
  // the adjoint convolution maps 6 channels to 4: its weight is [C_out = 4, C_in/g = 3, 2, 3]
  CHECK(weight_shape(adjoint_conv(p), op_kind::conv) == std::vector<i64>{4, 3, 2, 3});
}

TEST_CASE("each validation rule names its parameter and rule", "[problem][validation]") {
  auto with = [](auto f) {
    problem p = good();
    f(p);
    return fault_of(p);
  };
  CHECK(with([](problem& p) { p.stride[1] = 0; }) == "stride[1] = 0: must be in [1, 2^30]");
  CHECK(with([](problem& p) { p.dilation[0] = -3; }) == "dilation[0] = -3: must be in [1, 2^30]");
  CHECK(with([](problem& p) { p.kernel[1] = 0; }) == "kernel[1] = 0: must be in [1, 2^30]");
  CHECK(with([](problem& p) { p.input[0] = 0; }) == "input[0] = 0: must be in [1, 2^30]");
  CHECK(with([](problem& p) { p.input[1] = (i64{1} << 30) + 1; }) ==
        "input[1] = 1073741825: must be in [1, 2^30]");
  CHECK(with([](problem& p) { p.pad_begin[0] = -1; }) == "pad_begin[0] = -1: must be in [0, 2^30]");
  CHECK(with([](problem& p) { p.pad_end[1] = -2; }) == "pad_end[1] = -2: must be in [0, 2^30]");
  CHECK(with([](problem& p) { p.output_padding[1] = -1; }) ==
        "output_padding[1] = -1: must be in [0, 2^30]");
  CHECK(with([](problem& p) { p.output_padding[0] = 2; }) ==
        "output_padding[0] = 2: must be < max(stride, dilation) = 2");
  CHECK(with([](problem& p) { p.output_padding[1] = 3; }) ==
        "output_padding[1] = 3: must be < max(stride, dilation) = 3");
  CHECK(with([](problem& p) { p.in_channels = 5; }) == "groups = 2: must divide in_channels = 5");
  CHECK(with([](problem& p) { p.out_channels = 7; }) == "groups = 2: must divide out_channels = 7");
  CHECK(with([](problem& p) { p.groups = 0; }) == "groups = 0: must be in [1, 2^30]");
  CHECK(with([](problem& p) { p.batch = 0; }) == "batch = 0: must be in [1, 2^30]");
  CHECK(with([](problem& p) { p.out_channels = -6; }) == "out_channels = -6: must be in [1, 2^30]");
  CHECK(with([](problem& p) { p.rank = 4; }) == "rank = 4: the spatial rank must be 1, 2 or 3");
  CHECK(with([](problem& p) { p.rank = 0; }) == "rank = 0: the spatial rank must be 1, 2 or 3");
  // (3-1)*2 - 4 - 3 + 1*(2-1) + 1 + 1 = 0
  CHECK_THAT(with([](problem& p) {
               p.pad_begin[0] = 4;
               p.pad_end[0] = 3;
             }),
             Contains("output[0] = 0: the output extent must be >= 1"));
  // output_padding on a convolution
  CHECK(fault_of(good(), op_kind::conv) ==
        "output_padding[0] = 1: must be 0 for a convolution (it only applies to conv_transpose)");
  // a convolution kernel wider than the padded input: floor((3 - 4 - 1)/1) + 1 = -1
  problem c = good();
  c.output_padding = c.pad_begin = c.pad_end = {0, 0, 0};
  c.stride = {1, 1, 1};
  c.kernel[0] = 5;
  CHECK_THAT(fault_of(c, op_kind::conv), Contains("output[0] = -1"));
}

TEST_CASE("PyTorch's output_padding rule depends on stride and dilation", "[problem][validation]") {
  problem p = good();
  p.output_padding[0] = 2;  // stride 2, dilation 1: too large
  CHECK_FALSE(is_valid(p, op_kind::conv_transpose));
  p.dilation[0] = 3;  // now max(2, 3) = 3 > 2
  CHECK(is_valid(p, op_kind::conv_transpose));
  // the extension rule (ONNX output_shape) accepts any non-negative output_padding
  p.output_padding[0] = 100;
  CHECK_FALSE(is_valid(p, op_kind::conv_transpose));
  CHECK(is_valid(p, op_kind::conv_transpose, output_padding_rule::extension));
}

TEST_CASE("sizes that overflow int64 or a limit are refused", "[problem][overflow]") {
  const i64 big = i64{1} << 31;
  CHECK_THROWS_WITH(
      checked_size({big, big, 4}, "x"),
      Contains("x: [2147483648, 2147483648, 4] has more than 4611686018427387904 elements"));
  CHECK_THROWS_AS(checked_size({big, big, big, big}, "x"), invalid_problem);  // 2^124: past int64
  CHECK(checked_size({big, big}, "x") == i64{1} << 62);                       // exactly the limit
  CHECK_THROWS_WITH(checked_size({10, 10}, "w", 99),
                    Contains("w: [10, 10] has more than 99 elements"));
  CHECK(checked_size({}, "scalar") == 1);
  CHECK(checked_size({3, 0}, "empty") == 0);

  // every hyperparameter valid (<= 2^30), the tensors astronomically large
  problem p;
  p.rank = 3;
  p.batch = p.in_channels = p.out_channels = i64{1} << 30;
  p.input = {i64{1} << 30, i64{1} << 30, i64{1} << 30};
  CHECK(is_valid(p, op_kind::conv_transpose));
  CHECK_THROWS_WITH(validate_sizes(p, op_kind::conv_transpose), Contains("input shape"));
  problem q;
  q.input[0] = 1000;
  q.kernel[0] = 1000;
  CHECK_NOTHROW(validate_sizes(q, op_kind::conv_transpose));
  CHECK_THROWS_WITH(validate_sizes(q, op_kind::conv_transpose, 999), Contains("input shape"));
  // a formulation refuses before allocating: the tensor constructor checks the size too
  CHECK_THROWS_AS(tensor<i64>(std::vector<i64>{big, big, big}), invalid_problem);
}

TEST_CASE("operands of the wrong shape are refused by every formulation", "[problem][shape]") {
  problem p;  // rank 1: x [1,1,2], w [1,1,2], y [1,1,3]
  p.input[0] = 2;
  p.kernel[0] = 2;
  const auto x = make<i64>({1, 1, 2}, {1, 2}), w = make<i64>({1, 1, 2}, {3, 4});
  const auto x3 = make<i64>({1, 1, 3}, {1, 2, 3}), w3 = make<i64>({1, 1, 3}, {1, 2, 3});
  const auto b = make<i64>({1}, {5}), b2 = make<i64>({2}, {5, 6});
  using f = std::function<tensor<i64>(const problem&, const tensor<i64>&, const tensor<i64>&,
                                      const tensor<i64>*)>;
  const std::vector<std::pair<const char*, f>> formulations = {
      {"scatter", [](auto& q, auto& a, auto& c, auto* d) { return conv_transpose(q, a, c, d); }},
      {"gather",
       [](auto& q, auto& a, auto& c, auto* d) { return conv_transpose_gather(q, a, c, d); }},
      {"matrix",
       [](auto& q, auto& a, auto& c, auto* d) { return conv_transpose_via_matrix(q, a, c, d); }},
      {"zero insertion", [](auto& q, auto& a, auto& c,
                            auto* d) { return conv_transpose_zero_insertion(q, a, c, d); }},
  };
  // Every formulation accepts the same problems (issue 15). Zero insertion convolves over
  // out + d(k-1) positions; with d = 2^30 and pb = 2^30 that is 2^30 + 1 while out = 1, and
  // zero insertion used to allocate it and then throw while the others answered. Validation now
  // refuses the problem for all of them, before any allocation.
  problem wide = p;
  wide.input[0] = 1;
  wide.dilation[0] = i64{1} << 30;
  wide.pad_begin[0] = i64{1} << 30;
  const auto x1 = make<i64>({1, 1, 1}, {7});
  for (const auto& [name, run] : formulations) {
    INFO(name);
    CHECK_THROWS_WITH(run(wide, x1, w, nullptr),
                      "output[0] = 1: plus dilation*(kernel-1), zero insertion's padded input, "
                      "must be <= 2^30; it is = 1073741825");
  }
  for (const auto& [name, run] : formulations) {
    INFO(name);
    CHECK(run(p, x, w, nullptr) == make<i64>({1, 1, 3}, {3, 10, 8}));  // [1*3, 1*4 + 2*3, 2*4]
    CHECK_THROWS_WITH(run(p, x3, w, nullptr),
                      "x: shape [1, 1, 3] does not match the problem's [1, 1, 2]");
    CHECK_THROWS_WITH(run(p, x, w3, nullptr),
                      "w: shape [1, 1, 3] does not match the problem's [1, 1, 2]");
    CHECK_THROWS_WITH(run(p, x, w, &b), "b: the problem says has_bias = 0 but a bias was given");
    problem pb = p;
    pb.has_bias = true;
    CHECK_THROWS_WITH(run(pb, x, w, nullptr),
                      "b: the problem says has_bias = 1 but no bias was given");
    CHECK_THROWS_WITH(run(pb, x, w, &b2), "b: shape [2] does not match the problem's [1]");
    CHECK(run(pb, x, w, &b) == make<i64>({1, 1, 3}, {8, 15, 13}));
    problem bad = p;
    bad.stride[0] = 0;
    CHECK_THROWS_WITH(run(bad, x, w, nullptr), "stride[0] = 0: must be in [1, 2^30]");
  }
  // the forward formulations check the same way
  problem c;
  c.input[0] = 3;
  c.kernel[0] = 2;
  CHECK(conv(c, x3, w) == make<i64>({1, 1, 2}, {11, 18}));  // [1*3 + 2*4, 2*3 + 3*4]
  CHECK_THROWS_WITH(conv(c, x, w), "x: shape [1, 1, 2] does not match the problem's [1, 1, 3]");
  CHECK_THROWS_WITH(conv_via_matrix(c, x3, w3),
                    "w: shape [1, 1, 3] does not match the problem's [1, 1, 2]");
  // a tensor whose values do not fill its shape
  CHECK_THROWS_WITH(make<i64>({2, 2}, {1, 2, 3}), "tensor: [2, 2] needs 4 values, got 3");
}
