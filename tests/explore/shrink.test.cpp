// The shrinker (lib/harness/shrink.hpp): its value and problem candidates, and whole shrinks
// against stand-in implementations whose failure rule is known, so the minimum is known exactly:
// a hang on stride 4 (shrunk with short attempts, confirmed with the full timeout) and an fp16
// accumulator (values shrunk to short dyadic ones).
#include "harness/shrink.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <limits>

#include "harness/operations.hpp"
#include "harness/values.hpp"

namespace {

using tconv::problem;
using tconv::harness::axis_map;
using tconv::harness::explore_case;
using tconv::harness::finding_kind;
using tconv::harness::outcome;
namespace h = tconv::harness;

// the reported hang: rank 2 with dilation, padding, output_padding, stride 4, bias
problem reported_hang() {
  problem p;
  p.rank = 2;
  p.batch = 2;
  p.in_channels = p.out_channels = 4;
  p.groups = 2;
  p.input = {3, 2, 1};
  p.kernel = {2, 3, 1};
  p.stride = {4, 4, 1};
  p.dilation = {2, 1, 1};
  p.pad_begin = {1, 2, 0};
  p.pad_end = {2, 0, 0};
  p.output_padding = {1, 3, 0};
  p.has_bias = true;
  return p;
}

bool any_stride4(const problem& p) {
  for (std::int64_t a = 0; a < p.rank; ++a)
    if (p.stride[a] == 4) return true;
  return false;
}

outcome failure(finding_kind k, std::string m) {
  return {outcome::status::failed, k, std::move(m), {}, {}};
}

bool contains(const std::vector<std::pair<problem, axis_map>>& qs, const problem& q) {
  return std::any_of(qs.begin(), qs.end(), [&](const auto& c) { return c.first == q; });
}

// rounds to IEEE binary16 (11 significant bits; the test's values stay in its normal range)
float fp16(float f) {
  if (f == 0.0f) return f;
  int e = 0;
  (void)std::frexp(f, &e);
  return std::ldexp(std::nearbyint(std::ldexp(f, 11 - e)), e - 11);
}

}  // namespace

TEST_CASE("simpler: small integers and short dyadic values that fp16 and bf16 round") {
  const auto c = h::simpler(-284.230377f);
  REQUIRE(!c.empty());
  CHECK(c.front() == 1.0f);
  for (const float v :
       {-1.0f, -2.0f, -256.0f, -284.0f, 1.00390625f, 1.00048828125f, -1.00048828125f})
    CHECK(std::find(c.begin(), c.end(), v) != c.end());
  CHECK(std::find(c.begin(), c.end(), -284.230377f) == c.end());  // never v itself
  // 1 + 2^-11 is exact in float32 and rounds in fp16; 1 + 2^-8 is exact in fp16
  CHECK(fp16(1.00048828125f) != 1.00048828125f);
  CHECK(fp16(1.00390625f) == 1.00390625f);
  CHECK(h::simpler(1.0f).empty());  // nothing is simpler than 1
  // an extreme value gives way to a readable one: 1 + 2^-11 is simpler than FLT_MIN
  const auto tiny = h::simpler(-std::numeric_limits<float>::min());
  CHECK(std::find(tiny.begin(), tiny.end(), 1.00048828125f) != tiny.end());
  // no cycle: a candidate never offers the value it came from (so a shrink ends)
  for (const float v : {-284.230377f, 1.00048828125f, 1.00390625f, 3.0f, 0.1f, 1e-30f, 6e4f})
    for (const float s : h::simpler(v)) {
      const auto back = h::simpler(s);
      CHECK(std::find(back.begin(), back.end(), v) == back.end());
    }
}

TEST_CASE("smaller: a count drops to its minimum, halfway there, or by one") {
  problem p;
  p.out_channels = 34;
  p.groups = 2;
  p.in_channels = 34;
  const auto qs = h::smaller(p);
  for (const std::int64_t per_group : {1, 9, 16}) {
    problem q = p;
    q.out_channels = 2 * per_group;
    CHECK(contains(qs, q));
  }
}

