#pragma once
// The rigorous error bound of one output element, and what it needs from the inputs.
//
// An element with n products (any summation order, blocked or pairwise, FMA or not) computed with
// unit roundoff u and underflow quantum eta per product satisfies (Higham, Accuracy and Stability
// of Numerical Algorithms, 2nd ed., section 3.1, with underflow added per product)
//   |y_got - y_exact| <= gamma(n+1) * (sum |x||w| + |b|) + n * eta * (1 + gamma(n+1)),
//   gamma(m) = m u / (1 - m u).
// Reduced-precision modes (tf32, bf16, fp16) first round the inputs: x' = x (1 + dx') + ex' with
// |dx'| <= dx, |ex'| <= ex (one ulp relative in any rounding mode, plus the subnormal quantum), and
// the same for w and b. A product then moves by at most
//   rho |x||w| + ex (1 + dw) max|w| + ew (1 + dx) max|x| + ex ew,   rho = (1 + dx)(1 + dw) - 1,
// and that input error `in` is added to the bound, whose core sum |x'||w'| + |b'| grows by it.
// y stored in a coarser format than the accumulation (float16 y) adds one more rounding:
// us (|exact| + bound) + es. Every operation is rounded upward (next_up), so the computed bound is
// at least the exact one. The warning level replaces gamma(n+1) by lambda sqrt(n+1) u, the
// probabilistic bound of Higham & Mary (2019): beyond it an element is shown, never failed.
//
// Flush-to-zero (options::flush_subnormals, `--ftz`): an implementation may replace any input
// below the normal range of its input format (t_in = 2^-126; 2^-14 for fp16, 2^-1022 for fp64)
// by zero, and any product, partial sum or result below the accumulation's normal range
// (t_acc = 2^-126; 2^-1022 for fp64) by zero. Then every multiplication and addition (n of each
// at most: n + 1 summands) errs by max(u |z|, t_acc) instead of gradual underflow's eta per
// product, and flushing an input changes the exact sum by at most |that product| (triangle
// inequality between the exact sums on the given and on the flushed inputs):
//   underflow term  2n t_acc (1 + gamma(n+1)) + n (sx Wmax + sw Xmax) + sb
// replaces n eta (1 + gamma(n+1)), where sx = min(t_in, largest |x| that can flush, rounded to the
// model) or 0 when no x can flush, Xmax the largest |x| in the model (max|x| (1 + dx) + ex), the
// same for w, and sb for b. A stored y in a coarser format may flush below its normal range too:
// es becomes its smallest normal number.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <type_traits>

#include "tconv/check/float_format.hpp"
#include "tconv/check/geometry.hpp"
#include "tconv/check/options.hpp"
#include "tconv/check/precision.hpp"
#include "tconv/check/rounding.hpp"

namespace tconv::check {

/// The error thrown for inputs the check cannot judge (e.g. values beyond the fp16 range).
struct check_error : std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};

/// How far one tensor's values may be from their rounding to the inputs of model m.
struct input_error {
  double rel = 0, abs = 0;  // relative and absolute rounding: (u_in, eta_in), or 0 when exact
  double max_abs = 0;       // the largest finite magnitude
};

/// The worst input rounding of `count` values in model m: zero when every value is exact in m
/// (an exponent-q multiple, q = max(e - in_bits, in_min_exponent) for |v| = f 2^e, f in [0.5, 1)),
/// (u_in, eta_in) otherwise. Throws check_error naming `what` for a value beyond m's range.
template <class T>
[[nodiscard]] input_error input_rounding(const T* v, std::int64_t count, const precision_model& m,
                                         const char* what) {
  input_error r;
  // every float32 is exact in a model with at least float32's significand and exponent range
  if (std::is_same_v<T, float> && m.in_bits >= 24 && m.in_min_exponent <= -149) return r;
  bool exact = true;
  for (std::int64_t i = 0; i < count; ++i) {
    const double a = std::fabs(static_cast<double>(v[i]));
    if (!std::isfinite(a)) continue;
    r.max_abs = std::max(r.max_abs, a);
    if (exact && a != 0) {
      int e;
      (void)std::frexp(a, &e);  // a = f 2^e, f in [0.5, 1)
      const int q = std::max(e - m.in_bits, m.in_min_exponent);
      const double scaled = std::ldexp(a, -q);
      if (scaled != std::floor(scaled)) exact = false;
    }
  }
  if (r.max_abs > m.in_max)
    throw check_error(std::string(what) + ": holds a value of magnitude " +
                      std::to_string(r.max_abs) +
                      ", beyond the largest finite number of the precision under check (" +
                      std::to_string(m.in_max) + ")");
  if (!exact) r.rel = m.u_in, r.abs = m.eta_in;
  return r;
}

/// Everything the bound of one element needs besides its own n, sum |x||w|, |b| and |exact|.
struct bound_model {
  precision_model m;
  double dx = 0, ex = 0, xmax = 0, dw = 0, ew = 0, wmax = 0, db = 0, eb = 0;
  bool inputs_exact = true;
  float_format storage = binary32;  // the format y is stored in
  bool storage_coarser = false;     // storage has fewer significand bits than the accumulation
  double us = 0, es = 0;            // storage rounding: 2^-p relative, its subnormal quantum
  double lambda = 6;
  bool flush = false;                // flush-to-zero allowed (options::flush_subnormals)
  double t_acc = 0;                  // under flush: the accumulation's smallest normal number
  double flush_in = 0, flush_b = 0;  // under flush: per product sx Wmax + sw Xmax, and sb

