#pragma once
// The verdict on one output element: within its bound, beyond it, or within it but beyond the
// probabilistic warning level. Cheap tiers first (the fast estimate's interval), the exact sum only
// where they leave the verdict in doubt.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>

#include "tconv/check/bound.hpp"
#include "tconv/check/estimate.hpp"
#include "tconv/check/geometry.hpp"
#include "tconv/check/rounding.hpp"
#include "tconv/check/superacc.hpp"

namespace tconv::check {

/// The verdict on one element, and what the report counts and lists of it.
struct element_outcome {
  bool violation = false, warning = false, exact_used = false, unbounded = false,
       overflowed = false;
  double err = 0, bound = 0, ulps = 0;
  const char* reason = "";
};

/// What judging an element needs: the layer and its data, the fast estimate (null: every element
/// summed exactly), the bound model, gamma tables for the estimate (u = 2^-53) and the bound
/// (u = u_acc), and the tolerance mode's atol and rtol (both >= 0 there).
template <class In, class Out>
struct judge_inputs {
  const geometry& g;
  const In *x, *w, *b;
  const Out* y;
  const estimate* est;
  const bound_model& bm;
  const gamma_table& g53;
  const gamma_table& gacc;
  bool tolerance = false;
  double rtol = 0, atol = 0;
};

namespace detail {

/// Exact test |T - got| <= bound on the exact value T held in `exact`; err receives |T - got|
/// rounded to double.
inline bool exact_within(const superacc& exact, double got, double bound, double& err) {
  superacc r = exact;
  r.add(-got);
  err = std::fabs(r.round_to(binary64));
  if (std::isinf(bound)) return true;
  superacc hi = r, lo = r;
  hi.add(-bound);
  lo.add(bound);
  return hi.sign() <= 0 && lo.sign() >= 0;
}

// The bound of one element: `bound` at the upper end of the value's interval, `bound_lo` at its
// lower end (they differ in tolerance mode only), and the warning level.
struct element_bound {
  double bound = 0, bound_lo = 0, warn = 0;
};

// The judgement of one element in progress: its value s within e of the exact sum T (e = 0 once T
// is in acc), a >= sum |x||w|, and the outcome so far.
template <class In, class Out>
struct element_judgement {
  const judge_inputs<In, Out>& in;
  std::int64_t f, nt;  // the element, its number of products
  superacc& acc;
  double n = 0, babs = 0, got = 0, s = 0, a = 0, e = 0;
  bool have_exact = false;
  element_outcome out;

  element_judgement(const judge_inputs<In, Out>& i, std::int64_t flat, superacc& scratch)
      : in(i), f(flat), nt(i.g.terms(flat)), acc(scratch) {
    n = static_cast<double>(nt);
    babs = in.b != nullptr ? std::fabs(static_cast<double>(in.b[in.g.channel(f)])) : 0.0;
    got = static_cast<double>(in.y[f]);
  }

  // T into acc
  void sum_exactly() {
    exact_element(in.g, f, in.x, in.w, in.b, acc);
    have_exact = true;
    out.exact_used = true;
  }

  // sum |x||w| in double, rounded up to a bound of the exact sum (float products are exact in
  // double; double products carry 2^-53 relative and 2^-1074 absolute each)
  [[nodiscard]] double magnitude_sum() const {
    double asum = 0;
    in.g.for_each_term(f, [&](std::int64_t xi, std::int64_t wi) {
      asum += std::fabs(static_cast<double>(in.x[xi]) * static_cast<double>(in.w[wi]));
    });
    if constexpr (std::is_same_v<In, float>) {
      return a_from_double_sum(asum, static_cast<std::int64_t>(n));
    } else {
      return next_up(next_up(asum + next_up(n * 0x1p-1074)) * next_up(1 + gamma_up(n, 0x1p-53)));
    }
  }

  // tier 1: s, a, e from the fast estimate (e = gamma_n(2^-53) (a + |b|)), or from T (e = 0)
  void first_value() {
    if (in.est != nullptr) {
      const auto fi = static_cast<std::size_t>(f);
      s = in.est->s[fi];
      a = static_cast<double>(in.est->a_up[fi]);
      if (!std::isfinite(a)) a = magnitude_sum();  // beyond the float range of the stored bound
      e = next_up(in.g53(nt) * next_up(a + babs));
    } else {
      sum_exactly();
      a = magnitude_sum();
      s = acc.round_to(binary64);
      e = 0;
    }
  }

