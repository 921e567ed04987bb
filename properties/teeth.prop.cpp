// Teeth: every law here rejects the deliberately broken formulations of broken.hpp, with a
// shrunk counterexample that points at the mistake. A law that accepted one would be useless.
#include <functional>
#include <sstream>

#include "broken.hpp"
#include "laws.hpp"
#include "prop.hpp"

namespace {

using namespace tconv;

// Runs a law (deterministic seed, the CI budget) and returns the first and the shrunk
// failing problem, with RapidCheck's report.
struct attack_result {
  bool failed = false;
  std::size_t shrinks = 0;
  problem first, last;
  std::string report;
};

template <class Law>
attack_result attack(Law law) {
  attack_result r;
  bool seen = false;
  auto watched = [&] {
    try {
      law();
    } catch (...) {
      if (!seen) r.first = laws::current_problem();
      seen = true;
      r.last = laws::current_problem();  // the last failure is the shrunk one
      throw;
    }
  };
  rc::detail::TestParams params;
  params.seed = 7;
  params.maxSuccess = 1000;
  const auto result = check_quietly(watched, params, "teeth");
  rc::detail::FailureResult failure;
  if (result.match(failure)) {
    r.failed = true;
    r.shrinks = failure.reproduce.shrinkPath.size();
    std::ostringstream os;
    rc::detail::printResultMessage(result, os);
    r.report = os.str();
  }
  return r;
}

std::int64_t measure(const problem& p) {
  std::int64_t m = p.rank * 1000 + p.batch + p.in_channels + p.out_channels + p.groups + p.has_bias;
  for (std::size_t a = 0; a < 3; ++a)
    m += p.input[a] + p.kernel[a] + p.stride[a] + p.dilation[a] + p.pad_begin[a] + p.pad_end[a] +
         p.output_padding[a];
  return m;
}

bool any_axis(const problem& p, const std::function<bool(std::size_t)>& f) {
  for (std::size_t a = 0; a < static_cast<std::size_t>(p.rank); ++a)
    if (f(a)) return true;
  return false;
}

// The law must reject the formulation, shrink, and end on a problem showing the mistake.
template <class Law>
void must_reject(const std::string& what, Law law,
                 const std::function<bool(const problem&)>& shows) {
  const auto r = attack(law);
  std::cout << "- teeth: " << what << ": "
            << (r.failed ? "rejected after " + std::to_string(r.shrinks) + " shrinks"
                         : "NOT rejected")
            << "\n    first failing: " << r.first << "\n    shrunk to:     " << r.last << "\n";
  INFO(what << "\nfirst failing: " << r.first << "\nshrunk to: " << r.last << "\n" << r.report);
  REQUIRE(r.failed);
  CHECK(r.shrinks > 0);
  CHECK(measure(r.last) <= measure(r.first));
  CHECK(shows(r.last));
}

using broken::bug;

}  // namespace

TEST_CASE("teeth: kernel not flipped in zero insertion", "[property][teeth]") {
  auto shows = [](const problem& p) {
    return any_axis(p, [&](std::size_t a) { return p.kernel[a] > 1; });
  };
  must_reject("law 3 vs unflipped zero insertion",
              laws::formulations_agree(broken::zero_insertion_unflipped), shows);
  must_reject("law 11 vs unflipped zero insertion",
              laws::symbolic(broken::zero_insertion_unflipped), shows);
}

TEST_CASE("teeth: output_padding ignored", "[property][teeth]") {
  auto shows = [](const problem& p) {
    return any_axis(p, [&](std::size_t a) { return p.output_padding[a] > 0; });
  };
  must_reject("law 3 vs op ignored",
              laws::formulations_agree(broken::formulation<bug::output_padding_ignored>), shows);
  // law 4 also checks that no other op in [0, max(s, d)) inverts the shape
  must_reject("law 4 vs op ignored in the extent",
              laws::shape_inversion(broken::extent_without_output_padding), [](const problem& p) {
                return any_axis(
                    p, [&](std::size_t a) { return std::max(p.stride[a], p.dilation[a]) > 1; });
              });
  must_reject("law 11 vs op ignored",
              laws::symbolic(broken::formulation<bug::output_padding_ignored>), shows);
}

TEST_CASE("teeth: padding begin/end swapped", "[property][teeth]") {
  auto shows = [](const problem& p) {
    return any_axis(p, [&](std::size_t a) { return p.pad_begin[a] != p.pad_end[a]; });
  };
  must_reject("law 3 vs pads swapped",
              laws::formulations_agree(broken::formulation<bug::padding_swapped>), shows);
  must_reject("law 5 vs pads swapped", laws::adjoint(broken::formulation<bug::padding_swapped>),
              shows);
  must_reject("law 11 vs pads swapped", laws::symbolic(broken::formulation<bug::padding_swapped>),
              shows);
}

TEST_CASE("teeth: groups mapped wrongly", "[property][teeth]") {
  auto shows = [](const problem& p) { return p.groups > 1 && p.out_channels / p.groups > 1; };
  must_reject("law 3 vs groups interleaved",
              laws::formulations_agree(broken::formulation<bug::groups_interleaved>), shows);
  must_reject("law 7 vs groups interleaved",
              laws::groups(broken::formulation<bug::groups_interleaved>), shows);
  must_reject("law 11 vs groups interleaved",
              laws::symbolic(broken::formulation<bug::groups_interleaved>), shows);
}

TEST_CASE("teeth: stride and dilation swapped", "[property][teeth]") {
  auto shows = [](const problem& p) {
    return any_axis(p, [&](std::size_t a) { return p.stride[a] != p.dilation[a]; });
  };
  must_reject("law 3 vs stride/dilation swapped",
              laws::formulations_agree(broken::formulation<bug::stride_dilation_swapped>), shows);
  must_reject("law 8 vs stride/dilation swapped",
              laws::polyphase_law(broken::formulation<bug::stride_dilation_swapped>), shows);
}

TEST_CASE("teeth: bias added twice", "[property][teeth]") {
  auto shows = [](const problem&) { return true; };  // law 9 adds its own bias
  must_reject("law 3 vs bias twice", laws::formulations_agree(broken::formulation<bug::bias_twice>),
              [](const problem& p) { return p.has_bias; });
  must_reject("law 9 vs bias twice", laws::batch_and_bias(broken::formulation<bug::bias_twice>),
              shows);
}

// Hidden (not in CTest): shows what a falsified law prints, reproduce string included.
//   tconv_properties "[demo]"  then  RC_PARAMS="reproduce=..." tconv_properties "[demo]"
TEST_CASE("demo: a falsified law and its reproduce string", "[.][demo]") {
  tconv::prop("law 3 vs padding swapped (expected to fail)",
              laws::formulations_agree(broken::formulation<bug::padding_swapped>));
}
