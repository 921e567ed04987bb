#pragma once
// Index arithmetic of one conv / conv_transpose layer: which (x, w) pairs meet in each output
// element, and that element's exact value.
// On one axis the taps of an output position form an arithmetic progression. conv: input
// i = q s - pb + k d for every kernel index k with 0 <= i < in. conv_transpose: q = i s + k d - pb,
// so k d = q + pb (mod s): with g = gcd(s, d), q + pb must be a multiple of g, and then
// k = k* (mod s/g) where k* = ((q + pb)/g) (d/g)^-1 mod s/g; i = (q + pb - k d) / s.
#include <algorithm>
#include <array>
#include <cstdint>
#include <numeric>
#include <vector>

#include "tconv/check/superacc.hpp"
#include "tconv/problem.hpp"

namespace tconv::check {

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
  /// The number of taps of output position q on axis a.
  [[nodiscard]] std::int64_t taps(int a, std::int64_t q) const { return taps_at(a, q).count; }

  /// Output elements: N * C_out * out volume.
  [[nodiscard]] std::int64_t out_count() const { return batch * out_channels * out_volume; }
  /// Input elements: N * C_in * in volume.
  [[nodiscard]] std::int64_t in_count() const { return batch * in_channels * in_volume; }
  /// Weight elements: C_out * C_in/g * K (conv) or C_in * C_out/g * K (conv_transpose).
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
  /// Moves (n, c, o0, o1, o2) to the next flat output index (the batch index n is not kept: it
  /// stays as it is, the channel wraps to 0 after the last one).
  void advance(std::array<std::int64_t, 5>& pos) const {
    if (++pos[4] < out[2]) return;
    pos[4] = 0;
    if (++pos[3] < out[1]) return;
    pos[3] = 0;
    if (++pos[2] < out[0]) return;
    pos[2] = 0;
    pos[1] = pos[1] + 1 == out_channels ? 0 : pos[1] + 1;
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

/// The full index (n, c, o...) of flat output index f, one entry per axis of p.
[[nodiscard]] inline std::vector<std::int64_t> full_index(const geometry& g, const problem& p,
                                                          std::int64_t f) {
  const auto e = g.split(f);
  std::vector<std::int64_t> v{e[0], e[1]};
  for (std::int64_t a = 0; a < p.rank; ++a) v.push_back(e[static_cast<std::size_t>(2 + a)]);
  return v;
}

}  // namespace tconv::check
