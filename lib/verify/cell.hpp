#pragma once
// One cell of the matrix: the campaigns of one implementation on one region, consumed in memory,
// and each finding run once more for the report.
#include <cstdint>
#include <filesystem>
#include <iosfwd>
#include <string>
#include <vector>

#include "harness/implementation.hpp"
#include "verify/known.hpp"
#include "verify/matrix.hpp"
#include "verify/verify.hpp"

namespace tconv::verify {

/// Whether r is a row of one rank (rank1..rank3) rather than of one feature.
[[nodiscard]] constexpr bool is_rank_region(region r) {
  return r == region::rank1 || r == region::rank2 || r == region::rank3;
}

/// The rank of a rank row: rank1 -> 1, rank2 -> 2, rank3 -> 3.
[[nodiscard]] constexpr std::int64_t rank_of(region r) {
  return r == region::rank1 ? 1 : r == region::rank2 ? 2 : 3;
}

/// What every cell of one implementation shares.
struct cell_setting {
  const options& o;
  const baseline& base;
  std::string impl_name;
  harness::implementation& impl;
  std::uint64_t budget = 0;  // cases per cell
  std::filesystem::path out_dir;
  std::ostream& err;  // the campaigns' messages (the implementations' log while cells run)
};

/// One cell: a campaign per rank (a rank cell is one rank; a feature cell draws from
/// `supported_ranks` when rank cells ran, else from 1..3; budget split evenly), each with its own
/// seed derived from --seed; one counterexample per finding (the lowest rank's). Throws
/// usage_error naming the cell and the cause when a campaign cannot run.
[[nodiscard]] cell run_cell(const cell_setting& s, region r,
                            const std::vector<std::int64_t>& supported_ranks, bool rank_cells_run);

/// The conventions row's cell: a campaign per rank (supported_ranks, else 1..3) drawing only the
/// forms that make the engine resolve a convention itself (auto_pad VALID / SAME_*, output_shape,
/// kernel_shape omitted, 'SAME' / 'VALID': the kinds that are not is_plain) among those the
/// implementation declares; unsupported, "declares no convention forms", when it declares none.
[[nodiscard]] cell run_conventions_cell(const cell_setting& s,
                                        const std::vector<std::int64_t>& supported_ranks);

/// The counterexample run once more on the implementation (wrong results only): whether it
/// reproduces, and for an output of at most 4096 elements got, exact and every wrong element.
[[nodiscard]] rerun run_again(harness::implementation& impl, const harness::explore_case& c);

}  // namespace tconv::verify
