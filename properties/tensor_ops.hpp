#pragma once
// Small tensor algebra the laws are stated in: slices and concatenation along one dimension,
// linear combinations, spatial crop and flip. Written from the row-major layout alone, so they
// share no code with the formulations under test.
#include <cstdint>
#include <vector>

#include "tconv/tensor.hpp"

namespace tconv::ops {

namespace detail {
// (product of the dims before d, extent of d, product of the dims after d)
inline void split(const std::vector<std::int64_t>& shape, std::size_t d, std::int64_t& outer,
                  std::int64_t& extent, std::int64_t& inner) {
  outer = inner = 1;
  for (std::size_t i = 0; i < d; ++i) outer *= shape[i];
  extent = shape[d];
  for (std::size_t i = d + 1; i < shape.size(); ++i) inner *= shape[i];
}
}  // namespace detail

/// t[..., begin:begin+count, ...] along dimension d.
template <class T>
[[nodiscard]] tensor<T> slice(const tensor<T>& t, std::size_t d, std::int64_t begin,
                              std::int64_t count) {
  std::int64_t outer = 0, extent = 0, inner = 0;
  detail::split(t.shape, d, outer, extent, inner);
  auto shape = t.shape;
  shape[d] = count;
  tensor<T> r(shape);
  for (std::int64_t o = 0; o < outer; ++o)
    for (std::int64_t c = 0; c < count; ++c)
      for (std::int64_t i = 0; i < inner; ++i)
        r[(o * count + c) * inner + i] = t[(o * extent + begin + c) * inner + i];
  return r;
}

/// The parts laid end to end along dimension d (all other dims equal).
template <class T>
[[nodiscard]] tensor<T> concat(const std::vector<tensor<T>>& parts, std::size_t d) {
  auto shape = parts.at(0).shape;
  shape[d] = 0;
  for (const auto& p : parts) shape[d] += p.shape[d];
  tensor<T> r(shape);
  std::int64_t outer = 0, extent = 0, inner = 0;
  detail::split(shape, d, outer, extent, inner);
  std::int64_t at = 0;
  for (const auto& p : parts) {
    const std::int64_t count = p.shape[d];
    for (std::int64_t o = 0; o < outer; ++o)
      for (std::int64_t c = 0; c < count; ++c)
        for (std::int64_t i = 0; i < inner; ++i)
          r[(o * extent + at + c) * inner + i] = p[(o * count + c) * inner + i];
    at += count;
  }
  return r;
}

/// a * x + b * y (same shapes).
template <class T>
[[nodiscard]] tensor<T> combine(const T& a, const tensor<T>& x, const T& b, const tensor<T>& y) {
  tensor<T> r(x.shape);
  for (std::int64_t i = 0; i < r.size(); ++i) r[i] = a * x[i] + b * y[i];
  return r;
}

/// [N, C, *e] -> [N, C, *keep]: the first keep[a] entries of each spatial axis.
template <class T>
[[nodiscard]] tensor<T> crop(const tensor<T>& t, const std::vector<std::int64_t>& keep) {
  tensor<T> r = t;
  for (std::size_t a = 0; a < keep.size(); ++a) r = slice(r, a + 2, 0, keep[a]);
  return r;
}

/// A weight [A, B, *k] with every spatial axis reversed.
template <class T>
[[nodiscard]] tensor<T> flip_spatial(const tensor<T>& w) {
  tensor<T> r = w;
  for (std::size_t d = 2; d < w.shape.size(); ++d) {
    std::int64_t outer = 0, extent = 0, inner = 0;
    detail::split(w.shape, d, outer, extent, inner);
    tensor<T> s = r;
    for (std::int64_t o = 0; o < outer; ++o)
      for (std::int64_t k = 0; k < extent; ++k)
        for (std::int64_t i = 0; i < inner; ++i)
          s[(o * extent + k) * inner + i] = r[(o * extent + (extent - 1 - k)) * inner + i];
    r = s;
  }
  return r;
}

}  // namespace tconv::ops
