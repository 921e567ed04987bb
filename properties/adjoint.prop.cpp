// Law 5: the transposed convolution is the adjoint of the convolution (its input gradient).
#include "laws.hpp"
#include "prop.hpp"

TEST_CASE("law 5: <conv(X, K), Y> == <X, conv_transpose(Y, K)>", "[property][adjoint]") {
  tconv::prop("conv_transpose is the adjoint of conv, same weight tensor",
              tconv::laws::adjoint(tconv::laws::scatter),
              tconv::laws::required({"bias"}, {"cropped", "int64", "cpp_int", "cpp_rational"}));
}
