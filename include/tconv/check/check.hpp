#pragma once
// Judging a float implementation's output against the exact result with a rigorous bound.
//
// Per output element with n products (any summation order, blocked or pairwise, FMA or not):
//   |y_got - y_exact| <= gamma(n+1) * (sum |x||w| + |b|) + n * eta,   gamma(m) = m u / (1 - m u)
// u the accumulation's unit roundoff, eta its underflow quantum per product. Reduced-precision
// modes (tf32, bf16, fp16) first round the inputs (any rounding mode: relative error below one
// ulp of that format, plus its subnormal quantum), which is added to the bound; y stored in a
// coarser format than the accumulation (float16 y) adds one more rounding. The bound is computed
// with upward rounding. Elements beyond the probabilistic level of Higham & Mary (2019), gamma
// replaced by lambda * sqrt(n+1) * u, are counted as warnings: shown, never failing.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <type_traits>
#include <vector>

#include "tconv/check/reference.hpp"
#include "tconv/check/superacc.hpp"
#include "tconv/problem.hpp"

namespace tconv::check {

/// The arithmetic the implementation under check claims to use.
enum class precision { fp32, tf32, bf16, fp16, fp64 };

[[nodiscard]] inline const char* name(precision p) {
  switch (p) {
    case precision::fp32:
      return "fp32";
    case precision::tf32:
      return "tf32";
    case precision::bf16:
      return "bf16";
    case precision::fp16:
      return "fp16";
    case precision::fp64:
      return "fp64";
  }
  return "?";
}
/// "fp32" -> precision::fp32; nullopt for an unknown name.
[[nodiscard]] inline std::optional<precision> parse_precision(std::string_view s) {
  for (auto p :
       {precision::fp32, precision::tf32, precision::bf16, precision::fp16, precision::fp64})
    if (s == name(p)) return p;
  return std::nullopt;
}

/// The error thrown for inputs the check cannot judge (e.g. values beyond the fp16 range).
struct check_error : std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};

/// How the implementation rounds: its inputs, its accumulation.
struct precision_model {
  double u_acc, eta_acc;  // accumulation unit roundoff, underflow quantum per product
  int in_bits;            // input significand bits (with the hidden one)
  int in_min_exponent;    // input subnormal quantum 2^in_min_exponent
  double u_in, eta_in;    // input rounding: relative (one ulp: any rounding mode), absolute
  double in_max;          // largest finite input
};

[[nodiscard]] inline precision_model model_of(precision p) {
  switch (p) {
    case precision::fp64:
      return {0x1p-53, 0x1p-1074, 53, -1074, 0x1p-53, 0x1p-1074, 0x1.fffffffffffffp1023};
    case precision::fp32:
      return {0x1p-24, 0x1p-149, 24, -149, 0x1p-24, 0x1p-149, 0x1.fffffep127};
    // reduced precision: accumulators that truncate (some tensor cores) are covered by u = 2^-23
    case precision::tf32:
      return {0x1p-23, 0x1p-149, 11, -136, 0x1p-10, 0x1p-136, 0x1.ffcp127};
    case precision::bf16:
      return {0x1p-23, 0x1p-149, 8, -133, 0x1p-7, 0x1p-133, 0x1.fep127};
    case precision::fp16:
      return {0x1p-23, 0x1p-149, 11, -24, 0x1p-10, 0x1p-24, 65504.0};
  }
  return model_of(precision::fp32);
}

/// Options of check_output.
struct options {
  double rtol = -1,
         atol = -1;     // >= 0 for either: tolerance mode |got - exact| <= atol + rtol |exact|
  int max_listed = 10;  // violations and warnings listed in full
  double lambda = 6;    // probabilistic tier: lambda * sqrt(n+1) * u
  int threads = 0;      // 0: up to 2
  std::optional<float_format> y_storage;  // format y was stored in (default: float32 / float64)
  bool exact_everywhere =
      false;  // judge every element with exact arithmetic (slow; tests the fast path)
};

