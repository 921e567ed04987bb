#pragma once
// Judges one answer with the float checker's bound (tconv/check/check.hpp): the harness never
// keeps a tolerance of its own.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "harness/implementation.hpp"
#include "harness/values.hpp"

namespace tconv::harness {

/// The verdict on y for case c, with the first violation spelled out when there is one.
struct judgement {
  bool passed = true;
  std::string summary;     // "y[0, 1, 3]: got 1.5, exact 2.25, |error| 0.75 > bound 1.2e-07"
  nlohmann::json details;  // the checker's report
};

/// Checks y (N*C_out*prod(output) values) against the exact result of c at precision prec.
[[nodiscard]] judgement judge(const explore_case& c, const std::vector<float>& y,
                              check::precision prec);

}  // namespace tconv::harness
