// The exact reference against the core's formulations run on cpp_rational: random layers (ranks
// 1-3, stride, dilation, padding, output_padding, groups, bias, conv and conv_transpose) with float
// and double data over wide exponent ranges. The fast estimate (direct loops, and the GEMM path on
// a layer large enough to take it) must bracket the exact value within its stated error.
#include "tconv/check/reference.hpp"

#include <algorithm>
#include <bit>
#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <mutex>

#include "rational.hpp"
#include "tconv/conv.hpp"
#include "tconv/conv_transpose.hpp"

using namespace test;
namespace tc = tconv::check;

namespace {

tconv::problem random_problem(std::mt19937_64& g, tconv::op_kind op) {
  for (;;) {
    auto r = [&](int lo, int hi) {
      return lo + static_cast<int>(g() % static_cast<std::uint64_t>(hi - lo + 1));
    };
    tconv::problem p;
    p.rank = r(1, 3);
    p.batch = r(1, 2);
    p.groups = r(1, 2);
    p.in_channels = p.groups * r(1, 2);
    p.out_channels = p.groups * r(1, 2);
    p.has_bias = r(0, 1) == 1;
    for (int a = 0; a < p.rank; ++a) {
      p.input[a] = r(1, p.rank == 3 ? 3 : 4);
      p.kernel[a] = r(1, 3);
      p.stride[a] = r(1, 3);
      p.dilation[a] = r(1, 2);
      p.pad_begin[a] = r(0, 2);
      p.pad_end[a] = r(0, 2);
      if (op == tconv::op_kind::conv_transpose) p.output_padding[a] = r(0, 2);
    }
    if (tconv::is_valid(p, op)) return p;
  }
}

template <class T>
tconv::tensor<cpp_rational> rational(const std::vector<std::int64_t>& shape,
                                     const std::vector<T>& v) {
  tconv::tensor<cpp_rational> t(shape);
  for (std::size_t i = 0; i < v.size(); ++i) t.data[i] = exact(static_cast<double>(v[i]));
  return t;
}

tconv::tensor<cpp_rational> exact_result(const tconv::problem& p, tconv::op_kind op,
                                         const tconv::tensor<cpp_rational>& x,
                                         const tconv::tensor<cpp_rational>& w,
                                         const tconv::tensor<cpp_rational>* b) {
  if (op == tconv::op_kind::conv) return tconv::conv(p, x, w, b);
  return tconv::conv_transpose(p, x, w, b);
}

}  // namespace

TEST_CASE("round_interval: the one float of [s - e, s + e], NaN when in doubt", "[reference]") {
  using tc::detail::round_interval;
  const auto bits = [](float f) { return std::bit_cast<std::uint32_t>(f); };
  const auto doubt = [](float f) { return std::isnan(f); };
  CHECK(bits(round_interval(1.0, 0.0)) == bits(1.0f));
  CHECK(bits(round_interval(-3.5, 0x1p-30)) == bits(-3.5f));
  // within (1, 1 + 2^-24): rounds to 1; the midpoint itself (a tie) and anything across it: doubt
  CHECK(bits(round_interval(1 + 0x1p-25, 0x1p-26)) == bits(1.0f));
  CHECK(doubt(round_interval(1 + 0x1p-24, 0.0)));
  CHECK(doubt(round_interval(1 + 0x1p-25, 0x1p-25)));
  // an exact zero is +0, which only the exact path gives; a negative value that rounds to -0 is -0
  CHECK(doubt(round_interval(0.0, 0.0)));
  CHECK(bits(round_interval(-0x1p-160, 0x1p-170)) == bits(-0.0f));
  CHECK(bits(round_interval(0x1p-149, 0x1p-160)) == bits(0x1p-149f));
  // overflow: beyond FLT_MAX + half an ulp both ends are inf; across the threshold, doubt
  CHECK(bits(round_interval(1e300, 1.0)) == bits(std::numeric_limits<float>::infinity()));
  CHECK(bits(round_interval(-1e300, 1.0)) == bits(-std::numeric_limits<float>::infinity()));
  CHECK(doubt(round_interval(0x1.ffffffp127, 0x1p90)));
  CHECK(bits(round_interval(0x1.fffffep127, 0x1p90)) == bits(std::numeric_limits<float>::max()));
  // not finite
  CHECK(doubt(round_interval(std::nan(""), 0.0)));
  CHECK(doubt(round_interval(1.0, std::numeric_limits<double>::infinity())));
  CHECK(doubt(round_interval(std::numeric_limits<double>::infinity(), 0.0)));
  // a wrong rounding rule (the ends not moved outward) is caught by the tie above: it would say 1
  const auto inward = [](double s, double e) {
    const auto r0 = static_cast<float>(s - e), r1 = static_cast<float>(s + e);
    return r0 == r1 ? r0 : std::nanf("");
  };
  CHECK_FALSE(doubt(inward(1 + 0x1p-24, 0.0)));
}

