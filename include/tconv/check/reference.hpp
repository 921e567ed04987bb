#pragma once
// The exact reference of a conv / conv_transpose layer, correctly rounded: each output element is a
// sum of products of two floats (plus a bias), accumulated with no rounding at all in a superacc
// and rounded once. For float data the fast estimate decides most elements: the float32 rounding
// of every value in [s - e, s + e] is the same, e = gamma_n(2^-53) (a_up + |b|), so it is the
// rounding of the exact value; the others are summed exactly.
#include <cmath>
#include <cstdint>
#include <mutex>
#include <vector>

#include "tconv/check/estimate.hpp"
#include "tconv/check/geometry.hpp"
#include "tconv/check/rounding.hpp"
#include "tconv/check/superacc.hpp"
#include "tconv/detail/parallel.hpp"

namespace tconv::check {

using tconv::detail::thread_count;

/// The correctly rounded float32 result (float data). Returns how many elements needed exact
/// arithmetic.
inline std::int64_t reference_float(const geometry& g, const float* x, const float* w,
                                    const float* b, float* y, int threads) {
  if (tconv::detail::too_small_for_threads(static_cast<double>(g.out_count()) *
                                           static_cast<double>(g.cin_g)))
    threads = 1;
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
      const float r0 = to_float_rn(next_down(s - e)), r1 = to_float_rn(next_up(s + e));
      if (std::isfinite(s) && std::isfinite(e) && r0 == r1)
        y[f] = r0;
      else
        mine.push_back(f);
    }
    const std::lock_guard<std::mutex> lock(doubt_mutex);
    doubt.insert(doubt.end(), mine.begin(), mine.end());
  });
  tconv::detail::parallel_for(static_cast<std::int64_t>(doubt.size()), threads,
                              [&](std::int64_t lo, std::int64_t hi) {
                                superacc acc;
                                for (std::int64_t i = lo; i < hi; ++i) {
                                  const std::int64_t f = doubt[static_cast<std::size_t>(i)];
                                  exact_element(g, f, x, w, b, acc);
                                  y[f] = static_cast<float>(acc.round_to(binary32));
                                }
                              });
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
