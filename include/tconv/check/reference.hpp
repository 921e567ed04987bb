#pragma once
// The exact reference of a conv / conv_transpose layer on float data, and its fast estimate.
//
// Exact: each output element is a sum of products of two floats (plus a bias), accumulated with
// no rounding at all in a superacc and rounded once.
// Fast: float32 products are exact in double, so the sum computed in double (through a GEMM for
// large transposed convolutions) is within gamma_n(2^-53) * (sum |x||w| + |b|) of the exact sum,
// in any summation order. Callers decide from that interval when they can, and fall back to the
// exact sum for the few elements whose verdict or rounding the interval leaves in doubt.
#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <mutex>
#include <thread>
#include <vector>

#include "tconv/check/superacc.hpp"
#include "tconv/problem.hpp"

#if TCONV_CHECK_HAVE_CBLAS
#include <cblas.h>
#endif

namespace tconv::check {

/// The next double above x (x itself when +inf or NaN).
[[nodiscard]] inline double next_up(double x) {
  if (std::isnan(x) || x == std::numeric_limits<double>::infinity()) return x;
  if (x == 0) return std::numeric_limits<double>::denorm_min();
  const auto b = std::bit_cast<std::uint64_t>(x);
  return std::bit_cast<double>(x > 0 ? b + 1 : b - 1);
}
/// The next double below x.
[[nodiscard]] inline double next_down(double x) { return -next_up(-x); }

/// gamma(m) = m u / (1 - m u), rounded upward; +inf when m u >= 1.
[[nodiscard]] inline double gamma_up(double m, double u) {
  const double mu = m * u;  // exact: u is a power of two
  if (mu >= 1) return std::numeric_limits<double>::infinity();
  return next_up(mu / next_down(1 - mu));
}

/// gamma_up(m, u) for m in [0, max_m], tabulated (computed on demand beyond 2^22).
class gamma_table {
 public:
  gamma_table(std::int64_t max_m, double u) : u_(u) {
    if (max_m <= (std::int64_t{1} << 22))
      for (std::int64_t m = 0; m <= max_m; ++m) t_.push_back(gamma_up(static_cast<double>(m), u));
  }
  [[nodiscard]] double operator()(std::int64_t m) const {
    return m < static_cast<std::int64_t>(t_.size()) ? t_[static_cast<std::size_t>(m)] : gamma_up(static_cast<double>(m), u_);
  }

 private:
  double u_;
  std::vector<double> t_;
};

/// Runs f(part, begin, end) over [0, count) split into up to `threads` parts, one thread each.
template <class F>
void parallel_parts(std::int64_t count, int threads, F&& f) {
  if (threads <= 1 || count < 2) {
    f(0, std::int64_t{0}, count);
    return;
  }
  const int t = static_cast<int>(std::min<std::int64_t>(threads, count));
  std::vector<std::thread> pool;
  for (int i = 1; i < t; ++i)
    pool.emplace_back([&, i] { f(i, count * i / t, count * (i + 1) / t); });
  f(0, std::int64_t{0}, count / t);
  for (auto& th : pool) th.join();
}
/// Runs f(begin, end) over [0, count) on up to `threads` threads.
template <class F>
void parallel_for(std::int64_t count, int threads, F&& f) {
  parallel_parts(count, threads, [&](int, std::int64_t lo, std::int64_t hi) { f(lo, hi); });
}

/// Index arithmetic of one layer: which (x, w) pairs meet in each output element.
struct geometry {
  op_kind op = op_kind::conv_transpose;
  std::int64_t batch = 1, in_channels = 1, out_channels = 1, groups = 1, cin_g = 1, cout_g = 1;
  extents in{1, 1, 1}, out{1, 1, 1}, kernel{1, 1, 1}, stride{1, 1, 1}, dilation{1, 1, 1},
      pad_begin{0, 0, 0};
  std::int64_t kernel_volume = 1, in_volume = 1, out_volume = 1;
  // per axis and output position o: the taps (k, i) in [tap_begin[o], tap_begin[o+1])
  std::array<std::vector<std::int64_t>, 3> tap_begin, tap_k, tap_i;
  std::vector<std::int64_t> spatial_terms;  // products per output position (same for every n, c)
  std::int64_t max_terms = 0;

