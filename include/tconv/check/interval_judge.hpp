#pragma once
// The interval judge: the verdicts of a block of elements from the fast estimate alone, decided
// exactly where the estimate's interval allows it, branch-free so that it vectorises.
#include <cmath>
#include <cstdint>

namespace tconv::check {

// Upward and downward rounding of a nonnegative double without branches: v (1 + 2^-52) rounded
// to nearest is at least v + ulp(v) for a normal v, and adding 2^-1074 covers zero and subnormals.
namespace detail {
[[nodiscard]] inline double up(double v) { return v * (1 + 0x1p-52) + 0x1p-1074; }
[[nodiscard]] inline double dn(double v) { return v * (1 - 0x1p-52) - 0x1p-1074; }
}  // namespace detail

/// Per-element inputs of interval_judge: the estimate s, a >= sum |x||w|, |b|, got, and per element
/// the coefficients of its product count n: ge = gamma_n(2^-53), gb = gamma_{n+1}(u),
/// under = n eta (1 + gb) rounded up, pw = lambda sqrt(n+1) u.
struct interval_inputs {
  const double *s, *a, *babs, *got, *ge, *gb, *under, *pw;
};
/// Per-element verdicts of interval_judge.
struct interval_outputs {
  double* code;  // 0 within the bound, 1 beyond it, 2 in doubt (decide exactly)
  double *err, *bound, *warn;
};

/// The interval judge (rigorous mode, inputs exact in the precision under check, y not stored in
/// a coarser format). With core = a + |b|, the estimate's error e = gamma_n(2^-53) core, the bound
///   B = gamma_{n+1}(u) core + n eta (1 + gamma_{n+1}(u))
/// and d = |got - s|: the element is within when d + e <= B, beyond when d - e > B, and in doubt
/// otherwise, or when s, a, got or B is not finite. Every quantity is nonnegative and rounded
/// upward by up() (lower ends by dn()), so B is at least the rigorous bound and the two decided
/// verdicts are those of exact arithmetic. Branch-free over arrays of one width: vectorised.
inline void interval_judge(std::int64_t count, const interval_inputs& in,
                           const interval_outputs& out) {
  const double* __restrict s = in.s;
  const double* __restrict a = in.a;
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
  using detail::dn, detail::up;
  for (std::int64_t i = 0; i < count; ++i) {
    const double core = up(a[i] + babs[i]);
    const double e = up(ge[i] * core);
    const double bound = up(up(gb[i] * core) + under[i]);
    const double d = std::fabs(got[i] - s[i]);
    const double hi = up(up(d) + e), lo = dn(dn(d) - e);
    const double probe = s[i] + a[i] + got[i] + bound;  // NaN or infinite when any is
    const double finite = probe - probe == 0 ? 1.0 : 0.0;
    // within: hi <= B (then lo <= B too); beyond: lo > B; else in doubt
    const double decided = (hi <= bound ? 2.0 : 0.0) + (lo > bound ? 1.0 : 0.0);
    code[i] = 2.0 - finite * decided;
    err[i] = d;
    bnd[i] = bound;
    warn[i] = pw[i] * core + under[i];
  }
}

}  // namespace tconv::check
