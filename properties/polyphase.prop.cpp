// Law 8: polyphase (sub-pixel) decomposition of a strided transposed convolution.
#include "laws.hpp"
#include "prop.hpp"

TEST_CASE("law 8: stride-s conv_transpose == prod(s) stride-1 ones, interleaved",
          "[property][polyphase]") {
  tconv::prop("scatter == interleaved stride-1 sub-kernel transposed convolutions",
              tconv::laws::polyphase_law(tconv::laws::scatter),
              tconv::laws::required(
                  {}, {"empty_phase", "dilated_phase", "int64", "cpp_int", "cpp_rational"}));
}
