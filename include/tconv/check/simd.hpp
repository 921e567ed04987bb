#pragma once
// One loop built twice: for AVX2 (four doubles an instruction) where the CPU has it, and for
// baseline x86-64 otherwise or while `baseline_simd_only` is set (tests compare the two). Not FMA:
// every operation keeps the one rounding the bound's analysis counts.
#include <atomic>

namespace tconv::check::detail {

inline std::atomic<bool> baseline_simd_only{false};

#if defined(__x86_64__) && defined(__GNUC__)
// body is inlined here (its call operator always_inline) and vectorised for AVX2
template <class Body>
[[gnu::target("avx2")]] void run_avx2(const Body& body) {
  body();
}
#endif

/// body(), its loops vectorised for the widest of AVX2 and baseline x86-64 the CPU has; body's
/// call operator must be [[gnu::always_inline]].
template <class Body>
void with_widest_simd(const Body& body) {
#if defined(__x86_64__) && defined(__GNUC__)
  static const bool avx2 = __builtin_cpu_supports("avx2");
  if (avx2 && !baseline_simd_only.load(std::memory_order_relaxed)) {
    run_avx2(body);
    return;
  }
#endif
  body();
}

}  // namespace tconv::check::detail
