// Transposed convolution at ranks 1, 2 and 3: hand-derived values, groups, bias, and the
// formulations checked against each other on varied values; checked 128-bit arithmetic.
#include <boost/multiprecision/cpp_int.hpp>
#include <catch2/catch.hpp>

#include "test_support.hpp"

using namespace tconv;
using boost::multiprecision::checked_int128_t;
using test::i64;
using test::make;

namespace {

template <class T>
std::vector<tensor<T>> four(const problem& p, const tensor<T>& x, const tensor<T>& w,
                            const tensor<T>* b = nullptr) {
  return {conv_transpose(p, x, w, b), conv_transpose_gather(p, x, w, b),
          conv_transpose_via_matrix(p, x, w, b), conv_transpose_zero_insertion(p, x, w, b)};
}

problem line(i64 in, i64 k, i64 s = 1, i64 d = 1, i64 pb = 0, i64 pe = 0, i64 op = 0) {
  problem p;
  p.input[0] = in;
  p.kernel[0] = k;
  p.stride[0] = s;
  p.dilation[0] = d;
  p.pad_begin[0] = pb;
  p.pad_end[0] = pe;
  p.output_padding[0] = op;
  return p;
}

}  // namespace

TEST_CASE("rank 1: stride, asymmetric padding and output_padding", "[conv_transpose][rank1]") {
  // x = [1,2,3], w = [1,10], s = 2: input i lands at 2i (w0) and 2i+1 (w1):
  // uncropped [1,10,2,20,3,30] plus one output_padding slot [.., 0]; crop pb = 1 at the begin.
  // out = (3-1)*2 - 1 - 0 + 1 + 1 + 1 = 6
  const problem p = line(3, 2, 2, 1, 1, 0, 1);
  const auto x = make<i64>({1, 1, 3}, {1, 2, 3}), w = make<i64>({1, 1, 2}, {1, 10});
  for (const auto& y : four(p, x, w)) CHECK(y == make<i64>({1, 1, 6}, {10, 2, 20, 3, 30, 0}));
  // pad_end instead crops the end: [1,10,2,20,3] (pe = 1, no output_padding)
  for (const auto& y : four(line(3, 2, 2, 1, 0, 1, 0), x, w))
    CHECK(y == make<i64>({1, 1, 5}, {1, 10, 2, 20, 3}));
}

TEST_CASE("rank 1: dilation spreads the kernel taps", "[conv_transpose][rank1]") {
  // x = [1,2], w = [1,10,100], d = 2: input i lands at i + 2k: out = 1 + 2*2 + 1 = 6
  const auto x = make<i64>({1, 1, 2}, {1, 2}), w = make<i64>({1, 1, 3}, {1, 10, 100});
  for (const auto& y : four(line(2, 3, 1, 2), x, w))
    CHECK(y == make<i64>({1, 1, 6}, {1, 2, 10, 20, 100, 200}));
  // output_padding 1 < dilation 2 is allowed even with stride 1: one more (empty) slot
  for (const auto& y : four(line(2, 3, 1, 2, 0, 0, 1), x, w))
    CHECK(y == make<i64>({1, 1, 7}, {1, 2, 10, 20, 100, 200, 0}));
}

TEST_CASE("rank 1: groups keep channels apart, bias adds per output channel",
          "[conv_transpose][groups]") {
  problem p = line(2, 1);
  p.in_channels = p.out_channels = p.groups = 2;
  p.has_bias = true;
  // channel 0 [1,2] * 10, channel 1 [3,4] * 100; bias [1,2]
  const auto x = make<i64>({1, 2, 2}, {1, 2, 3, 4}), w = make<i64>({2, 1, 1}, {10, 100});
  const auto b = make<i64>({2}, {1, 2});
  for (const auto& y : four(p, x, w, &b)) CHECK(y == make<i64>({1, 2, 2}, {11, 21, 302, 402}));
  // groups = 1 mixes them: every output channel sums both inputs, weight [2, 2, 1]
  p.groups = 1;
  const auto w1 = make<i64>({2, 2, 1}, {1, 2, 3, 4});
  // y[c0] = x0*w[0,0] + x1*w[1,0] = [1+9, 2+12] + 1; y[c1] = x0*2 + x1*4 + 2 = [2+12, 4+16] + 2
  for (const auto& y : four(p, x, w1, &b)) CHECK(y == make<i64>({1, 2, 2}, {11, 15, 16, 22}));
}

TEST_CASE("batch: each sample is transformed alone", "[conv_transpose][batch]") {
  problem p = line(2, 2);
  p.batch = 2;
  const auto x = make<i64>({2, 1, 2}, {1, 2, 0, 5}), w = make<i64>({1, 1, 2}, {3, 4});
  // sample 0: [3, 4+6, 8]; sample 1: [0, 15, 20]
  for (const auto& y : four(p, x, w)) CHECK(y == make<i64>({2, 1, 3}, {3, 10, 8, 0, 15, 20}));
}

