#pragma once
// A dense row-major tensor over any scalar: the value type every formulation reads and writes.
#include <cstdint>
#include <initializer_list>
#include <utility>
#include <vector>

#include "tconv/problem.hpp"

namespace tconv {

template <class T>
struct tensor {
  std::vector<std::int64_t> shape;
  std::vector<T> data;

  constexpr tensor() = default;
  /// Zero-filled (value-initialised) tensor of the given shape.
  constexpr explicit tensor(std::vector<std::int64_t> s)
      : shape(std::move(s)), data(static_cast<std::size_t>(checked_size(shape, "tensor"))) {}
  /// Tensor of the given shape holding `values` in row-major order.
  constexpr tensor(std::vector<std::int64_t> s, std::vector<T> values)
      : shape(std::move(s)), data(std::move(values)) {
    if (static_cast<std::int64_t>(data.size()) != checked_size(shape, "tensor"))
      throw invalid_problem("tensor: " + detail::to_string(shape) + " needs " +
                            detail::to_string(checked_size(shape, "tensor")) + " values, got " +
                            detail::to_string(static_cast<std::int64_t>(data.size())));
  }

  [[nodiscard]] constexpr std::int64_t size() const {
    return static_cast<std::int64_t>(data.size());
  }
  [[nodiscard]] constexpr std::int64_t rank() const {
    return static_cast<std::int64_t>(shape.size());
  }

  /// Row-major offset of a full index list.
  [[nodiscard]] constexpr std::int64_t offset(std::initializer_list<std::int64_t> idx) const {
    std::int64_t off = 0, d = 0;
    for (auto i : idx) off = off * shape[static_cast<std::size_t>(d++)] + i;
    return off;
  }
  [[nodiscard]] constexpr T& operator[](std::int64_t flat) {
    return data[static_cast<std::size_t>(flat)];
  }
  [[nodiscard]] constexpr const T& operator[](std::int64_t flat) const {
    return data[static_cast<std::size_t>(flat)];
  }
  [[nodiscard]] constexpr T& at(std::initializer_list<std::int64_t> idx) {
    return (*this)[offset(idx)];
  }
  [[nodiscard]] constexpr const T& at(std::initializer_list<std::int64_t> idx) const {
    return (*this)[offset(idx)];
  }

  friend constexpr bool operator==(const tensor&, const tensor&) = default;
};

/// Elementwise conversion to another scalar (e.g. int64 -> cpp_rational).
template <class U, class T>
[[nodiscard]] constexpr tensor<U> tensor_cast(const tensor<T>& t) {
  tensor<U> r;
  r.shape = t.shape;
  r.data.reserve(t.data.size());
  for (const auto& v : t.data) r.data.push_back(U(v));
  return r;
}

/// sum_i a_i * b_i (shapes must match).
template <class T>
[[nodiscard]] constexpr T dot(const tensor<T>& a, const tensor<T>& b) {
  if (a.shape != b.shape)
    throw invalid_problem("dot: shapes " + detail::to_string(a.shape) + " and " +
                          detail::to_string(b.shape) + " differ");
  T s{};
  for (std::size_t i = 0; i < a.data.size(); ++i) s = s + a.data[i] * b.data[i];
  return s;
}

}  // namespace tconv
