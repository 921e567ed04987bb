#pragma once
// Rank-generic indexing: every problem is handled as rank 3, unused trailing axes being the
// identity (extent 1, kernel 1, stride 1, dilation 1, no padding), so one loop nest serves all
// ranks.
#include <cstdint>
#include <string>

#include "tconv/problem.hpp"
#include "tconv/tensor.hpp"

namespace tconv::detail {

/// p with every axis past p.rank reset to the identity axis.
[[nodiscard]] constexpr problem as_rank3(problem p) {
  for (std::int64_t a = p.rank; a < max_rank; ++a) {
    p.input[a] = p.kernel[a] = p.stride[a] = p.dilation[a] = 1;
    p.pad_begin[a] = p.pad_end[a] = p.output_padding[a] = 0;
  }
  return p;
}

/// Row-major offset of (n, c, i0, i1, i2) in a [N, C, e0, e1, e2] tensor.
[[nodiscard]] constexpr std::int64_t at5(std::int64_t n, std::int64_t c, std::int64_t channels,
                                         const extents& e, std::int64_t i0, std::int64_t i1,
                                         std::int64_t i2) {
  using rules::flatten;
  return flatten(flatten(flatten(flatten(n, channels, c), e[0], i0), e[1], i1), e[2], i2);
}

/// Throws invalid_problem unless t has exactly `expected` as its shape.
template <class T>
constexpr void require_shape(const tensor<T>& t, const std::vector<std::int64_t>& expected,
                             const char* name) {
  if (t.shape != expected)
    throw invalid_problem(std::string(name) + ": shape " + to_string(t.shape) +
                          " does not match the problem's " + to_string(expected));
  if (t.size() != checked_size(expected, name))
    throw invalid_problem(std::string(name) + ": holds " + to_string(t.size()) +
                          " values, its shape needs " + to_string(checked_size(expected, name)));
}

/// Validates the problem and every operand's shape; returns the rank-3 form of p.
template <class T>
constexpr problem prepare(const problem& p, op_kind op, const tensor<T>& x, const tensor<T>& w,
                          const tensor<T>* b, output_padding_rule rule) {
  validate(p, op, rule);
  require_shape(x, input_shape(p), "x");
  require_shape(w, weight_shape(p, op), "w");
  if (p.has_bias != (b != nullptr))
    throw invalid_problem(std::string("b: the problem says has_bias = ") +
                          (p.has_bias ? "1" : "0") +
                          (b != nullptr ? " but a bias was given" : " but no bias was given"));
  if (b != nullptr) require_shape(*b, bias_shape(p), "b");
  checked_size(output_shape(p, op), "output shape");
  return as_rank3(p);
}

}  // namespace tconv::detail
