// The flush-to-zero policy (options::flush_subnormals, bound.hpp): rigorous (an implementation
// that flushes inputs, products, partial sums and results below 2^-126 passes, on both the fast
// and the all-exact path) and not loose (flushing normal products, or an error of the size the
// policy allows on elements that nothing flushed, still fails; plain fp32 rejects the flushing
// implementation). Expected bounds are written from the documented formula, by hand.
#include <catch2/catch.hpp>
#include <cmath>
#include <random>

#include "tconv/check/check.hpp"
#include "tconv/check/report_json.hpp"
#include "tconv/check/report_text.hpp"
#include "tconv/conv_transpose.hpp"

namespace tc = tconv::check;
using tconv::op_kind;

namespace {

struct layer {
  tconv::problem p;
  std::vector<float> x, w, b;
};

// A small strided 2-D layer with bias whose values are normal(0, 1) times 2^scale_x, 2^scale_w,
// 2^scale_b; every `sub`-th x is scaled down by 2^-40 more (subnormal for scale_x <= -90).
layer scaled_layer(std::uint64_t seed, int scale_x, int scale_w, int scale_b, int sub = 0) {
  layer l;
  l.p.rank = 2, l.p.batch = 1, l.p.in_channels = 4, l.p.out_channels = 2;
  l.p.input = {4, 3, 1}, l.p.kernel = {3, 2, 1}, l.p.stride = {2, 1, 1};
  l.p.pad_begin = l.p.pad_end = {1, 0, 0};
  l.p.has_bias = true;
  const tc::geometry g(l.p, op_kind::conv_transpose);
  std::mt19937_64 gen(seed);
  std::normal_distribution<float> nd(0.0f, 1.0f);
  const auto fill = [&](std::vector<float>& v, std::int64_t n, int scale) {
    v.resize(static_cast<std::size_t>(n));
    for (auto& e : v) e = std::ldexp(nd(gen), scale);
  };
  fill(l.x, g.in_count(), scale_x);
  fill(l.w, g.weight_count(), scale_w);
  fill(l.b, l.p.out_channels, scale_b);
  for (std::size_t i = 0; sub > 0 && i < l.x.size(); i += static_cast<std::size_t>(sub))
    l.x[i] = std::ldexp(l.x[i], -40);
  return l;
}

// |v| below t: zero (what FTZ/DAZ hardware does)
float flush(float v, float t) { return std::fabs(v) < t ? 0.0f : v; }

// The layer computed in float with every input, product, partial sum and the result below
// `products_below` (products) and 2^-126 (everything else) flushed to zero.
std::vector<float> flushing_output(const layer& l, float products_below = 0x1p-126f) {
  constexpr float t = 0x1p-126f;
  const tc::geometry g(l.p, op_kind::conv_transpose);
  std::vector<float> y(static_cast<std::size_t>(g.out_count()));
  for (std::int64_t f = 0; f < g.out_count(); ++f) {
    float acc = 0;
    g.for_each_term(f, [&](std::int64_t xi, std::int64_t wi) {
      const float prod = flush(
          flush(l.x[static_cast<std::size_t>(xi)], t) * flush(l.w[static_cast<std::size_t>(wi)], t),
          products_below);
      acc = flush(acc + prod, t);
    });
    y[static_cast<std::size_t>(f)] =
        flush(acc + flush(l.b[static_cast<std::size_t>(g.channel(f))], t), t);
  }
  return y;
}

tc::report check(const layer& l, const std::vector<float>& y, bool ftz, bool exact = false) {
  tc::options opt;
  opt.flush_subnormals = ftz;
  opt.exact_everywhere = exact;
  opt.threads = 1;
  return tc::check_output(l.p, op_kind::conv_transpose, l.x.data(), l.w.data(), l.b.data(),
                          y.data(), static_cast<std::int64_t>(y.size()), tc::precision::fp32, opt);
}

// one product x w, no bias: rank 1, one channel, input, kernel and stride 1
layer one_product(float x, float w) {
  layer l;
  l.p.rank = 1, l.p.batch = 1, l.p.in_channels = 1, l.p.out_channels = 1;
  l.p.input = {1, 1, 1}, l.p.kernel = {1, 1, 1}, l.p.stride = {1, 1, 1};
  l.x = {x}, l.w = {w};
  return l;
}

}  // namespace

