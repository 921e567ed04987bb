#pragma once
// What every library adapter shares: the C ABI of include/tconv/impl.h, a validity check that
// keeps garbage problems away from the library, and the no-throw boundary.
#include <cstdint>
#include <cstdio>
#include <exception>

#include "tconv/impl.h"
#include "tconv/problem.hpp"

#define TCONV_EXPORT extern "C" __attribute__((visibility("default")))

namespace tconv::adapter {

/// The canonical problem of the C struct (fields copied axis by axis).
[[nodiscard]] inline problem from_c(const tconv_problem& c) {
  problem p;
  p.rank = c.rank;
  p.batch = c.batch;
  p.in_channels = c.in_channels;
  p.out_channels = c.out_channels;
  p.groups = c.groups;
  for (std::size_t a = 0; a < max_rank; ++a) {
    p.input[a] = c.input[a];
    p.kernel[a] = c.kernel[a];
    p.stride[a] = c.stride[a];
    p.dilation[a] = c.dilation[a];
    p.pad_begin[a] = c.pad_begin[a];
    p.pad_end[a] = c.pad_end[a];
    p.output_padding[a] = c.output_padding[a];
  }
  // axes past the rank are ignored by the ABI; neutral values keep find_fault from judging them
  for (auto a = static_cast<std::size_t>(c.rank < 0 ? 0 : c.rank); a < max_rank; ++a) {
    p.input[a] = p.kernel[a] = p.stride[a] = p.dilation[a] = 1;
    p.pad_begin[a] = p.pad_end[a] = p.output_padding[a] = 0;
  }
  p.has_bias = c.has_bias != 0;
  return p;
}

/// True when c is a well-formed transposed convolution whose `output` field holds its extents,
/// with output_padding unrestricted (each adapter applies its library's own rule on top).
[[nodiscard]] inline bool well_formed(const tconv_problem* c) {
  if (c == nullptr || c->rank < 1 || c->rank > max_rank) return false;
  const problem p = from_c(*c);
  if (find_fault(p, op_kind::conv_transpose, output_padding_rule::extension)) return false;
  const extents out = output_extents(p, op_kind::conv_transpose);
  for (std::int64_t a = 0; a < c->rank; ++a)
    if (c->output[a] != out[static_cast<std::size_t>(a)]) return false;
  // 2^31 elements per tensor: every library here indexes with int somewhere
  constexpr std::int64_t limit = std::int64_t{1} << 31;
  try {
    checked_size(input_shape(p), "x", limit);
    checked_size(weight_shape(p, op_kind::conv_transpose), "w", limit);
    checked_size(output_shape(p, op_kind::conv_transpose), "y", limit);
  } catch (const std::exception&) {
    return false;
  }
  return true;
}

/// Runs f, turning any exception into a non-zero return and one line on stderr: nothing may
/// unwind through the C ABI.
template <class F>
[[nodiscard]] int no_throw(const char* adapter, F&& f) noexcept {
  try {
    return f();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s: %s\n", adapter, e.what());
  } catch (...) {
    std::fprintf(stderr, "%s: unknown exception\n", adapter);
  }
  return 1;
}

/// Product of the first n extents.
[[nodiscard]] inline std::int64_t volume(const std::int64_t* e, std::int64_t n) {
  std::int64_t v = 1;
  for (std::int64_t i = 0; i < n; ++i) v *= e[i];
  return v;
}

}  // namespace tconv::adapter
