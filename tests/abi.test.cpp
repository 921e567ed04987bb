// The one problem <-> C ABI conversion: round trips and neutral axes past the rank.
#include "tconv/abi.hpp"

#include <catch2/catch.hpp>

#include "support/fixtures.hpp"

using namespace tconv;

TEST_CASE("to_abi fills in the output extents and from_abi inverts it", "[abi]") {
  const problem p = test::good();
  const tconv_problem a = to_abi(p);
  // out = (3-1)*2 - 1 - 0 + 1*(2-1) + 1 + 1 = 6 and (4-1)*3 - 0 - 2 + 2*(3-1) + 2 + 1 = 14
  CHECK(a.output[0] == 6);
  CHECK(a.output[1] == 14);
  CHECK(a.output[2] == 1);
  CHECK(from_abi(a) == p);
}

TEST_CASE("axes past the rank are neutral both ways", "[abi]") {
  problem p = test::good();
  p.rank = 1;
  const tconv_problem a = to_abi(p);
  CHECK(a.input[1] == 1);
  CHECK(a.kernel[1] == 1);
  CHECK(a.pad_end[1] == 0);
  CHECK(a.output_padding[1] == 0);
  tconv_problem garbage = a;
  garbage.stride[2] = -7;
  garbage.pad_begin[1] = 99;
  const problem q = from_abi(garbage);
  CHECK(q.stride[2] == 1);
  CHECK(q.pad_begin[1] == 0);
  CHECK(!find_fault(q, op_kind::conv_transpose));
}
