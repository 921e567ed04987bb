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
#include <numeric>
#include <thread>
#include <vector>

#include "tconv/check/huge_pages.hpp"
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
    return m < static_cast<std::int64_t>(t_.size()) ? t_[static_cast<std::size_t>(m)]
                                                    : gamma_up(static_cast<double>(m), u_);
  }

 private:
  double u_;
  std::vector<double> t_;
};

/// The threads to use: `requested` (<= 0: up to 2) capped at the machine's concurrency, so that
/// --threads 2147483647 runs on the cores there are instead of failing to start threads.
[[nodiscard]] inline int thread_count(int requested) {
  const int machine = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  return requested <= 0 ? std::min(2, machine) : std::min(requested, machine);
}

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

/// Floor of a / b for b > 0.
[[nodiscard]] constexpr std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  return a >= 0 ? a / b : -((-a + b - 1) / b);
}

/// The taps of one output position on one axis: kernel index k0 + j*dk meets input index
/// i0 + j*di for j in [0, count).
struct axis_taps {
  std::int64_t k0 = 0, i0 = 0, count = 0;
};

/// Index arithmetic of one layer: which (x, w) pairs meet in each output element.
/// Memory is O(1) per axis beyond a cache of at most 2^20 positions: the taps of an output position
/// form an arithmetic progression, computed from the congruence k d = q + pb (mod s).
struct geometry {
  op_kind op = op_kind::conv_transpose;
  std::int64_t batch = 1, in_channels = 1, out_channels = 1, groups = 1, cin_g = 1, cout_g = 1;
  extents in{1, 1, 1}, out{1, 1, 1}, kernel{1, 1, 1}, stride{1, 1, 1}, dilation{1, 1, 1},
      pad_begin{0, 0, 0};
  std::int64_t kernel_volume = 1, in_volume = 1, out_volume = 1;
  // per axis: the progression steps, and for conv_transpose the congruence's solution data
  std::array<std::int64_t, 3> dk{1, 1, 1}, di{0, 0, 0}, gcd_sd{1, 1, 1}, inv_d{0, 0, 0};
  // per axis, when out[a] <= 2^20: the taps of every position (computed on demand otherwise)
  std::array<std::vector<axis_taps>, 3> cache;
  std::int64_t max_terms = 0;  // an upper bound of the products per output element

  static constexpr std::int64_t max_cached_positions = std::int64_t{1} << 20;

  /// The geometry of a valid problem p as op (p is validated by the caller).
  geometry(const problem& p, op_kind o) : op(o) {
    batch = p.batch, in_channels = p.in_channels, out_channels = p.out_channels, groups = p.groups;
    cin_g = in_channels / groups, cout_g = out_channels / groups;
    const extents oe = output_extents(p, o);
    max_terms = cin_g;
    for (int a = 0; a < 3; ++a) {
      if (a < p.rank) {
        in[a] = p.input[a], out[a] = oe[a], kernel[a] = p.kernel[a], stride[a] = p.stride[a];
        dilation[a] = p.dilation[a], pad_begin[a] = p.pad_begin[a];
      }
      kernel_volume *= kernel[a], in_volume *= in[a], out_volume *= out[a];
      init_axis(a);
      max_terms *= std::min(
          (kernel[a] + dk[static_cast<std::size_t>(a)] - 1) / dk[static_cast<std::size_t>(a)],
          in[a]);
    }
  }

  /// The taps of output position q on axis a.
  [[nodiscard]] axis_taps taps_at(int a, std::int64_t q) const {
    const auto& c = cache[static_cast<std::size_t>(a)];
    if (!c.empty()) return c[static_cast<std::size_t>(q)];
    return compute_taps(a, q);
  }
  [[nodiscard]] std::int64_t taps(int a, std::int64_t q) const { return taps_at(a, q).count; }

