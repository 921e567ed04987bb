// Law 11: on symbolic inputs the formulations have the same bilinear form: a proof for all
// inputs of each drawn shape.
#include "laws.hpp"
#include "prop.hpp"

TEST_CASE("law 11: symbolic agreement", "[property][symbolic]") {
  using namespace tconv::laws;
  tconv::prop("scatter == gather == zero insertion == W^T y as bilinear forms",
              symbolic(gather, zero_insertion, via_matrix));
  tconv::prop("conv == W x as bilinear forms (the adjoint conv of each drawn problem)",
              symbolic_conv());
}