  /// The geometry of a valid problem p as op (p is validated by the caller).
  geometry(const problem& p, op_kind o) : op(o) {
    batch = p.batch, in_channels = p.in_channels, out_channels = p.out_channels, groups = p.groups;
    cin_g = in_channels / groups, cout_g = out_channels / groups;
    const extents oe = output_extents(p, o);
    for (int a = 0; a < 3; ++a) {
      if (a < p.rank) {
        in[a] = p.input[a], out[a] = oe[a], kernel[a] = p.kernel[a], stride[a] = p.stride[a];
        dilation[a] = p.dilation[a], pad_begin[a] = p.pad_begin[a];
      }
      kernel_volume *= kernel[a], in_volume *= in[a], out_volume *= out[a];
      auto& tb = tap_begin[a];
      tb.assign(static_cast<std::size_t>(out[a] + 1), 0);
      for (std::int64_t q = 0; q < out[a]; ++q) {
        tb[static_cast<std::size_t>(q)] = static_cast<std::int64_t>(tap_k[a].size());
        for (std::int64_t k = 0; k < kernel[a]; ++k) {
          std::int64_t i = -1;
          if (o == op_kind::conv) {
            i = q * stride[a] - pad_begin[a] + k * dilation[a];
            if (i >= in[a]) i = -1;
          } else {
            const std::int64_t t = q + pad_begin[a] - k * dilation[a];
            if (t >= 0 && t % stride[a] == 0 && t / stride[a] < in[a]) i = t / stride[a];
          }
          if (i < 0) continue;
          tap_k[a].push_back(k);
          tap_i[a].push_back(i);
        }
      }
      tb[static_cast<std::size_t>(out[a])] = static_cast<std::int64_t>(tap_k[a].size());
    }
    spatial_terms.resize(static_cast<std::size_t>(out_volume));
    for (std::int64_t o0 = 0, f = 0; o0 < out[0]; ++o0)
      for (std::int64_t o1 = 0; o1 < out[1]; ++o1)
        for (std::int64_t o2 = 0; o2 < out[2]; ++o2, ++f) {
          const std::int64_t t = cin_g * taps(0, o0) * taps(1, o1) * taps(2, o2);
          spatial_terms[static_cast<std::size_t>(f)] = t;
          max_terms = std::max(max_terms, t);
        }
  }

  [[nodiscard]] std::int64_t out_count() const { return batch * out_channels * out_volume; }
  [[nodiscard]] std::int64_t in_count() const { return batch * in_channels * in_volume; }
  [[nodiscard]] std::int64_t weight_count() const {
    return (op == op_kind::conv ? out_channels * cin_g : in_channels * cout_g) * kernel_volume;
  }
  [[nodiscard]] std::int64_t taps(int a, std::int64_t o) const {
    const auto& tb = tap_begin[static_cast<std::size_t>(a)];
    return tb[static_cast<std::size_t>(o + 1)] - tb[static_cast<std::size_t>(o)];
  }
  /// (n, c, o0, o1, o2) of a flat output index.
  [[nodiscard]] std::array<std::int64_t, 5> split(std::int64_t f) const {
    std::array<std::int64_t, 5> r{};
    r[4] = f % out[2], f /= out[2];
    r[3] = f % out[1], f /= out[1];
    r[2] = f % out[0], f /= out[0];
    r[1] = f % out_channels, r[0] = f / out_channels;
    return r;
  }
  /// Number of products in output element f.
  [[nodiscard]] std::int64_t terms(std::int64_t f) const {
    return spatial_terms[static_cast<std::size_t>(f % out_volume)];
  }
  /// The output channel of flat output index f.
  [[nodiscard]] std::int64_t channel(std::int64_t f) const { return (f / out_volume) % out_channels; }

