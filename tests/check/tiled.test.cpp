// The tiled fast path (tiled.hpp: the estimate a block of output channels at a time, judged at
// once) against --exact on layers shaped like the bench's (DCGAN-, FCN- and U-Net-like, a grouped
// dilated conv): the same verdicts, the same worst elements and the same listed violations. Wrong
// outputs are rejected by both (one element off, a dropped input channel), and elements placed at
// the bound within the estimate's uncertainty are decided exactly, as --exact decides them.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <random>

#include "tconv/check/check.hpp"
#include "tconv/check/report_json.hpp"
#include "tconv/conv.hpp"
#include "tconv/conv_transpose.hpp"

namespace tc = tconv::check;
using tconv::op_kind;

namespace {

struct layer {
  tconv::problem p;
  op_kind op = op_kind::conv_transpose;
  tconv::tensor<float> x, w, b;
};

struct shape_args {
  std::int64_t rank, batch, cin, cout, in, k, s, pad, groups = 1, dilation = 1;
  op_kind op = op_kind::conv_transpose;
};

layer make(const shape_args& a, std::uint64_t seed) {
  layer l;
  l.op = a.op;
  l.p.rank = static_cast<int>(a.rank), l.p.batch = a.batch, l.p.in_channels = a.cin,
  l.p.out_channels = a.cout, l.p.groups = a.groups;
  for (int d = 0; d < 3; ++d) {
    const bool on = d < a.rank;
    const auto u = static_cast<std::size_t>(d);
    l.p.input[u] = on ? a.in : 1, l.p.kernel[u] = on ? a.k : 1, l.p.stride[u] = on ? a.s : 1;
    l.p.pad_begin[u] = l.p.pad_end[u] = on ? a.pad : 0, l.p.dilation[u] = on ? a.dilation : 1;
  }
  l.p.has_bias = true;
  std::mt19937_64 g(seed);
  std::normal_distribution<float> nd(0.0f, 1.0f);
  l.x = tconv::tensor<float>(tconv::input_shape(l.p));
  l.w = tconv::tensor<float>(tconv::weight_shape(l.p, a.op));
  l.b = tconv::tensor<float>(tconv::bias_shape(l.p));
  for (auto* t : {&l.x, &l.w, &l.b})
    for (auto& v : t->data) v = nd(g);
  return l;
}

// a float implementation: the core's scatter (conv_transpose) or direct (conv) formulation in float
std::vector<float> implementation(const layer& l) {
  return l.op == op_kind::conv_transpose ? tconv::conv_transpose(l.p, l.x, l.w, l.b).data
                                         : tconv::conv(l.p, l.x, l.w, l.b).data;
}

template <class Y>
tc::report check(const layer& l, const std::vector<Y>& y, bool exact) {
  tc::options opt;
  opt.exact_everywhere = exact;
  return tc::check_output(l.p, l.op, l.x.data.data(), l.w.data.data(), l.b.data.data(), y.data(),
                          static_cast<std::int64_t>(y.size()), tc::precision::fp32, opt);
}

template <class Y>
void same_report(const layer& l, const std::vector<Y>& y) {
  const auto fast = check(l, y, false), exact = check(l, y, true);
  CHECK(fast.ok == exact.ok);
  CHECK(fast.violations == exact.violations);
  CHECK(fast.warnings == exact.warnings);
  CHECK(fast.max_ratio_index == exact.max_ratio_index);
  CHECK(fast.max_ulps_index == exact.max_ulps_index);
  REQUIRE(fast.first_violations.size() == exact.first_violations.size());
  for (std::size_t i = 0; i < fast.first_violations.size(); ++i)
    CHECK(fast.first_violations[i].index == exact.first_violations[i].index);
}

const shape_args dcgan_like{2, 8, 128, 32, 4, 4, 2, 1};
const shape_args fcn_like{2, 1, 21, 21, 7, 32, 16, 8};
const shape_args unet_like{3, 1, 32, 8, 8, 2, 2, 0};
const shape_args grouped_conv{2, 4, 32, 32, 32, 3, 1, 2, 4, 2, op_kind::conv};
// taps apart on axis 0, channel tiles too thin for the GEMM: slabs of axis 0 (tiled.hpp)
const shape_args unet_slabs{3, 4, 16, 16, 8, 2, 2, 0};
const shape_args gapped_slabs{2, 4, 16, 16, 12, 2, 3, 1, 1, 2};  // k2 d2 s3 p1: gaps, clamped ends

}  // namespace

