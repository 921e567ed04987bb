#pragma once
// Float32 data for a case: full 24-bit significands, mixed signs and magnitudes, zeros and edge
// values (subnormals, 1 +- 1 ulp, 2^24 - 1), drawn from a per-case seed so that any shard or
// replay regenerates exactly the same numbers. Problems come from tconv::gen::valid_problem;
// values are drawn here because that header's values are exact integers and rationals, and
// integer-only data hides precision bugs.
#include <bit>
#include <cmath>
#include <cstdint>
#include <vector>

#include "harness/results.hpp"
#include "tconv/check/precision.hpp"

namespace tconv::harness {

/// splitmix64: a fast, well-mixed 64-bit stream (Steele, Lea & Flood 2014).
struct splitmix64 {
  std::uint64_t state;
  [[nodiscard]] constexpr std::uint64_t next() {
    std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
};

/// The seed of case `index` in a campaign: independent of shards and of the case count.
[[nodiscard]] constexpr std::uint64_t case_seed(std::uint64_t campaign_seed, std::uint64_t index) {
  splitmix64 a{campaign_seed};
  splitmix64 b{a.next() ^ index};
  return b.next();
}

/// One value: 6% +-0, 12% small integers, 72% full-significand floats in [2^-E, 2^(E+1)),
/// 10% edge values; E = 12 (fp16: 6, keeping products and sums in fp16's range).
[[nodiscard]] inline float draw_value(splitmix64& r, check::precision prec) {
  const std::uint64_t u = r.next();
  const auto category = u % 100;
  const bool negative = ((u >> 8) & 1) != 0;
  const auto bits = static_cast<std::uint32_t>(u >> 32);
  const int max_exp = prec == check::precision::fp16 ? 6 : 12;
  float v;
  if (category < 6) {
    v = 0.0f;
  } else if (category < 18) {
    v = static_cast<float>(1 + bits % 8);
  } else if (category < 90) {
    // lowest significand bit set: all 24 bits matter
    const std::uint32_t mant = (bits & 0x7FFFFFu) | 1u;
    const int e =
        static_cast<int>((bits >> 23) % static_cast<std::uint32_t>(2 * max_exp + 1)) - max_exp;
    v = std::ldexp(1.0f + static_cast<float>(mant) * 0x1p-23f, e);
  } else {
    static constexpr float edges32[] = {
        1.0f,      0x1.000002p0f, 0x1.fffffep-1f,   0x1.fffffep0f, 0x1.fffffep23f, 0x1p-126f,
        0x1p-149f, 0x1.8p-140f,   0x1.000002p-126f, 0.1f,          1.0f / 3.0f,    0x1p24f};
    static constexpr float edges16[] = {1.0f,        0x1.000002p0f, 0x1.fffffep-1f, 0x1.ffcp10f,
                                        0x1p-14f,    0x1p-24f,      0x1.8p-20f,     0.1f,
                                        1.0f / 3.0f, 0x1p11f};
    if (prec == check::precision::fp16)
      v = edges16[bits % (sizeof edges16 / sizeof edges16[0])];
    else
      v = edges32[bits % (sizeof edges32 / sizeof edges32[0])];
  }
  return negative ? -v : v;
}

/// n values from `seed` (stream `stream` keeps x, w and b independent).
[[nodiscard]] inline std::vector<float> draw_values(std::uint64_t seed, std::uint64_t stream,
                                                    std::size_t n, check::precision prec) {
  splitmix64 r{seed ^ (stream * 0xD1B54A32D192ED03ull)};
  std::vector<float> v(n);
  for (auto& e : v) e = draw_value(r, prec);
  return v;
}

/// Whether w equals its own flip along every spatial axis (what hides a missing kernel flip).
[[nodiscard]] inline bool flip_symmetric(const problem& p, const std::vector<float>& w) {
  std::int64_t k = 1;
  for (std::int64_t a = 0; a < p.rank; ++a) k *= p.kernel[static_cast<std::size_t>(a)];
  if (k == 1) return false;
  // flipping every spatial axis reverses each channel pair's contiguous block of k elements
  for (std::size_t base = 0; base < w.size(); base += static_cast<std::size_t>(k))
    for (std::size_t i = 0; i < static_cast<std::size_t>(k); ++i)
      if (std::bit_cast<std::uint32_t>(w[base + i]) !=
          std::bit_cast<std::uint32_t>(w[base + static_cast<std::size_t>(k) - 1 - i]))
        return false;
  return true;
}

/// The case for problem p with values drawn from value_seed; the kernel is never flip-symmetric.
[[nodiscard]] inline explore_case make_case(const problem& p, std::uint64_t value_seed,
                                            check::precision prec) {
  explore_case c;
  c.p = p;
  c.x =
      draw_values(value_seed, 1, static_cast<std::size_t>(checked_size(input_shape(p), "x")), prec);
  c.w = draw_values(
      value_seed, 2,
      static_cast<std::size_t>(checked_size(weight_shape(p, op_kind::conv_transpose), "w")), prec);
  if (p.has_bias) c.b = draw_values(value_seed, 3, static_cast<std::size_t>(p.out_channels), prec);
  if (flip_symmetric(p, c.w)) c.w[0] = c.w[0] == 1.0f ? 2.0f : 1.0f;
  return c;
}

}  // namespace tconv::harness
