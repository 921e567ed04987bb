// check_output: accepts float32 implementations (the core's scatter and gather formulations run
// in float, in their own summation orders) and rejects wrong ones: one element off by 1e-3
// relative, tf32-rounded inputs judged as fp32, NaN, a wrong element count. Reduced-precision
// modes accept what they model; the fast path and the all-exact path give the same verdicts.
#include "tconv/check/check.hpp"

#include <catch2/catch.hpp>

#include "rational.hpp"
#include "tconv/check/report_json.hpp"
#include "tconv/conv.hpp"
#include "tconv/conv_transpose.hpp"
#include "tconv/conv_transpose_gather.hpp"

namespace tc = tconv::check;
using tconv::op_kind;

namespace {

struct layer {
  tconv::problem p;
  tconv::tensor<float> x, w, b;
};

layer make_layer(std::uint64_t seed, std::int64_t cin = 16, std::int64_t cout = 8,
                 std::int64_t in = 6, std::int64_t k = 4) {
  layer l;
  l.p.rank = 2, l.p.batch = 2, l.p.in_channels = cin, l.p.out_channels = cout;
  l.p.input = {in, in, 1}, l.p.kernel = {k, k, 1}, l.p.stride = {2, 2, 1},
  l.p.pad_begin = l.p.pad_end = {1, 1, 0};
  l.p.has_bias = true;
  std::mt19937_64 g(seed);
  std::normal_distribution<float> nd(0.0f, 1.0f);
  l.x = tconv::tensor<float>(tconv::input_shape(l.p));
  l.w = tconv::tensor<float>(tconv::weight_shape(l.p, op_kind::conv_transpose));
  l.b = tconv::tensor<float>(tconv::bias_shape(l.p));
  for (auto* t : {&l.x, &l.w, &l.b})
    for (auto& v : t->data) v = nd(g);
  return l;
}

tc::report check(const layer& l, const std::vector<float>& y, tc::precision prec,
                 tc::options opt = {}) {
  return tc::check_output(l.p, op_kind::conv_transpose, l.x.data.data(), l.w.data.data(),
                          l.b.data.data(), y.data(), static_cast<std::int64_t>(y.size()), prec,
                          opt);
}

// round to a format with `bits` significand bits (to nearest even), by hand
float round_bits(float v, int bits) {
  if (v == 0 || !std::isfinite(v)) return v;
  int e;
  (void)std::frexp(v, &e);
  const double scale = std::ldexp(1.0, bits - e);
  return static_cast<float>(std::nearbyint(static_cast<double>(v) * scale) / scale);
}

}  // namespace

TEST_CASE("float32 implementations are accepted", "[check]") {
  for (std::uint64_t seed : {1u, 2u, 3u}) {
    const layer l = make_layer(seed);
    const auto scatter = tconv::conv_transpose(l.p, l.x, l.w, l.b);
    const auto gather = tconv::conv_transpose_gather(l.p, l.x, l.w, l.b);
    for (const auto* y : {&scatter, &gather}) {
      const auto r = check(l, y->data, tc::precision::fp32);
      INFO(tc::to_text(r));
      CHECK(r.ok);
      CHECK(r.violations == 0);
      CHECK(r.elements_checked == static_cast<std::int64_t>(y->data.size()));
      CHECK(r.max_error_to_bound < 1);
    }
  }
}

TEST_CASE("one element off by 1e-3 relative is rejected, at its index", "[check]") {
  const layer l = make_layer(5);
  auto y = tconv::conv_transpose_gather(l.p, l.x, l.w, l.b).data;
  const std::size_t at = 37;
  y[at] *= 1.001f;
  for (bool exact : {false, true}) {
    tc::options opt;
    opt.exact_everywhere = exact;
    const auto r = check(l, y, tc::precision::fp32, opt);
    CHECK_FALSE(r.ok);
    CHECK(r.violations == 1);
    REQUIRE(r.first_violations.size() == 1);
    // y is [2, 8, 12, 12]: flat 37 = [0, 0, 3, 1]
    CHECK(r.first_violations[0].index == std::vector<std::int64_t>{0, 0, 3, 1});
    CHECK(r.first_violations[0].got == static_cast<double>(y[at]));
    CHECK(r.first_violations[0].error > r.first_violations[0].bound);
    CHECK(r.first_violations[0].exact_hex.rfind("0x", 0) != std::string::npos);
  }
}