TEST_CASE("plainer: one-feature minima and the plain shape with the same output extents") {
  const problem p = reported_hang();
  const auto qs = h::plainer(p);
  problem stride4;  // rank 1, input 1, kernel 1, stride 4, nothing else
  stride4.stride[0] = 4;
  CHECK(contains(qs, stride4));
  CHECK(qs.front().first == problem{});
  for (const auto& [q, map] : qs) {
    CHECK(h::simpler_than(q, p));
    CHECK(tconv::is_valid(q, tconv::op_kind::conv_transpose));
  }
  // no padding, output_padding or dilation; each output extent kept (out = (in - 1) s + k)
  const auto out = tconv::output_extents(p, tconv::op_kind::conv_transpose);
  problem plain = p;
  for (std::int64_t a = 0; a < 2; ++a) plain.set_axis(a, {.input = out[a]});
  CHECK(contains(qs, plain));
  CHECK(tconv::output_extents(plain, tconv::op_kind::conv_transpose) == out);
  // a row of 7 from padding: the plain shape keeps it and drops the padding
  problem row;
  row.input[0] = 3;
  row.kernel[0] = 3;
  row.stride[0] = 2;
  row.pad_begin[0] = 1;
  row.output_padding[0] = 1;
  problem row7;  // stride kept: in = (7 - 1) / 2 + 1, k = 7 - (in - 1) * 2
  row7.input[0] = 4;
  row7.stride[0] = 2;
  CHECK(contains(h::plainer(row), row7));
  CHECK(tconv::output_extents(row7, tconv::op_kind::conv_transpose)[0] ==
        tconv::output_extents(row, tconv::op_kind::conv_transpose)[0]);
  // nothing plainer than the minimum
  CHECK(h::plainer(problem{}).empty());
}

TEST_CASE("a hang is shrunk with short attempts to the hanging hyperparameter alone") {
  const problem p = reported_hang();
  h::counterexample cx;
  cx.kind = finding_kind::timeout;
  cx.c = h::tested_operation::make_case(p, 5, tconv::check::precision::fp32);
  double limit = 10;
  std::vector<double> limits;
  h::shrink_setup s;
  s.time_s = 5;
  s.full_timeout_s = 10;
  s.short_timeout_s = 0.3;
  s.set_timeout = [&](double t) { limits.push_back(limit = t); };
  s.same_failure = [&](const explore_case& c) -> std::optional<outcome> {
    if (!any_stride4(c.p)) return std::nullopt;
    return failure(finding_kind::timeout, "no answer within " + std::to_string(limit));
  };
  h::shrink(cx, rc::shrinkable::just(p), 5, s);
  problem stride4;
  stride4.stride[0] = 4;
  CHECK(cx.c.p == stride4);
  CHECK(limits == std::vector<double>{0.3, 10});  // short attempts, confirmed with the full one
  CHECK(cx.message == "no answer within " + std::to_string(10.0));
  CHECK(cx.c.x == std::vector<float>{0.0f});
}

TEST_CASE("a hang that does not confirm with the full timeout falls back to a confirmed step") {
  const problem p = reported_hang();
  h::counterexample cx;
  cx.kind = finding_kind::timeout;
  cx.c = h::tested_operation::make_case(p, 5, tconv::check::precision::fp32);
  double limit = 10;
  h::shrink_setup s;
  s.time_s = 5;
  s.full_timeout_s = 10;
  s.short_timeout_s = 0.3;
  s.set_timeout = [&](double t) { limit = t; };
  // too short a limit: every case times out with it; with the full one only stride 4 hangs
  s.same_failure = [&](const explore_case& c) -> std::optional<outcome> {
    if (limit > 1 && !any_stride4(c.p)) return std::nullopt;
    return failure(finding_kind::timeout, "timeout");
  };
  h::shrink(cx, rc::shrinkable::just(p), 5, s);
  CHECK(any_stride4(cx.c.p));
  CHECK(limit == 10);
}

TEST_CASE("an fp16 accumulator's values shrink to short dyadic ones") {
  problem p;
  p.kernel[0] = 2;
  explore_case c{p, {-284.230377f}, {3.71f, -0.37f}, {}};
  h::counterexample cx;
  cx.kind = finding_kind::wrong_result;
  cx.c = c;
  h::shrink_setup s;
  s.time_s = 5;
  // fails when a product is not exact in fp16 (an fp16 accumulator rounds it)
  s.same_failure = [&](const explore_case& k) -> std::optional<outcome> {
    for (const float x : k.x)
      for (const float w : k.w)
        if (fp16(x * w) != x * w) return failure(finding_kind::wrong_result, "wrong");
    return std::nullopt;
  };
  h::shrink(cx, rc::shrinkable::just(p), 5, s);
  CHECK(cx.c.p == problem{});
  CHECK(cx.c.x == std::vector<float>{1.0f});
  CHECK(cx.c.w == std::vector<float>{1.00048828125f});  // 1 + 2^-11
}
