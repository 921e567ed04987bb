#pragma once
// Splitting a range over a few threads: the checker's and the reference's only parallelism.
// The default is up to 2 threads, the cores a CI runner has; more are used only when asked for,
// and never more than the machine's cores.
#include <algorithm>
#include <cstdint>
#include <thread>
#include <vector>

namespace tconv::detail {

/// The threads used when none are asked for: min(2, the machine's cores).
[[nodiscard]] inline int default_threads() {
  return static_cast<int>(std::min(2u, std::max(1u, std::thread::hardware_concurrency())));
}

/// The threads to use: `requested` (<= 0: default_threads()) capped at the machine's cores, so that
/// --threads 2147483647 runs on the cores there are instead of failing to start threads.
[[nodiscard]] inline int thread_count(int requested) {
  const int machine = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  return requested <= 0 ? default_threads() : std::min(requested, machine);
}

/// Below this many multiply-adds (output elements x input channels per group) one thread is
/// faster than starting a second.
inline constexpr double min_parallel_work = 65536;

/// True when `work` multiply-adds are too few to pay for a second thread.
[[nodiscard]] constexpr bool too_small_for_threads(double work) { return work < min_parallel_work; }

/// Runs f(part, begin, end) over [0, count) split into up to `threads` parts, one thread each.
template <class F>
void parallel_parts(std::int64_t count, int threads, F&& f) {
  if (threads <= 1 || count < 2) {
    f(0, std::int64_t{0}, count);
    return;
  }
  const int t = static_cast<int>(std::min<std::int64_t>(threads, count));
  std::vector<std::thread> pool;
  for (int i = 1; i < t; ++i)
    pool.emplace_back([&, i] { f(i, count * i / t, count * (i + 1) / t); });
  f(0, std::int64_t{0}, count / t);
  for (auto& th : pool) th.join();
}

/// Runs f(begin, end) over [0, count) on up to `threads` threads.
template <class F>
void parallel_for(std::int64_t count, int threads, F&& f) {
  parallel_parts(count, threads, [&](int, std::int64_t lo, std::int64_t hi) { f(lo, hi); });
}

}  // namespace tconv::detail
