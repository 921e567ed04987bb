// The symbolic scalar used by the proofs: its arithmetic is that of polynomials.
#include <catch2/catch.hpp>

#include "test_support.hpp"

using namespace tconv;
using test::i64;

TEST_CASE("bilinear adds and multiplies like polynomials", "[symbolic]") {
  const auto x0 = bilinear::x_symbol(0), x1 = bilinear::x_symbol(1);
  const auto w0 = bilinear::w_symbol(0), w1 = bilinear::w_symbol(1);
  // (x0 + x1) * w0 = x0 w0 + x1 w0, in either order of summation
  CHECK((x0 + x1) * w0 == x1 * w0 + x0 * w0);
  CHECK((x0 + x1) * w0 == w0 * (x1 + x0));
  CHECK_FALSE(x0 * w0 == x0 * w1);
  CHECK_FALSE(x0 * w0 == x0 * w0 + x0 * w0);  // coefficients count
  CHECK((x0 * w0 + x0 * w0).terms.size() == 1);
  CHECK((x0 * w0 + x0 * w0).terms[0].c == 2);
  CHECK(x0 * bilinear(0) == bilinear());
  CHECK(x0 * bilinear(1) == x0);
  CHECK(bilinear() + bilinear() == bilinear(0));
}

TEST_CASE("bilinear refuses products that are not bilinear", "[symbolic]") {
  const auto x0 = bilinear::x_symbol(0), w0 = bilinear::w_symbol(0);
  CHECK_THROWS(x0 * bilinear::x_symbol(1));
  CHECK_THROWS(w0 * w0);
  CHECK_THROWS((x0 * w0) * w0);
}

TEST_CASE("symbols numbers every element", "[symbolic]") {
  const auto t = symbols({2, 3}, false);
  REQUIRE(t.size() == 6);
  CHECK(t[4] == bilinear::w_symbol(4));
  CHECK_FALSE(t[4] == bilinear::x_symbol(4));
}

TEST_CASE("a symbolic transposed convolution lists exactly the products that reach each output",
          "[symbolic]") {
  problem p;
  p.input[0] = 2;
  p.kernel[0] = 2;
  const auto x = symbols({1, 1, 2}, true), w = symbols({1, 1, 2}, false);
  const auto y = conv_transpose(p, x, w);
  // y = [x0 w0, x0 w1 + x1 w0, x1 w1]
  CHECK(y[0] == x[0] * w[0]);
  CHECK(y[1] == x[0] * w[1] + x[1] * w[0]);
  CHECK(y[2] == x[1] * w[1]);
  CHECK(conv_transpose_zero_insertion(p, x, w) == y);
}
