// proofs/conv_matrix.proof.cpp -- passes iff it compiles.
// The seeds' kernel2matrix (#12) built at compile time, and the matrix view of #13/#14:
// a convolution is y = W x, the transposed convolution is z = Wᵀ y, with the same W.
#include <cstdint>
#include <vector>

#include "../tests/support/fixtures.hpp"
#include "tconv/tconv.hpp"

namespace {

using i64 = std::int64_t;
using tconv::dense_matrix;
using tconv::problem;
using tconv::tensor;

using tconv::test::layer;  // one batch, one channel, h x w input, k x k kernel
constexpr tensor<i64> arange(std::vector<i64> shape) {
  tensor<i64> r(std::move(shape));
  for (i64 i = 0; i < r.size(); ++i) r[i] = i;
  return r;
}
constexpr tensor<i64> k000() { return {{1, 1, 2, 2}, {1, 2, 3, 4}}; }

// #12: W of the 2x2 kernel [[1,2],[3,4]] over a 3x3 input is 4x9; row o = (o0, o1) holds
// K[a][b] at column (o0 + a)*3 + (o1 + b): row 1 (o = (0,1)) is K00 at 1, K01 at 2, K10 at 4, K11
// at 5.
constexpr dense_matrix<i64> w12() {
  return {4, 9, {1, 2, 0, 3, 4, 0, 0, 0, 0,  //
                 0, 1, 2, 0, 3, 4, 0, 0, 0,  //
                 0, 0, 0, 1, 2, 0, 3, 4, 0,  //
                 0, 0, 0, 0, 1, 2, 0, 3, 4}};
}
static_assert(tconv::conv_matrix_dense(layer(3, 3, 2), k000()) == w12());
// the transposed convolution 2x2 -> 3x3 with the same kernel has the same W (rows: its input)
static_assert(tconv::conv_transpose_matrix_dense(layer(2, 2, 2), k000()) == w12());
// the sparse builder holds exactly W's nonzeros: 4 per row, row by row, columns ascending
constexpr bool sparse_is_w12() {
  const auto s = tconv::conv_matrix_sparse(layer(3, 3, 2), k000());
  if (s.rows != 4 || s.cols != 9 || s.row_start != std::vector<i64>{0, 4, 8, 12, 16}) return false;
  for (i64 r = 0; r < 4; ++r)
    for (i64 e = s.row_start[static_cast<std::size_t>(r)];
         e < s.row_start[static_cast<std::size_t>(r + 1)]; ++e)
      if (w12().at(r, s.col[static_cast<std::size_t>(e)]) != s.value[static_cast<std::size_t>(e)])
        return false;
  return true;
}
static_assert(sparse_is_w12());
// W·vec(X) = vec(#11) = [27, 37, 57, 67]
static_assert(tconv::multiply(w12(), arange({1, 1, 3, 3}).data) ==
              std::vector<i64>{27, 37, 57, 67});
// Wᵀ·vec(Y) for Y = #11's result is trans_conv(Y, K), derived by hand with the scatter rule:
// Z[0][1] = Y00*K01 + Y01*K00 = 27*2 + 37*1 = 91;
// Z[1][1] = 27*4 + 37*3 + 57*2 + 67*1 = 108 + 111 + 114 + 67 = 400
static_assert(tconv::multiply_transposed(w12(), std::vector<i64>{27, 37, 57, 67}) ==
              std::vector<i64>{27, 91, 74, 138, 400, 282, 171, 429, 268});
static_assert(tconv::conv_transpose(layer(2, 2, 2), tensor<i64>{{1, 1, 2, 2}, {27, 37, 57, 67}},
                                    k000())
                  .data == tconv::multiply_transposed(w12(), std::vector<i64>{27, 37, 57, 67}));

// #13 through an explicit 4x16 kernel matrix: W·vec(arange(16)) = [258, 294, 402, 438]
static_assert(tconv::multiply(tconv::conv_matrix_dense(layer(4, 4, 3), arange({1, 1, 3, 3})),
                              arange({1, 1, 4, 4}).data) == std::vector<i64>{258, 294, 402, 438});
// #14 = Wᵀ·y with the same W: Z[1][1] = 258*K11 + 294*K10 + 402*K01 + 438*K00 = 1032 + 882 + 402 +
// 0 = 2316
static_assert(tconv::multiply_transposed(tconv::conv_matrix_dense(layer(4, 4, 3),
                                                                  arange({1, 1, 3, 3})),
                                         std::vector<i64>{258, 294, 402, 438}) ==
              std::vector<i64>{0, 258, 810, 588, 774, 2316, 3708, 2346, 2754, 6492, 7884, 4542,
                               2412, 5442, 6282, 3504});

}  // namespace
