// Law 6: the transposed convolution is linear in its input and in its kernel.
#include "laws.hpp"
#include "prop.hpp"

TEST_CASE("law 6: bilinearity in X and in K", "[property][bilinear]") {
  tconv::prop("conv_transpose(a x1 + b x2, w) == a ct(x1, w) + b ct(x2, w), same in w",
              tconv::laws::bilinearity(tconv::laws::scatter),
              tconv::laws::required({"bias"}, {"int64", "cpp_int", "cpp_rational"}));
}
