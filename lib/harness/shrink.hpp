#pragma once
// The shrinker: a failing case made as small and simple as it goes while it still fails the same
// way. RapidCheck's shrink tree for the problem first, then, until nothing shrinks, the values
// (whole chunks zeroed, then each value made simpler) and the problem again, greedily, with the
// values found so far carried over (project).
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
};

/// Shrinks cx (its case, message and report; counted in cx.shrink) from the problem tree `start`
/// whose values were drawn from value_seed.
void shrink(counterexample& cx, rc::Shrinkable<problem> start, std::uint64_t value_seed,
            const shrink_setup& s);

/// Simpler stand-ins for one value, simplest first (never v itself): 1, +-1, the power of two
/// below |v|, trunc(v), v with 8 significand bits.
[[nodiscard]] std::vector<float> simpler(float v);

/// Which axis of the source each axis of a smaller problem reads (-1: none).
using axis_map = std::array<std::int64_t, 3>;

/// The values of `from`, carried onto problem q: each element keeps its (n, c, i0, i1, i2)
/// coordinates where they exist in q's shape (aligned at the start, or with `from_end` at the end
/// of every axis), dropped axes read index 0 (or their last index), new elements are 0.
[[nodiscard]] explore_case project(const explore_case& from, const problem& q, bool from_end,
                                   axis_map axis_of = {0, 1, 2});

/// Smaller valid neighbours of p, simplest first: an axis removed, then each count and per-axis
/// hyperparameter lowered to its minimum or by one, bias dropped; with the axis map for project.
[[nodiscard]] std::vector<std::pair<problem, axis_map>> smaller(const problem& p);

}  // namespace tconv::harness