  [[nodiscard]] std::int64_t out_count() const { return batch * out_channels * out_volume; }
  [[nodiscard]] std::int64_t in_count() const { return batch * in_channels * in_volume; }
  [[nodiscard]] std::int64_t weight_count() const {
    return (op == op_kind::conv ? out_channels * cin_g : in_channels * cout_g) * kernel_volume;
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
  /// Number of products of output position (o0, o1, o2) (of every element there).
  [[nodiscard]] std::int64_t spatial_terms(std::int64_t o0, std::int64_t o1,
                                           std::int64_t o2) const {
    return cin_g * taps(0, o0) * taps(1, o1) * taps(2, o2);
  }
  /// Number of products in output element f.
  [[nodiscard]] std::int64_t terms(std::int64_t f) const {
    const auto e = split(f);
    return spatial_terms(e[2], e[3], e[4]);
  }
  /// The output channel of flat output index f.
  [[nodiscard]] std::int64_t channel(std::int64_t f) const {
    return (f / out_volume) % out_channels;
  }

  /// Calls g(x_index, w_index) for every product of output element f.
  template <class G>
  void for_each_term(std::int64_t f, G&& g) const {
    const auto e = split(f);
    const std::int64_t n = e[0], co = e[1], grp = co / cout_g;
    const axis_taps t0 = taps_at(0, e[2]), t1 = taps_at(1, e[3]), t2 = taps_at(2, e[4]);
    for (std::int64_t cl = 0; cl < cin_g; ++cl) {
      const std::int64_t ci = grp * cin_g + cl;
      const std::int64_t xb = (n * in_channels + ci) * in_volume;
      const std::int64_t wb =
          (op == op_kind::conv ? co * cin_g + cl : ci * cout_g + co % cout_g) * kernel_volume;
      for (std::int64_t j0 = 0; j0 < t0.count; ++j0) {
        const std::int64_t x0 = (t0.i0 + j0 * di[0]) * in[1], w0 = (t0.k0 + j0 * dk[0]) * kernel[1];
        for (std::int64_t j1 = 0; j1 < t1.count; ++j1) {
          const std::int64_t x1 = (x0 + t1.i0 + j1 * di[1]) * in[2],
                             w1 = (w0 + t1.k0 + j1 * dk[1]) * kernel[2];
          for (std::int64_t j2 = 0; j2 < t2.count; ++j2)
            g(xb + x1 + t2.i0 + j2 * di[2], wb + w1 + t2.k0 + j2 * dk[2]);
        }
      }
    }
  }

 private:
  void init_axis(int a) {
    const auto u = static_cast<std::size_t>(a);
    if (op == op_kind::conv) {
      dk[u] = 1, di[u] = dilation[u];  // i = q s - pb + k d
    } else {
      // t = q + pb - k d must be a multiple of s: k = k* (mod s/g) when g = gcd(s, d) divides q +
      // pb
      std::int64_t g = std::gcd(stride[u], dilation[u]);
      gcd_sd[u] = g;
      const std::int64_t sp = stride[u] / g, dp = dilation[u] / g;
      dk[u] = sp, di[u] = -dp;
      inv_d[u] = sp == 1 ? 0 : inverse_mod(dp % sp, sp);
    }
    if (out[u] <= max_cached_positions) {
      cache[u].resize(static_cast<std::size_t>(out[u]));
      for (std::int64_t q = 0; q < out[u]; ++q)
        cache[u][static_cast<std::size_t>(q)] = compute_taps(a, q);
    }
  }
  // the inverse of v modulo m (gcd(v, m) = 1, m > 1), by the extended Euclidean algorithm
  [[nodiscard]] static std::int64_t inverse_mod(std::int64_t v, std::int64_t m) {
    std::int64_t r0 = m, r1 = v, t0 = 0, t1 = 1;
    while (r1 != 0) {
      const std::int64_t qq = r0 / r1;
      std::int64_t tmp = r0 - qq * r1;
      r0 = r1, r1 = tmp;
      tmp = t0 - qq * t1;
      t0 = t1, t1 = tmp;
    }
    return ((t0 % m) + m) % m;
  }
  [[nodiscard]] axis_taps compute_taps(int a, std::int64_t q) const {
    const auto u = static_cast<std::size_t>(a);
    const std::int64_t s = stride[u], d = dilation[u], pb = pad_begin[u], n_in = in[u],
                       n_k = kernel[u];
    std::int64_t klo = 0, khi = n_k - 1;  // k range before the congruence
    axis_taps t;
    if (op == op_kind::conv) {
      // 0 <= q s - pb + k d < in
      klo = std::max(klo, -floor_div(q * s - pb, d));
      khi = std::min(khi, floor_div(n_in - 1 - q * s + pb, d));
      if (khi < klo) return t;
      return {klo, q * s - pb + klo * d, khi - klo + 1};
    }
    // 0 <= q + pb - k d <= (in - 1) s
    const std::int64_t c = q + pb;
    klo = std::max(klo, -floor_div(-(c - (n_in - 1) * s), d));  // ceil((c - (in-1) s) / d)
    khi = std::min(khi, floor_div(c, d));
    const std::int64_t g = gcd_sd[u], sp = dk[u];
    if (khi < klo || c - floor_div(c, g) * g != 0) return t;
    std::int64_t kr = 0;  // the residue of k modulo s/g
    if (sp > 1) {
      const std::int64_t cm = c / g - floor_div(c / g, sp) * sp;  // (c/g) mod s', exact since g | c
      kr = (cm * inv_d[u]) % sp;
    }
    const std::int64_t k0 = klo + ((kr - klo) % sp + sp) % sp;
    if (k0 > khi) return t;
    return {k0, (c - k0 * d) / s, (khi - k0) / sp + 1};
  }
};

/// The exact value of output element f (b may be null).
template <class T>
void exact_element(const geometry& g, std::int64_t f, const T* x, const T* w, const T* b,
                   superacc& acc) {
  acc.clear();
  g.for_each_term(f, [&](std::int64_t xi, std::int64_t wi) {
    acc.add_product(static_cast<double>(x[xi]), static_cast<double>(w[wi]));
  });
  if (b != nullptr) acc.add(static_cast<double>(b[g.channel(f)]));
}

/// The fast estimate of a float32 layer: s = the sum in double (products exact) and a_up >= sum
/// |x||w| (bias excluded), per output element.
struct estimate {
  std::vector<double> s;
  std::vector<float> a_up;  // rounded upward to float: 12 bytes per output element in all
  bool used_gemm = false;
};

/// The smallest float >= v (+inf beyond the float range).
[[nodiscard]] inline float float_up(double v) {
  float f = static_cast<float>(v);
  if (static_cast<double>(f) < v) f = std::nextafter(f, std::numeric_limits<float>::infinity());
  return f;
}

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
      est.a_up[static_cast<std::size_t>(f)] = float_up(a_from_double_sum(a, n));
    }
  });
}

