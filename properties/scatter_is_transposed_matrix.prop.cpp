// Law 1: the scatter transposed convolution is Wᵀ y, W the convolution matrix.
#include "laws.hpp"
#include "prop.hpp"

TEST_CASE("law 1: conv_transpose(y, k) == W^T y", "[property][matrix]") {
  tconv::prop("scatter == sparse and dense W^T y per sample, bias added once",
              tconv::laws::matrix_transposed(tconv::laws::scatter),
              tconv::laws::required({}, {"dense", "int64", "cpp_int", "cpp_rational"}));
}
