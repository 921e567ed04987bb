// The generators themselves: valid by construction, covering every region, values of every
// kind, asymmetric kernels, shrinking to the minimal problem; and the harness's reproduce=.
#include <set>

#include "laws.hpp"
#include "prop.hpp"

namespace {

using namespace tconv;

rc::detail::TestParams fixed_params(int cases = 1000) {
  rc::detail::TestParams params;
  params.seed = 20240601;
  params.maxSuccess = cases;
  return params;
}

// The problem the last failing evaluation of a property drew (the shrunk one, once done).
template <class Gen>
problem shrunk_failure(Gen g, bool (*fails)(const problem&)) {
  problem last;
  const auto result = check_quietly(
      [&] {
        const problem p = *g;
        if (fails(p)) {
          last = p;
          RC_FAIL("predicate holds");
        }
      },
      fixed_params());
  REQUIRE(result.template is<rc::detail::FailureResult>());
  return last;
}

}  // namespace

TEST_CASE("generators: valid_problem is valid by construction and covers every region",
          "[property][generators]") {
  const gen::problem_space s;
  tconv::prop("valid_problem: valid conv_transpose within its problem_space, never discarded", [s] {
    const problem p = laws::draw(gen::valid_problem(s));
    RC_ASSERT(is_valid(p, op_kind::conv_transpose));
    RC_ASSERT(p.batch <= s.max_batch && p.groups <= s.max_groups);
    RC_ASSERT(p.in_channels <= s.max_groups * s.max_channels_per_group);
    for (std::size_t a = 0; a < 3; ++a) {
      if (static_cast<std::int64_t>(a) >= p.rank) {
        RC_ASSERT(p.input[a] == 1 && p.kernel[a] == 1 && p.pad_begin[a] == 0);
        continue;
      }
      RC_ASSERT(p.output_padding[a] < std::max(p.stride[a], p.dilation[a]));
      RC_ASSERT(p.stride[a] <= s.max_stride && p.dilation[a] <= s.max_dilation);
      RC_ASSERT(p.pad_begin[a] <= s.max_padding && p.pad_end[a] <= s.max_padding);
    }
  });
  tconv::prop(
      "valid_conv_problem: valid conv",
      [] {
        const problem p = laws::draw(gen::valid_conv_problem());
        RC_ASSERT(is_valid(p, op_kind::conv));
      },
      laws::required({"output_padding", "max_output_padding"}));
}

TEST_CASE("generators: exact values reach every magnitude", "[property][generators]") {
  tconv::prop("cpp_int / cpp_rational values: zero, negative, beyond 2^53 and 2^64, fractions",
              [] {
                const auto v = *gen::exact_scalar<rational>();
                const auto i = *gen::exact_scalar<big_int>();
                const auto n = *gen::exact_scalar<std::int64_t>();
                RC_ASSERT(n >= -32768);
                RC_ASSERT(n <= 32767);
                const big_int two53 = big_int(1) << 53, two64 = big_int(1) << 64;
                if (i == 0) RC_TAG(std::string("zero"));
                if (i < 0) RC_TAG(std::string("negative"));
                if (abs(i) > two53) RC_TAG(std::string("beyond_2^53"));
                if (abs(i) > two64) RC_TAG(std::string("beyond_2^64"));
                if (denominator(v) != 1) RC_TAG(std::string("non_integer"));
              },
              {"zero", "negative", "beyond_2^53", "beyond_2^64", "non_integer"});
  tconv::prop("asymmetric_kernel differs from its flip whenever some kernel extent is > 1", [] {
    const problem p = laws::draw(gen::valid_problem());
    bool flippable = false;
    for (std::int64_t a = 0; a < p.rank; ++a) flippable = flippable || p.kernel[a] > 1;
    gen::with_scalar(laws::draw_scalar(), [&]<class T>(std::type_identity<T>) {
      const auto w = *gen::asymmetric_kernel<T>(weight_shape(p, op_kind::conv_transpose));
      RC_ASSERT((ops::flip_spatial(w) != w) == flippable);
    });
  });
}

TEST_CASE("generators: shrinking reaches minimal problems", "[property][generators]") {
  // any failure shrinks to the default (smallest) problem: rank 1, every extent and count 1
  CHECK(shrunk_failure(gen::valid_problem(), [](const problem&) { return true; }) == problem{});
  // "stride >= 2 somewhere" shrinks to exactly that on axis 0, everything else minimal
  problem stride2;
  stride2.stride[0] = 2;
  CHECK(shrunk_failure(gen::valid_problem(), [](const problem& p) {
          for (std::int64_t a = 0; a < p.rank; ++a)
            if (p.stride[a] >= 2) return true;
          return false;
        }) == stride2);
  // "groups > 1 with two output channels per group"
  problem grouped;
  grouped.groups = 2;
  grouped.in_channels = 2;
  grouped.out_channels = 4;
  CHECK(shrunk_failure(gen::valid_problem(), [](const problem& p) {
          return p.groups > 1 && p.out_channels / p.groups > 1;
        }) == grouped);
}