/// One listed element.
struct finding {
  std::vector<std::int64_t> index;
  double got = 0, exact = 0, error = 0, bound = 0;
  std::string exact_decimal, exact_hex, reason;
};

/// The outcome of a check.
struct report {
  bool ok = true;
  std::string mode = "rigorous";  // or "tolerance"
  std::string precision_name = "fp32";
  std::string message;  // set when the output could not be judged element by element (wrong shape)
  std::int64_t elements_checked = 0, violations = 0, warnings = 0, exact_fallbacks = 0,
               unbounded = 0;
  std::int64_t overflowed =
      0;  // exact value beyond the output format's range, y holds its rounding (an infinity)
  double max_error_to_bound = 0, max_ulps = 0, lambda = 6;
  std::vector<std::int64_t> max_ratio_index, max_ulps_index;
  std::vector<finding> first_violations, first_warnings;

  [[nodiscard]] const char* verdict() const { return ok ? "verified" : "violated"; }
  [[nodiscard]] nlohmann::json to_json() const {
    auto list = [](const std::vector<finding>& v) {
      nlohmann::json a = nlohmann::json::array();
      for (const auto& f : v)
        a.push_back({{"index", f.index},
                     {"got", f.got},
                     {"exact", f.exact_decimal},
                     {"exact_hex", f.exact_hex},
                     {"error", f.error},
                     {"bound", f.bound},
                     {"reason", f.reason}});
      return a;
    };
    nlohmann::json j = {{"verdict", verdict()},
                        {"mode", mode},
                        {"precision", precision_name},
                        {"elements_checked", elements_checked},
                        {"violations", violations},
                        {"warnings", warnings},
                        {"probabilistic_lambda", lambda},
                        {"exact_fallbacks", exact_fallbacks},
                        {"unbounded_elements", unbounded},
                        {"overflowed_elements", overflowed},
                        {"max_error_to_bound", max_error_to_bound},
                        {"max_error_to_bound_index", max_ratio_index},
                        {"max_error_ulps", max_ulps},
                        {"max_error_ulps_index", max_ulps_index},
                        {"first_violations", list(first_violations)},
                        {"first_warnings", list(first_warnings)}};
    if (!message.empty()) j["message"] = message;
    return j;
  }
  [[nodiscard]] std::string to_text() const {
    auto idx = [](const std::vector<std::int64_t>& v) {
      std::string s = "y[";
      for (std::size_t i = 0; i < v.size(); ++i) s += (i ? "," : "") + std::to_string(v[i]);
      return s + "]";
    };
    auto num = [](double v) {
      char b[64];
      std::snprintf(b, sizeof b, "%.9g", v);
      return std::string(b);
    };
    auto hexf = [](double v) {
      char b[64];
      std::snprintf(b, sizeof b, "%a", v);
      return std::string(b);
    };
    std::string t = std::string("verdict: ") + (ok ? "VERIFIED" : "VIOLATED") + "\n";
    if (!message.empty()) t += "message: " + message + "\n";
    if (mode == "tolerance")
      t += "mode: tolerance (|got - exact| <= atol + rtol*|exact|; NOT a rigorous bound)\n";
    else
      t += "mode: rigorous bound, precision " + precision_name + "\n";
    t += "elements checked: " + std::to_string(elements_checked) + "\n";
    t += "violations: " + std::to_string(violations) + "\n";
    if (mode != "tolerance")
      t += "warnings (beyond the probabilistic level lambda*sqrt(n+1)*u, lambda=" + num(lambda) +
           ", within the bound): " + std::to_string(warnings) + "\n";
    t += "largest error / bound: " + num(max_error_to_bound) +
         (max_ratio_index.empty() ? "" : " at " + idx(max_ratio_index)) + "\n";
    t += "largest error in ulps: " + num(max_ulps) +
         (max_ulps_index.empty() ? "" : " at " + idx(max_ulps_index)) + "\n";
    t += "elements decided with exact arithmetic: " + std::to_string(exact_fallbacks) + "\n";
    if (unbounded)
      t += "elements with n*u >= 1 (infinite bound): " + std::to_string(unbounded) + "\n";
    if (overflowed)
      t += "elements whose exact value overflows the output format (the infinity there is its "
           "correct rounding): " +
           std::to_string(overflowed) + "\n";
    auto show = [&](const char* title, const std::vector<finding>& v) {
      if (v.empty()) return;
      t += title;
      for (const auto& f : v)
        t += "  " + idx(f.index) + ": got " + num(f.got) + " (" + hexf(f.got) + "), exact " +
             f.exact_decimal + " (" + f.exact_hex + "), error " + num(f.error) + ", bound " +
             num(f.bound) + (f.reason.empty() ? "" : " [" + f.reason + "]") + "\n";
    };
    show("first violations:\n", first_violations);
    show("first warnings:\n", first_warnings);
    return t;
  }
};

