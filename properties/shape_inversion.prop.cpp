// Law 4: shape inversion between a convolution and its transposed convolution.
#include "laws.hpp"
#include "prop.hpp"

TEST_CASE("law 4: shape inversion", "[property][shape]") {
  tconv::prop(
      "conv_transpose with op = (in + pb + pe - d(k-1) - 1) mod s returns conv's input extent; "
      "op = 0 suffices iff s divides in + pb + pe - d(k-1) - 1",
      tconv::laws::shape_inversion(
          [](const tconv::axis& a) { return tconv::conv_transpose_extent(a); }));
  tconv::prop("conv on conv_transpose's output returns in + floor(op / s): in iff op < s",
              tconv::laws::shape_round_trip(),
              tconv::laws::required({}, {"output_padding>=stride"}));
}