  /// Calls g(x_index, w_index) for every product of output element f.
  template <class G>
  void for_each_term(std::int64_t f, G&& g) const {
    const auto e = split(f);
    const std::int64_t n = e[0], co = e[1], grp = co / cout_g;
    const std::int64_t t0b = tap_begin[0][static_cast<std::size_t>(e[2])], t0e = tap_begin[0][static_cast<std::size_t>(e[2] + 1)];
    const std::int64_t t1b = tap_begin[1][static_cast<std::size_t>(e[3])], t1e = tap_begin[1][static_cast<std::size_t>(e[3] + 1)];
    const std::int64_t t2b = tap_begin[2][static_cast<std::size_t>(e[4])], t2e = tap_begin[2][static_cast<std::size_t>(e[4] + 1)];
    for (std::int64_t cl = 0; cl < cin_g; ++cl) {
      const std::int64_t ci = grp * cin_g + cl;
      const std::int64_t xb = (n * in_channels + ci) * in_volume;
      const std::int64_t wb = (op == op_kind::conv ? co * cin_g + cl : ci * cout_g + co % cout_g) * kernel_volume;
      for (std::int64_t t0 = t0b; t0 < t0e; ++t0) {
        const auto u0 = static_cast<std::size_t>(t0);
        const std::int64_t x0 = tap_i[0][u0] * in[1], w0 = tap_k[0][u0] * kernel[1];
        for (std::int64_t t1 = t1b; t1 < t1e; ++t1) {
          const auto u1 = static_cast<std::size_t>(t1);
          const std::int64_t x1 = (x0 + tap_i[1][u1]) * in[2], w1 = (w0 + tap_k[1][u1]) * kernel[2];
          for (std::int64_t t2 = t2b; t2 < t2e; ++t2) {
            const auto u2 = static_cast<std::size_t>(t2);
            g(xb + x1 + tap_i[2][u2], wb + w1 + tap_k[2][u2]);
          }
        }
      }
    }
  }
};

/// The exact value of output element f (b may be null).
template <class T>
void exact_element(const geometry& g, std::int64_t f, const T* x, const T* w, const T* b, superacc& acc) {
  acc.clear();
  g.for_each_term(f, [&](std::int64_t xi, std::int64_t wi) {
    acc.add_product(static_cast<double>(x[xi]), static_cast<double>(w[wi]));
  });
  if (b != nullptr) acc.add(static_cast<double>(b[g.channel(f)]));
}

/// The fast estimate of a float32 layer: s = the sum in double (products exact) and a_up >= sum |x||w|
/// (bias excluded), per output element.
struct estimate {
  std::vector<double> s, a_up;
  bool used_gemm = false;
};

namespace detail {

// upward bound of sum|x||w| from a double sum of exact nonnegative products (n terms)
inline double a_from_double_sum(double a, std::int64_t n) {
  return next_up(a * next_up(1 + gamma_up(static_cast<double>(n), 0x1p-53)));
}

inline void direct_estimate(const geometry& g, const float* x, const float* w, const float* b,
                            estimate& est, int threads) {
  parallel_for(g.out_count(), threads, [&](std::int64_t lo, std::int64_t hi) {
    for (std::int64_t f = lo; f < hi; ++f) {
      double s = 0, a = 0;
      std::int64_t n = 0;
      g.for_each_term(f, [&](std::int64_t xi, std::int64_t wi) {
        const double p = static_cast<double>(x[xi]) * static_cast<double>(w[wi]);
        s += p;
        a += std::fabs(p);
        ++n;
      });
      if (b != nullptr) s += static_cast<double>(b[g.channel(f)]);
      est.s[static_cast<std::size_t>(f)] = s;
      est.a_up[static_cast<std::size_t>(f)] = a_from_double_sum(a, n);
    }
  });
}

#if TCONV_CHECK_HAVE_CBLAS
// conv_transpose as GEMM + col2im: per group, C[(c,k), (n,i)] = sum_ci w[ci,c,k] x[n,ci,i], then
// each C entry is added into y[n, c, i*s + k*d - pb]. Columns are processed in chunks so that the
// scratch stays bounded (O(weights + 2^22) doubles).
inline void gemm_estimate(const geometry& g, const float* x, const float* w, const float* b,
                          estimate& est, int threads) {
  constexpr bool tight_abs = true;
  const std::int64_t rows = g.cout_g * g.kernel_volume, cols_total = g.batch * g.in_volume;
  const std::int64_t chunk = std::clamp<std::int64_t>((std::int64_t{1} << 22) / rows, 1, cols_total);
  const auto wn = static_cast<std::size_t>(g.weight_count());
  std::vector<double> wd(wn);
  std::vector<float> wa(tight_abs ? wn : 0);
  for (std::size_t i = 0; i < wn; ++i) {
    wd[i] = w[i];
    if (tight_abs) wa[i] = std::fabs(w[i]);
  }
  std::vector<double> bm(static_cast<std::size_t>(g.cin_g * chunk)), cm(static_cast<std::size_t>(rows * chunk));
  std::vector<float> bam(tight_abs ? bm.size() : 0), cam(tight_abs ? cm.size() : 0);
  std::vector<double>& s = est.s;
  std::vector<double> a(tight_abs ? s.size() : 0, 0.0);
  // output position of (k, i) on each axis, or -1
  std::array<std::vector<std::int64_t>, 3> om;
  for (int ax = 0; ax < 3; ++ax) {
    om[ax].resize(static_cast<std::size_t>(g.kernel[ax] * g.in[ax]));
    for (std::int64_t k = 0; k < g.kernel[ax]; ++k)
      for (std::int64_t i = 0; i < g.in[ax]; ++i) {
        const std::int64_t o = i * g.stride[ax] + k * g.dilation[ax] - g.pad_begin[ax];
        om[ax][static_cast<std::size_t>(k * g.in[ax] + i)] = (o >= 0 && o < g.out[ax]) ? o : -1;
      }
  }
  for (std::int64_t grp = 0; grp < g.groups; ++grp) {
    for (std::int64_t j0 = 0; j0 < cols_total; j0 += chunk) {
      const std::int64_t nc = std::min(chunk, cols_total - j0);
      parallel_for(g.cin_g, threads, [&](std::int64_t c0, std::int64_t c1) {
        for (std::int64_t cl = c0; cl < c1; ++cl)
          for (std::int64_t jj = 0; jj < nc; ++jj) {
            const std::int64_t j = j0 + jj, n = j / g.in_volume, i = j % g.in_volume;
            const float v = x[(n * g.in_channels + grp * g.cin_g + cl) * g.in_volume + i];
            bm[static_cast<std::size_t>(cl * nc + jj)] = v;
            if (tight_abs) bam[static_cast<std::size_t>(cl * nc + jj)] = std::fabs(v);
          }
      });
      const std::size_t woff = static_cast<std::size_t>(grp * g.cin_g * rows);
      cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, static_cast<int>(rows), static_cast<int>(nc),
                  static_cast<int>(g.cin_g), 1.0, wd.data() + woff, static_cast<int>(rows), bm.data(),
                  static_cast<int>(nc), 0.0, cm.data(), static_cast<int>(nc));
      if (tight_abs)
        cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, static_cast<int>(rows), static_cast<int>(nc),
                    static_cast<int>(g.cin_g), 1.0f, wa.data() + woff, static_cast<int>(rows), bam.data(),
                    static_cast<int>(nc), 0.0f, cam.data(), static_cast<int>(nc));
      // col2im, split over output channels so that threads never write the same element
      parallel_for(g.cout_g, threads, [&](std::int64_t c0, std::int64_t c1) {
        for (std::int64_t c = c0; c < c1; ++c)
          for (std::int64_t k0 = 0; k0 < g.kernel[0]; ++k0)
            for (std::int64_t k1 = 0; k1 < g.kernel[1]; ++k1)
              for (std::int64_t k2 = 0; k2 < g.kernel[2]; ++k2) {
                const std::int64_t row = ((c * g.kernel[0] + k0) * g.kernel[1] + k1) * g.kernel[2] + k2;
                const double* cr = cm.data() + row * nc;
                const float* car = tight_abs ? cam.data() + row * nc : nullptr;
                const std::int64_t* m0 = om[0].data() + k0 * g.in[0];
                const std::int64_t* m1 = om[1].data() + k1 * g.in[1];
                const std::int64_t* m2 = om[2].data() + k2 * g.in[2];
                std::int64_t j = j0, n = j / g.in_volume, r = j % g.in_volume;
                std::int64_t i2 = r % g.in[2], i1 = (r / g.in[2]) % g.in[1], i0 = r / (g.in[2] * g.in[1]);
                for (std::int64_t jj = 0; jj < nc; ++jj) {
                  const std::int64_t o0 = m0[i0], o1 = m1[i1], o2 = m2[i2];
                  if ((o0 | o1 | o2) >= 0) {
                    const auto yi = static_cast<std::size_t>(
                        ((n * g.out_channels + grp * g.cout_g + c) * g.out[0] + o0) * g.out[1] * g.out[2] +
                        o1 * g.out[2] + o2);
                    s[yi] += cr[jj];
                    if (car) a[yi] += static_cast<double>(car[jj]);
                  }
                  if (++i2 == g.in[2]) {
                    i2 = 0;
                    if (++i1 == g.in[1]) {
                      i1 = 0;
                      if (++i0 == g.in[0]) i0 = 0, ++n;
                    }
                  }
                }
              }
      });
    }
  }
  const std::int64_t total = g.out_count();
  if (b != nullptr)
    parallel_for(g.batch * g.out_channels, threads, [&](std::int64_t lo, std::int64_t hi) {
      for (std::int64_t blk = lo; blk < hi; ++blk) {
        const double bv = static_cast<double>(b[blk % g.out_channels]);
        double* row = s.data() + blk * g.out_volume;
        for (std::int64_t o = 0; o < g.out_volume; ++o) row[o] += bv;
      }
    });
  const gamma_table g24(g.max_terms, 0x1p-24);
  if (tight_abs) {
    // a holds float32 partial sums of float32-rounded products (then added in double): each of the
    // n products went through at most n roundings of unit 2^-24 plus an underflow of at most 2^-149
    parallel_for(total, threads, [&](std::int64_t lo, std::int64_t hi) {
      for (std::int64_t f = lo; f < hi; ++f) {
        const auto fi = static_cast<std::size_t>(f);
        const std::int64_t nt = g.terms(f);
        const auto n = static_cast<double>(nt);
        if (!std::isfinite(a[fi])) {  // float32 overflow in the partial sums: redo in double
          double acc = 0;
          g.for_each_term(f, [&](std::int64_t xi, std::int64_t wi) {
            acc += std::fabs(static_cast<double>(x[xi]) * static_cast<double>(w[wi]));
          });
          est.a_up[fi] = a_from_double_sum(acc, static_cast<std::int64_t>(n));
          continue;
        }
        const double t = next_up(a[fi] + next_up(n * 0x1p-149));
        est.a_up[fi] = next_up(t * next_up(1 + g24(nt)));
      }
    });
  }
}
#endif

}  // namespace detail

