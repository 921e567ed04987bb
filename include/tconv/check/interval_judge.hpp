#pragma once
// The interval judge: the verdicts of a block of elements from the fast estimate alone, decided
// exactly where the estimate's interval allows it, branch-free so that it vectorises.
#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>

namespace tconv::check {

// Upward and downward rounding of a nonnegative double without branches: v (1 + 2^-52) rounded
// to nearest is at least v + ulp(v) for a normal v, and adding 2^-1074 covers zero and subnormals.
namespace detail {
[[nodiscard]] inline double up(double v) { return v * (1 + 0x1p-52) + 0x1p-1074; }
[[nodiscard]] inline double dn(double v) { return v * (1 - 0x1p-52) - 0x1p-1074; }
}  // namespace detail

/// Per-element inputs of interval_judge: the estimate s, a_lo <= A <= a_hi for A the magnitude sum
/// the exact path uses (judge.hpp's magnitude_sum), |b|, got, and per element the coefficients of
/// its product count n: ge = gamma_n(2^-53), gb = gamma_{n+1}(u), under = n eta (1 + gb) rounded
/// up, pw = lambda sqrt(n+1) u.
struct interval_inputs {
  const double *s, *a_lo, *a_hi, *babs, *got, *ge, *gb, *under, *pw;
};
/// Per-element verdicts of interval_judge.
struct interval_outputs {
  double* code;  // 0 within the bound, 1 beyond it, 2 in doubt (decide exactly)
  double *err, *bound, *warn;
  double* ulp = nullptr;  // one ulp of s in the storage format (when not null)
};

/// What interval_judge needs of the storage format for ulps: 2^(1-p) and its smallest ulp.
struct ulp_scale {
  double step = 0x1p-23, least = 0x1p-149;
};

/// One element's verdict from the interval: code 0 within the bound, 1 beyond it, 2 in doubt.
struct interval_verdict {
  double code, err, bound, warn;
};

/// The interval judge of one element (rigorous mode, inputs exact in the precision under check, y
/// not stored in a coarser format). The exact path's bound B = gamma_{n+1}(u) (A + |b|) + n eta (1
/// + gamma_{n+1}(u)) lies in [B_lo, B_hi], B_lo from a_lo rounded down and B_hi from a_hi rounded
/// up; the estimate's error is at most e = gamma_n(2^-53) (a_hi + |b|); with d = |got - s| the
/// exact error lies in [d - e, d + e]. The element is within when d + e <= B_lo, beyond when d - e
/// > B_hi, and in doubt otherwise, or when s, a, got or B is not finite: both decided verdicts are
/// those of the exact path. Branch-free: a loop of it vectorises.
[[nodiscard]] inline interval_verdict judge_interval(double s, double a_lo, double a_hi,
                                                     double babs, double got, double ge, double gb,
                                                     double under, double pw) {
  using detail::dn, detail::up;
  const double core = up(a_hi + babs);
  const double core_lo = std::max(0.0, dn(a_lo + babs));
  const double e = up(ge * core);
  // the exact path rounds upward four times (bound_model::bounds): one up() more than it here
  const double bound = up(up(up(gb * core)) + under);
  const double bound_lo = dn(dn(gb * core_lo) + under);
  const double d = std::fabs(got - s);
  const double hi = up(up(d) + e), lo = dn(dn(d) - e);
  const double probe = s + a_hi + got + bound;  // NaN or infinite when any is
  const double finite = probe - probe == 0 ? 1.0 : 0.0;
  // within: hi <= B_lo (then lo <= B_hi too); beyond: lo > B_hi; else in doubt
  const double decided = (hi <= bound_lo ? 2.0 : 0.0) + (lo > bound ? 1.0 : 0.0);
  return {2.0 - finite * decided, d, bound, pw * core + under};
}

/// One ulp of s in the storage format: 2^floor(log2 |s|) from the exponent bits, times 2^(1-p),
/// at least the least ulp (no libm call: vectorises).
[[nodiscard]] inline double ulp_in(double s, ulp_scale us) {
  const auto bits = std::bit_cast<std::uint64_t>(s) & 0x7ff0000000000000ULL;
  return std::max(std::bit_cast<double>(bits) * us.step, us.least);
}

/// judge_interval over arrays of one width (and ulp_in of s where out.ulp is not null).
inline void interval_judge(std::int64_t count, const interval_inputs& in,
                           const interval_outputs& out, ulp_scale us = {}) {
  const double* __restrict s = in.s;
  const double* __restrict a_lo = in.a_lo;
  const double* __restrict a_hi = in.a_hi;
  const double* __restrict babs = in.babs;
  const double* __restrict got = in.got;
  const double* __restrict ge = in.ge;
  const double* __restrict gb = in.gb;
  const double* __restrict under = in.under;
  const double* __restrict pw = in.pw;
  double* __restrict code = out.code;
  double* __restrict err = out.err;
  double* __restrict bnd = out.bound;
  double* __restrict warn = out.warn;
  // the arrays never overlap: said again here, since GCC does not vectorise on __restrict alone
#pragma GCC ivdep
  for (std::int64_t i = 0; i < count; ++i) {
    const interval_verdict v =
        judge_interval(s[i], a_lo[i], a_hi[i], babs[i], got[i], ge[i], gb[i], under[i], pw[i]);
    code[i] = v.code, err[i] = v.err, bnd[i] = v.bound, warn[i] = v.warn;
  }
  if (out.ulp == nullptr) return;
  double* __restrict ulp = out.ulp;
#pragma GCC ivdep
  for (std::int64_t i = 0; i < count; ++i) ulp[i] = ulp_in(s[i], us);
}

}  // namespace tconv::check