TEST_CASE("reference_float is the correctly rounded exact result", "[reference]") {
  std::mt19937_64 g(777);
  for (int trial = 0; trial < 120; ++trial) {
    const auto op = trial % 3 == 0 ? tconv::op_kind::conv : tconv::op_kind::conv_transpose;
    const auto p = random_problem(g, op);
    const auto xs = tconv::input_shape(p), ws = tconv::weight_shape(p, op);
    std::vector<float> x(static_cast<std::size_t>(tconv::checked_size(xs, "x"))),
        w(static_cast<std::size_t>(tconv::checked_size(ws, "w"))),
        b(static_cast<std::size_t>(p.out_channels));
    // narrow ranges make sums cancel and round in interesting places; wide ones test the range
    const int emin = trial % 2 ? -149 : -20, emax = trial % 2 ? 60 : 20;
    for (auto& v : x) v = wide_float(g, emin, emax);
    for (auto& v : w) v = wide_float(g, emin, emax);
    for (auto& v : b) v = wide_float(g, emin, emax);
    const auto bt = rational(tconv::bias_shape(p), b);
    const auto want =
        exact_result(p, op, rational(xs, x), rational(ws, w), p.has_bias ? &bt : nullptr);
    const tc::geometry geo(p, op);
    std::vector<float> y(static_cast<std::size_t>(geo.out_count()));
    (void)tc::reference_float(geo, x.data(), w.data(), p.has_bias ? b.data() : nullptr, y.data(),
                              1 + trial % 2);
    const auto est =
        tc::estimate_float(geo, x.data(), w.data(), p.has_bias ? b.data() : nullptr, 1);
    for (std::size_t i = 0; i < y.size(); ++i) {
      INFO("trial " << trial << " element " << i);
      REQUIRE(is_correct_rounding(want.data[i], static_cast<double>(y[i]), true));
      // the estimate's interval holds the exact value
      const double bb =
          p.has_bias ? std::fabs(static_cast<double>(
                           b[static_cast<std::size_t>(geo.channel(static_cast<std::int64_t>(i)))]))
                     : 0.0;
      const double e =
          tc::gamma_up(static_cast<double>(geo.terms(static_cast<std::int64_t>(i))), 0x1p-53) *
          (est.a_up[i] + bb) * 1.0000001;
      REQUIRE(abs(exact(est.s[i]) - want.data[i]) <= exact(e) + exact(0x1p-1074));
    }
  }
}

TEST_CASE("reference_double is the correctly rounded exact result", "[reference]") {
  std::mt19937_64 g(4242);
  for (int trial = 0; trial < 60; ++trial) {
    const auto op = trial % 3 == 0 ? tconv::op_kind::conv : tconv::op_kind::conv_transpose;
    const auto p = random_problem(g, op);
    const auto xs = tconv::input_shape(p), ws = tconv::weight_shape(p, op);
    std::vector<double> x(static_cast<std::size_t>(tconv::checked_size(xs, "x"))),
        w(static_cast<std::size_t>(tconv::checked_size(ws, "w"))),
        b(static_cast<std::size_t>(p.out_channels));
    std::uniform_int_distribution<int> ex(-1000, 400);
    for (auto* v : {&x, &w, &b})
      for (auto& e : *v)
        e = std::ldexp(static_cast<double>(static_cast<std::int64_t>(g() >> 11)) - 0x1p52,
                       ex(g) - 52);
    const auto bt = rational(tconv::bias_shape(p), b);
    const auto want =
        exact_result(p, op, rational(xs, x), rational(ws, w), p.has_bias ? &bt : nullptr);
    const tc::geometry geo(p, op);
    std::vector<double> y(static_cast<std::size_t>(geo.out_count()));
    tc::reference_double(geo, x.data(), w.data(), p.has_bias ? b.data() : nullptr, y.data(), 2);
    for (std::size_t i = 0; i < y.size(); ++i) {
      INFO("trial " << trial << " element " << i);
      REQUIRE(is_correct_rounding(want.data[i], y[i], false));
    }
  }
}