TEST_CASE("inputs rounded to tf32 are rejected as fp32 and accepted as tf32", "[check]") {
  layer l = make_layer(11, 64, 8, 6, 4);
  layer rounded = l;
  for (auto* t : {&rounded.x, &rounded.w})
    for (auto& v : t->data) v = round_bits(v, 11);
  const auto y = tconv::conv_transpose(rounded.p, rounded.x, rounded.w, rounded.b).data;
  const auto as_fp32 = check(l, y, tc::precision::fp32);
  CHECK_FALSE(as_fp32.ok);
  CHECK(as_fp32.violations > 0);
  CHECK(check(l, y, tc::precision::tf32).ok);
  // bf16 rounding (8 bits): accepted as bf16, rejected as fp32
  layer coarse = l;
  for (auto* t : {&coarse.x, &coarse.w})
    for (auto& v : t->data) v = round_bits(v, 8);
  const auto yb = tconv::conv_transpose(coarse.p, coarse.x, coarse.w, coarse.b).data;
  CHECK_FALSE(check(l, yb, tc::precision::fp32).ok);
  CHECK(check(l, yb, tc::precision::bf16).ok);
}

TEST_CASE("fp16 mode: fp16 inputs, float32 accumulation, float16 storage", "[check]") {
  layer l = make_layer(21);
  layer h = l;
  for (auto* t : {&h.x, &h.w, &h.b})
    for (auto& v : t->data) v = round_bits(v, 11);
  auto y = tconv::conv_transpose(h.p, h.x, h.w, h.b).data;
  for (auto& v : y) v = round_bits(v, 11);  // stored as float16
  tc::options opt;
  opt.y_storage = tc::binary16;
  CHECK(check(l, y, tc::precision::fp16, opt).ok);
  CHECK_FALSE(check(l, y, tc::precision::fp32, opt).ok);
  // values beyond the fp16 range cannot be judged as fp16: an input error, not a verdict
  l.x.data[0] = 1e6f;
  CHECK_THROWS_AS(check(l, y, tc::precision::fp16, opt), tc::check_error);
}

TEST_CASE("fp64 data: accepted when computed in double, rejected when off by 1e-10", "[check]") {
  const layer l = make_layer(31);
  tconv::tensor<double> x = tconv::tensor_cast<double>(l.x), w = tconv::tensor_cast<double>(l.w),
                        b = tconv::tensor_cast<double>(l.b);
  for (auto& v : x.data) v += 1e-9 * v;  // not float32 values any more
  auto y = tconv::conv_transpose(l.p, x, w, b).data;
  auto run = [&](const std::vector<double>& yy) {
    return tc::check_output(l.p, op_kind::conv_transpose, x.data.data(), w.data.data(),
                            b.data.data(), yy.data(), static_cast<std::int64_t>(yy.size()),
                            tc::precision::fp64);
  };
  CHECK(run(y).ok);
  y[3] *= 1 + 1e-10;
  const auto r = run(y);
  CHECK_FALSE(r.ok);
  CHECK(r.violations == 1);
}

TEST_CASE("NaN, infinity and a wrong element count are violations", "[check]") {
  const layer l = make_layer(41);
  auto y = tconv::conv_transpose(l.p, l.x, l.w, l.b).data;
  auto y1 = y;
  y1[0] = std::numeric_limits<float>::quiet_NaN();
  y1[5] = std::numeric_limits<float>::infinity();
  const auto r = check(l, y1, tc::precision::fp32);
  CHECK(r.violations == 2);
  CHECK(r.first_violations[0].reason.find("NaN") != std::string::npos);
  y.pop_back();
  const auto r2 = check(l, y, tc::precision::fp32);
  CHECK_FALSE(r2.ok);
  CHECK(r2.message.find("elements") != std::string::npos);
}

TEST_CASE("non-finite inputs: the IEEE result class is expected", "[check]") {
  layer l = make_layer(43);
  l.x.data[0] = std::numeric_limits<float>::infinity();
  const auto y =
      tconv::conv_transpose(l.p, l.x, l.w, l.b).data;  // inf*w: +-inf, or NaN where signs mix
  const auto r = check(l, y, tc::precision::fp32);
  INFO(tc::to_text(r));
  CHECK(r.ok);
  auto y2 = y;
  for (auto& v : y2)
    if (!std::isfinite(v)) {
      v = 0;
      break;
    }
  CHECK_FALSE(check(l, y2, tc::precision::fp32).ok);
}

