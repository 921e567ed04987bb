// The matrix formulation: dense and sparse W agree, W of a transposed convolution is W of its
// adjoint convolution, and y = W x / z = Wᵀ y match the direct formulations.
#include <catch2/catch.hpp>

#include "test_support.hpp"

using namespace tconv;
using test::i64;
using test::make;

TEST_CASE("dense and sparse W hold the same entries", "[conv_matrix]") {
  problem p{.rank = 2, .in_channels = 2, .out_channels = 4, .groups = 2};
  //           {in, k, s, d, pb, pe, op}
  p.set_axis(0, {4, 2, 2, 1, 1, 0, 0});
  p.set_axis(1, {5, 3, 1, 2, 0, 2, 0});
  const auto w = make<i64>(weight_shape(p, op_kind::conv), test::varied(2 * 1 * 6 * 2, 7));
  const auto d = conv_matrix_dense(p, w);
  const auto s = conv_matrix_sparse(p, w);
  REQUIRE(d.rows == s.rows);
  REQUIRE(d.cols == s.cols);
  // conv output: floor((4 + 1 - 1 - 1)/2) + 1 = 2 and floor((5 + 2 - 4 - 1)/1) + 1 = 3
  CHECK(d.rows == 4 * 2 * 3);
  CHECK(d.cols == 2 * 4 * 5);
  dense_matrix<i64> from_sparse{s.rows, s.cols,
                                std::vector<i64>(static_cast<std::size_t>(s.rows * s.cols))};
  for (i64 r = 0; r < s.rows; ++r)
    for (i64 e = s.row_start[static_cast<std::size_t>(r)];
         e < s.row_start[static_cast<std::size_t>(r + 1)]; ++e)
      from_sparse.at(r, s.col[static_cast<std::size_t>(e)]) += s.value[static_cast<std::size_t>(e)];
  CHECK(from_sparse == d);
  // groups: output channel 0 (group 0) never reads input channel 1 (group 1)
  for (i64 r = 0; r < 6; ++r)
    for (i64 c = 20; c < 40; ++c) CHECK(d.at(r, c) == 0);
  // W x = conv(x)
  const auto x = make<i64>(input_shape(p), test::varied(40, 8));
  CHECK(multiply(d, x.data) == conv(p, x, w).data);
  CHECK(multiply(s, x.data) == conv(p, x, w).data);
}

TEST_CASE("W of a transposed convolution is W of its adjoint convolution", "[conv_matrix]") {
  problem t;
  t.rank = 1;
  t.in_channels = 2;
  t.out_channels = 3;
  t.input[0] = 3;
  t.kernel[0] = 3;
  t.stride[0] = 2;
  t.pad_begin[0] = 1;
  t.pad_end[0] = 2;
  t.output_padding[0] = 1;  // (3-1)*2 - 3 + 2 + 1 + 1 = 5 -> the conv maps 5 back to 3
  const auto w = make<i64>(weight_shape(t, op_kind::conv_transpose), test::varied(2 * 3 * 3, 9));
  const problem c = adjoint_conv(t);
  REQUIRE(output_extents(c, op_kind::conv)[0] == 3);
  CHECK(conv_transpose_matrix_dense(t, w) == conv_matrix_dense(c, w));
  const auto x = make<i64>(input_shape(t), test::varied(6, 10));
  CHECK(multiply_transposed(conv_transpose_matrix_dense(t, w), x.data) ==
        conv_transpose(t, x, w).data);
  CHECK(multiply_transposed(conv_transpose_matrix_sparse(t, w), x.data) ==
        conv_transpose(t, x, w).data);
}

TEST_CASE("matrix builders validate like the formulations", "[conv_matrix]") {
  problem p;
  p.kernel[0] = 2;
  p.input[0] = 1;  // conv: floor((1 - 1 - 1)/1) + 1 = 0 outputs
  CHECK_THROWS_WITH(conv_matrix_dense(p, make<i64>({1, 1, 2}, {1, 2})),
                    Catch::Matchers::Contains("output[0] = 0"));
  p.input[0] = 2;
  CHECK_THROWS_WITH(conv_matrix_sparse(p, make<i64>({1, 1, 3}, {1, 2, 3})),
                    "w: shape [1, 1, 3] does not match the problem's [1, 1, 2]");
}