namespace {

struct layer_values {
  std::vector<float> x, w, b;
};

layer_values wide_values(const tc::geometry& geo, std::size_t out_channels, std::uint64_t seed) {
  std::mt19937_64 g(seed);
  layer_values v{std::vector<float>(static_cast<std::size_t>(geo.in_count())),
                 std::vector<float>(static_cast<std::size_t>(geo.weight_count())),
                 std::vector<float>(out_channels)};
  for (auto* a : {&v.x, &v.w, &v.b})
    for (auto& e : *a) e = wide_float(g, -30, 30);
  return v;
}

// The estimate s is within gamma(n)*(a_up + |b|) of the exact sum, and a_up >= sum |x||w|.
void require_estimate_brackets(const tc::geometry& geo, const layer_values& v) {
  const auto est = tc::estimate_float(geo, v.x.data(), v.w.data(), v.b.data(), 2);
#if TCONV_CHECK_HAVE_CBLAS
  CHECK(est.used_gemm);
#endif
  tc::superacc acc, mag;
  for (std::int64_t f = 0; f < geo.out_count(); ++f) {
    const auto at = [](const std::vector<float>& a, std::int64_t i) {
      return a[static_cast<std::size_t>(i)];
    };
    tc::exact_element(geo, f, v.x.data(), v.w.data(), v.b.data(), acc);
    mag.clear();
    geo.for_each_term(f, [&](std::int64_t xi, std::int64_t wi) {
      mag.add_product(std::fabs(at(v.x, xi)), std::fabs(at(v.w, wi)));
    });
    const double a_up = est.a_up[static_cast<std::size_t>(f)];
    mag.add(-a_up);
    REQUIRE(mag.sign() <= 0);  // a_up >= sum |x||w|
    const double e = tc::gamma_up(static_cast<double>(geo.terms(f)), 0x1p-53) *
                     (a_up + std::fabs(at(v.b, geo.channel(f)))) * 1.0000001;
    tc::superacc d = acc;
    d.add(-est.s[static_cast<std::size_t>(f)]);
    REQUIRE(std::fabs(d.round_to(tc::binary64)) <= e);
  }
}

// reference_float (the tiled path on a layer this large) is the exact sum rounded once, its loops
// built for AVX2 (where the CPU has it) and for baseline x86-64 alike.
void require_correctly_rounded(const tc::geometry& geo, const layer_values& v) {
  for (const bool baseline : {false, true}) {
    std::vector<float> y(static_cast<std::size_t>(geo.out_count()));
    tc::detail::baseline_simd_only = baseline;
    (void)tc::reference_float(geo, v.x.data(), v.w.data(), v.b.data(), y.data(), 2);
    tc::detail::baseline_simd_only = false;
    tc::superacc acc;
    for (std::int64_t f = 0; f < geo.out_count(); ++f) {
      tc::exact_element(geo, f, v.x.data(), v.w.data(), v.b.data(), acc);
      REQUIRE(y[static_cast<std::size_t>(f)] == static_cast<float>(acc.round_to(tc::binary32)));
    }
  }
}

}  // namespace

TEST_CASE("the GEMM estimate brackets the exact sum on a layer large enough to use it",
          "[reference]") {
  tconv::problem p;
  p.rank = 2, p.batch = 2, p.in_channels = 64, p.out_channels = 32, p.input = {8, 8, 1},
  p.kernel = {4, 4, 1};
  p.stride = {2, 2, 1}, p.pad_begin = p.pad_end = {1, 1, 0}, p.has_bias = true;
  const tc::geometry geo(p, tconv::op_kind::conv_transpose);
  const layer_values v = wide_values(geo, 32, 99);
  require_estimate_brackets(geo, v);
  require_correctly_rounded(geo, v);
}

TEST_CASE("the GEMM estimate brackets the exact sum of a forward conv with groups and dilation",
          "[reference]") {
  tconv::problem p;
  p.rank = 2, p.batch = 16, p.groups = 2, p.in_channels = 64, p.out_channels = 16,
  p.input = {16, 16, 1};
  p.kernel = {3, 3, 1}, p.dilation = {2, 1, 1}, p.stride = {2, 1, 1},
  p.pad_begin = p.pad_end = {2, 1, 0};
  p.has_bias = true;
  const auto op = tconv::op_kind::conv;
  REQUIRE(tconv::is_valid(p, op));
  const tc::geometry geo(p, op);
  const layer_values v = wide_values(geo, 16, 7);
  require_estimate_brackets(geo, v);
  require_correctly_rounded(geo, v);
}