TEST_CASE("tolerance mode is labelled and judges |got - exact| <= atol + rtol |exact|", "[check]") {
  const layer l = make_layer(51);
  auto y = tconv::conv_transpose(l.p, l.x, l.w, l.b).data;
  const auto big = std::max_element(y.begin(), y.end(),
                                    [](float a, float b) { return std::fabs(a) < std::fabs(b); });
  *big *= 1.001f;
  tc::options loose, tight;
  loose.rtol = 1e-2, tight.rtol = 1e-4;
  loose.atol = 0, tight.atol = 1e-4;  // float32 rounding stays far below 1e-4 here
  const auto a = check(l, y, tc::precision::fp32, loose),
             b = check(l, y, tc::precision::fp32, tight);
  CHECK(a.ok);
  CHECK(a.mode == "tolerance");
  CHECK_FALSE(b.ok);
  CHECK(b.violations == 1);
}

TEST_CASE("warnings: errors beyond lambda sqrt(n+1) u but within the bound pass, counted",
          "[check]") {
  // one output element with n = 4096 products of ones: exact = 4096 + b, sum|x||w| = 4096
  tconv::problem p;
  p.rank = 1, p.in_channels = 4096, p.out_channels = 1, p.input = {1, 1, 1}, p.kernel = {1, 1, 1};
  std::vector<float> x(4096, 1.0f), w(4096, 1.0f);
  // bound gamma(4097) * 4096 = 1.0001 (u = 2^-24); tier 6 sqrt(4097) u * 4096 = 0.094
  const float within_tier = 4096.0625f, beyond_tier = 4096.5f, beyond_bound = 4097.25f;
  auto r = tc::check_output(p, op_kind::conv, x.data(), w.data(), nullptr, &within_tier, 1,
                            tc::precision::fp32);
  CHECK(r.ok);
  CHECK(r.warnings == 0);
  r = tc::check_output(p, op_kind::conv, x.data(), w.data(), nullptr, &beyond_tier, 1,
                       tc::precision::fp32);
  CHECK(r.ok);
  CHECK(r.warnings == 1);
  CHECK(r.first_warnings.size() == 1);
  r = tc::check_output(p, op_kind::conv, x.data(), w.data(), nullptr, &beyond_bound, 1,
                       tc::precision::fp32);
  CHECK_FALSE(r.ok);
  const float exact = 4096.0f;
  r = tc::check_output(p, op_kind::conv, x.data(), w.data(), nullptr, &exact, 1,
                       tc::precision::fp32);
  CHECK(r.ok);
  CHECK(r.warnings == 0);
}

TEST_CASE("the fast path and the all-exact path agree on every verdict", "[check]") {
  std::mt19937_64 g(61);
  for (int trial = 0; trial < 20; ++trial) {
    const layer l = make_layer(100 + static_cast<std::uint64_t>(trial), 8, 4, 5, 3);
    auto y = tconv::conv_transpose(l.p, l.x, l.w, l.b).data;
    // perturb a few elements by amounts around the bound
    for (int k = 0; k < 6; ++k) {
      auto& v = y[g() % y.size()];
      const int ulps = static_cast<int>(g() % 64);
      for (int u = 0; u < ulps; ++u) v = std::nextafter(v, 1e30f);
    }
    tc::options ex;
    ex.exact_everywhere = true;
    const auto a = check(l, y, tc::precision::fp32), b = check(l, y, tc::precision::fp32, ex);
    CHECK(a.violations == b.violations);
    CHECK(a.warnings == b.warnings);
  }
}

TEST_CASE("report text and JSON carry the verdict and the listed elements", "[check]") {
  const layer l = make_layer(71);
  auto y = tconv::conv_transpose(l.p, l.x, l.w, l.b).data;
  y[0] += 1.0f;
  const auto r = check(l, y, tc::precision::fp32);
  const auto j = tc::to_json(r);
  CHECK(j["verdict"] == "violated");
  CHECK(j["violations"] == 1);
  CHECK(j["first_violations"][0]["index"] == std::vector<std::int64_t>{0, 0, 0, 0});
  CHECK(tc::to_text(r).find("VIOLATED") != std::string::npos);
}