  // tier 2: non-finite inputs make the IEEE result NaN or an infinity whatever the order; true
  // when that decided the element, else s is T rounded (a non-finite s came from overflow)
  bool decided_by_non_finite_inputs() {
    if (std::isfinite(s) && (in.est == nullptr || std::isfinite(a))) return false;
    if (!have_exact) sum_exactly();
    if (acc.non_finite()) {
      const double want = acc.non_finite_value();
      const bool same = std::isnan(want) ? std::isnan(got) : got == want;
      out.violation = !same;
      out.reason = std::isnan(want) ? "non-finite inputs: expected NaN"
                                    : "non-finite inputs: expected an infinity";
      return true;
    }
    s = acc.round_to(binary64);
    e = 0;
    return false;
  }

  // tier 3: tolerance atol + rtol |T| over T in [|s| - e, |s| + e], or the rigorous bound
  [[nodiscard]] element_bound bound() const {
    const double tabs = next_up(std::fabs(s) + e);
    element_bound b;
    if (in.tolerance) {
      b.bound = next_up(in.atol + next_up(in.rtol * tabs));
      b.bound_lo =
          next_down(in.atol + next_down(in.rtol * std::max(0.0, next_down(std::fabs(s) - e))));
      b.warn = std::numeric_limits<double>::infinity();
    } else {
      in.bm.bounds(n, in.gacc(nt + 1), a, babs, tabs, b.bound, b.warn);
      b.bound_lo = b.bound;
    }
    return b;
  }

  // tier 4: a NaN or infinite y is a violation, unless the infinity is the rounding of a T beyond
  // the storage format's range; true when y is not finite
  bool decided_by_non_finite_output() {
    if (std::isinf(got)) {
      if (!have_exact) sum_exactly();
      if (acc.round_to(in.bm.storage) == got) {
        out.overflowed = true;
        return true;
      }
    }
    if (std::isfinite(got)) return false;
    out.violation = true;
    out.err = std::numeric_limits<double>::infinity();
    out.reason = std::isnan(got) ? "NaN where the exact value is finite"
                                 : "infinity where the exact value is finite";
    return true;
  }

  // tier 5: d = |got - s| is within e of |got - T|: within when d + e <= bound_lo, beyond when
  // d - e > bound, else T is summed for tier 6
  void interval(const element_bound& b) {
    const double d = out.err;
    const double hi = next_up(next_up(d) + e);
    const double lo = std::max(0.0, next_down(next_down(d) - e));
    if (hi <= b.bound_lo)
      out.violation = false;
    else if (lo > b.bound)
      out.violation = true;
    else
      sum_exactly();
  }

  // tier 6: |got - T| <= bound on the exact T (tolerance mode: in double, as NumPy's allclose)
  void exactly(double bound) {
    if (in.tolerance) {
      const double t = acc.round_to(binary64);
      out.violation = !(std::fabs(got - t) <= in.atol + in.rtol * std::fabs(t));
      out.err = std::fabs(got - t);
    } else {
      double err;
      out.violation = !exact_within(acc, got, bound, err);
      out.err = err;
    }
  }
};

}  // namespace detail

/// The verdict on output element f (acc: scratch for its exact sum T), tier by tier:
///  1. value: the fast estimate s, within e = gamma_n(2^-53) (a_up + |b|) of T (float data), or T;
///  2. non-finite inputs: the IEEE result is NaN or an infinity in any order, and y must be it;
///  3. bound: rigorous (bound_model::bounds), or tolerance atol + rtol |T| at |s| +- e;
///  4. a NaN or infinite y violates, unless it is the overflow of a T beyond the storage format;
///  5. interval: with d = |got - s|, within when d + e <= bound, beyond when d - e > bound;
///  6. exact fallback, for what tier 5 leaves in doubt: |got - T| <= bound on T itself.
/// An element within its bound whose error exceeds the warning level is a warning; ulps are
/// counted in the storage format at s.
template <class In, class Out>
[[nodiscard]] element_outcome judge_element(const judge_inputs<In, Out>& in, std::int64_t f,
                                            superacc& acc) {
  detail::element_judgement<In, Out> j(in, f, acc);
  j.first_value();
  if (j.decided_by_non_finite_inputs()) return j.out;
  const detail::element_bound b = j.bound();
  if (!in.tolerance && std::isinf(b.bound)) j.out.unbounded = true;
  j.out.bound = b.bound;
  if (j.decided_by_non_finite_output()) return j.out;
  j.out.err = std::fabs(j.got - j.s);
  if (!j.have_exact) j.interval(b);
  if (j.have_exact && !j.out.violation) j.exactly(b.bound);
  if (!j.out.violation && j.out.err > b.warn) j.out.warning = true;
  j.out.ulps = j.out.err / ulp_of(j.s, in.bm.storage);
  return j.out;
}

}  // namespace tconv::check