#if TCONV_CHECK_HAVE_CBLAS
void require_tiles_bracket(const tc::geometry& geo, const layer_values& v);

TEST_CASE("each tile's estimate brackets the exact sums (tiled.hpp), on 1 and 2 threads",
          "[reference]") {
  // grouped, dilated, strided conv_transpose, batch 2: several tiles per group, several GEMM
  // chunks per tile
  tconv::problem p;
  p.rank = 2, p.batch = 2, p.groups = 2, p.in_channels = 32, p.out_channels = 48,
  p.input = {24, 20, 1};
  p.kernel = {3, 4, 1}, p.dilation = {2, 1, 1}, p.stride = {3, 2, 1}, p.pad_begin = {1, 0, 0},
  p.pad_end = {2, 1, 0};
  p.has_bias = true;
  // and a kernel longer than the input on the last axis (col2im tap by tap, FCN-like)
  tconv::problem q = p;
  q.batch = 2, q.groups = 1, q.in_channels = 6, q.out_channels = 5, q.input = {5, 4, 1},
  q.kernel = {6, 9, 1}, q.dilation = {1, 2, 1}, q.stride = {4, 3, 1};
  q.pad_begin = {2, 1, 0}, q.pad_end = {1, 3, 0};
  const tc::geometry long_kernel(q, tconv::op_kind::conv_transpose);
  REQUIRE(long_kernel.kernel[1] > long_kernel.in[1]);
  require_tiles_bracket(long_kernel, wide_values(long_kernel, 5, 12));
  const tc::geometry geo(p, tconv::op_kind::conv_transpose);
  const tc::tile_plan plan = tc::plan_tiles(geo, 2);
  REQUIRE(plan.tiles.size() > 2);
  REQUIRE(plan.chunk < plan.cols_total);
  require_tiles_bracket(geo, wide_values(geo, 48, 11));
  // taps apart on axis 0 (k2 d2 < s5), thin channel tiles: slabs of axis 0, the first and last
  // clamped by the padding, gaps between the input rows' outputs
  tconv::problem r;
  r.rank = 3, r.batch = 2, r.groups = 1, r.in_channels = 8, r.out_channels = 8;
  r.input = {9, 10, 12}, r.kernel = {2, 2, 2}, r.dilation = {2, 1, 1}, r.stride = {5, 2, 2};
  r.pad_begin = {3, 0, 0}, r.pad_end = {2, 0, 0}, r.has_bias = true;
  const tc::geometry slabs(r, tconv::op_kind::conv_transpose);
  const tc::tile_plan sp = tc::plan_tiles(slabs, 2);
  REQUIRE(std::any_of(sp.tiles.begin(), sp.tiles.end(),
                      [&](const tc::tile& t) { return t.q1 - t.q0 < slabs.out[0]; }));
  const layer_values sv = wide_values(slabs, 8, 13);
  require_tiles_bracket(slabs, sv);
  require_correctly_rounded(slabs, sv);
  // a slab of one input row whose outputs all fall in the end padding (p_end 2 > (k - 1) d): no
  // tile for it, and the other slabs still cover every output
  tconv::problem e;
  e.rank = 3, e.batch = 1, e.groups = 1, e.in_channels = 8, e.out_channels = 16;
  e.input = {4, 16, 16}, e.kernel = {2, 2, 2}, e.dilation = {1, 1, 1}, e.stride = {3, 2, 2};
  e.pad_begin = {0, 0, 0}, e.pad_end = {2, 0, 0}, e.has_bias = true;
  REQUIRE(tconv::is_valid(e, tconv::op_kind::conv_transpose));
  const tc::geometry padded(e, tconv::op_kind::conv_transpose);
  const tc::tile_plan ep = tc::plan_tiles(padded, 2);
  REQUIRE(std::all_of(ep.tiles.begin(), ep.tiles.end(), [&](const tc::tile& t) {
    return t.q1 - t.q0 <= padded.stride[0] && t.q1 > t.q0;
  }));
  REQUIRE(std::none_of(ep.tiles.begin(), ep.tiles.end(),
                       [&](const tc::tile& t) { return t.i0 == padded.in[0] - 1; }));
  const layer_values pv = wide_values(padded, 16, 17);
  require_tiles_bracket(padded, pv);
  require_correctly_rounded(padded, pv);
}

