#pragma once
// The worked examples of the seed documents, as SEEDS.md lists them (numbers checked there
// against PyTorch). Shared by the tconv-seeds printer and the unit tests; the compile-time
// proofs (proofs/seeds.proof.cpp) carry their own, separately typed copy.
#include <cstdint>
#include <vector>

#include "seed_layer.hpp"
#include "tconv/problem.hpp"

namespace tconv::seeds {

/// One numeric example: y = op(x, w) for a problem p, with the expected y from SEEDS.md.
struct example {
  int number;
  const char* name;
  const char* seed_files;
  const char* hyperparameters;
  op_kind op;
  problem p;
  std::vector<std::int64_t> x_shape, x, w_shape, w, y_shape, y;
};

inline std::vector<std::int64_t> arange(std::int64_t n) {
  std::vector<std::int64_t> v;
  for (std::int64_t i = 0; i < n; ++i) v.push_back(i);
  return v;
}

/// #1-#11, #13, #14 (the numeric ones; #12 is the matrix W, #15 shapes only).
inline std::vector<example> examples() {
  using S = std::vector<std::int64_t>;
  const S x01{0, 1, 2, 3}, k000{1, 2, 3, 4}, k001{4, 7, 2, 2}, k002{0, 1, 2, 3};
  const S s22{1, 1, 2, 2}, s33{1, 1, 3, 3}, s44{1, 1, 4, 4}, s11{1, 1, 1, 1};
  constexpr auto ct = op_kind::conv_transpose;
  constexpr auto cv = op_kind::conv;
  // one example per row, like SEEDS.md's table
  // clang-format off
  return {
      {1, "trans_conv of a 2x2 input with a 2x2 kernel", "000, 004", "k=2", ct, layer(2, 2, 2),
       s22, x01, s22, k000, s33, {0, 1, 2, 2, 10, 10, 6, 17, 12}},
      {2, "the same with padding 1 (crops the output's border)", "000", "k=2, padding=1", ct,
       layer(2, 2, 2, 1, 1), s22, x01, s22, k000, s11, {10}},
      {3, "the same with stride 2 (patches tile without overlap)", "000", "k=2, stride=2", ct,
       layer(2, 2, 2, 2), s22, x01, s22, k000, s44,
       {0, 0, 1, 2, 0, 0, 3, 4, 2, 4, 3, 6, 6, 8, 9, 12}},
      {4, "trans_conv with the kernel [[4,7],[2,2]]", "001", "k=2", ct, layer(2, 2, 2), s22, x01,
       s22, k001, s33, {0, 4, 7, 8, 28, 23, 4, 10, 6}},
      {5, "the same with padding 1", "001", "k=2, padding=1", ct, layer(2, 2, 2, 1, 1), s22, x01,
       s22, k001, s11, {28}},
      {6, "the same with stride 4 (gaps between the patches)", "001", "k=2, stride=4", ct,
       layer(2, 2, 2, 4), s22, x01, s22, k001, {1, 1, 6, 6},
       {0, 0, 0, 0, 4, 7, 0, 0, 0, 0, 2, 2, 0, 0, 0,  0, 0, 0,
        0, 0, 0, 0, 0, 0, 8, 14, 0, 0, 12, 21, 4, 4, 0, 0, 6, 6}},
      {7, "two input channels summed into one output channel", "001",
       "k=2, C_in=2, C_out=1, weight (2,1,2,2)", ct, layer(2, 2, 2, 1, 0, 2, 1), {1, 2, 2, 2},
       {0, 1, 2, 3, 4, 5, 7, 8}, {2, 1, 2, 2}, {0, 1, 2, 3, 4, 5, 2, 3}, s33,
       {16, 40, 26, 36, 93, 61, 18, 49, 33}},
      {8, "trans_conv with the kernel [[0,1],[2,3]]", "002", "k=2", ct, layer(2, 2, 2), s22, x01,
       s22, k002, s33, {0, 0, 1, 0, 4, 6, 4, 12, 9}},
      {9, "the same with padding 1", "002", "k=2, padding=1", ct, layer(2, 2, 2, 1, 1), s22, x01,
       s22, k002, s11, {4}},
      {10, "the same with stride 2", "002", "k=2, stride=2", ct, layer(2, 2, 2, 2), s22, x01, s22,
       k002, s44, {0, 0, 0, 1, 0, 0, 2, 3, 0, 2, 0, 3, 4, 6, 6, 9}},
      {11, "convolution (cross-correlation) of arange(9) as 3x3", "000, 002, 004", "k=2", cv,
       layer(3, 3, 2), s33, arange(9), s22, k000, s22, {27, 37, 57, 67}},
      {13, "convolution of arange(16) as 4x4 with arange(9) as 3x3", "003", "k=3", cv,
       layer(4, 4, 3), s44, arange(16), s33, arange(9), s22, {258, 294, 402, 438}},
      {14, "transposed convolution of #13's result (W^T y)", "003", "k=3", ct, layer(2, 2, 3), s22,
       {258, 294, 402, 438}, s33, arange(9), s44,
       {0, 258, 810, 588, 774, 2316, 3708, 2346, 2754, 6492, 7884, 4542, 2412, 5442, 6282, 3504}},
  };
  // clang-format on
}

/// #12: kernel2matrix of [[1,2],[3,4]] for a 3x3 input, 4 x 9, row-major.
inline std::vector<std::int64_t> w12() {
  return {1, 2, 0, 3, 4, 0, 0, 0, 0, 0, 1, 2, 0, 3, 4, 0, 0, 0,
          0, 0, 0, 1, 2, 0, 3, 4, 0, 0, 0, 0, 0, 1, 2, 0, 3, 4};
}

}  // namespace tconv::seeds