TEST_CASE("harness: the coverage check names a region the cases never hit", "[property][harness]") {
  auto tagged = [](gen::problem_space s) {
    return [s] { (void)laws::draw(gen::valid_problem(s)); };
  };
  // explore's space hits every tag; the laws' space every tag but the SIMD block regions
  const auto all = check_quietly(tagged(gen::explore_space()), fixed_params());
  REQUIRE(all.is<rc::detail::SuccessResult>());
  CHECK(missing_tags(all.get<rc::detail::SuccessResult>(), gen::all_tags()).empty());
  const auto laws_space = check_quietly(tagged({}), fixed_params());
  REQUIRE(laws_space.is<rc::detail::SuccessResult>());
  CHECK(missing_tags(laws_space.get<rc::detail::SuccessResult>(), gen::law_tags()).empty());
  gen::problem_space no_groups = gen::explore_space();
  no_groups.max_groups = 1;
  const auto blind = check_quietly(tagged(no_groups), fixed_params());
  REQUIRE(blind.is<rc::detail::SuccessResult>());
  CHECK(missing_tags(blind.get<rc::detail::SuccessResult>(), gen::all_tags()) ==
        std::vector<std::string>{"groups"});
  // the coverage regions of SIMD blocking are checked like the others
  gen::problem_space narrow = gen::explore_space();
  narrow.max_channels_per_group = 3;  // no block values: no channel tail
  const auto no_tail = check_quietly(tagged(narrow), fixed_params());
  REQUIRE(no_tail.is<rc::detail::SuccessResult>());
  CHECK(missing_tags(no_tail.get<rc::detail::SuccessResult>(), gen::all_tags()) ==
        std::vector<std::string>{"channel_block_tail"});
  narrow = gen::explore_space();
  narrow.max_extent = 8;  // rows reach at most 7 * 2 + 3 * 3 + 2 + 1 = 26
  narrow.max_stride = 2;
  const auto no_wide = check_quietly(tagged(narrow), fixed_params());
  REQUIRE(no_wide.is<rc::detail::SuccessResult>());
  CHECK(missing_tags(no_wide.get<rc::detail::SuccessResult>(), gen::all_tags()) ==
        std::vector<std::string>{"wide_rows"});
}

TEST_CASE("generators: explore's space reaches every SIMD block boundary at a bounded cost",
          "[property][generators]") {
  const gen::problem_space s = gen::explore_space();
  std::set<std::int64_t> channels, extents;
  std::int64_t widest_row = 0, total_macs = 0, cases = 0;
  const auto result = check_quietly(
      [&] {
        const problem p = *gen::valid_problem(s);
        const std::int64_t ci = p.in_channels / p.groups, co = p.out_channels / p.groups;
        channels.insert({ci, co});
        bool block = ci > gen::small_channels || co > gen::small_channels;
        for (std::int64_t a = 0; a < p.rank; ++a) {
          extents.insert(p.input[a]);
          block = block || p.input[a] > gen::small_extent;
        }
        widest_row = std::max(widest_row, conv_transpose_extent(p.axis_at(p.rank - 1)));
        const std::int64_t m = gen::macs(p);
        // a problem with a block value is cut to the cap (one group of wide channels excepted);
        // one without is the small space of before
        RC_ASSERT(m <= (block ? std::max(s.max_macs, ci * co) : 3 * 3 * 3 * 3 * 36 * 9));
        total_macs += m;
        ++cases;
      },
      fixed_params(3000));
  REQUIRE(result.is<rc::detail::SuccessResult>());
  for (const std::int64_t v : gen::block_values(gen::small_channels, s.max_channels_per_group))
    CHECK(channels.count(v) == 1);
  for (const std::int64_t v : {1, 2, 3, 5, 8, 9, 16, 17, 32, 33, 63, 64, 65})
    CHECK(channels.count(v) == 1);
  for (const std::int64_t v : {1, 2, 3, 6, 8, 9, 15, 16, 17, 31, 32, 33})
    CHECK(extents.count(v) == 1);
  CHECK(widest_row >= 33);
  INFO("mean multiply-adds per case: " << total_macs / cases);
  CHECK(total_macs / cases < s.max_macs);
}

TEST_CASE("generators: a channel block tail shrinks to one block plus one",
          "[property][generators]") {
  const auto space = gen::valid_problem(gen::explore_space());
  problem out9;
  out9.out_channels = 9;
  CHECK(shrunk_failure(space, [](const problem& p) {
          const std::int64_t co = p.out_channels / p.groups;
          return co > 8 && co % 8 != 0;
        }) == out9);
  problem in17;
  in17.in_channels = 17;
  CHECK(shrunk_failure(space, [](const problem& p) { return p.in_channels / p.groups > 16; }) ==
        in17);
}

TEST_CASE("harness: a failure's reproduce= string replays its counterexample",
          "[property][harness]") {
  const auto failing = [] {
    const problem p = *gen::valid_problem();
    RC_ASSERT(p.kernel[0] < 3);
  };
  const auto params = fixed_params();
  const auto result = check_quietly(failing, params, "harness/replay");
  REQUIRE(result.is<rc::detail::FailureResult>());
  const auto failure = result.get<rc::detail::FailureResult>();
  const std::string repro = reproduce_string("harness/replay", failure);
  INFO(repro);
  CHECK(repro.rfind("reproduce=", 0) == 0);
  CHECK(repro.size() > std::string("reproduce=").size());
  // replaying through the map RC_PARAMS would hold gives the same shrunk counterexample
  rc::detail::TestParams other = params;
  other.seed = 1;  // the replay must not depend on the run's seed
  quiet_listener listener;
  const auto replay = rc::detail::checkProperty(
      rc::detail::toProperty(failing), rc::detail::TestMetadata{"harness/replay", ""}, other,
      listener, {{"harness/replay", failure.reproduce}});
  REQUIRE(replay.is<rc::detail::FailureResult>());
  CHECK(replay.get<rc::detail::FailureResult>().counterExample == failure.counterExample);
}
