#pragma once
// Judging a float implementation's output against the exact result with a rigorous bound.
//
// Per output element with n products (any summation order, blocked or pairwise, FMA or not):
//   |y_got - y_exact| <= gamma(n+1) * (sum |x||w| + |b|) + n * eta,   gamma(m) = m u / (1 - m u)
// u the accumulation's unit roundoff, eta its underflow quantum per product (bound.hpp derives it,
// with the input rounding of reduced-precision modes and a coarser storage of y). Elements beyond
// the probabilistic level of Higham & Mary (2019), gamma replaced by lambda * sqrt(n+1) * u, are
// counted as warnings: shown, never failing.
//
// check_output runs in named steps: prepare_bounds (bound.hpp) -> judge_all (each element by
// judge_element, judge.hpp, or a block at a time by interval_judge) -> merge -> describe.
#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <numeric>
#include <string>
#include <type_traits>
#include <vector>

#include "tconv/check/bound.hpp"
#include "tconv/check/estimate.hpp"
#include "tconv/check/float_format.hpp"
#include "tconv/check/geometry.hpp"
#include "tconv/check/interval_judge.hpp"
#include "tconv/check/judge.hpp"
#include "tconv/check/options.hpp"
#include "tconv/check/precision.hpp"
#include "tconv/check/reference.hpp"
#include "tconv/check/report.hpp"
#include "tconv/check/report_text.hpp"
#include "tconv/check/rounding.hpp"
#include "tconv/check/simd.hpp"
#include "tconv/check/superacc.hpp"
#include "tconv/check/tiled.hpp"
#include "tconv/detail/parallel.hpp"
#include "tconv/problem.hpp"

namespace tconv::check {

/// The report of an output that cannot be judged element by element: violated, one violation,
/// `message` saying why, with prec's name and opt's mode.
[[nodiscard]] inline report unjudgeable_report(std::string message, precision prec,
                                               const options& opt) {
  report r;
  r.ok = false;
  r.violations = 1;
  r.message = std::move(message);
  r.precision_name = name(prec);
  if (opt.tolerance()) r.mode = "tolerance";
  return r;
}

/// The report of an output of shape `got` where the layer's is `expected`.
[[nodiscard]] inline report wrong_shape_report(const std::vector<std::int64_t>& expected,
                                               const std::vector<std::int64_t>& got, precision prec,
                                               const options& opt) {
  return unjudgeable_report("output shape " + tconv::detail::to_string(got) +
                                " is not the layer's output shape " +
                                tconv::detail::to_string(expected),
                            prec, opt);
}

/// The report of an output of `count` elements where the layer's (of shape `expected`) has
/// another number.
[[nodiscard]] inline report wrong_count_report(const std::vector<std::int64_t>& expected,
                                               std::int64_t count, precision prec,
                                               const options& opt) {
  const std::int64_t want = std::accumulate(expected.begin(), expected.end(), std::int64_t{1},
                                            std::multiplies<std::int64_t>());
  return unjudgeable_report("output has " + std::to_string(count) +
                                " elements; the layer's output " +
                                tconv::detail::to_string(expected) + " has " + std::to_string(want),
                            prec, opt);
}

namespace detail {

// One thread's counts, worst elements (flat indices) and first listed violations and warnings.
struct partial {
  std::int64_t violations = 0, warnings = 0, exact = 0, unbounded = 0, overflowed = 0;
  double max_ratio = -1, max_ulps = -1;
  std::int64_t max_ratio_f = -1, max_ulps_f = -1;
  std::vector<std::int64_t> viol, warn;
};

// Adds f to `listed`, which keeps the max_listed smallest flat indices it was given (elements may
// come in any order: the tiled path judges a block of channels at a time).
inline void keep_smallest(std::vector<std::int64_t>& listed, std::int64_t f, int max_listed) {
  if (static_cast<int>(listed.size()) < max_listed) {
    listed.push_back(f);
    return;
  }
  const auto worst = std::max_element(listed.begin(), listed.end());
  if (worst != listed.end() && f < *worst) *worst = f;
}

// Element f's error/bound ratio and ulps offered to pt's worst: the largest wins, a tie goes to
// the smaller flat index (elements may come in any order).
inline void offer_worst(partial& pt, std::int64_t f, double ratio, double ulps) {
  if (ratio > pt.max_ratio || (ratio == pt.max_ratio && f < pt.max_ratio_f))
    pt.max_ratio = ratio, pt.max_ratio_f = f;
  if (ulps > pt.max_ulps || (ulps == pt.max_ulps && f < pt.max_ulps_f))
    pt.max_ulps = ulps, pt.max_ulps_f = f;
}

// Adds element f's outcome to pt; lists the max_listed first (smallest) violations and warnings;
// the worst element is the first of those with the largest ratio (ulps).
inline void record(partial& pt, std::int64_t f, const element_outcome& o, int max_listed) {
  if (o.exact_used) ++pt.exact;
  if (o.unbounded) ++pt.unbounded;
  if (o.overflowed) ++pt.overflowed;
  const double ratio =
      o.bound > 0 ? o.err / o.bound : (o.err > 0 ? std::numeric_limits<double>::infinity() : 0.0);
  offer_worst(pt, f, ratio, o.ulps);
  if (o.violation) {
    ++pt.violations;
    keep_smallest(pt.viol, f, max_listed);
  } else if (o.warning) {
    ++pt.warnings;
    keep_smallest(pt.warn, f, max_listed);
  }
}

// Judges elements [lo, hi) one by one.
template <class In, class Out>
void judge_range(const judge_inputs<In, Out>& in, std::int64_t lo, std::int64_t hi, partial& pt,
                 int max_listed) {
  superacc acc;
  for (std::int64_t f = lo; f < hi; ++f) record(pt, f, judge_element(in, f, acc), max_listed);
}

// The coefficients of interval_judge for one product count n (consecutive elements share n), and
// the factors that take the tiled estimate's magnitude sum a (a double sum of the n magnitudes in
// some order, within ge = gamma_n(2^-53) of A = sum |x||w|) to a_lo <= A_exact <= a_hi around the
// magnitude sum of the exact path, A_exact = a' (1 + ge) rounded up twice, a' another such sum:
// a_lo = a (1 - ge), a_hi = a (1 + 4 ge + 2^-48), each rounded outward (valid for ge <= 2^-20;
// beyond, a_hi is infinite and every element is decided exactly).
struct term_coefficients {
  std::int64_t n = -1;
  double ge = 0, gb = 0, under = 0, pw = 0;  // gamma_n(2^-53), gamma_{n+1}(u), n eta (1+gb), level
  double lo_f = 0, hi_f = 0;                 // a_lo = a lo_f rounded down, a_hi = a hi_f rounded up