// Every tile's s and a (for_each_tile on 1 and 2 threads) within gamma_n(2^-53) of the exact
// sums, and every output element in exactly one tile.
void require_tiles_bracket(const tc::geometry& geo, const layer_values& v) {
  for (int threads : {1, 2}) {
    std::vector<char> seen(static_cast<std::size_t>(geo.out_count()), 0);
    std::mutex m;
    tc::for_each_tile(
        geo, v.x.data(), v.w.data(), v.b.data(), threads,
        [&](int, const tc::tile& t, tc::tile_scratch& sc) {
          tc::superacc acc, mag;
          const tc::tile_span sp = tc::span_of(geo, t);
          for (std::int64_t n = 0; n < geo.batch; ++n)
            for (std::int64_t c = 0; c < t.cn; ++c)
              for (std::int64_t o = 0; o < sp.count; ++o) {
                const std::int64_t f = tc::tile_row_start(geo, t, n, c) + sp.begin + o;
                const auto at = static_cast<std::size_t>((n * t.cn + c) * sp.count + o);
                tc::exact_element(geo, f, v.x.data(), v.w.data(), v.b.data(), acc);
                mag.clear();
                geo.for_each_term(f, [&](std::int64_t xi, std::int64_t wi) {
                  mag.add_product(std::fabs(v.x[static_cast<std::size_t>(xi)]),
                                  std::fabs(v.w[static_cast<std::size_t>(wi)]));
                });
                const double n_terms = static_cast<double>(geo.terms(f));
                const double g = tc::gamma_up(n_terms, 0x1p-53) * 1.0000001;
                const double a = sc.a[at];
                const double babs = std::fabs(v.b[static_cast<std::size_t>(geo.channel(f))]);
                tc::superacc d = acc, da = mag;
                d.add(-sc.s[at]);
                da.add(-a);
                REQUIRE(std::fabs(d.round_to(tc::binary64)) <=
                        g * (mag.round_to(tc::binary64) + babs));
                REQUIRE(std::fabs(da.round_to(tc::binary64)) <= g * mag.round_to(tc::binary64));
                const std::lock_guard<std::mutex> lock(m);
                ++seen[static_cast<std::size_t>(f)];
              }
        });
    CHECK(std::all_of(seen.begin(), seen.end(), [](char k) { return k == 1; }));
  }
}
#endif

TEST_CASE(
    "per-axis taps: the progression equals the brute-force enumeration, without tables for long "
    "kernels",
    "[reference]") {
  std::mt19937_64 g(2024);
  for (int trial = 0; trial < 400; ++trial) {
    auto r = [&](int lo, int hi) {
      return lo + static_cast<int>(g() % static_cast<std::uint64_t>(hi - lo + 1));
    };
    const auto op = trial % 2 ? tconv::op_kind::conv : tconv::op_kind::conv_transpose;
    tconv::problem p;
    p.rank = 1, p.input = {r(1, 12), 1, 1}, p.kernel = {r(1, 12), 1, 1}, p.stride = {r(1, 9), 1, 1};
    p.dilation = {r(1, 9), 1, 1}, p.pad_begin = {r(0, 6), 0, 0}, p.pad_end = {r(0, 6), 0, 0};
    if (!tconv::is_valid(p, op)) continue;
    const tc::geometry geo(p, op);
    for (std::int64_t q = 0; q < geo.out[0]; ++q) {
      std::vector<std::pair<std::int64_t, std::int64_t>> want, got;
      for (std::int64_t k = 0; k < p.kernel[0]; ++k)
        for (std::int64_t i = 0; i < p.input[0]; ++i) {
          const bool meet = op == tconv::op_kind::conv
                                ? q * p.stride[0] - p.pad_begin[0] + k * p.dilation[0] == i
                                : i * p.stride[0] + k * p.dilation[0] - p.pad_begin[0] == q;
          if (meet) want.emplace_back(k, i);
        }
      const tc::axis_taps t = geo.taps_at(0, q);
      for (std::int64_t j = 0; j < t.count; ++j)
        got.emplace_back(t.k0 + j * geo.dk[0], t.i0 + j * geo.di[0]);
      INFO("trial " << trial << " q " << q << " s " << p.stride[0] << " d " << p.dilation[0]);
      REQUIRE(got == want);
    }
  }
  // a 2^16-tap kernel on a 2^16-long input: O(1) per position, no output x kernel table
  tconv::problem p;
  p.rank = 1, p.input = {65536, 1, 1}, p.kernel = {65536, 1, 1};
  const tc::geometry geo(p, tconv::op_kind::conv_transpose);
  CHECK(geo.terms(0) == 1);
  CHECK(geo.terms(65535) == 65536);
  CHECK(geo.terms(2 * 65536 - 2) == 1);
}