  /// The underflow term of an element with n products and g = gamma(n+1): n eta (1 + g), or under
  /// flush-to-zero 2n t_acc (1 + g) + n flush_in + flush_b; rounded up.
  [[nodiscard]] double underflow(double n, double g) const {
    if (!flush) return next_up(next_up(n * m.eta_acc) * next_up(1 + g));
    const double ops = next_up(next_up(2 * n * t_acc) * next_up(1 + g));
    return next_up(ops + next_up(next_up(n * flush_in) + flush_b));
  }

  /// The input error of an element: rho a + n (absx + absw + ex ew) + db |b| + eb, rounded up.
  [[nodiscard]] double input_term(double n, double a, double babs) const {
    const double rho = next_up(next_up(next_up(1 + dx) * next_up(1 + dw)) - 1);
    const double absx = next_up(next_up(ex * next_up(1 + dw)) * wmax);
    const double absw = next_up(next_up(ew * next_up(1 + dx)) * xmax);
    const double in =
        next_up(next_up(rho * a) + next_up(n * next_up(next_up(absx + absw) + next_up(ex * ew))));
    return next_up(in + next_up(next_up(db * babs) + eb));
  }

  /// The rigorous bound `rig` and warning level `warn` of an element with n products, a >= sum
  /// |x||w|, |b| = babs, |exact| <= t and g = gamma(n+1) rounded up (see the derivation above).
  void bounds(double n, double g, double a, double babs, double t, double& rig,
              double& warn) const {
    double in = 0, core = next_up(a + babs);
    if (!inputs_exact) {
      in = input_term(n, a, babs);
      core = next_up(next_up(a + in) + next_up(babs * next_up(1 + db)) + eb);
    }
    const double under = underflow(n, g);
    const double prob = lambda * std::sqrt(n + 1) * m.u_acc;
    rig = next_up(next_up(in + next_up(g * core)) + under);
    warn = (prob * core) + in + under;
    if (storage_coarser) {
      rig = next_up(rig + next_up(next_up(us * next_up(t + rig)) + es));
      warn = warn + us * (t + warn) + es;
    }
  }
};

/// What flushing can take from one tensor in model m: `sub`, the largest magnitude of a value that
/// can flush (nonzero, below twice m's smallest normal number t_in: rounding to m cannot bring a
/// larger one below t_in), rounded as m rounds (|v| (1 + rel) + abs) and capped at t_in, 0 when
/// none can; `max`, the largest finite magnitude in m, max|v| (1 + rel) + abs.
struct flush_scan {
  double sub = 0, max = 0;
};

/// The flush_scan of `count` values in model m with input rounding r.
template <class T>
[[nodiscard]] flush_scan scan_flushable(const T* v, std::int64_t count, const precision_model& m,
                                        const input_error& r) {
  const double t_in = std::ldexp(1.0, m.in_min_exponent + m.in_bits - 1);
  double small = 0, big = 0;
  for (std::int64_t i = 0; i < count; ++i) {
    const double a = std::fabs(static_cast<double>(v[i]));
    if (!std::isfinite(a)) continue;
    big = std::max(big, a);
    if (a != 0 && a < 2 * t_in) small = std::max(small, a);
  }
  const auto model = [&](double a) { return next_up(next_up(a * next_up(1 + r.rel)) + r.abs); };
  return {small == 0 ? 0.0 : std::min(t_in, model(small)), model(big)};
}

/// Sets bm's flush-to-zero terms (see the derivation above) for x, w, b of a layer.
template <class In>
void prepare_flush(bound_model& bm, const geometry& g, const In* x, const In* w, const In* b,
                   int acc_bits) {
  bm.flush = true;
  bm.t_acc = std::ldexp(bm.m.eta_acc, acc_bits - 1);
  const flush_scan fx = scan_flushable(x, g.in_count(), bm.m, {bm.dx, bm.ex, 0});
  const flush_scan fw = scan_flushable(w, g.weight_count(), bm.m, {bm.dw, bm.ew, 0});
  bm.flush_in = next_up(next_up(fx.sub * fw.max) + next_up(fw.sub * fx.max));
  if (b != nullptr) bm.flush_b = scan_flushable(b, g.out_channels, bm.m, {bm.db, bm.eb, 0}).sub;
  bm.es = std::ldexp(1.0, bm.storage.min_exponent + bm.storage.precision - 1);
}

/// The bound model of a layer's inputs in precision prec, y stored in `y_format` (or in
/// opt.y_storage when given): the inputs' rounding, the storage's rounding, lambda.
template <class In>
[[nodiscard]] bound_model prepare_bounds(const geometry& g, const In* x, const In* w, const In* b,
                                         precision prec, const options& opt,
                                         float_format y_format) {
  bound_model bm;
  bm.m = model_of(prec);
  bm.lambda = opt.lambda;
  const input_error ix = input_rounding(x, g.in_count(), bm.m, "x");
  const input_error iw = input_rounding(w, g.weight_count(), bm.m, "w");
  bm.dx = ix.rel, bm.ex = ix.abs, bm.xmax = ix.max_abs;
  bm.dw = iw.rel, bm.ew = iw.abs, bm.wmax = iw.max_abs;
  if (b != nullptr) {
    const input_error ib = input_rounding(b, g.out_channels, bm.m, "b");
    bm.db = ib.rel, bm.eb = ib.abs;
  }
  bm.inputs_exact = bm.dx == 0 && bm.dw == 0 && bm.db == 0;
  bm.storage = opt.y_storage ? *opt.y_storage : y_format;
  const int acc_bits = prec == precision::fp64 ? 53 : 24;
  bm.storage_coarser = bm.storage.precision < acc_bits;
  bm.us = std::ldexp(1.0, -bm.storage.precision);
  bm.es = std::ldexp(1.0, bm.storage.min_exponent);
  if (opt.flush_subnormals) prepare_flush(bm, g, x, w, b, acc_bits);
  return bm;
}

}  // namespace tconv::check