TEST_CASE("rank 3: hand-derived example", "[conv_transpose][rank3]") {
  // x [1,1,2,1,1] = [1,2]; kernel 2x2x1 = [[1,2],[3,4]]; stride (3,1,1):
  // out = ((2-1)*3 + 2, 2, 1) = (5, 2, 1); input i0 fills rows 3*i0 and 3*i0+1 with x[i0]*K:
  // rows [1,2],[3,4],[0,0],[2,4],[6,8]
  problem p;
  p.rank = 3;
  p.input = {2, 1, 1};
  p.kernel = {2, 2, 1};
  p.stride = {3, 1, 1};
  const auto x = make<i64>({1, 1, 2, 1, 1}, {1, 2}), w = make<i64>({1, 1, 2, 2, 1}, {1, 2, 3, 4});
  for (const auto& y : four(p, x, w))
    CHECK(y == make<i64>({1, 1, 5, 2, 1}, {1, 2, 3, 4, 0, 0, 2, 4, 6, 8}));
  // a single input element reproduces the kernel, scaled: 5 * arange(1..8) over 2x2x2
  problem q;
  q.rank = 3;
  q.kernel = {2, 2, 2};
  const auto k8 = make<i64>({1, 1, 2, 2, 2}, {1, 2, 3, 4, 5, 6, 7, 8});
  for (const auto& y : four(q, make<i64>({1, 1, 1, 1, 1}, {5}), k8))
    CHECK(y == make<i64>({1, 1, 2, 2, 2}, {5, 10, 15, 20, 25, 30, 35, 40}));
  // ... and cropping pb = 1 on axis 2 only keeps the odd entries: [10, 20, 30, 40]
  q.pad_begin = {0, 0, 1};
  for (const auto& y : four(q, make<i64>({1, 1, 1, 1, 1}, {5}), k8))
    CHECK(y == make<i64>({1, 1, 2, 2, 1}, {10, 20, 30, 40}));
}

TEST_CASE("ranks 1-3: the formulations agree on varied values", "[conv_transpose][agreement]") {
  // every hyperparameter away from its identity and different per axis, groups = 2
  problem p{.rank = 3, .batch = 2, .in_channels = 4, .out_channels = 6, .groups = 2};
  //           {in, k, s, d, pb, pe, op}
  p.set_axis(0, {3, 2, 2, 1, 1, 0, 1});
  p.set_axis(1, {2, 3, 1, 2, 0, 2, 0});  // op 0: op >= s would break the adjoint shapes below
  p.set_axis(2, {4, 2, 3, 2, 2, 1, 2});
  p.has_bias = true;
  for (i64 rank = 1; rank <= 3; ++rank) {
    p.rank = rank;
    INFO("rank " << rank);
    REQUIRE(is_valid(p, op_kind::conv_transpose));
    const auto xs = input_shape(p), ws = weight_shape(p, op_kind::conv_transpose);
    const auto x = make<i64>(xs, test::varied(checked_size(xs, "x"), 1));
    const auto w = make<i64>(ws, test::varied(checked_size(ws, "w"), 2));
    const auto b = make<i64>({6}, test::varied(6, 3));
    const auto all = four(p, x, w, &b);
    CHECK(all[0].shape == output_shape(p, op_kind::conv_transpose));
    for (std::size_t f = 1; f < all.size(); ++f) CHECK(all[f] == all[0]);
    // the adjoint identity <conv(z), x> = <z, conv_transpose(x)> ties conv to them (no bias)
    problem nb = p;
    nb.has_bias = false;
    const auto z =
        make<i64>(output_shape(p, op_kind::conv_transpose),
                  test::varied(checked_size(output_shape(p, op_kind::conv_transpose), "z"), 4));
    const problem c = adjoint_conv(nb);
    CHECK(dot(conv(c, z, w), x) == dot(z, conv_transpose(nb, x, w)));
  }
}

TEST_CASE("checked 128-bit arithmetic: exact past int64, loud on overflow",
          "[conv_transpose][int128]") {
  problem p = line(2, 2);
  const checked_int128_t big = checked_int128_t(1) << 62;
  // x = [2^62, 2^62], w = [4, 4]: the middle output 2^64 + 2^64 = 2^65 does not fit int64
  tensor<checked_int128_t> x({1, 1, 2}, {big, big}), w({1, 1, 2}, {4, 4});
  const tensor<checked_int128_t> expected({1, 1, 3}, {big * 4, big * 8, big * 4});
  for (const auto& y : four(p, x, w)) CHECK(y == expected);
  // 2^126 * 4 overflows 128 bits: checked_int128_t throws instead of wrapping
  const checked_int128_t huge = checked_int128_t(1) << 126;
  tensor<checked_int128_t> xh({1, 1, 2}, {huge, huge});
  CHECK_THROWS_AS(conv_transpose(p, xh, w), std::overflow_error);
  CHECK_THROWS_AS(conv_transpose_zero_insertion(p, xh, w), std::overflow_error);
}
