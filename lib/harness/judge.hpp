#pragma once
// Judges one answer with the float checker's bound (tconv/check/check.hpp), through the operation
// under test (operations.hpp): the harness never keeps a tolerance of its own.
#include <cstdint>
#include <string>
#include <vector>

#include "harness/results.hpp"
#include "tconv/check/precision.hpp"
#include "tconv/check/report.hpp"

namespace tconv::harness {

/// One line on a rejected output: "y[0,1,3]: got 1.5 (0x1.8p+0), exact 2.25 (...), |error| 0.75
/// (...) > bound 1.2e-07 (...); 3 of 12 elements violate" (or the checker's message).
[[nodiscard]] std::string summarize(const check::report& r, const std::vector<float>& y);

/// The verdict on an answer: `answered` (state ok, with y) is returned ok when y is within the
/// bound of prec, else failed (wrong_result) with the summary and the checker's report.
/// Throws usage_error when the checker cannot judge the case (a defect of the generator).
[[nodiscard]] outcome judge(const explore_case& c, outcome answered, check::precision prec);

}  // namespace tconv::harness