/// True when the fast estimate will go through BLAS for this layer.
[[nodiscard]] inline bool uses_gemm(const geometry& g) {
#if TCONV_CHECK_HAVE_CBLAS
  const double work = static_cast<double>(g.out_count()) * static_cast<double>(g.cin_g);
  return g.op == op_kind::conv_transpose && work >= 1 << 20 &&
         g.cout_g * g.kernel_volume < (std::int64_t{1} << 31) && g.cin_g < (std::int64_t{1} << 31) &&
         g.batch * g.in_volume < (std::int64_t{1} << 31);
#else
  (void)g;
  return false;
#endif
}

/// The fast estimate of a float32 layer: s and a_up per element.
[[nodiscard]] inline estimate estimate_float(const geometry& g, const float* x, const float* w,
                                             const float* b, int threads) {
  estimate est;
  const auto total = static_cast<std::size_t>(g.out_count());
  est.s.assign(total, 0.0);
  est.a_up.assign(total, 0.0);
#if TCONV_CHECK_HAVE_CBLAS
  if (uses_gemm(g)) {
    est.used_gemm = true;
    detail::gemm_estimate(g, x, w, b, est, threads);
    return est;
  }
#endif
  detail::direct_estimate(g, x, w, b, est, threads);
  return est;
}

/// Rounds a double to the nearest float (ties to even), overflowing to +-inf as IEEE does.
[[nodiscard]] inline float to_float_rn(double v) {
  constexpr double limit = 0x1.ffffffp127;  // FLT_MAX + half an ulp: rounds to inf
  if (v >= limit) return std::numeric_limits<float>::infinity();
  if (v <= -limit) return -std::numeric_limits<float>::infinity();
  return static_cast<float>(v);
}