TEST_CASE("ftz: an implementation that flushes passes under the policy, not under plain fp32",
          "[check][ftz]") {
  for (std::uint64_t seed = 1; seed <= 3; ++seed) {
    // products near 2^-126: many flush, partial sums cross the threshold; some x subnormal
    const layer l = scaled_layer(seed, -62, -64, -126, 5);
    const auto y = flushing_output(l);
    INFO("seed " << seed);
    CHECK(check(l, y, true).ok);
    CHECK(check(l, y, true, true).ok);
    CHECK_FALSE(check(l, y, false).ok);
    CHECK_FALSE(check(l, y, false, true).ok);
  }
}

TEST_CASE("ftz: flushing normal products fails under the policy", "[check][ftz]") {
  // products around 2^-110 are normal: a kernel flushing below 2^-105 loses them
  const layer l = scaled_layer(7, -55, -55, -110);
  CHECK(check(l, flushing_output(l), true).ok);
  CHECK_FALSE(check(l, flushing_output(l, 0x1p-105f), true).ok);
  CHECK_FALSE(check(l, flushing_output(l, 0x1p-105f), true, true).ok);
}

TEST_CASE("ftz: an error of the policy's size on an element nothing flushed fails",
          "[check][ftz]") {
  // 8 products at most per element here: 2n 2^-126 (1 + gamma) < 17 2^-126, and gamma(9) times
  // sum |x||w| (products near 2^-115) is below 2^-130; an error of 2^-119 (64 2^-126) on normal
  // values, where nothing flushed, is beyond the bound
  const layer l = scaled_layer(11, -57, -58, -113);
  auto y = flushing_output(l);
  REQUIRE(check(l, y, true).ok);
  y[3] += 0x1p-119f;
  const auto r = check(l, y, true);
  CHECK_FALSE(r.ok);
  CHECK(r.violations == 1);
}

TEST_CASE("ftz: the bound term is the documented one", "[check][ftz]") {
  const double g2 = 2 * 0x1p-24 / (1 - 2 * 0x1p-24);  // gamma(n+1), n = 1
  SECTION("a subnormal input costs |other factor| t_in per product") {
    // x = 2^-130 flushes: exact 2^-120, a flushing kernel answers 0
    const layer l = one_product(0x1p-130f, 0x1p10f);
    CHECK(check(l, {0.0f}, true).ok);
    CHECK_FALSE(check(l, {0.0f}, false).ok);
    CHECK(check(l, {0x1p-120f}, true).ok);
  }
  SECTION("a normal input does not flush: losing its product fails, bound 2 t_acc (1 + g)") {
    const layer l = one_product(0x1p-125f, 0x1p10f);  // exact 2^-115
    const auto r = check(l, {0.0f}, true);
    REQUIRE_FALSE(r.ok);
    REQUIRE(r.first_violations.size() == 1);
    const double want = 2 * 0x1p-126 * (1 + g2) + g2 * 0x1p-115;
    INFO("bound " << std::hexfloat << r.first_violations[0].bound << ", want " << want);
    CHECK(r.first_violations[0].bound >= want);
    // the checker's sum |x||w| is kept rounded up to a float (one ulp: 2^-23 relative on the
    // 2^-13-relative gamma term), and every operation rounded up: within 2^-30 of the formula
    CHECK(r.first_violations[0].bound <= want * (1 + 0x1p-30));
  }
  SECTION("a product below 2^-126 flushes: error up to t_acc passes, 3 t_acc fails") {
    const layer l = one_product(0x1p-64f, 0x1p-63f);  // exact 2^-127
    CHECK(check(l, {0.0f}, true).ok);
    CHECK_FALSE(check(l, {0.0f}, false).ok);
    CHECK_FALSE(check(l, {0x1p-124f}, true).ok);  // error 7 2^-127 > 2^-125 (1 + g)
  }
}

TEST_CASE("ftz: reports say the policy", "[check][ftz]") {
  const layer l = one_product(0x1p-130f, 0x1p10f);
  const auto r = check(l, {0.0f}, true);
  CHECK(tc::to_json(r).at("flush_subnormals") == true);
  CHECK(tc::to_text(r).find("subnormals may flush to zero") != std::string::npos);
  CHECK_FALSE(tc::to_json(check(l, {0.0f}, false)).contains("flush_subnormals"));
}
