#pragma once
// Helpers shared by the unit tests: tensors from literals and scalar conversion.
#include <cstdint>
#include <vector>

#include "tconv/tconv.hpp"

namespace tconv::test {

using i64 = std::int64_t;

/// A tensor of T holding the given int64 values.
template <class T>
tensor<T> make(std::vector<i64> shape, const std::vector<i64>& values) {
  std::vector<T> v;
  for (auto e : values) v.push_back(T(e));
  return tensor<T>(std::move(shape), std::move(v));
}

/// Deterministic, varied int64 values in [-9, 9] (a tiny LCG: no randomness between runs).
inline std::vector<i64> varied(i64 n, std::uint64_t seed) {
  std::vector<i64> v;
  for (i64 i = 0; i < n; ++i) {
    seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
    v.push_back(static_cast<i64>((seed >> 33) % 19) - 9);
  }
  return v;
}

}  // namespace tconv::test
