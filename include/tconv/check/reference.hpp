#pragma once
// The exact reference of a conv / conv_transpose layer, correctly rounded: each output element is a
// sum of products of two floats (plus a bias), accumulated with no rounding at all in a superacc
// and rounded once. For float data the fast estimate decides most elements: the float32 rounding
// of every value in [s - e, s + e] is the same, e = gamma_n(2^-53) (a_up + |b|), so it is the
// rounding of the exact value; the others are summed exactly.
#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <mutex>
#include <vector>

#include "tconv/check/estimate.hpp"
#include "tconv/check/geometry.hpp"
#include "tconv/check/interval_judge.hpp"
#include "tconv/check/rounding.hpp"
#include "tconv/check/simd.hpp"
#include "tconv/check/superacc.hpp"
#include "tconv/check/tiled.hpp"
#include "tconv/detail/parallel.hpp"

namespace tconv::check {

using tconv::detail::thread_count;

namespace detail {

// v moved down (up) by at least one ulp whatever its sign, branch-free: |v| 2^-52 is at least one
// ulp of a normal v, and 2^-1074 covers zero and subnormals.
[[nodiscard]] inline double down_any(double v) { return (v - std::fabs(v) * 0x1p-52) - 0x1p-1074; }
[[nodiscard]] inline double up_any(double v) { return (v + std::fabs(v) * 0x1p-52) + 0x1p-1074; }

// The float every value of [s - e, s + e] rounds to (ties to even), NaN when the interval spans two
// floats (or the two zeros) or s or e is not finite. The ends are rounded outward by at least an
// ulp; the conversion to float is IEEE's (Annex F: beyond FLT_MAX + half an ulp, +-inf), which is
// what GCC and Clang do and what neither sanitizer checks. Branch-free: vectorises over a row (a
// clamp before the conversion stops GCC from vectorising it).
[[nodiscard]] inline float round_interval(double s, double e) {
  const float r0 = static_cast<float>(down_any(s - e)), r1 = static_cast<float>(up_any(s + e));
  const double probe = s + e;  // NaN or infinite when either is
  // the same bits: -0 and +0 differ (an exact zero is +0, which the exact path gives)
  const bool one =
      (std::bit_cast<std::uint32_t>(r0) == std::bit_cast<std::uint32_t>(r1)) & (probe - probe == 0);
  return one ? r0 : std::numeric_limits<float>::quiet_NaN();
}

// y[f] from the estimate s within e of the exact value when every value of [s - e, s + e] rounds
// to the same float; false (y[f] untouched) when the interval leaves the rounding in doubt.
inline bool round_from_interval(double s, double e, float& y) {
  const float r = round_interval(s, e);
  if (r != r) return false;
  y = r;
  return true;
}

// Each element of the doubt list summed exactly and rounded once.
inline void round_exactly(const geometry& g, const float* x, const float* w, const float* b,
                          float* y, const std::vector<std::int64_t>& doubt, int threads) {
  tconv::detail::parallel_for(static_cast<std::int64_t>(doubt.size()), threads,
                              [&](std::int64_t lo, std::int64_t hi) {
                                superacc acc;
                                for (std::int64_t i = lo; i < hi; ++i) {
                                  const std::int64_t f = doubt[static_cast<std::size_t>(i)];
                                  exact_element(g, f, x, w, b, acc);
                                  y[f] = static_cast<float>(acc.round_to(binary32));
                                }
                              });
}

#if TCONV_CHECK_HAVE_CBLAS
// The factors of one product count n: gamma_n(2^-53), and a_hi = a hi_f rounded up.
struct round_factors {
  double ge, hi_f;
};

// y[o] = round_interval(s[o], e), e = gamma_n(2^-53) (a_hi + |b|) rounded upward (up:
// interval_judge.hpp), the factors of y[o]'s count at fs[slot[o]] (fs[slot[0]] for all, Uniform).
template <bool Uniform>
[[gnu::always_inline]] inline void round_tile_row(std::int64_t count, const double* __restrict s,
                                                  const double* __restrict a,
                                                  const std::uint32_t* __restrict slot,
                                                  const round_factors* __restrict fs, double bb,
                                                  float* __restrict y) {
  using tconv::check::detail::up;
  if (count == 0) return;
  const round_factors first = fs[slot[0]];
#pragma GCC ivdep
  for (std::int64_t o = 0; o < count; ++o) {
    const round_factors& fc = Uniform ? first : fs[slot[o]];
    const double a_hi = up(a[o] * fc.hi_f);
    y[o] = round_interval(s[o], up(fc.ge * up(a_hi + bb)));
  }
}

// reference_float through the tiled estimate (tiled.hpp): each tile rounded as soon as it is
// estimated, e = gamma_n(2^-53) (a_hi + |b|) with a_hi = a (1 + 2 gamma_n(2^-53)) rounded up >=
// sum |x||w| (a: the tile's magnitude sum, a double sum of the n magnitudes in some order).
inline std::int64_t reference_float_tiled(const geometry& g, const float* x, const float* w,
                                          const float* b, float* y, int threads) {
  const position_table<round_factors> pt(g, [](std::int64_t n) {
    const double ge = gamma_up(static_cast<double>(n), 0x1p-53);
    return round_factors{
        ge, ge <= 0x1p-20 ? next_up(1 + next_up(2 * ge)) : std::numeric_limits<double>::infinity()};
  });
  std::vector<std::vector<std::int64_t>> doubt(static_cast<std::size_t>(threads));
  for_each_tile(g, x, w, b, threads, [&](int part, const tile& t, tile_scratch& sc) {
    auto& mine = doubt[static_cast<std::size_t>(part)];
    const tile_span sp = span_of(g, t);
    const std::uint32_t* slot = pt.index.data() + sp.begin;
    const bool uniform =
        std::all_of(slot, slot + sp.count, [&](std::uint32_t v) { return v == slot[0]; });
    for (std::int64_t n = 0; n < g.batch; ++n)
      for (std::int64_t c = 0; c < t.cn; ++c) {
        const std::int64_t row = (n * t.cn + c) * sp.count;
        const std::int64_t f0 = tile_row_start(g, t, n, c) + sp.begin;
        const double* s = sc.s.data() + row;
        const double* a = sc.a.data() + row;
        float* yr = y + f0;
        const double bb = b != nullptr ? std::fabs(static_cast<double>(b[g.channel(f0)])) : 0.0;
        if (uniform)
          with_widest_simd([&] [[gnu::always_inline]] {
            round_tile_row<true>(sp.count, s, a, slot, pt.table.data(), bb, yr);
          });
        else
          with_widest_simd([&] [[gnu::always_inline]] {
            round_tile_row<false>(sp.count, s, a, slot, pt.table.data(), bb, yr);
          });
        for (std::int64_t o = 0; o < sp.count; ++o)
          if (yr[o] != yr[o]) mine.push_back(f0 + o);
      }
  });
  std::vector<std::int64_t> all;
  for (const auto& d : doubt) all.insert(all.end(), d.begin(), d.end());
  round_exactly(g, x, w, b, y, all, threads);
  return static_cast<std::int64_t>(all.size());
}
#endif

}  // namespace detail

/// The correctly rounded float32 result (float data). Returns how many elements needed exact
/// arithmetic.
inline std::int64_t reference_float(const geometry& g, const float* x, const float* w,
                                    const float* b, float* y, int threads) {
  if (tconv::detail::too_small_for_threads(static_cast<double>(g.out_count()) *
                                           static_cast<double>(g.cin_g)))
    threads = 1;
#if TCONV_CHECK_HAVE_CBLAS
  if (uses_gemm(g)) return detail::reference_float_tiled(g, x, w, b, y, threads);
#endif
  const estimate est = estimate_float(g, x, w, b, threads);
  const std::int64_t total = g.out_count();
  std::vector<std::int64_t> doubt;
  std::mutex doubt_mutex;
  const gamma_table g53(g.max_terms, 0x1p-53);
  tconv::detail::parallel_for(total, threads, [&](std::int64_t lo, std::int64_t hi) {
    std::vector<std::int64_t> mine;
    for (std::int64_t f = lo; f < hi; ++f) {
      const auto fi = static_cast<std::size_t>(f);
      const double s = est.s[fi];
      const double bb = b != nullptr ? std::fabs(static_cast<double>(b[g.channel(f)])) : 0.0;
      const double e = next_up(g53(g.terms(f)) * next_up(est.a_up[fi] + bb));
      if (!detail::round_from_interval(s, e, y[f])) mine.push_back(f);
    }
    const std::lock_guard<std::mutex> lock(doubt_mutex);
    doubt.insert(doubt.end(), mine.begin(), mine.end());
  });
  detail::round_exactly(g, x, w, b, y, doubt, threads);
  return static_cast<std::int64_t>(doubt.size());
}

/// The correctly rounded float64 result (double data): every element exactly.
inline void reference_double(const geometry& g, const double* x, const double* w, const double* b,
                             double* y, int threads) {
  tconv::detail::parallel_for(g.out_count(), threads, [&](std::int64_t lo, std::int64_t hi) {
    superacc acc;
    for (std::int64_t f = lo; f < hi; ++f) {
      exact_element(g, f, x, w, b, acc);
      y[f] = acc.round_to(binary64);
    }
  });
}

}  // namespace tconv::check
