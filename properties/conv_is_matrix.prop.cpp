// Law 2: direct convolution is W x, W the convolution matrix.
#include "laws.hpp"
#include "prop.hpp"

TEST_CASE("law 2: conv(x, k) == W x", "[property][matrix]") {
  tconv::prop("direct conv == sparse and dense W x per sample, bias added once",
              tconv::laws::conv_matrix(),
              tconv::laws::required({"output_padding", "max_output_padding"},
                                    {"dense", "int64", "cpp_int", "cpp_rational"}));
}
