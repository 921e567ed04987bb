// proofs/seeds.proof.cpp -- passes iff it compiles.
// Every worked example of SEEDS.md (#1-#11, #13, #14; #12 and the matrices are in
// conv_matrix.proof.cpp, #15 in problem.proof.cpp), through every formulation: scatter, gather,
// matrix (Wᵀy) and zero insertion for the transposed ones, direct and matrix (Wx) for the
// convolutions. Expected values are copied from SEEDS.md (checked there against PyTorch); one
// element of each is derived by hand in a comment.
#include <cstdint>
#include <vector>

#include "../tests/support/fixtures.hpp"
#include "tconv/tconv.hpp"

namespace {

using i64 = std::int64_t;
using tconv::op_kind;
using tconv::problem;
using tconv::tensor;

using tconv::test::layer;  // one batch, C_in x h x w, k x k, square stride and padding

constexpr tensor<i64> t(std::vector<i64> shape, std::vector<i64> values) {
  return {std::move(shape), std::move(values)};
}

/// All four transposed-convolution formulations produce y.
constexpr bool transposed(const problem& p, const tensor<i64>& x, const tensor<i64>& w,
                          const tensor<i64>& y) {
  return tconv::conv_transpose(p, x, w) == y && tconv::conv_transpose_gather(p, x, w) == y &&
         tconv::conv_transpose_via_matrix(p, x, w) == y &&
         tconv::conv_transpose_zero_insertion(p, x, w) == y;
}

/// Both convolution formulations produce y.
constexpr bool convolved(const problem& p, const tensor<i64>& x, const tensor<i64>& w,
                         const tensor<i64>& y) {
  return tconv::conv(p, x, w) == y && tconv::conv_via_matrix(p, x, w) == y;
}

// seeds 000, 002, 004: X = [[0,1],[2,3]]; the kernels of 000 (= 004), 001 and 002
constexpr tensor<i64> x01() { return t({1, 1, 2, 2}, {0, 1, 2, 3}); }
constexpr tensor<i64> k000() { return t({1, 1, 2, 2}, {1, 2, 3, 4}); }
constexpr tensor<i64> k001() { return t({1, 1, 2, 2}, {4, 7, 2, 2}); }
constexpr tensor<i64> k002() { return t({1, 1, 2, 2}, {0, 1, 2, 3}); }

// #1: out = (2-1)*1 + 2 = 3; Y[1][1] = X00*K11 + X01*K10 + X10*K01 + X11*K00 = 0*4 + 1*3 + 2*2 +
// 3*1 = 10
static_assert(transposed(layer(2, 2, 2), x01(), k000(),
                         t({1, 1, 3, 3}, {0, 1, 2, 2, 10, 10, 6, 17, 12})));
// #2: padding 1 removes one border all round from #1's 3x3: only the centre, 10, is left
static_assert(transposed(layer(2, 2, 2, 1, 1), x01(), k000(), t({1, 1, 1, 1}, {10})));
// #3: stride 2 = kernel: the patches tile without overlap; Y[2][2] = X11*K00 = 3*1 = 3
static_assert(transposed(layer(2, 2, 2, 2), x01(), k000(),
                         t({1, 1, 4, 4}, {0, 0, 1, 2, 0, 0, 3, 4, 2, 4, 3, 6, 6, 8, 9, 12})));
// #4: Y[1][1] = 0*2 + 1*2 + 2*7 + 3*4 = 28; Y[2][0] = X10*K10 = 2*2 = 4
static_assert(transposed(layer(2, 2, 2), x01(), k001(),
                         t({1, 1, 3, 3}, {0, 4, 7, 8, 28, 23, 4, 10, 6})));
// #5: padding 1 keeps #4's centre
static_assert(transposed(layer(2, 2, 2, 1, 1), x01(), k001(), t({1, 1, 1, 1}, {28})));
// #6: out = (2-1)*4 + 2 = 6; the patches sit 4 apart with zero gaps; Y[4][0] = X10*K00 = 2*4 = 8
static_assert(transposed(layer(2, 2, 2, 4), x01(), k001(),
                         t({1, 1, 6, 6},
                           {0, 0, 0, 0, 4, 7, 0, 0,  0, 0, 2,  2,  0, 0, 0, 0, 0, 0,
                            0, 0, 0, 0, 0, 0, 8, 14, 0, 0, 12, 21, 4, 4, 0, 0, 6, 6})));
// #7: C_in = 2, C_out = 1, weight (2,1,2,2); each output sums both input channels:
// Y[0][0] = X0_00*W0_00 + X1_00*W1_00 = 0*0 + 4*4 = 16;
// Y[1][1] = (0*3 + 1*2 + 2*1 + 3*0) + (4*3 + 5*2 + 7*5 + 8*4) = 4 + 89 = 93
static_assert(transposed(layer(2, 2, 2, 1, 0, 2, 1), t({1, 2, 2, 2}, {0, 1, 2, 3, 4, 5, 7, 8}),
                         t({2, 1, 2, 2}, {0, 1, 2, 3, 4, 5, 2, 3}),
                         t({1, 1, 3, 3}, {16, 40, 26, 36, 93, 61, 18, 49, 33})));
// #8: Y[1][1] = 0*3 + 1*2 + 2*1 + 3*0 = 4; Y[2][2] = X11*K11 = 9
static_assert(transposed(layer(2, 2, 2), x01(), k002(),
                         t({1, 1, 3, 3}, {0, 0, 1, 0, 4, 6, 4, 12, 9})));
// #9: padding 1 keeps #8's centre
static_assert(transposed(layer(2, 2, 2, 1, 1), x01(), k002(), t({1, 1, 1, 1}, {4})));
// #10: Y[3][3] = X11*K11 = 3*3 = 9; Y[2][1] = X10*K01 = 2*1 = 2
static_assert(transposed(layer(2, 2, 2, 2), x01(), k002(),
                         t({1, 1, 4, 4}, {0, 0, 0, 1, 0, 0, 2, 3, 0, 2, 0, 3, 4, 6, 6, 9})));

// #11: cross-correlation of arange(9) (3x3) with [[1,2],[3,4]]:
// Y[0][0] = 0*1 + 1*2 + 3*3 + 4*4 = 27; Y[1][1] = 4*1 + 5*2 + 7*3 + 8*4 = 67
static_assert(convolved(layer(3, 3, 2), t({1, 1, 3, 3}, {0, 1, 2, 3, 4, 5, 6, 7, 8}), k000(),
                        t({1, 1, 2, 2}, {27, 37, 57, 67})));

constexpr tensor<i64> arange(std::vector<i64> shape) {
  tensor<i64> r(std::move(shape));
  for (i64 i = 0; i < r.size(); ++i) r[i] = i;
  return r;
}
// #13: cross-correlation of arange(16) (4x4) with arange(9) (3x3):
// Y[0][0] = (0*0 + 1*1 + 2*2) + (4*3 + 5*4 + 6*5) + (8*6 + 9*7 + 10*8) = 5 + 62 + 191 = 258.
// (Seed 003's first listing prints the transpose, [[258,402],[294,438]]: a per-axis swap.)
static_assert(convolved(layer(4, 4, 3), arange({1, 1, 4, 4}), arange({1, 1, 3, 3}),
                        t({1, 1, 2, 2}, {258, 294, 402, 438})));
static_assert(!convolved(layer(4, 4, 3), arange({1, 1, 4, 4}), arange({1, 1, 3, 3}),
                         t({1, 1, 2, 2}, {258, 402, 294, 438})));
// #14: transposed convolution of #13's result with the same kernel:
// Y[0][1] = 258*K01 + 294*K00 = 258*1 + 294*0 = 258; Y[3][3] = 438*K22 = 438*8 = 3504
static_assert(transposed(layer(2, 2, 3), t({1, 1, 2, 2}, {258, 294, 402, 438}),
                         arange({1, 1, 3, 3}),
                         t({1, 1, 4, 4}, {0, 258, 810, 588, 774, 2316, 3708, 2346, 2754, 6492, 7884,
                                          4542, 2412, 5442, 6282, 3504})));

}  // namespace
