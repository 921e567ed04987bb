#pragma once
// The regions of the hyperparameter space that coverage, campaigns and reports are broken down by.
#include <array>
#include <string_view>

#include "tconv/problem.hpp"

namespace tconv {

/// A region of problem space: each is a yes/no property of a problem.
enum class region {
  rank1,
  rank2,
  rank3,
  gaps,
  dilation,
  groups,
  asymmetric_padding,
  output_padding,
  bias
};

inline constexpr std::array all_regions{region::rank1,
                                        region::rank2,
                                        region::rank3,
                                        region::gaps,
                                        region::dilation,
                                        region::groups,
                                        region::asymmetric_padding,
                                        region::output_padding,
                                        region::bias};

/// Stable lower-case name used in reports, JSON and tags ("rank1", "gaps", ...).
[[nodiscard]] constexpr std::string_view name(region r) {
  switch (r) {
    case region::rank1:
      return "rank1";
    case region::rank2:
      return "rank2";
    case region::rank3:
      return "rank3";
    case region::gaps:
      return "gaps";
    case region::dilation:
      return "dilation";
    case region::groups:
      return "groups";
    case region::asymmetric_padding:
      return "asymmetric_padding";
    case region::output_padding:
      return "output_padding";
    case region::bias:
      return "bias";
  }
  return "?";
}

/// Whether p lies in region r. gaps: some stride exceeds the dilated kernel d(k-1)+1, so the
/// transposed convolution's output has positions no input reaches.
[[nodiscard]] constexpr bool in_region(const problem& p, region r) {
  auto any_axis = [&p](auto pred) {
    for (std::int64_t a = 0; a < p.rank; ++a)
      if (pred(a)) return true;
    return false;
  };
  switch (r) {
    case region::rank1:
      return p.rank == 1;
    case region::rank2:
      return p.rank == 2;
    case region::rank3:
      return p.rank == 3;
    case region::gaps:
      return any_axis(
          [&](std::int64_t a) { return p.stride[a] > p.dilation[a] * (p.kernel[a] - 1) + 1; });
    case region::dilation:
      return any_axis([&](std::int64_t a) { return p.dilation[a] > 1; });
    case region::groups:
      return p.groups > 1;
    case region::asymmetric_padding:
      return any_axis([&](std::int64_t a) { return p.pad_begin[a] != p.pad_end[a]; });
    case region::output_padding:
      return any_axis([&](std::int64_t a) { return p.output_padding[a] > 0; });
    case region::bias:
      return p.has_bias;
  }
  return false;
}

}  // namespace tconv