  template <class In, class Out>
  void set(std::int64_t nt, const judge_inputs<In, Out>& in) {
    if (nt == n) return;
    const auto nd = static_cast<double>(nt);
    n = nt, ge = in.g53(nt), gb = in.gacc(nt + 1);
    under = in.bm.underflow(nd, gb);
    pw = in.bm.lambda * std::sqrt(nd + 1) * in.bm.m.u_acc;
    const bool small = ge <= 0x1p-20;
    lo_f = small ? next_down(1 - ge) : 0.0;
    hi_f = small ? next_up(1 + next_up(4 * ge + 0x1p-48)) : std::numeric_limits<double>::infinity();
  }
};

// The interval judge's columns for one block of elements: 0 |b|, 1 got, 2-5 the coefficients,
// 6 err, 7 bound, 8 warning level, 9 a (a_lo), 10 the verdict code, 11 a_hi, 12 ulp of s.
struct interval_block {
  static constexpr std::int64_t size = 1024;
  std::vector<double> scratch = std::vector<double>(static_cast<std::size_t>(size * 13));
  [[nodiscard]] double* column(int k) { return scratch.data() + k * size; }
};

// The outcome of an element interval_judge decided (code 0 or 1), from its verdict.
inline element_outcome decided_outcome(const interval_verdict& v, double s,
                                       const float_format& storage) {
  element_outcome o;
  o.violation = v.code == 1;
  o.err = v.err, o.bound = v.bound;
  o.warning = !o.violation && o.err > v.warn;
  o.ulps = o.err / ulp_of(s, storage);
  return o;
}

// Fills the input columns of elements [b0, b0 + cnt), the first at position pos (advanced past
// the last).
template <class In, class Out>
void fill_block(const judge_inputs<In, Out>& in, std::int64_t b0, std::int64_t cnt,
                std::array<std::int64_t, 5>& pos, term_coefficients& tc, interval_block& blk) {
  const geometry& g = in.g;
  for (std::int64_t i = 0; i < cnt; ++i) {
    tc.set(g.cin_g * g.taps(0, pos[2]) * g.taps(1, pos[3]) * g.taps(2, pos[4]), in);
    blk.column(9)[i] = static_cast<double>(in.est->a_up[static_cast<std::size_t>(b0 + i)]);
    blk.column(0)[i] = in.b != nullptr ? std::fabs(static_cast<double>(in.b[pos[1]])) : 0.0;
    blk.column(1)[i] = static_cast<double>(in.y[b0 + i]);
    blk.column(2)[i] = tc.ge, blk.column(3)[i] = tc.gb, blk.column(4)[i] = tc.under;
    blk.column(5)[i] = tc.pw;
    g.advance(pos);
  }
}

// Judges elements [lo, hi) a block at a time with interval_judge; the elements it leaves in doubt
// go to judge_element.
template <class In, class Out>
void judge_range_by_interval(const judge_inputs<In, Out>& in, std::int64_t lo, std::int64_t hi,
                             partial& pt, int max_listed) {
  superacc acc;
  interval_block blk;
  const interval_outputs out{blk.column(10), blk.column(6), blk.column(7), blk.column(8)};
  const double* code = blk.column(10);
  auto pos = in.g.split(lo);
  term_coefficients tc;
  for (std::int64_t b0 = lo; b0 < hi; b0 += interval_block::size) {
    const std::int64_t cnt = std::min(interval_block::size, hi - b0);
    fill_block(in, b0, cnt, pos, tc, blk);
    const interval_inputs inputs{in.est->s.data() + b0, blk.column(9), blk.column(9),
                                 blk.column(0),         blk.column(1), blk.column(2),
                                 blk.column(3),         blk.column(4), blk.column(5)};
    interval_judge(cnt, inputs, out);
    for (std::int64_t i = 0; i < cnt; ++i) {
      const std::int64_t f = b0 + i;
      record(pt, f,
             code[i] == 2 ? judge_element(in, f, acc)
                          : decided_outcome({code[i], out.err[i], out.bound[i], out.warn[i]},
                                            in.est->s[static_cast<std::size_t>(f)], in.bm.storage),
             max_listed);
    }
  }
}

#if TCONV_CHECK_HAVE_CBLAS
// One block of a tile row: s, a, y and the position table's slots at the block's first element.
template <class Out>
struct tile_block {
  const double *s, *a;
  const Out* y;
  const std::uint32_t* slot;
  const term_coefficients* tab;
  double babs, ratio_at, ulps_at;  // |b|; the worst ratio and ulps so far, times the slack
  ulp_scale us;
};

// One element of a tile block judged from its estimate: judge_interval's verdict and one ulp of s.
struct tile_verdict {
  interval_verdict v;
  double ulp;
};

template <class Out>
[[gnu::always_inline]] inline tile_verdict judge_tile_element(const tile_block<Out>& in,
                                                              std::int64_t i,
                                                              const term_coefficients& tc) {
  using tconv::check::detail::dn, tconv::check::detail::up;
  const double s = in.s[i], a = in.a[i];
  return {judge_interval(s, dn(a * tc.lo_f), up(a * tc.hi_f), in.babs, static_cast<double>(in.y[i]),
                         tc.ge, tc.gb, tc.under, tc.pw),
          ulp_in(s, in.us)};
}

// Whether an element cannot change the partial: within, no warning, and short of the worst ratio
// and ulps so far (those only grow, so the block's first values make a superset of the others).
[[gnu::always_inline]] inline bool quiet(const tile_verdict& t, double ratio_at, double ulps_at) {
  const interval_verdict& v = t.v;
  return (v.code == 0) & (v.err <= v.warn) & (v.err < ratio_at * v.bound) &
         (v.err < ulps_at * t.ulp);
}

// mark[i] = 1 where element i of the block is not quiet, else 0: the only store of the loop, and
// with Uniform (every element of the block has the same product count) no gather either.
template <class Out, bool Uniform>
[[gnu::always_inline]] inline void mark_tile_block_impl(std::int64_t cnt, const tile_block<Out>& in,
                                                        double* __restrict mark) {
  const term_coefficients* __restrict tab = in.tab;
  const std::uint32_t* __restrict slot = in.slot;
  const term_coefficients first = tab[slot[0]];
#pragma GCC ivdep
  for (std::int64_t i = 0; i < cnt; ++i) {
    const term_coefficients& tc = Uniform ? first : tab[slot[i]];
    mark[i] = quiet(judge_tile_element(in, i, tc), in.ratio_at, in.ulps_at) ? 0.0 : 1.0;
  }
}

template <class Out>
void mark_tile_block(std::int64_t cnt, const tile_block<Out>& in, double* mark) {
  const std::uint32_t s0 = in.slot[0];
  if (std::all_of(in.slot, in.slot + cnt, [s0](std::uint32_t v) { return v == s0; }))
    with_widest_simd(
        [&] [[gnu::always_inline]] { mark_tile_block_impl<Out, true>(cnt, in, mark); });
  else
    with_widest_simd(
        [&] [[gnu::always_inline]] { mark_tile_block_impl<Out, false>(cnt, in, mark); });
}

// Judges row (n, c) of tile t from its estimate (s, a: the tile's scratch at that row), a block at
// a time: mark_tile_block marks the elements that can change the partial (its worst only grows,
// so the block's first values mark a superset); the others are within, unremarkable, and skipped.
// The elements it leaves in doubt are judged as --exact judges them (in.est is null here).
template <class Out>
void judge_tile_row(const judge_inputs<float, Out>& in, const position_table<term_coefficients>& pc,
                    std::int64_t f0, tile_span sp, const double* s, const double* a,
                    interval_block& blk, partial& pt, superacc& acc, int max_listed) {
  const geometry& g = in.g;
  const double babs = in.b != nullptr ? std::fabs(static_cast<double>(in.b[g.channel(f0)])) : 0.0;
  const ulp_scale us{std::ldexp(1.0, 1 - in.bm.storage.precision),
                     std::ldexp(1.0, in.bm.storage.min_exponent)};
  const std::uint32_t* slots = pc.index.data() + sp.begin;
  f0 += sp.begin;
  double* mark = blk.column(0);
  constexpr double slack = 1 - 0x1p-40;  // the worst ratio (ulps) is offered from err >= it * slack
  for (std::int64_t o0 = 0; o0 < sp.count; o0 += interval_block::size) {
    const std::int64_t cnt = std::min(interval_block::size, sp.count - o0);
    const tile_block<Out> tb{s + o0,
                             a + o0,
                             in.y + f0 + o0,
                             slots + o0,
                             pc.table.data(),
                             babs,
                             pt.max_ratio * slack,
                             pt.max_ulps * slack,
                             us};
    mark_tile_block(cnt, tb, mark);
    for (std::int64_t i = 0; i < cnt; ++i) {
      if (mark[i] == 0) continue;
      // the few marked elements judged again, one at a time, by the same operations
      const tile_verdict t = judge_tile_element(tb, i, pc.table[tb.slot[i]]);
      const interval_verdict& v = t.v;
      const std::int64_t f = f0 + o0 + i;
      if (v.code == 0 && v.err <= v.warn) {
        // within, no warning: only the worst ratio and ulps can change, and the division is done
        // only where the product says they may (bound and ulp are positive)
        if (v.err >= pt.max_ratio * v.bound * slack || v.err >= pt.max_ulps * t.ulp * slack)
          offer_worst(pt, f, v.err / v.bound, v.err / t.ulp);
        continue;
      }
      record(pt, f,
             v.code == 2 ? judge_element(in, f, acc) : decided_outcome(v, s[o0 + i], in.bm.storage),
             max_listed);
    }
  }
}

// Judges every element through the tiled fast path (tiled.hpp), one partial per thread.
template <class Out>
[[nodiscard]] std::vector<partial> judge_all_tiled(const judge_inputs<float, Out>& in, int threads,
                                                   int max_listed) {
  std::vector<partial> parts(static_cast<std::size_t>(threads));
  const geometry& g = in.g;
  const position_table<term_coefficients> pc(g, [&](std::int64_t n) {
    term_coefficients tc;
    tc.set(n, in);
    return tc;
  });
  for_each_tile(g, in.x, in.w, in.b, threads, [&](int part, const tile& t, tile_scratch& sc) {
    thread_local interval_block blk;
    superacc acc;
    const tile_span sp = span_of(g, t);
    for (std::int64_t n = 0; n < g.batch; ++n)
      for (std::int64_t c = 0; c < t.cn; ++c) {
        const std::int64_t row = (n * t.cn + c) * sp.count;
        judge_tile_row(in, pc, tile_row_start(g, t, n, c), sp, sc.s.data() + row, sc.a.data() + row,
                       blk, parts[static_cast<std::size_t>(part)], acc, max_listed);
      }
  });
  return parts;
}
#endif

// Judges every element on `threads` threads, one partial each; `interval`: through
// interval_judge (rigorous mode, inputs exact, y in the accumulation's format, a fast estimate).
template <class In, class Out>
[[nodiscard]] std::vector<partial> judge_all(const judge_inputs<In, Out>& in, int threads,
                                             bool interval, int max_listed) {
  std::vector<partial> parts(static_cast<std::size_t>(threads));
  tconv::detail::parallel_parts(in.g.out_count(), threads,
                                [&](int part, std::int64_t lo, std::int64_t hi) {
                                  partial& pt = parts[static_cast<std::size_t>(part)];
                                  if (interval)
                                    judge_range_by_interval(in, lo, hi, pt, max_listed);
                                  else
                                    judge_range(in, lo, hi, pt, max_listed);
                                });
  return parts;
}

// The partials summed into a report, and the flat indices of the listed elements.
struct merged {
  report rep;
  std::vector<std::int64_t> viol, warn;
};

// Sums the partials: counts added, the worst ratio and ulps kept (the first part wins a tie).
inline merged merge(const std::vector<partial>& parts, const geometry& g, const problem& p) {
  merged m;
  report& rep = m.rep;
  rep.elements_checked = g.out_count();
  double mr = -1, mu = -1;
  std::int64_t mrf = -1, muf = -1;
  for (const auto& pt : parts) {
    rep.violations += pt.violations, rep.warnings += pt.warnings;
    rep.exact_fallbacks += pt.exact, rep.unbounded += pt.unbounded, rep.overflowed += pt.overflowed;
    if (pt.max_ratio > mr || (pt.max_ratio == mr && pt.max_ratio_f < mrf))
      mr = pt.max_ratio, mrf = pt.max_ratio_f;
    if (pt.max_ulps > mu || (pt.max_ulps == mu && pt.max_ulps_f < muf))
      mu = pt.max_ulps, muf = pt.max_ulps_f;
    m.viol.insert(m.viol.end(), pt.viol.begin(), pt.viol.end());
    m.warn.insert(m.warn.end(), pt.warn.begin(), pt.warn.end());
  }
  if (mrf >= 0) rep.max_ratio_index = full_index(g, p, mrf);
  if (muf >= 0) rep.max_ulps_index = full_index(g, p, muf);
  std::sort(m.viol.begin(), m.viol.end());
  std::sort(m.warn.begin(), m.warn.end());
  rep.max_error_to_bound = std::max(mr, 0.0);
  rep.max_ulps = std::max(mu, 0.0);
  rep.ok = rep.violations == 0;
  return m;
}

// The first max_listed of the listed elements in full: index, got, the exact value (rounded,
// decimal, hex), |got - exact|, the bound and the reason.
template <class In, class Out>
[[nodiscard]] std::vector<finding> describe(const judge_inputs<In, Out>& in, const problem& p,
                                            const std::vector<std::int64_t>& flats,
                                            int max_listed) {
  std::vector<finding> into;
  superacc acc;
  for (std::size_t i = 0; i < flats.size() && static_cast<int>(i) < max_listed; ++i) {
    const std::int64_t f = flats[i];
    const element_outcome o = judge_element(in, f, acc);
    finding fd;
    fd.index = full_index(in.g, p, f);
    fd.flat = static_cast<std::size_t>(f);
    fd.got = static_cast<double>(in.y[f]);
    exact_element(in.g, f, in.x, in.w, in.b, acc);
    fd.exact = acc.round_to(binary64);
    fd.exact_decimal = acc.decimal(25);
    fd.exact_hex = acc.hex();
    fd.error = std::numeric_limits<double>::infinity();
    if (std::isfinite(fd.got) && !acc.non_finite()) {
      superacc r = acc;
      r.add(-fd.got);
      fd.error = std::fabs(r.round_to(binary64));
    }
    fd.bound = o.bound;
    fd.reason = o.reason;
    into.push_back(std::move(fd));
  }
  return into;
}

// check_output for any data type: prepare_bounds -> judge_all -> merge -> describe.
template <class In, class Out>
report check_impl(const problem& p, op_kind op, const In* x, const In* w, const In* b, const Out* y,
                  std::int64_t y_count, precision prec, const options& opt) {
  validate(p, op, output_padding_rule::extension);
  const geometry g(p, op);
  if (y_count != g.out_count()) return wrong_count_report(output_shape(p, op), y_count, prec, opt);
  const bound_model bm =
      prepare_bounds(g, x, w, b, prec, opt, std::is_same_v<Out, float> ? binary32 : binary64);
  // small cases skip thread_count: std::thread::hardware_concurrency reads /sys on every call
  const double work = static_cast<double>(g.out_count()) * static_cast<double>(g.cin_g);
  const int threads =
      tconv::detail::too_small_for_threads(work) ? 1 : tconv::detail::thread_count(opt.threads);
  constexpr bool float_data = std::is_same_v<In, float>;
  const bool fast = float_data && !opt.exact_everywhere;
  const bool interval = fast && !opt.tolerance() && bm.inputs_exact && !bm.storage_coarser;
  // the tiled path: the estimate a tile at a time, never whole (interval judge, BLAS layers)
  const bool tiled = interval && uses_gemm(g);
  estimate est;
  if constexpr (float_data) {
    if (fast && !tiled) est = estimate_float(g, x, w, b, threads);
  }
  const gamma_table g53(g.max_terms, 0x1p-53), gacc(g.max_terms + 1, bm.m.u_acc);
  const judge_inputs<In, Out> in{.g = g,
                                 .x = x,
                                 .w = w,
                                 .b = b,
                                 .y = y,
                                 .est = fast && !tiled ? &est : nullptr,
                                 .bm = bm,
                                 .g53 = g53,
                                 .gacc = gacc,
                                 .tolerance = opt.tolerance(),
                                 .rtol = std::max(opt.rtol, 0.0),
                                 .atol = std::max(opt.atol, 0.0)};
  std::vector<partial> parts;
#if TCONV_CHECK_HAVE_CBLAS
  if constexpr (float_data) {
    if (tiled) parts = judge_all_tiled(in, threads, opt.max_listed);
  }
#endif
  if (!tiled) parts = judge_all(in, threads, interval, opt.max_listed);
  merged m = detail::merge(parts, g, p);
  report& rep = m.rep;
  rep.precision_name = name(prec);
  rep.flush_subnormals = opt.flush_subnormals && !in.tolerance;
  rep.lambda = opt.lambda;
  if (in.tolerance) rep.mode = "tolerance";
  rep.first_violations = detail::describe(in, p, m.viol, opt.max_listed);
  rep.first_warnings = detail::describe(in, p, m.warn, opt.max_listed);
  return rep;
}

}  // namespace detail

/// Judges y (y_count values, the layer's output in C order) as the output of op on (x, w, b),
/// computed in `prec`. b is null when the layer has no bias.
[[nodiscard]] inline report check_output(const problem& p, op_kind op, const float* x,
                                         const float* w, const float* b, const float* y,
                                         std::int64_t y_count, precision prec,
                                         const options& opt = {}) {
  return detail::check_impl(p, op, x, w, b, y, y_count, prec, opt);
}
/// The same for double data (every element decided with exact arithmetic).
[[nodiscard]] inline report check_output(const problem& p, op_kind op, const double* x,
                                         const double* w, const double* b, const double* y,
                                         std::int64_t y_count, precision prec,
                                         const options& opt = {}) {
  return detail::check_impl(p, op, x, w, b, y, y_count, prec, opt);
}
/// Float inputs, double output (e.g. an output stored as float64).
[[nodiscard]] inline report check_output(const problem& p, op_kind op, const float* x,
                                         const float* w, const float* b, const double* y,
                                         std::int64_t y_count, precision prec,
                                         const options& opt = {}) {
  return detail::check_impl(p, op, x, w, b, y, y_count, prec, opt);
}

}  // namespace tconv::check
