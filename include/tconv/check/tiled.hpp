#pragma once
// The tiled fast path of a float32 layer that goes through BLAS: one tile is a block of output
// channels of one group, every batch item. Per tile, the estimate (s, the sum in double, and
// a, the double sum of |x||w|) is computed by GEMM + col2im into per-thread scratch, consumed at
// once (judged, or rounded), and the scratch is reused by the next tile. Nothing of the size of
// the output is allocated besides the output itself, so memory stays O(inputs + outputs) and the
// first touch of fresh pages (about 1 ms per MB on the VMs tconv runs on) is paid for a few MB
// per thread, not for 12 bytes per output element; threads take whole tiles (GEMM, col2im and
// judgement all run in parallel).
#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <span>
#include <vector>

#include "tconv/check/estimate.hpp"
#include "tconv/check/geometry.hpp"
#include "tconv/check/huge_pages.hpp"
#include "tconv/detail/parallel.hpp"

#if TCONV_CHECK_HAVE_CBLAS

// OpenBLAS (pthreads): stops its worker threads, which otherwise spin in sched_yield for about
// 0.1 s after each call (and from the start) on the cores the tiles run on; a later call that asks
// for more than one thread starts them again.
extern "C" int blas_thread_shutdown_(void);

namespace tconv::check {

/// A tile: output channels [cb, cb + cn) of group grp, every batch item, output rows [q0, q1) on
/// axis 0 (all of them unless the layer is cut in slabs), from input rows [i0, i1) on axis 0.
struct tile {
  std::int64_t grp, cb, cn;
  std::int64_t q0, q1, i0, i1;
};

/// The tiles of a layer and the GEMM's blocking within one.
struct tile_plan {
  std::int64_t cols_total;    // GEMM columns (n, i): batch * in_volume
  std::int64_t per_channel;   // output values per channel: batch * out_volume
  std::int64_t block, chunk;  // output channels per tile; columns per GEMM chunk
  std::int64_t values = 0;    // the most output values of one tile
  std::vector<tile> tiles;
};

/// The flat output positions of each (n, c) row of tile t: [begin, begin + count).
struct tile_span {
  std::int64_t begin, count;
};
[[nodiscard]] inline tile_span span_of(const geometry& g, const tile& t) {
  const std::int64_t inner = g.out_volume / g.out[0];
  return {t.q0 * inner, (t.q1 - t.q0) * inner};
}

namespace detail {

// Output channels per tile so that a tile has at most max_values outputs over per_channel values
// each and a GEMM chunk has at least min_cols columns, and at least two tiles per thread where
// there are channels enough.
[[nodiscard]] inline std::int64_t channel_block(const geometry& g, std::int64_t per_channel,
                                                std::int64_t max_values, std::int64_t chunk_values,
                                                std::int64_t min_cols, int threads) {
  std::int64_t block =
      std::min(max_values / per_channel, chunk_values / (g.kernel_volume * min_cols));
  const std::int64_t per_group = (2 * threads + g.groups - 1) / g.groups;
  block = std::min(block, (g.cout_g + per_group - 1) / per_group);
  return std::clamp<std::int64_t>(block, 1, g.cout_g);
}

// Slabs of axis 0, for a transposed convolution whose taps on axis 0 never overlap
// ((k - 1) d < s: input row i reaches output rows [i s - p, i s - p + s) only) and whose channel
// tiles would give the GEMM fewer than 64 rows (the 3D U-Net's k2 s2: two channels, 16 rows, X
// packed again for every tile): a tile is then many channels over a slab of whole input rows,
// [i0, i1) -> output rows [i0 s - p, i1 s - p) clamped to the output, with no halo to recompute.
// Returns the input rows per slab (row_values: the outputs of one input row per channel), or 0
// where slabs do not apply or do not help.
[[nodiscard]] inline std::int64_t slab_rows(const geometry& g, std::int64_t block,
                                            std::int64_t slab_block, std::int64_t row_values,
                                            std::int64_t max_values) {
  const bool apart = (g.kernel[0] - 1) * g.dilation[0] < g.stride[0];
  if (g.op != op_kind::conv_transpose || !apart || g.in[0] < 2 || block * g.kernel_volume >= 64 ||
      slab_block <= block)
    return 0;
  return std::max<std::int64_t>(1, max_values / (slab_block * row_values));
}

}  // namespace detail

/// Tiles of at most 2^16 output values (s and a of a tile: 1 MB, about a core's L2) and GEMM chunks
/// of at most 2^15 C entries, but at least min(columns, 64) columns per chunk (a large kernel
/// streams its weights once per chunk), and at least two tiles per thread where there are channels
/// enough; slabs of axis 0 where detail::slab_rows says so.
[[nodiscard]] inline tile_plan plan_tiles(const geometry& g, int threads) {
  constexpr std::int64_t max_tile_values = std::int64_t{1} << 16;
  constexpr std::int64_t max_chunk_values = std::int64_t{1} << 15;
  tile_plan p;
  p.cols_total = g.batch * g.in_volume;
  p.per_channel = g.batch * g.out_volume;
  const std::int64_t min_cols = std::min<std::int64_t>(p.cols_total, 64);
  p.block =
      detail::channel_block(g, p.per_channel, max_tile_values, max_chunk_values, min_cols, threads);
  // a slab's channels: as many as one input row's outputs and a chunk allow
  const std::int64_t inner = g.out_volume / g.out[0], row_values = g.batch * g.stride[0] * inner;
  const std::int64_t slab_block = std::clamp<std::int64_t>(
      std::min(max_tile_values / row_values, max_chunk_values / (g.kernel_volume * min_cols)), 1,
      g.cout_g);
  const std::int64_t rows = detail::slab_rows(g, p.block, slab_block, row_values, max_tile_values);
  if (rows > 0) p.block = slab_block;
  p.chunk = std::clamp<std::int64_t>(max_chunk_values / (p.block * g.kernel_volume), min_cols,
                                     p.cols_total);
  for (std::int64_t grp = 0; grp < g.groups; ++grp)
    for (std::int64_t cb = 0; cb < g.cout_g; cb += p.block) {
      const std::int64_t cn = std::min(p.block, g.cout_g - cb);
      if (rows == 0) {
        p.tiles.push_back({grp, cb, cn, 0, g.out[0], 0, g.in[0]});
        continue;
      }
      for (std::int64_t i0 = 0; i0 < g.in[0]; i0 += rows) {
        const std::int64_t i1 = std::min(g.in[0], i0 + rows);
        const auto row_at = [&](std::int64_t i) {
          return std::clamp<std::int64_t>(i * g.stride[0] - g.pad_begin[0], 0, g.out[0]);
        };
        const std::int64_t q0 = i0 == 0 ? 0 : row_at(i0),
                           q1 = i1 == g.in[0] ? g.out[0] : row_at(i1);
        // rows whose outputs all fall in the padding: no tile (their products reach no output)
        if (q1 > q0) p.tiles.push_back({grp, cb, cn, q0, q1, i0, i1});
      }
    }
  for (const tile& t : p.tiles)
    p.values = std::max(p.values, t.cn * g.batch * (t.q1 - t.q0) * inner);
  return p;
}

/// The GEMM's right factor, converted once for every tile: per input channel ci the row
/// [(n, i)] of x (values and magnitudes, in double: exact), [C_in, batch * in_volume].
struct tile_inputs {
  scratch_buffer<double> xd, xa;
  tile_inputs(const geometry& g, const float* x, int threads)
      : xd(static_cast<std::size_t>(g.in_count())), xa(xd.size()) {
    const std::int64_t cols = g.batch * g.in_volume;
    tconv::detail::parallel_for(g.in_channels, threads, [&](std::int64_t lo, std::int64_t hi) {
      for (std::int64_t ci = lo; ci < hi; ++ci)
        for (std::int64_t n = 0; n < g.batch; ++n) {
          const float* src = x + (n * g.in_channels + ci) * g.in_volume;
          double* vd = xd.data() + ci * cols + n * g.in_volume;
          double* va = xa.data() + ci * cols + n * g.in_volume;
          for (std::int64_t i = 0; i < g.in_volume; ++i) {
            vd[i] = static_cast<double>(src[i]);
            va[i] = std::fabs(vd[i]);
          }
        }
    });
  }
};

/// One thread's scratch: the tile's weights (values and magnitudes, [cin_g, cn * K] in double),
/// one chunk of C, the tile's s and a ([batch, cn, span]), and the output positions of axis 0's
/// taps relative to the tile's first row (om0: gemm_out_positions, -1 outside the tile). The six
/// arrays share one allocation: each from 64 KiB on would otherwise be a 2 MiB page of its own
/// (scratch_buffer), zeroed by the kernel at its first touch.
struct tile_scratch {
  scratch_buffer<double> mem;
  std::span<double> wd, wa, cm, am, s, a;
  std::array<std::vector<std::int64_t>, 3> om;
  tile_scratch(const geometry& g, const tile_plan& p,
               const std::array<std::vector<std::int64_t>, 3>& positions)
      : mem(total(g, p)), om(positions) {
    double* at = mem.data();
    const auto carve = [&](std::int64_t n) {
      const std::span<double> part(at, static_cast<std::size_t>(n));
      at += padded(n);
      return part;
    };
    wd = carve(weights(g, p)), wa = carve(weights(g, p));
    cm = carve(chunk(g, p)), am = carve(chunk(g, p));
    s = carve(p.values), a = carve(p.values);
  }

