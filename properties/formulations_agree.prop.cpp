// Law 3: the scatter, gather and zero-insertion formulations compute the same tensor.
#include "laws.hpp"
#include "prop.hpp"

TEST_CASE("law 3: scatter == gather == zero insertion", "[property][formulations]") {
  tconv::prop("gather and zero insertion equal scatter, bias included",
              tconv::laws::formulations_agree(tconv::laws::gather, tconv::laws::zero_insertion),
              tconv::laws::required({}, {"int64", "cpp_int", "cpp_rational"}));
}
