#pragma once
// The fast estimate of a float32 layer, per output element: s, the sum in double, and
// a_up >= sum |x||w|. Float32 products are exact in double, so s (through a GEMM for large layers,
// any summation order) is within gamma_n(2^-53) * (sum |x||w| + |b|) of the exact sum; callers
// decide from that interval when they can, and fall back to the exact sum for the few elements
// whose verdict or rounding it leaves in doubt.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <vector>

#include "tconv/check/geometry.hpp"
#include "tconv/check/huge_pages.hpp"
#include "tconv/check/rounding.hpp"
#include "tconv/detail/parallel.hpp"

#if TCONV_CHECK_HAVE_CBLAS
#include <cblas.h>
#endif

namespace tconv::check {

/// The fast estimate of a float32 layer: s = the sum in double (products exact) and a_up >= sum
/// |x||w| (bias excluded), per output element.
struct estimate {
  huge_vector<double> s;
  huge_vector<float> a_up;  // rounded upward to float: 12 bytes per output element in all
  bool used_gemm = false;
};

namespace detail {

// upward bound of sum|x||w| from a double sum a of n exact nonnegative products:
// a (1 + gamma_n(2^-53)), rounded up
inline double a_from_double_sum(double a, std::int64_t n) {
  return next_up(a * next_up(1 + gamma_up(static_cast<double>(n), 0x1p-53)));
}

// s and a_up element by element through geometry::for_each_term (layers the GEMM does not take)
inline void direct_estimate(const geometry& g, const float* x, const float* w, const float* b,
                            estimate& est, int threads) {
  tconv::detail::parallel_for(g.out_count(), threads, [&](std::int64_t lo, std::int64_t hi) {
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
  tconv::detail::parallel_for(g.groups * g.cin_g, threads, [&](std::int64_t lo, std::int64_t hi) {
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

// The GEMM's blocking. First touch of memory is slow on virtual machines: scratch is kept small
// (about 8 + 2 x 2 MB), and channel blocks are small enough that a GEMM chunk has at least
// min(columns, 64) columns: a large kernel (FCN, k64) otherwise streams its whole weight matrix for
// a handful of columns.
struct gemm_plan {
  std::int64_t rows, cols_total;  // weight rows per input channel (cout_g * K); columns (n, i)
  std::int64_t per_channel;       // output values per channel: batch * out_volume
  std::int64_t block, chunk;      // output channels per block; columns per chunk
};
inline gemm_plan plan_gemm(const geometry& g) {
  gemm_plan p{};
  p.rows = g.cout_g * g.kernel_volume, p.cols_total = g.batch * g.in_volume;
  p.per_channel = g.batch * g.out_volume;
  const std::int64_t min_cols = std::min<std::int64_t>(p.cols_total, 64);
  p.block =
      std::clamp<std::int64_t>(std::min((std::int64_t{1} << 20) / p.per_channel,
                                        (std::int64_t{1} << 18) / (g.kernel_volume * min_cols)),
                               1, g.cout_g);
  p.chunk = std::clamp<std::int64_t>((std::int64_t{1} << 18) / (p.block * g.kernel_volume),
                                     min_cols, p.cols_total);
  return p;
}

// Per axis, the output position of kernel tap k and input position i at [k * in + i], or -1.
inline std::array<std::vector<std::int64_t>, 3> gemm_out_positions(const geometry& g) {
  std::array<std::vector<std::int64_t>, 3> om;
  for (int ax = 0; ax < 3; ++ax) {
    auto& m = om[static_cast<std::size_t>(ax)];
    m.resize(static_cast<std::size_t>(g.kernel[ax] * g.in[ax]));
    for (std::int64_t k = 0; k < g.kernel[ax]; ++k)
      for (std::int64_t i = 0; i < g.in[ax]; ++i)
        m[static_cast<std::size_t>(k * g.in[ax] + i)] = gemm_out_position(g, ax, k, i);
  }
  return om;
}

// The input position (n, i0, i1, i2) of GEMM column j = n * in_volume + (i0 * in1 + i1) * in2 + i2,
// stepped column by column instead of divided out for each.
struct column_cursor {
  std::int64_t n, i0, i1, i2;
  column_cursor(const geometry& g, std::int64_t j) : n(j / g.in_volume) {
    const std::int64_t r = j % g.in_volume;
    i2 = r % g.in[2], i1 = (r / g.in[2]) % g.in[1], i0 = r / (g.in[2] * g.in[1]);
  }
  void advance(const geometry& g) {
    if (++i2 < g.in[2]) return;
    i2 = 0;
    if (++i1 < g.in[1]) return;
    i1 = 0;
    if (++i0 < g.in[0]) return;
    i0 = 0, ++n;
  }
};

// Where col2im adds C[(c, k), j] and |C|[(c, k), j] of input position (n, i): at
// s[n * s_batch + c * out_volume + o(k, i)] and a[n * a_batch + c * out_volume + o(k, i)], s and a
// pointing at the block's first channel.
struct scatter_target {
  double *s, *a;
  std::int64_t s_batch, a_batch;
  std::int64_t channel;  // between channels: out_volume, or a slab's volume (tiled.hpp)
};

// The innermost axis of the layer that is not trivial (input or kernel extent above 1; axis 2 when
// none is): rank-1 and rank-2 layers keep their last axes at extent 1.
[[nodiscard]] inline int inner_axis(const geometry& g) {
  for (int ax = 2; ax > 0; --ax)
    if (g.in[ax] > 1 || g.kernel[ax] > 1) return ax;
  return 0;
}

// One row of C and |C| (channel c of the block, one kernel tap whose per-axis output positions
// are m[axis][i]) added at the output positions of columns [at, at + nc).
inline void scatter_row(const geometry& g, const scatter_target& t, std::int64_t c,
                        const std::array<const std::int64_t*, 3>& m, const double* cr,
                        const double* ar, column_cursor at, std::int64_t nc) {
  // a run of columns along the inner axis at a time: the other output positions are fixed in it
  const int ia = inner_axis(g);
  const std::array<std::int64_t, 3> stride{g.out[1] * g.out[2], g.out[2], 1};
  for (std::int64_t jj = 0; jj < nc;) {
    std::array<std::int64_t, 3> i{at.i0, at.i1, at.i2};
    const auto u = static_cast<std::size_t>(ia);
    const std::int64_t run = std::min(nc - jj, g.in[ia] - i[u]);
    std::int64_t base = c * t.channel, outside = 0;
    for (std::size_t ax = 0; ax < 3; ++ax) {
      if (ax == u) continue;
      const std::int64_t o = m[ax][i[ax]];
      outside |= o;
      base += o * stride[ax];
    }
    if (outside >= 0) {
      double* srow = t.s + at.n * t.s_batch + base;
      double* arow = t.a + at.n * t.a_batch + base;
      const std::int64_t* mi = m[u] + i[u];
      const std::int64_t step = stride[u];
      for (std::int64_t r = 0; r < run; ++r) {
        const std::int64_t o = mi[r];
        if (o >= 0) srow[o * step] += cr[jj + r], arow[o * step] += ar[jj + r];
      }
    }
    jj += run;
    if (ia == 0) at.i0 += run - 1;
    if (ia == 1) at.i1 += run - 1;
    if (ia == 2) at.i2 += run - 1;
    at.advance(g);
  }
}

// The col2im of channels [c0, c1) of one chunk (rows (c, k) of C and |C|, nc columns from j0).
inline void scatter_channels(const geometry& g, const scatter_target& t, std::int64_t c0,
                             std::int64_t c1, std::int64_t j0, std::int64_t nc,
                             const std::array<std::vector<std::int64_t>, 3>& om, const double* cm,
                             const double* am) {
  const column_cursor first(g, j0);
  for (std::int64_t c = c0; c < c1; ++c)
    for (std::int64_t k0 = 0; k0 < g.kernel[0]; ++k0)
      for (std::int64_t k1 = 0; k1 < g.kernel[1]; ++k1)
        for (std::int64_t k2 = 0; k2 < g.kernel[2]; ++k2) {
          const std::int64_t row = ((c * g.kernel[0] + k0) * g.kernel[1] + k1) * g.kernel[2] + k2;
          const std::array<const std::int64_t*, 3> m{om[0].data() + k0 * g.in[0],
                                                     om[1].data() + k1 * g.in[1],
                                                     om[2].data() + k2 * g.in[2]};
          scatter_row(g, t, c, m, cm + row * nc, am + row * nc, first, nc);
        }
}

// The col2im of one chunk of channels [0, cn), split over them so that threads never write the
// same element.
inline void gemm_scatter(const geometry& g, const scatter_target& t, std::int64_t cn,
                         std::int64_t j0, std::int64_t nc,
                         const std::array<std::vector<std::int64_t>, 3>& om, const double* cm,
                         const double* am, int threads) {
  tconv::detail::parallel_for(cn, threads, [&](std::int64_t c0, std::int64_t c1) {
    scatter_channels(g, t, c0, c1, j0, nc, om, cm, am);
  });
}

// Columns [j0, j0 + nc) of group grp's input as the GEMM's right factor [cin_g, nc] row-major:
// x into xm, |x| into xa (both exact in double).
inline void gemm_columns(const geometry& g, const float* x, std::int64_t grp, std::int64_t j0,
                         std::int64_t nc, double* xm, double* xa, int threads) {
  tconv::detail::parallel_for(g.cin_g, threads, [&](std::int64_t c0, std::int64_t c1) {
    for (std::int64_t cl = c0; cl < c1; ++cl)
      for (std::int64_t jj = 0, n = j0 / g.in_volume, i = j0 % g.in_volume; jj < nc; ++jj) {
        const auto v =
            static_cast<double>(x[(n * g.in_channels + grp * g.cin_g + cl) * g.in_volume + i]);
        xm[cl * nc + jj] = v;
        xa[cl * nc + jj] = std::fabs(v);
        if (++i == g.in_volume) i = 0, ++n;
      }
  });
}

// a_up of the channel block [cb, cb + cn) of group grp from ab, a double sum of n exact
// nonnegative products: a_up = ab (1 + gamma_n(2^-53)), rounded up, stored as a float rounded up.
inline void gemm_magnitudes(const geometry& g, std::int64_t grp, std::int64_t cb, std::int64_t cn,
                            const huge_vector<double>& ab, const gamma_table& g53, estimate& est,
                            int threads) {
  tconv::detail::parallel_for(g.batch * cn, threads, [&](std::int64_t lo, std::int64_t hi) {
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

// s += b[channel] for every output element.
inline void add_bias(const geometry& g, const float* b, estimate& est, int threads) {
  tconv::detail::parallel_for(g.batch * g.out_channels, threads,
                              [&](std::int64_t lo, std::int64_t hi) {
                                for (std::int64_t blk = lo; blk < hi; ++blk) {
                                  const double bv = static_cast<double>(b[blk % g.out_channels]);
                                  double* row = est.s.data() + blk * g.out_volume;
                                  for (std::int64_t o = 0; o < g.out_volume; ++o) row[o] += bv;
                                }
                              });
}

// The scratch of gemm_estimate: weights and their magnitudes, one chunk of columns, one chunk of
// C and |C|, and the magnitude sums of one channel block.
struct gemm_scratch {
  scratch_buffer<double> wd, wa, xm, xa, cm, am;
  huge_vector<double> ab;
  gemm_scratch(const geometry& g, const gemm_plan& p)
      : wd(static_cast<std::size_t>(g.weight_count())),
        wa(wd.size()),
        xm(static_cast<std::size_t>(g.cin_g * p.chunk)),
        xa(xm.size()),
        cm(static_cast<std::size_t>(p.block * g.kernel_volume * p.chunk)),
        am(cm.size()) {}
};

// One channel block [cb, cb + cn) of group grp: C = W^T X and |C| = |W|^T |X| chunk by chunk,
// each scattered into s and ab, then a_up from ab.
inline void gemm_channel_block(const geometry& g, const float* x, const gemm_plan& p,
                               const std::array<std::int64_t, 3>& grp_cb_cn,
                               const std::array<std::vector<std::int64_t>, 3>& om,
                               const gamma_table& g53, gemm_scratch& sc, estimate& est,
                               int threads) {
  const auto [grp, cb, cn] = grp_cb_cn;
  const int m = static_cast<int>(cn * g.kernel_volume), kk = static_cast<int>(g.cin_g);
  const auto woff = static_cast<std::size_t>(grp * g.cin_g * p.rows + cb * g.kernel_volume);
  sc.ab.assign(static_cast<std::size_t>(cn * p.per_channel), 0.0);
  for (std::int64_t j0 = 0; j0 < p.cols_total; j0 += p.chunk) {
    const std::int64_t nc = std::min(p.chunk, p.cols_total - j0);
    gemm_columns(g, x, grp, j0, nc, sc.xm.data(), sc.xa.data(), threads);
    const int n = static_cast<int>(nc), lda = static_cast<int>(p.rows);
    cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, m, n, kk, 1.0, sc.wd.data() + woff, lda,
                sc.xm.data(), n, 0.0, sc.cm.data(), n);
    cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, m, n, kk, 1.0, sc.wa.data() + woff, lda,
                sc.xa.data(), n, 0.0, sc.am.data(), n);
    const scatter_target to{est.s.data() + (grp * g.cout_g + cb) * g.out_volume, sc.ab.data(),
                            g.out_channels * g.out_volume, cn * g.out_volume, g.out_volume};
    gemm_scatter(g, to, cn, j0, nc, om, sc.cm.data(), sc.am.data(), threads);
  }
  gemm_magnitudes(g, grp, cb, cn, sc.ab, g53, est, threads);
}

// conv and conv_transpose as GEMM + col2im: per group and block of output channels,
// C[(c,k), (n,i)] = sum_ci W[ci, (c,k)] x[n,ci,i] in double (every product exact), then each C
// entry is added into the output element that tap k and input position i meet in. The same pass
// with |W| and |x| gives sum |x||w|, accumulated in double for one channel block (at most 2^21
// values) and stored rounded up to float. Columns go in chunks of at most 2^19 scratch entries.
inline void gemm_estimate(const geometry& g, const float* x, const float* w, const float* b,
                          estimate& est, int threads) {
  const gemm_plan p = plan_gemm(g);
  gemm_scratch sc(g, p);
  gemm_weights(g, w, sc.wd, sc.wa, threads);
  const auto om = gemm_out_positions(g);
  openblas_set_num_threads(threads);
  const gamma_table g53(std::min<std::int64_t>(g.max_terms, 1 << 22), 0x1p-53);
  for (std::int64_t grp = 0; grp < g.groups; ++grp)
    for (std::int64_t cb = 0; cb < g.cout_g; cb += p.block)
      gemm_channel_block(g, x, p, {grp, cb, std::min(p.block, g.cout_g - cb)}, om, g53, sc, est,
                         threads);
  if (b != nullptr) add_bias(g, b, est, threads);
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
  est.s.assign(total, 0.0);
  est.a_up.assign(total, 0.0f);
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

}  // namespace tconv::check
