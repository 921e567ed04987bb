// The operation seam (lib/harness/operation.hpp): the harness runs its one operation through the
// concept, a second (toy) model satisfies it, and models missing a seam are rejected.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <type_traits>

#include "harness/judge.hpp"
#include "harness/operations.hpp"
#include "harness/values.hpp"

namespace {

using tconv::problem;
using tconv::harness::explore_case;
using tconv::harness::operation_under_test;
namespace check = tconv::check;

// Every seam but the judge, for the toys below.
struct toy_without_judge {
  using case_type = explore_case;
  static constexpr const char* name = "identity f32";
  static constexpr const char* abi_symbol = "tconv_identity_f32";
  static case_type make_case(const problem& p, std::uint64_t, check::precision) {
    return {p, {}, {}, {}};
  }
  static bool is_valid(const problem&) { return true; }
  static std::vector<std::int64_t> output_shape(const problem&) { return {1}; }
  static std::int64_t output_size(const problem&) { return 1; }
  static tconv::extents output_extents(const problem&) { return {}; }
  static bool in_region(const problem&, tconv::region) { return false; }
  static nlohmann::json problem_to_json(const problem&) { return {}; }
};

// A second operation, as a later issue would add one: y = x, judged by the checker's report.
struct toy_identity : toy_without_judge {
  static check::report check(const case_type&, const std::vector<float>&, check::precision,
                             const check::options&) {
    return {};
  }
};

// A judge answering in the wrong type (a bool, not the checker's report): rejected too.
struct toy_bool_judge : toy_without_judge {
  static bool check(const case_type&, const std::vector<float>&, check::precision,
                    const check::options&) {
    return true;
  }
};

static_assert(operation_under_test<tconv::harness::operations::conv_transpose_forward_f32>);
static_assert(std::is_same_v<tconv::harness::tested_operation,
                             tconv::harness::operations::conv_transpose_forward_f32>);
static_assert(operation_under_test<toy_identity>);
static_assert(!operation_under_test<toy_without_judge>);
static_assert(!operation_under_test<toy_bool_judge>);
static_assert(!operation_under_test<int>);

}  // namespace

TEST_CASE("the harness's judge goes through the tested operation", "[explore][operation]") {
  using op = tconv::harness::tested_operation;
  problem p;
  p.rank = 1;
  p.input = {2, 1, 1};
  p.kernel = {2, 1, 1};
  REQUIRE(op::is_valid(p));
  const auto c = op::make_case(p, 7, check::precision::fp32);
  std::vector<float> y(static_cast<std::size_t>(op::output_size(p)), 0.0f);
  tconv::harness::outcome answered;
  answered.y = y;
  const auto v = tconv::harness::judge(c, answered, check::precision::fp32);
  const auto direct = op::check(c, y, check::precision::fp32, check::options{});
  CHECK(v.failed() == !direct.ok);
  if (v.failed()) {
    CHECK(v.kind == tconv::harness::finding_kind::wrong_result);
    REQUIRE(v.report.has_value());
    CHECK(v.report->violations == direct.violations);
  }
}
