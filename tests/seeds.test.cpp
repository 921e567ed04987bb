// Every worked example of SEEDS.md at run time, through every formulation, in several exact
// scalar types. Expected numbers: SEEDS.md (checked there against PyTorch), or SEEDS.md's numbers
// scaled by hand through bilinearity.
#include <boost/multiprecision/cpp_int.hpp>
#include <catch2/catch.hpp>

#include "seed_examples.hpp"
#include "test_support.hpp"

namespace {

using namespace tconv;
using boost::multiprecision::checked_int128_t;
using boost::multiprecision::cpp_int;
using boost::multiprecision::cpp_rational;
using test::i64;
using test::make;

// every formulation of e.op applied to (x, w)
template <class T>
std::vector<tensor<T>> all_formulations(const seeds::example& e, const tensor<T>& x,
                                        const tensor<T>& w) {
  if (e.op == op_kind::conv) return {conv(e.p, x, w), conv_via_matrix(e.p, x, w)};
  return {conv_transpose(e.p, x, w), conv_transpose_gather(e.p, x, w),
          conv_transpose_via_matrix(e.p, x, w), conv_transpose_zero_insertion(e.p, x, w)};
}

}  // namespace

TEMPLATE_TEST_CASE("every seed example is reproduced by every formulation", "[seeds]", i64,
                   checked_int128_t, cpp_int, cpp_rational) {
  for (const auto& e : seeds::examples()) {
    INFO("SEEDS.md #" << e.number << ": " << e.name);
    const auto expected = make<TestType>(e.y_shape, e.y);
    const auto results =
        all_formulations(e, make<TestType>(e.x_shape, e.x), make<TestType>(e.w_shape, e.w));
    for (std::size_t f = 0; f < results.size(); ++f) {
      INFO("formulation " << f);
      CHECK(results[f] == expected);
    }
  }
}

TEST_CASE("seed examples in cpp_rational with non-trivial denominators", "[seeds][rational]") {
  // y is bilinear in (x, w): x * (1/3) and w * (-2/5) scale every output by -2/15
  const cpp_rational a(1, 3), b(-2, 5);
  for (const auto& e : seeds::examples()) {
    INFO("SEEDS.md #" << e.number);
    auto x = make<cpp_rational>(e.x_shape, e.x);
    auto w = make<cpp_rational>(e.w_shape, e.w);
    for (auto& v : x.data) v *= a;
    for (auto& v : w.data) v *= b;
    auto expected = make<cpp_rational>(e.y_shape, e.y);
    for (auto& v : expected.data) v *= cpp_rational(-2, 15);
    for (const auto& y : all_formulations(e, x, w)) CHECK(y == expected);
  }
  // one by hand: #1's Y[1][1] = 10 becomes 10 * (1/3) * (-2/5) = -4/3
  const auto e1 = seeds::examples()[0];
  auto x = make<cpp_rational>(e1.x_shape, e1.x), w = make<cpp_rational>(e1.w_shape, e1.w);
  for (auto& v : x.data) v *= a;
  for (auto& v : w.data) v *= b;
  CHECK(conv_transpose(e1.p, x, w).at({0, 0, 1, 1}) == cpp_rational(-4, 3));
}

TEST_CASE("seed example #12: kernel2matrix", "[seeds][matrix]") {
  const problem p = seeds::layer(3, 3, 2);
  const auto k = make<i64>({1, 1, 2, 2}, {1, 2, 3, 4});
  const auto w = conv_matrix_dense(p, k);
  CHECK(w.rows == 4);
  CHECK(w.cols == 9);
  CHECK(w.data == seeds::w12());
  CHECK(multiply(w, seeds::arange(9)) == std::vector<i64>{27, 37, 57, 67});
  // W^T vec(Y) = trans_conv(Y, K), Y = #11's result; Z[1][1] = 27*4 + 37*3 + 57*2 + 67*1 = 400
  const std::vector<i64> z{27, 91, 74, 138, 400, 282, 171, 429, 268};
  CHECK(multiply_transposed(w, std::vector<i64>{27, 37, 57, 67}) == z);
  CHECK(conv_transpose(seeds::layer(2, 2, 2), make<i64>({1, 1, 2, 2}, {27, 37, 57, 67}), k).data ==
        z);
  // the sparse form multiplies the same
  const auto s = conv_matrix_sparse(p, k);
  CHECK(s.nonzeros() == 16);
  CHECK(multiply(s, seeds::arange(9)) == std::vector<i64>{27, 37, 57, 67});
  CHECK(multiply_transposed(s, std::vector<i64>{27, 37, 57, 67}) == z);
}

TEST_CASE("seed example #15: shape inversion", "[seeds][shape]") {
  const auto c =
      from_pytorch({{1, 10, 16, 16}, 20, {5}, {3}, {2}, {}, {}, 1, false}, op_kind::conv);
  CHECK(output_shape(c, op_kind::conv) == std::vector<i64>{1, 20, 6, 6});
  const auto t =
      from_pytorch({{1, 20, 6, 6}, 10, {5}, {3}, {2}, {}, {}, 1, false}, op_kind::conv_transpose);
  CHECK(output_shape(t, op_kind::conv_transpose) == std::vector<i64>{1, 10, 16, 16});
  // and the adjoint convolution of the transposed one is the first convolution again
  CHECK(output_shape(adjoint_conv(t), op_kind::conv) == std::vector<i64>{1, 20, 6, 6});
}

TEST_CASE("seed 003's swapped listing is told apart", "[seeds]") {
  // seed 003 printed #13 transposed ([[258,402],[294,438]]), a per-axis swap
  const auto e13 = seeds::examples()[11];
  REQUIRE(e13.number == 13);
  const auto y = conv(e13.p, make<i64>(e13.x_shape, e13.x), make<i64>(e13.w_shape, e13.w));
  CHECK(y == make<i64>({1, 1, 2, 2}, {258, 294, 402, 438}));
  CHECK_FALSE(y == make<i64>({1, 1, 2, 2}, {258, 402, 294, 438}));
}
