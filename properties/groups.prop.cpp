// Law 7: a grouped transposed convolution is the per-group ungrouped ones, concatenated.
#include "laws.hpp"
#include "prop.hpp"

TEST_CASE("law 7: groups == per-group ungrouped, concatenated", "[property][groups]") {
  tconv::prop("grouped conv_transpose == concat over g of ungrouped conv_transpose on group g",
              tconv::laws::groups(tconv::laws::scatter),
              tconv::laws::required({}, {"int64", "cpp_int", "cpp_rational"}));
}