/// A report for an output whose shape is not the layer's.
[[nodiscard]] inline report wrong_shape_report(const std::vector<std::int64_t>& expected,
                                               const std::vector<std::int64_t>& got) {
  auto text = [](const std::vector<std::int64_t>& v) {
    std::string s = "[";
    for (std::size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + std::to_string(v[i]);
    return s + "]";
  };
  report r;
  r.ok = false;
  r.violations = 1;
  r.message = "output shape " + text(got) + " is not the layer's output shape " + text(expected);
  return r;
}

namespace detail {

// worst relative and absolute input rounding of one tensor in model m; throws if out of range
template <class T>
inline void input_rounding(const T* v, std::int64_t count, const precision_model& m,
                           const char* what, double& rel, double& abs, double& maxabs) {
  rel = abs = maxabs = 0;
  // every float32 is exact in a model with at least float32's significand and exponent range
  if (std::is_same_v<T, float> && m.in_bits >= 24 && m.in_min_exponent <= -149) return;
  bool exact = true;
  for (std::int64_t i = 0; i < count; ++i) {
    const double a = std::fabs(static_cast<double>(v[i]));
    if (!std::isfinite(a)) continue;
    maxabs = std::max(maxabs, a);
    if (exact && a != 0) {
      int e;
      (void)std::frexp(a, &e);  // a = f 2^e, f in [0.5, 1)
      const int q = std::max(e - m.in_bits, m.in_min_exponent);
      const double scaled = std::ldexp(a, -q);
      if (scaled != std::floor(scaled)) exact = false;
    }
  }
  if (maxabs > m.in_max)
    throw check_error(std::string(what) + ": holds a value of magnitude " + std::to_string(maxabs) +
                      ", beyond the largest finite number of the precision under check (" +
                      std::to_string(m.in_max) + ")");
  if (!exact) rel = m.u_in, abs = m.eta_in;
}

struct bound_model {
  precision_model m;
  double dx = 0, ex = 0, xmax = 0, dw = 0, ew = 0, wmax = 0, db = 0, eb = 0;
  bool inputs_exact = true;
  bool storage_coarser = false;
  double us = 0, es = 0;
  double lambda = 6;

  // rigorous bound and warning level for n products, a >= sum|x||w|, |b|, and |exact| <= t
  void bounds(double n, double g, double a, double babs, double t, double& rig,
              double& warn) const {
    double in = 0, core = next_up(a + babs);
    if (!inputs_exact) {
      const double rho = next_up(next_up(next_up(1 + dx) * next_up(1 + dw)) - 1);
      const double absx = next_up(next_up(ex * next_up(1 + dw)) * wmax);
      const double absw = next_up(next_up(ew * next_up(1 + dx)) * xmax);
      in =
          next_up(next_up(rho * a) + next_up(n * next_up(next_up(absx + absw) + next_up(ex * ew))));
      in = next_up(in + next_up(next_up(db * babs) + eb));
      core = next_up(next_up(a + in) + next_up(babs * next_up(1 + db)) + eb);
    }
    const double under = next_up(next_up(n * m.eta_acc) * next_up(1 + g));
    const double prob = lambda * std::sqrt(n + 1) * m.u_acc;
    rig = next_up(next_up(in + next_up(g * core)) + under);
    warn = (prob * core) + in + under;
    if (storage_coarser) {
      rig = next_up(rig + next_up(next_up(us * next_up(t + rig)) + es));
      warn = warn + us * (t + warn) + es;
    }
  }
};

inline double ulp_of(double t, const float_format& f) {
  const double a = std::fabs(t);
  int e = f.min_exponent + f.precision - 1;  // smallest normal exponent
  if (a != 0 && std::isfinite(a)) e = std::max(std::ilogb(a), e);
  return std::ldexp(1.0, e - f.precision + 1);
}

// exact test |T - got| <= bound on the accumulated exact value T; err receives |T - got| (rounded)
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

inline std::vector<std::int64_t> full_index(const geometry& g, const problem& p, std::int64_t f) {
  const auto e = g.split(f);
  std::vector<std::int64_t> v{e[0], e[1]};
  for (std::int64_t a = 0; a < p.rank; ++a) v.push_back(e[static_cast<std::size_t>(2 + a)]);
  return v;
}

struct element_outcome {
  bool violation = false, warning = false, exact_used = false, unbounded = false,
       overflowed = false;
  double err = 0, bound = 0, ulps = 0;
  const char* reason = "";
};

// Upward and downward rounding of a nonnegative double without branches: v (1 + 2^-52) rounded
// to nearest is at least v + ulp(v) for a normal v, and adding 2^-1074 covers zero and subnormals.
inline double up(double v) { return v * (1 + 0x1p-52) + 0x1p-1074; }
inline double dn(double v) { return v * (1 - 0x1p-52) - 0x1p-1074; }

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

template <class In, class Out>
report check_impl(const problem& p, op_kind op, const In* x, const In* w, const In* b, const Out* y,
                  std::int64_t y_count, precision prec, const options& opt) {
  validate(p, op, output_padding_rule::extension);
  const geometry g(p, op);
  report rep;
  rep.precision_name = name(prec);
  rep.lambda = opt.lambda;
  const bool tolerance = opt.rtol >= 0 || opt.atol >= 0;
  const double rtol = std::max(opt.rtol, 0.0), atol = std::max(opt.atol, 0.0);
  if (tolerance) rep.mode = "tolerance";
  if (y_count != g.out_count()) {
    report r = wrong_shape_report(output_shape(p, op), {y_count});
    r.message = "output has " + std::to_string(y_count) + " elements; the layer's output " +
                [&] {
                  std::string s = "[";
                  const auto sh = output_shape(p, op);
                  for (std::size_t i = 0; i < sh.size(); ++i)
                    s += (i ? ", " : "") + std::to_string(sh[i]);
                  return s + "]";
                }() +
                " has " + std::to_string(g.out_count());
    r.precision_name = rep.precision_name;
    r.mode = rep.mode;
    return r;
  }
  bound_model bm;
  bm.m = model_of(prec);
  bm.lambda = opt.lambda;
  input_rounding(x, g.in_count(), bm.m, "x", bm.dx, bm.ex, bm.xmax);
  input_rounding(w, g.weight_count(), bm.m, "w", bm.dw, bm.ew, bm.wmax);
  if (b != nullptr) {
    double bmax;
    input_rounding(b, g.out_channels, bm.m, "b", bm.db, bm.eb, bmax);
  }
  bm.inputs_exact = bm.dx == 0 && bm.dw == 0 && bm.db == 0;
  float_format storage = std::is_same_v<Out, float> ? binary32 : binary64;
  if (opt.y_storage) storage = *opt.y_storage;
  const int acc_bits = prec == precision::fp64 ? 53 : 24;
  bm.storage_coarser = storage.precision < acc_bits;
  bm.us = std::ldexp(1.0, -storage.precision);
  bm.es = std::ldexp(1.0, storage.min_exponent);

  const std::int64_t total = g.out_count();
  // small cases skip thread_count: std::thread::hardware_concurrency reads /sys on every call
  const int threads = static_cast<double>(total) * static_cast<double>(g.cin_g) < 65536
                          ? 1
                          : thread_count(opt.threads);

  constexpr bool float_data = std::is_same_v<In, float>;
  estimate est;
  const bool fast = float_data && !opt.exact_everywhere;
  if constexpr (float_data) {
    if (fast) est = estimate_float(g, x, w, b, threads);
  }

  const gamma_table g53(g.max_terms, 0x1p-53);
  const gamma_table gacc(g.max_terms + 1, bm.m.u_acc);
  struct partial {
    std::int64_t violations = 0, warnings = 0, exact = 0, unbounded = 0, overflowed = 0;
    double max_ratio = -1, max_ulps = -1;
    std::int64_t max_ratio_f = -1, max_ulps_f = -1;
    std::vector<std::int64_t> viol, warn;
  };
  std::vector<partial> parts(static_cast<std::size_t>(threads));

  auto judge = [&](std::int64_t f, superacc& acc) {
    element_outcome out;
    const auto fi = static_cast<std::size_t>(f);
    const std::int64_t nt = g.terms(f);
    const auto n = static_cast<double>(nt);
    const double babs = b != nullptr ? std::fabs(static_cast<double>(b[g.channel(f)])) : 0.0;
    const double got = static_cast<double>(y[f]);
    double s = 0, a = 0, e = 0;
    bool have_exact = false;
    auto compute_exact = [&] {
      exact_element(g, f, x, w, b, acc);
      have_exact = true;
      out.exact_used = true;
    };
    auto magnitude_sum = [&] {  // sum |x||w| in double, rounded up
      double asum = 0;
      g.for_each_term(f, [&](std::int64_t xi, std::int64_t wi) {
        asum += std::fabs(static_cast<double>(x[xi]) * static_cast<double>(w[wi]));
      });
      if constexpr (float_data) return a_from_double_sum(asum, static_cast<std::int64_t>(n));
      return next_up(next_up(asum + next_up(n * 0x1p-1074)) * next_up(1 + gamma_up(n, 0x1p-53)));
    };
    if (fast) {
      s = est.s[fi];
      a = static_cast<double>(est.a_up[fi]);
      if (!std::isfinite(a)) a = magnitude_sum();  // beyond the float range of the stored bound
      e = next_up(g53(nt) * next_up(a + babs));
    } else {
      compute_exact();
      a = magnitude_sum();
      s = acc.round_to(binary64);
      e = 0;
    }
    // non-finite inputs: the IEEE result is NaN or an infinity whatever the order
    if (!std::isfinite(s) || (fast && !std::isfinite(a))) {
      if (!have_exact) compute_exact();
      if (acc.non_finite()) {
        const double want = acc.non_finite_value();
        const bool same = std::isnan(want) ? std::isnan(got) : got == want;
        out.violation = !same;
        out.reason = std::isnan(want) ? "non-finite inputs: expected NaN"
                                      : "non-finite inputs: expected an infinity";
        return out;
      }
      s = acc.round_to(binary64);
      e = 0;
    }
    const double tabs = next_up(std::fabs(s) + e);
    double bound = 0, warn = 0, bound_lo = 0;
    if (tolerance) {
      bound = next_up(atol + next_up(rtol * tabs));
      bound_lo = next_down(atol + next_down(rtol * std::max(0.0, next_down(std::fabs(s) - e))));
      warn = std::numeric_limits<double>::infinity();
    } else {
      bm.bounds(n, gacc(nt + 1), a, babs, tabs, bound, warn);
      bound_lo = bound;
      if (std::isinf(bound)) out.unbounded = true;
    }
    out.bound = bound;
    if (std::isinf(got)) {
      if (!have_exact) compute_exact();
      // the exact value is beyond the format's largest finite value: the infinity is its rounding
      if (acc.round_to(storage) == got) {
        out.overflowed = true;
        return out;
      }
    }
    if (!std::isfinite(got)) {
      out.violation = true;
      out.err = std::numeric_limits<double>::infinity();
      out.reason = std::isnan(got) ? "NaN where the exact value is finite"
                                   : "infinity where the exact value is finite";
      return out;
    }
    const double d = std::fabs(got - s);
    out.err = d;
    if (!have_exact) {
      const double hi = next_up(next_up(d) + e);
      const double lo = std::max(0.0, next_down(next_down(d) - e));
      if (hi <= bound_lo) {
        out.violation = false;
      } else if (lo > bound) {
        out.violation = true;
      } else {
        compute_exact();
      }
    }
    if (have_exact && !out.violation) {
      if (tolerance) {
        const double t = acc.round_to(binary64);
        out.violation = !(std::fabs(got - t) <= atol + rtol * std::fabs(t));
        out.err = std::fabs(got - t);
      } else {
        double err;
        out.violation = !exact_within(acc, got, bound, err);
        out.err = err;
      }
    }
    if (!out.violation && out.err > warn) out.warning = true;
    out.ulps = out.err / ulp_of(s, storage);
    return out;
  };

  // elements the interval judge can decide: rigorous mode, inputs exact, y in the accumulation's
  // format
  const bool interval = fast && !tolerance && bm.inputs_exact && !bm.storage_coarser;
  parallel_parts(total, threads, [&](int part, std::int64_t lo, std::int64_t hi) {
    partial& pt = parts[static_cast<std::size_t>(part)];
    superacc acc;
    auto record = [&](std::int64_t f, const element_outcome& o) {
      if (o.exact_used) ++pt.exact;
      if (o.unbounded) ++pt.unbounded;
      if (o.overflowed) ++pt.overflowed;
      const double ratio = o.bound > 0
                               ? o.err / o.bound
                               : (o.err > 0 ? std::numeric_limits<double>::infinity() : 0.0);
      if (ratio > pt.max_ratio) pt.max_ratio = ratio, pt.max_ratio_f = f;
      if (o.ulps > pt.max_ulps) pt.max_ulps = o.ulps, pt.max_ulps_f = f;
      if (o.violation) {
        ++pt.violations;
        if (static_cast<int>(pt.viol.size()) < opt.max_listed) pt.viol.push_back(f);
      } else if (o.warning) {
        ++pt.warnings;
        if (static_cast<int>(pt.warn.size()) < opt.max_listed) pt.warn.push_back(f);
      }
    };
    if (!interval) {
      for (std::int64_t f = lo; f < hi; ++f) record(f, judge(f, acc));
      return;
    }
    constexpr std::int64_t block = 1024;
    std::vector<double> scratch(static_cast<std::size_t>(block * 11));
    double* col = scratch.data();
    auto column = [&](int k) { return col + k * block; };
    const interval_inputs in{nullptr,   nullptr,   column(0), column(1),
                             column(2), column(3), column(4), column(5)};
    const double* code = column(10);
    const interval_outputs out{column(10), column(6), column(7), column(8)};
    // walk (channel, o0, o1, o2) along the flat index; coefficients change only with n
    auto pos = g.split(lo);
    std::int64_t last_n = -1;
    double cge = 0, cgb = 0, cunder = 0, cpw = 0;
    for (std::int64_t b0 = lo; b0 < hi; b0 += block) {
      const std::int64_t cnt = std::min(block, hi - b0);
      for (std::int64_t i = 0; i < cnt; ++i) {
        const std::int64_t nt = g.cin_g * g.taps(0, pos[2]) * g.taps(1, pos[3]) * g.taps(2, pos[4]);
        if (nt != last_n) {
          const auto n = static_cast<double>(nt);
          last_n = nt, cge = g53(nt), cgb = gacc(nt + 1);
          cunder = up(up(n * bm.m.eta_acc) * up(1 + cgb));
          cpw = bm.lambda * std::sqrt(n + 1) * bm.m.u_acc;
        }
        column(9)[i] = static_cast<double>(est.a_up[static_cast<std::size_t>(b0 + i)]);
        column(0)[i] = b != nullptr ? std::fabs(static_cast<double>(b[pos[1]])) : 0.0;
        column(1)[i] = static_cast<double>(y[b0 + i]);
        column(2)[i] = cge, column(3)[i] = cgb, column(4)[i] = cunder, column(5)[i] = cpw;
        if (++pos[4] == g.out[2]) {
          pos[4] = 0;
          if (++pos[3] == g.out[1]) {
            pos[3] = 0;
            if (++pos[2] == g.out[0])
              pos[2] = 0, pos[1] = pos[1] + 1 == g.out_channels ? 0 : pos[1] + 1;
          }
        }
      }
      interval_inputs blk = in;
      blk.s = est.s.data() + b0, blk.a = column(9);
      interval_judge(cnt, blk, out);
      for (std::int64_t i = 0; i < cnt; ++i) {
        const std::int64_t f = b0 + i;
        if (code[i] == 2) {
          record(f, judge(f, acc));
          continue;
        }
        element_outcome o;
        o.violation = code[i] == 1;
        o.err = column(6)[i], o.bound = column(7)[i];
        o.warning = !o.violation && o.err > column(8)[i];
        o.ulps = o.err / ulp_of(est.s[static_cast<std::size_t>(f)], storage);
        record(f, o);
      }
    }
  });

  rep.elements_checked = total;
  std::vector<std::int64_t> viol, warn;
  double mr = -1, mu = -1;
  for (const auto& pt : parts) {
    rep.violations += pt.violations, rep.warnings += pt.warnings;
    rep.exact_fallbacks += pt.exact, rep.unbounded += pt.unbounded, rep.overflowed += pt.overflowed;
    if (pt.max_ratio > mr)
      mr = pt.max_ratio, rep.max_ratio_index = full_index(g, p, pt.max_ratio_f);
    if (pt.max_ulps > mu) mu = pt.max_ulps, rep.max_ulps_index = full_index(g, p, pt.max_ulps_f);
    viol.insert(viol.end(), pt.viol.begin(), pt.viol.end());
    warn.insert(warn.end(), pt.warn.begin(), pt.warn.end());
  }
  rep.max_error_to_bound = std::max(mr, 0.0);
  rep.max_ulps = std::max(mu, 0.0);
  rep.ok = rep.violations == 0;
  auto describe_list = [&](const std::vector<std::int64_t>& fs, std::vector<finding>& into) {
    superacc acc;
    for (std::size_t i = 0; i < fs.size() && static_cast<int>(i) < opt.max_listed; ++i) {
      const std::int64_t f = fs[i];
      const element_outcome o = judge(f, acc);
      finding fd;
      fd.index = full_index(g, p, f);
      fd.got = static_cast<double>(y[f]);
      exact_element(g, f, x, w, b, acc);
      fd.exact = acc.round_to(binary64);
      fd.exact_decimal = acc.decimal(25);
      fd.exact_hex = acc.hex();
      double err = std::numeric_limits<double>::infinity();
      if (std::isfinite(fd.got) && !acc.non_finite()) {
        superacc r = acc;
        r.add(-fd.got);
        err = std::fabs(r.round_to(binary64));
      }
      fd.error = err;
      fd.bound = o.bound;
      fd.reason = o.reason;
      into.push_back(std::move(fd));
    }
  };
  describe_list(viol, rep.first_violations);
  describe_list(warn, rep.first_warnings);
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