 private:
  static std::int64_t weights(const geometry& g, const tile_plan& p) {
    return g.cin_g * p.block * g.kernel_volume;
  }
  static std::int64_t chunk(const geometry& g, const tile_plan& p) {
    return p.block * g.kernel_volume * p.chunk;
  }
  static std::int64_t padded(std::int64_t n) { return (n + 7) / 8 * 8; }  // 64-byte aligned parts
  static std::size_t total(const geometry& g, const tile_plan& p) {
    return static_cast<std::size_t>(
        2 * (padded(weights(g, p)) + padded(chunk(g, p)) + padded(p.values)));
  }
};

namespace detail {

// The tile's weights as the GEMM's left factor [cin_g, cn * K], row-major, in double.
inline void tile_weights(const geometry& g, const float* w, const tile& t, tile_scratch& sc) {
  const std::int64_t K = g.kernel_volume, cols = t.cn * K;
  for (std::int64_t cl = 0; cl < g.cin_g; ++cl)
    for (std::int64_t c = 0; c < t.cn; ++c) {
      const std::int64_t co = t.cb + c;  // within the group
      // conv_transpose w is [C_in, C_out/g, K...]; conv w is [C_out, C_in/g, K...]
      const std::int64_t src = g.op == op_kind::conv_transpose
                                   ? ((t.grp * g.cin_g + cl) * g.cout_g + co) * K
                                   : ((t.grp * g.cout_g + co) * g.cin_g + cl) * K;
      double* vd = sc.wd.data() + cl * cols + c * K;
      double* va = sc.wa.data() + cl * cols + c * K;
      for (std::int64_t k = 0; k < K; ++k) {
        vd[k] = static_cast<double>(w[src + k]);
        va[k] = std::fabs(vd[k]);
      }
    }
}

// The taps along the inner axis of each row group (c and the other taps) of one chunk, for every
// column: the outputs they reach are consecutive, so for a kernel longer than the input (FCN's
// k64 on 7 columns) this order writes runs of the output instead of scattering short runs.
inline void tile_scatter_taps(const geometry& g, const tile& t, std::int64_t j0, std::int64_t nc,
                              tile_scratch& sc) {
  const auto& om = sc.om;
  const std::int64_t volume = span_of(g, t).count;
  const int ia = inner_axis(g);
  const auto u = static_cast<std::size_t>(ia);
  const std::array<std::int64_t, 3> out_stride{g.out[1] * g.out[2], g.out[2], 1};
  const std::array<std::int64_t, 3> row_stride{g.kernel[1] * g.kernel[2], g.kernel[2], 1};
  const std::int64_t batch_stride = t.cn * volume, taps = g.kernel[ia];
  // every tap of the other axes: k with k[ia] = 0
  std::array<std::int64_t, 3> kmax{g.kernel[0], g.kernel[1], g.kernel[2]};
  kmax[u] = 1;
  for (std::int64_t c = 0; c < t.cn; ++c)
    for (std::int64_t k0 = 0; k0 < kmax[0]; ++k0)
      for (std::int64_t k1 = 0; k1 < kmax[1]; ++k1)
        for (std::int64_t k2 = 0; k2 < kmax[2]; ++k2) {
          const std::array<std::int64_t, 3> k{k0, k1, k2};
          const std::int64_t row0 = ((c * g.kernel[0] + k0) * g.kernel[1] + k1) * g.kernel[2] + k2;
          column_cursor at(g, j0);
          for (std::int64_t jj = 0; jj < nc; ++jj, at.advance(g)) {
            const std::array<std::int64_t, 3> i{at.i0, at.i1, at.i2};
            std::int64_t base = at.n * batch_stride + c * volume, outside = 0;
            for (std::size_t ax = 0; ax < 3; ++ax) {
              if (ax == u) continue;
              const std::int64_t o = om[ax][static_cast<std::size_t>(k[ax] * g.in[ax] + i[ax])];
              outside |= o;
              base += o * out_stride[ax];
            }
            if (outside < 0) continue;
            double* srow = sc.s.data() + base;
            double* arow = sc.a.data() + base;
            const double* cr = sc.cm.data() + row0 * nc + jj;
            const double* ar = sc.am.data() + row0 * nc + jj;
            const std::int64_t* mi = om[u].data() + i[u];
            const std::int64_t rs = row_stride[u] * nc, in_u = g.in[ia], os = out_stride[u];
            for (std::int64_t kk = 0; kk < taps; ++kk) {
              const std::int64_t o = mi[kk * in_u];
              if (o >= 0) srow[o * os] += cr[kk * rs], arow[o * os] += ar[kk * rs];
            }
          }
        }
}

// C rows (c, k) of one chunk added into the tile's s and a at [n, c, o(k, i)] (col2im).
inline void tile_scatter(const geometry& g, const tile& t, std::int64_t j0, std::int64_t nc,
                         tile_scratch& sc) {
  if (g.kernel[inner_axis(g)] > g.in[inner_axis(g)]) {
    tile_scatter_taps(g, t, j0, nc, sc);
    return;
  }
  const std::int64_t volume = span_of(g, t).count;
  const scatter_target to{sc.s.data(), sc.a.data(), t.cn * volume, t.cn * volume, volume};
  scatter_channels(g, to, 0, t.cn, j0, nc, sc.om, sc.cm.data(), sc.am.data());
}

// sc.om[0] for tile t: axis 0's output positions relative to row q0, -1 outside [q0, q1).
inline void tile_positions(const tile& t, const std::array<std::vector<std::int64_t>, 3>& om,
                           tile_scratch& sc) {
  const std::vector<std::int64_t>& all = om[0];
  std::vector<std::int64_t>& mine = sc.om[0];
  for (std::size_t k = 0; k < all.size(); ++k)
    mine[k] = all[k] >= t.q0 && all[k] < t.q1 ? all[k] - t.q0 : -1;
}

}  // namespace detail

/// The estimate of one tile into sc.s and sc.a at [n, c, o] (o within the tile's span): s = the
/// sum of the products and the bias in double, a = the double sum of |x||w| (bias excluded). Both
/// are sums of exact products (float products are exact in double) in some order: |s - T| <=
/// gamma_n(2^-53) (A + |b|) and |a - A| <= gamma_n(2^-53) A, A = sum |x||w|, n the element's
/// products.
inline void estimate_tile(const geometry& g, const tile_inputs& x, const float* w, const float* b,
                          const tile_plan& p, const tile& t,
                          const std::array<std::vector<std::int64_t>, 3>& om, tile_scratch& sc) {
  detail::tile_weights(g, w, t, sc);
  detail::tile_positions(t, om, sc);
  const tile_span sp = span_of(g, t);
  const std::int64_t values = t.cn * g.batch * sp.count;
  std::memset(sc.s.data(), 0, static_cast<std::size_t>(values) * sizeof(double));
  std::memset(sc.a.data(), 0, static_cast<std::size_t>(values) * sizeof(double));
  const int m = static_cast<int>(t.cn * g.kernel_volume), kk = static_cast<int>(g.cin_g);
  // the tile's columns: input rows [i0, i1) of each batch item, one range when they are all
  const std::int64_t row = g.in_volume / g.in[0], span = (t.i1 - t.i0) * row;
  const bool whole = span == g.in_volume;
  for (std::int64_t n = 0; n < (whole ? 1 : g.batch); ++n) {
    const std::int64_t lo = whole ? 0 : n * g.in_volume + t.i0 * row;
    const std::int64_t hi = whole ? p.cols_total : lo + span;
    for (std::int64_t j0 = lo; j0 < hi; j0 += p.chunk) {
      const std::int64_t nc = std::min(p.chunk, hi - j0);
      const int cols = static_cast<int>(nc), ldb = static_cast<int>(p.cols_total);
      const std::int64_t first = t.grp * g.cin_g * p.cols_total + j0;
      cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, m, cols, kk, 1.0, sc.wd.data(), m,
                  x.xd.data() + first, ldb, 0.0, sc.cm.data(), cols);
      cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, m, cols, kk, 1.0, sc.wa.data(), m,
                  x.xa.data() + first, ldb, 0.0, sc.am.data(), cols);
      detail::tile_scatter(g, t, j0, nc, sc);
    }
  }
  if (b == nullptr) return;
  for (std::int64_t n = 0; n < g.batch; ++n)
    for (std::int64_t c = 0; c < t.cn; ++c) {
      const double bv = static_cast<double>(b[t.grp * g.cout_g + t.cb + c]);
      double* out = sc.s.data() + (n * t.cn + c) * sp.count;
      for (std::int64_t o = 0; o < sp.count; ++o) out[o] += bv;
    }
}

