// Law 9: samples of a batch are independent; the bias is added exactly once per output channel.
#include "laws.hpp"
#include "prop.hpp"

TEST_CASE("law 9: batch independence, bias added once", "[property][batch][bias]") {
  tconv::prop("sample n == batch-1 run on x[n]; with bias == without + b[c]",
              tconv::laws::batch_and_bias(tconv::laws::scatter),
              tconv::laws::required({}, {"int64", "cpp_int", "cpp_rational"}));
}