#if TCONV_CHECK_HAVE_CBLAS
// Output position of kernel tap k and input position i on axis ax, or -1 when they do not meet:
// conv_transpose o = i s + k d - pb; conv i = o s - pb + k d, so o = (i + pb - k d) / s.
inline std::int64_t gemm_out_position(const geometry& g, int ax, std::int64_t k, std::int64_t i) {
  const auto u = static_cast<std::size_t>(ax);
  std::int64_t o = -1;
  if (g.op == op_kind::conv_transpose) {
    o = i * g.stride[u] + k * g.dilation[u] - g.pad_begin[u];
  } else {
    const std::int64_t t = i + g.pad_begin[u] - k * g.dilation[u];
    if (t >= 0 && t % g.stride[u] == 0) o = t / g.stride[u];
  }
  return o >= 0 && o < g.out[u] ? o : -1;
}

// The weights of one layer as the GEMM's left factor, per group a [cin_g, cout_g * K] row-major
// matrix, in double: `wd` the values, `wa` their magnitudes (both exact: floats are doubles).
inline void gemm_weights(const geometry& g, const float* w, scratch_buffer<double>& wd,
                         scratch_buffer<double>& wa, int threads) {
  const std::int64_t rows = g.cout_g * g.kernel_volume;
  parallel_for(g.groups * g.cin_g, threads, [&](std::int64_t lo, std::int64_t hi) {
    for (std::int64_t gc = lo; gc < hi; ++gc) {  // gc = group * cin_g + cl
      const std::int64_t grp = gc / g.cin_g, cl = gc % g.cin_g;
      for (std::int64_t r = 0; r < rows; ++r) {
        // conv_transpose w is [C_in, C_out/g, K...]: already [ci][(c, k)]; conv w is [C_out,
        // C_in/g, K...]
        const std::int64_t c = r / g.kernel_volume, k = r % g.kernel_volume;
        const std::int64_t src = g.op == op_kind::conv_transpose
                                     ? gc * rows + r
                                     : ((grp * g.cout_g + c) * g.cin_g + cl) * g.kernel_volume + k;
        const auto dst = static_cast<std::size_t>(gc * rows + r);
        wd[dst] = static_cast<double>(w[src]);
        wa[dst] = std::fabs(wd[dst]);
      }
    }
  });
}