/// The correctly rounded float32 result (float data). Returns how many elements needed exact arithmetic.
inline std::int64_t reference_float(const geometry& g, const float* x, const float* w, const float* b,
                                    float* y, int threads) {
  const estimate est = estimate_float(g, x, w, b, threads);
  const std::int64_t total = g.out_count();
  std::vector<std::int64_t> doubt;
  std::mutex doubt_mutex;
  const gamma_table g53(g.max_terms, 0x1p-53);
  parallel_for(total, threads, [&](std::int64_t lo, std::int64_t hi) {
    std::vector<std::int64_t> mine;
    for (std::int64_t f = lo; f < hi; ++f) {
      const auto fi = static_cast<std::size_t>(f);
      const double s = est.s[fi];
      const double bb = b != nullptr ? std::fabs(static_cast<double>(b[g.channel(f)])) : 0.0;
      const double e = next_up(g53(g.terms(f)) * next_up(est.a_up[fi] + bb));
      const float r0 = to_float_rn(next_down(s - e)), r1 = to_float_rn(next_up(s + e));
      if (std::isfinite(s) && std::isfinite(e) && r0 == r1) y[f] = r0;
      else mine.push_back(f);
    }
    const std::lock_guard<std::mutex> lock(doubt_mutex);
    doubt.insert(doubt.end(), mine.begin(), mine.end());
  });
  parallel_for(static_cast<std::int64_t>(doubt.size()), threads, [&](std::int64_t lo, std::int64_t hi) {
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
  parallel_for(g.out_count(), threads, [&](std::int64_t lo, std::int64_t hi) {
    superacc acc;
    for (std::int64_t f = lo; f < hi; ++f) {
      exact_element(g, f, x, w, b, acc);
      y[f] = acc.round_to(binary64);
    }
  });
}

}  // namespace tconv::check