/// Runs consume(thread, tile, scratch) for every tile of the layer after its estimate, tiles
/// taken by `threads` threads in turn (BLAS single-threaded in each).
template <class Consume>
void for_each_tile(const geometry& g, const float* x, const float* w, const float* b, int threads,
                   Consume&& consume) {
  const tile_plan p = plan_tiles(g, threads);
  const auto om = detail::gemm_out_positions(g);
  openblas_set_num_threads(1);
  blas_thread_shutdown_();
  const tile_inputs xs(g, x, threads);
  std::atomic<std::size_t> next{0};
  const int used =
      static_cast<int>(std::min<std::size_t>(static_cast<std::size_t>(threads), p.tiles.size()));
  tconv::detail::parallel_parts(used, used, [&](int part, std::int64_t, std::int64_t) {
    tile_scratch sc(g, p, om);
    for (std::size_t i = next++; i < p.tiles.size(); i = next++) {
      estimate_tile(g, xs, w, b, p, p.tiles[i], om, sc);
      consume(part, p.tiles[i], sc);
    }
  });
}

/// Per output position (o0, o1, o2) of the layer, the index of its product count in `table`, and
/// make(n) for each distinct count n (a handful): every row of every tile gathers
/// table[index[o]].
template <class T>
struct position_table {
  std::vector<std::uint32_t> index;
  std::vector<std::int64_t> counts;
  std::vector<T> table;

