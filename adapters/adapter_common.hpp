#pragma once
// What every library adapter shares: the C ABI of include/tconv/impl.h, a validity check that
// keeps garbage problems away from the library, and the no-throw boundary.
#include <cstdint>
#include <cstdio>
#include <exception>

#include "tconv/abi.hpp"
#include "tconv/impl.h"
#include "tconv/problem.hpp"

#define TCONV_EXPORT extern "C" __attribute__((visibility("default")))

namespace tconv::adapter {

/// True when c is a well-formed transposed convolution whose `output` field holds its extents,
/// with output_padding unrestricted (each adapter applies its library's own rule on top).
[[nodiscard]] inline bool well_formed(const tconv_problem* c) {
  if (c == nullptr || c->rank < 1 || c->rank > max_rank) return false;
  const problem p = from_abi(*c);
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
