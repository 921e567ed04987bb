#pragma once
// The shrinker: a failing case made as small and simple as it goes while it still fails the same
// way. A jump to a plainer problem first (plainer), else RapidCheck's shrink tree for the problem,
// then, until nothing shrinks, the values (whole chunks zeroed, then each value made simpler) and
// the problem again, greedily, with the values found so far carried over (project). A hang is
// shrunk with a short per-attempt timeout and its minimum confirmed with the full one.
#include <rapidcheck.h>

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <utility>
#include <vector>

#include "harness/results.hpp"

namespace tconv::harness {

/// What a shrink needs from its campaign.
struct shrink_setup {
  check::precision prec = check::precision::fp32;
  double time_s = 60;  // budget in seconds
  // only problems satisfying it are tried (empty: all)
  std::function<bool(const problem&)> keep;
  // runs a candidate: its outcome when it fails the same way as the finding, else nullopt
  std::function<std::optional<outcome>(const explore_case&)> same_failure;
  // hangs (finding_kind::timeout): the per-call limit of each attempt and the full one the
  // minimum is confirmed with, set through set_timeout (unset, or short >= full: no change)
  double short_timeout_s = 0;
  double full_timeout_s = 0;
  std::function<void(double)> set_timeout;
};

/// The time limit of one attempt while shrinking a hang: min(full, max(0.3 s, 10 * slowest)), where
/// slowest is the longest call of the campaign's passing cases (a healthy case never hits it).
[[nodiscard]] constexpr double hang_attempt_timeout(double slowest_pass_s, double full_s) {
  constexpr double floor_s = 0.3, factor = 10.0;
  const double t = slowest_pass_s * factor > floor_s ? slowest_pass_s * factor : floor_s;
  return t < full_s ? t : full_s;
}

/// Shrinks cx (its case, message and report; counted in cx.shrink) from the problem tree `start`
/// whose values were drawn from value_seed.
void shrink(counterexample& cx, rc::Shrinkable<problem> start, std::uint64_t value_seed,
            const shrink_setup& s);

/// Simpler stand-ins for one value, simplest first, each simpler than v (a smaller sum of
/// significant bits and |binary exponent|, else fewer bits, else positive: a shrink ends): 1, -1,
/// +-2 (|v| >= 2), the power of two below |v|, trunc(v), 1 + 2^-k and -(1 + 2^-k) (v < 0) for
/// k = 8..11 (exact in float32, rounded in bf16 (k >= 8) and fp16 (k = 11): they expose
/// low-precision accumulation), v with 8 significand bits.
[[nodiscard]] std::vector<float> simpler(float v);

/// Which axis of the source each axis of a smaller problem reads (-1: none).
using axis_map = std::array<std::int64_t, 3>;

/// The values of `from`, carried onto problem q: each element keeps its (n, c, i0, i1, i2)
/// coordinates where they exist in q's shape (aligned at the start, or with `from_end` at the end
/// of every axis), dropped axes read index 0 (or their last index), new elements are `fill`.
[[nodiscard]] explore_case project(const explore_case& from, const problem& q, bool from_end,
                                   axis_map axis_of = {0, 1, 2}, float fill = 0.0f);

/// Smaller valid neighbours of p, simplest first: an axis removed, then each count and per-axis
/// hyperparameter lowered to its minimum, halfway there ((v + min) / 2) or by one, bias dropped;
/// with the axis map for project.
[[nodiscard]] std::vector<std::pair<problem, axis_map>> smaller(const problem& p);

/// Bolder simplifications of p than smaller()'s, simplest first, each valid and simpler than p
/// (simpler_than): the minimum (rank 1, every count 1, input and kernel 1, stride and dilation 1,
/// no padding, no bias) keeping one of p's features (bias, batch, channels, groups, or one axis's
/// stride, kernel, input, dilated kernel, output_padding, padding, whole axis), then p's plain
/// shape with the same output extents: no padding, output_padding or dilation, and per axis
/// in = out, k = 1, s = 1, or s kept with in = (out - 1) / s + 1, k = out - (in - 1) * s; all axes,
/// then each axis alone.
[[nodiscard]] std::vector<std::pair<problem, axis_map>> plainer(const problem& p);

/// The order every shrink candidate descends in (so shrinking ends): fewer axes, else less padding,
/// output_padding and dilation (sum of pad_begin + pad_end + output_padding + dilation - 1), else a
/// smaller sum of all counts and hyperparameters (bias counting 1).
[[nodiscard]] bool simpler_than(const problem& q, const problem& p);

}  // namespace tconv::harness