// Adds column block C[(c, k), j0 + jj] (c in the channel block [cb, cb + cn) of group grp) into
// s[n, grp*cout_g + cb + c, o(k, i)] and a[n, c, o(k, i)] (col2im), split over the block's channels
// so that threads never write the same element.
struct scatter_target {
  std::int64_t grp, cb, cn;
  double *s, *a;
};
inline void gemm_scatter(const geometry& g, const scatter_target& t, std::int64_t j0,
                         std::int64_t nc, const std::array<std::vector<std::int64_t>, 3>& om,
                         const double* cm, const double* am, int threads) {
  parallel_for(t.cn, threads, [&](std::int64_t c0, std::int64_t c1) {
    for (std::int64_t c = c0; c < c1; ++c)
      for (std::int64_t k0 = 0; k0 < g.kernel[0]; ++k0)
        for (std::int64_t k1 = 0; k1 < g.kernel[1]; ++k1)
          for (std::int64_t k2 = 0; k2 < g.kernel[2]; ++k2) {
            const std::int64_t row = ((c * g.kernel[0] + k0) * g.kernel[1] + k1) * g.kernel[2] + k2;
            const double* cr = cm + row * nc;
            const double* ar = am + row * nc;
            const std::int64_t* m0 = om[0].data() + k0 * g.in[0];
            const std::int64_t* m1 = om[1].data() + k1 * g.in[1];
            const std::int64_t* m2 = om[2].data() + k2 * g.in[2];
            std::int64_t n = j0 / g.in_volume, r = j0 % g.in_volume;
            std::int64_t i2 = r % g.in[2], i1 = (r / g.in[2]) % g.in[1],
                         i0 = r / (g.in[2] * g.in[1]);
            for (std::int64_t jj = 0; jj < nc; ++jj) {
              const std::int64_t o0 = m0[i0], o1 = m1[i1], o2 = m2[i2];
              if ((o0 | o1 | o2) >= 0) {
                const std::int64_t o = (o0 * g.out[1] + o1) * g.out[2] + o2;
                t.s[(n * g.out_channels + t.grp * g.cout_g + t.cb + c) * g.out_volume + o] +=
                    cr[jj];
                t.a[(n * t.cn + c) * g.out_volume + o] += ar[jj];
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

// conv and conv_transpose as GEMM + col2im: per group and block of output channels,
// C[(c,k), (n,i)] = sum_ci W[ci, (c,k)] x[n,ci,i] in double (every product exact), then each C
// entry is added into the output element that tap k and input position i meet in. The same pass
// with |W| and |x| gives sum |x||w|, accumulated in double for one channel block (at most 2^21
// values) and stored rounded up to float. Columns go in chunks of at most 2^19 scratch entries.
inline void gemm_estimate(const geometry& g, const float* x, const float* w, const float* b,
                          estimate& est, int threads) {
  const std::int64_t rows = g.cout_g * g.kernel_volume, cols_total = g.batch * g.in_volume;
  const std::int64_t per_channel = g.batch * g.out_volume;
  // first touch of memory is slow on virtual machines: scratch kept small (about 8 + 2 x 2 MB)
  // channel blocks small enough that a GEMM chunk has at least min(columns, 64) columns: a large
  // kernel (FCN, k64) otherwise streams its whole weight matrix for a handful of columns
  const std::int64_t min_cols = std::min<std::int64_t>(cols_total, 64);
  const std::int64_t block =
      std::clamp<std::int64_t>(std::min((std::int64_t{1} << 20) / per_channel,
                                        (std::int64_t{1} << 18) / (g.kernel_volume * min_cols)),
                               1, g.cout_g);
  const std::int64_t chunk = std::clamp<std::int64_t>(
      (std::int64_t{1} << 18) / (block * g.kernel_volume), min_cols, cols_total);
  const auto wn = static_cast<std::size_t>(g.weight_count());
  scratch_buffer<double> wd(wn), wa(wn);
  gemm_weights(g, w, wd, wa, threads);
  scratch_buffer<double> xm(static_cast<std::size_t>(g.cin_g * chunk)), xa(xm.size());
  scratch_buffer<double> cm(static_cast<std::size_t>(block * g.kernel_volume * chunk)),
      am(cm.size());
  std::vector<double> ab;
  std::array<std::vector<std::int64_t>, 3> om;  // output position of (k, i) per axis, or -1
  for (int ax = 0; ax < 3; ++ax) {
    om[ax].resize(static_cast<std::size_t>(g.kernel[ax] * g.in[ax]));
    for (std::int64_t k = 0; k < g.kernel[ax]; ++k)
      for (std::int64_t i = 0; i < g.in[ax]; ++i)
        om[ax][static_cast<std::size_t>(k * g.in[ax] + i)] = gemm_out_position(g, ax, k, i);
  }
  openblas_set_num_threads(threads);
  const gamma_table g53(std::min<std::int64_t>(g.max_terms, 1 << 22), 0x1p-53);
  const int kk = static_cast<int>(g.cin_g);
  for (std::int64_t grp = 0; grp < g.groups; ++grp)
    for (std::int64_t cb = 0; cb < g.cout_g; cb += block) {
      const std::int64_t cn = std::min(block, g.cout_g - cb);
      const int m = static_cast<int>(cn * g.kernel_volume);
      const std::size_t woff =
          static_cast<std::size_t>(grp * g.cin_g * rows + cb * g.kernel_volume);
      resize_on_huge_pages(ab, static_cast<std::size_t>(cn * per_channel));
      for (std::int64_t j0 = 0; j0 < cols_total; j0 += chunk) {
        const std::int64_t nc = std::min(chunk, cols_total - j0);
        parallel_for(g.cin_g, threads, [&](std::int64_t c0, std::int64_t c1) {
          for (std::int64_t cl = c0; cl < c1; ++cl)
            for (std::int64_t jj = 0, n = j0 / g.in_volume, i = j0 % g.in_volume; jj < nc; ++jj) {
              const auto v = static_cast<double>(
                  x[(n * g.in_channels + grp * g.cin_g + cl) * g.in_volume + i]);
              xm[static_cast<std::size_t>(cl * nc + jj)] = v;
              xa[static_cast<std::size_t>(cl * nc + jj)] = std::fabs(v);
              if (++i == g.in_volume) i = 0, ++n;
            }
        });
        const int n = static_cast<int>(nc), lda = static_cast<int>(rows);
        cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, m, n, kk, 1.0, wd.data() + woff, lda,
                    xm.data(), n, 0.0, cm.data(), n);
        cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, m, n, kk, 1.0, wa.data() + woff, lda,
                    xa.data(), n, 0.0, am.data(), n);
        gemm_scatter(g, {grp, cb, cn, est.s.data(), ab.data()}, j0, nc, om, cm.data(), am.data(),
                     threads);
      }
      // ab holds a double sum of exact nonnegative products: a_up = ab (1 + gamma_n(2^-53)), up
      parallel_for(g.batch * cn, threads, [&](std::int64_t lo, std::int64_t hi) {
        for (std::int64_t nc_ = lo; nc_ < hi; ++nc_) {
          const std::int64_t n = nc_ / cn, c = nc_ % cn;
          const std::int64_t base = (n * g.out_channels + grp * g.cout_g + cb + c) * g.out_volume;
          std::int64_t o = 0;
          for (std::int64_t o0 = 0; o0 < g.out[0]; ++o0)
            for (std::int64_t o1 = 0; o1 < g.out[1]; ++o1)
              for (std::int64_t o2 = 0; o2 < g.out[2]; ++o2, ++o) {
                const double av = ab[static_cast<std::size_t>(nc_ * g.out_volume + o)];
                const double grow = next_up(1 + g53(g.spatial_terms(o0, o1, o2)));
                est.a_up[static_cast<std::size_t>(base + o)] = float_up(next_up(av * grow));
              }
        }
      });
    }
  if (b != nullptr)
    parallel_for(g.batch * g.out_channels, threads, [&](std::int64_t lo, std::int64_t hi) {
      for (std::int64_t blk = lo; blk < hi; ++blk) {
        const double bv = static_cast<double>(b[blk % g.out_channels]);
        double* row = est.s.data() + blk * g.out_volume;
        for (std::int64_t o = 0; o < g.out_volume; ++o) row[o] += bv;
      }
    });
}
#endif

}  // namespace detail

/// Above this many scratch entries per axis (kernel x input extent) the GEMM path is not taken.
inline constexpr std::int64_t max_gemm_axis_table = std::int64_t{1} << 22;

/// True when the fast estimate will go through BLAS for this layer: enough work, int-sized GEMM
/// dimensions, and (conv) a stride product of at most 4, since GEMM computes every (tap, input)
/// pair and a strided conv uses only one in stride of them per axis.
[[nodiscard]] inline bool uses_gemm(const geometry& g) {
#if TCONV_CHECK_HAVE_CBLAS
  const double work = static_cast<double>(g.out_count()) * static_cast<double>(g.cin_g);
  const std::int64_t lim = std::int64_t{1} << 31;
  bool small_tables = true;
  for (int a = 0; a < 3; ++a)
    small_tables = small_tables && g.kernel[a] * g.in[a] <= max_gemm_axis_table;
  const bool dense =
      g.op == op_kind::conv_transpose || g.stride[0] * g.stride[1] * g.stride[2] <= 4;
  return dense && small_tables && work >= 1 << 20 && g.cout_g * g.kernel_volume < lim &&
         g.cin_g < lim && g.batch * g.in_volume < lim;
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
  resize_on_huge_pages(est.s, total);
  resize_on_huge_pages(est.a_up, total);
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

/// The correctly rounded float32 result (float data). Returns how many elements needed exact
/// arithmetic.
inline std::int64_t reference_float(const geometry& g, const float* x, const float* w,
                                    const float* b, float* y, int threads) {
  // threads pay only beyond some work (the check uses the same threshold)
  if (static_cast<double>(g.out_count()) * static_cast<double>(g.cin_g) < 65536) threads = 1;
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
      if (std::isfinite(s) && std::isfinite(e) && r0 == r1)
        y[f] = r0;
      else
        mine.push_back(f);
    }
    const std::lock_guard<std::mutex> lock(doubt_mutex);
    doubt.insert(doubt.end(), mine.begin(), mine.end());
  });
  parallel_for(static_cast<std::int64_t>(doubt.size()), threads,
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
  parallel_for(g.out_count(), threads, [&](std::int64_t lo, std::int64_t hi) {
    superacc acc;
    for (std::int64_t f = lo; f < hi; ++f) {
      exact_element(g, f, x, w, b, acc);
      y[f] = acc.round_to(binary64);
    }
  });
}

}  // namespace tconv::check