TEST_CASE("the tiled path is the one these layers take", "[check][tiled]") {
  for (const auto& a : {dcgan_like, fcn_like, unet_like, grouped_conv, unet_slabs, gapped_slabs}) {
    const layer l = make(a, 1);
    CHECK(tc::uses_gemm(tc::geometry(l.p, l.op)));
  }
  // the slab layers are cut along axis 0, the others are not
  auto slabs = [](const shape_args& a) {
    const layer l = make(a, 1);
    const tc::geometry geo(l.p, l.op);
    const tc::tile_plan plan = tc::plan_tiles(geo, 2);
    return std::any_of(plan.tiles.begin(), plan.tiles.end(),
                       [&](const tc::tile& t) { return t.q1 - t.q0 < geo.out[0]; });
  };
  // and every output element is in exactly one tile: per channel block, the slabs partition axis 0
  for (const auto& a : {dcgan_like, fcn_like, unet_like, grouped_conv, unet_slabs, gapped_slabs}) {
    const layer l = make(a, 1);
    const tc::geometry geo(l.p, l.op);
    std::vector<int> seen(static_cast<std::size_t>(geo.groups * geo.cout_g * geo.out[0]), 0);
    for (const tc::tile& t : tc::plan_tiles(geo, 2).tiles)
      for (std::int64_t c = t.cb; c < t.cb + t.cn; ++c)
        for (std::int64_t q = t.q0; q < t.q1; ++q)
          ++seen[static_cast<std::size_t>((t.grp * geo.cout_g + c) * geo.out[0] + q)];
    CHECK(std::all_of(seen.begin(), seen.end(), [](int k) { return k == 1; }));
  }
  CHECK(slabs(unet_slabs));
  CHECK(slabs(gapped_slabs));
  CHECK_FALSE(slabs(dcgan_like));
  CHECK_FALSE(slabs(fcn_like));
  CHECK_FALSE(slabs(grouped_conv));
}

TEST_CASE("tiled path and --exact: same verdicts, worst elements and listed violations",
          "[check][tiled]") {
  std::mt19937_64 g(7);
  for (const auto& a : {dcgan_like, fcn_like, unet_like, grouped_conv, unet_slabs, gapped_slabs}) {
    const layer l = make(a, 2);
    auto y = implementation(l);
    same_report(l, y);  // a correct implementation
    CHECK(check(l, y, false).ok);
    // a few elements moved by up to 64 ulps: some stay within, some go beyond
    for (int k = 0; k < 12; ++k) {
      auto& v = y[g() % y.size()];
      const int ulps = static_cast<int>(g() % 64);
      for (int u = 0; u < ulps; ++u) v = std::nextafter(v, 1e30f);
    }
    same_report(l, y);
  }
}

TEST_CASE("the judge's AVX2 and baseline builds give the same report, bit for bit",
          "[check][tiled]") {
  std::mt19937_64 g(11);
  for (const auto& a : {dcgan_like, fcn_like, unet_like}) {
    const layer l = make(a, 4);
    auto y = implementation(l);
    for (int k = 0; k < 12; ++k) {
      auto& v = y[g() % y.size()];
      const int ulps = static_cast<int>(g() % 64);
      for (int u = 0; u < ulps; ++u) v = std::nextafter(v, 1e30f);
    }
    const auto simd = check(l, y, false);
    tc::detail::baseline_simd_only = true;
    const auto base = check(l, y, false);
    tc::detail::baseline_simd_only = false;
    CHECK(tc::to_json(simd).dump() == tc::to_json(base).dump());
    // and the comparison can fail: one element far off changes the report
    y[y.size() / 2] = y[y.size() / 2] * 1.5f + 1.0f;
    CHECK(tc::to_json(check(l, y, false)).dump() != tc::to_json(base).dump());
  }
}

TEST_CASE("the tiled path rejects wrong outputs where --exact does", "[check][tiled]") {
  for (const auto& a : {dcgan_like, unet_like}) {
    const layer l = make(a, 3);
    auto y = implementation(l);
    y[y.size() / 3] *= 1.001f;  // one element off
    const auto one = check(l, y, false);
    CHECK_FALSE(one.ok);
    CHECK(one.violations == 1);
    same_report(l, y);
    // a dropped input channel: a wrong implementation of the whole layer
    layer dropped = l;
    const auto per_item = l.x.data.size() / static_cast<std::size_t>(l.p.batch);
    const auto per_channel = per_item / static_cast<std::size_t>(l.p.in_channels);
    for (std::size_t n = 0; n < static_cast<std::size_t>(l.p.batch); ++n)
      for (std::size_t i = 0; i < per_channel; ++i) dropped.x.data[n * per_item + i] = 0;
    const auto wrong = implementation(dropped);
    const auto r = check(l, wrong, false);
    CHECK_FALSE(r.ok);
    CHECK(r.violations > 100);
    same_report(l, wrong);
  }
}

TEST_CASE("elements at the bound, inside the estimate's uncertainty, are decided exactly",
          "[check][tiled]") {
  const layer l = make(unet_like, 4);
  const auto yf = implementation(l);
  std::vector<double> y(yf.begin(), yf.end());  // float64 storage: y can sit anywhere near T + B
  // the exact value T and the bound B of a few elements, from --exact on a far-off y
  const std::vector<std::size_t> at{5, 777, y.size() / 2, y.size() - 3};
  auto far = y;
  for (const auto i : at) far[i] += 1e6;
  const auto probe = check(l, far, true);
  REQUIRE(probe.first_violations.size() == at.size());
  for (std::size_t k = 0; k < at.size(); ++k) {
    const auto& fd = probe.first_violations[k];
    // relative 2^-40 of the bound: far inside the uncertainty of T's double rounding and of the
    // estimate (gamma_n(2^-53) (A + |b|)); alternately just within and just beyond
    const double side = k % 2 == 0 ? 1 - 0x1p-40 : 1 + 0x1p-40;
    y[at[k]] = fd.exact + fd.bound * side;
  }
  const auto fast = check(l, y, false), exact = check(l, y, true);
  CHECK(fast.exact_fallbacks >= static_cast<std::int64_t>(at.size()));
  CHECK(fast.exact_fallbacks < 100);
  CHECK(fast.violations == exact.violations);
  same_report(l, y);
}