  template <class Make>
  position_table(const geometry& g, Make&& make) {
    index.resize(static_cast<std::size_t>(g.out_volume));
    std::array<std::vector<std::int64_t>, 3> taps;
    for (int ax = 0; ax < 3; ++ax)
      for (std::int64_t q = 0; q < g.out[ax]; ++q)
        taps[static_cast<std::size_t>(ax)].push_back(g.taps(ax, q));
    std::size_t o = 0;
    for (const std::int64_t t0 : taps[0])
      for (const std::int64_t t1 : taps[1])
        for (const std::int64_t t2 : taps[2]) index[o++] = slot(g.cin_g * t0 * t1 * t2, make);
  }

 private:
  template <class Make>
  std::uint32_t slot(std::int64_t n, Make& make) {
    for (std::size_t i = 0; i < counts.size(); ++i)
      if (counts[i] == n) return static_cast<std::uint32_t>(i);
    counts.push_back(n);
    table.push_back(make(n));
    return static_cast<std::uint32_t>(table.size() - 1);
  }
};

/// The flat output index of (n, c) of tile t, position 0: (n C_out + grp C_out/g + cb + c) * V.
[[nodiscard]] inline std::int64_t tile_row_start(const geometry& g, const tile& t, std::int64_t n,
                                                 std::int64_t c) {
  return (n * g.out_channels + t.grp * g.cout_g + t.cb + c) * g.out_volume;
}

}  // namespace tconv::check

#endif
