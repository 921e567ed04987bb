#pragma once
// A case posed in an engine's convention (explore_case::form, convention.hpp): re-posing it after
// its problem changed (shrinking), the largest output its form's readings allow (the bound on
// y.npy), and its readings in words (the reports' spec ambiguities).
#include <cstdint>
#include <string>
#include <vector>

#include "harness/convention.hpp"
#include "harness/results.hpp"

namespace tconv::harness {

/// c.p posed again as `kind` with `salt` (pose may adjust c.p's pads, output_padding and output,
/// never the shapes of x, w, b): c.p and c.form replaced; false (c unchanged) when the kind
/// cannot pose c.p.
[[nodiscard]] bool repose(explore_case& c, form_kind kind, std::uint64_t salt);

/// max over the readings of c's form with a problem of N * C_out * prod(output) (c.p's own output
/// without a form): the most values y.npy may hold.
[[nodiscard]] std::int64_t max_output_elements(const explore_case& c);

/// Each reading of r in words: "NAME: PROBLEM (RULE)", or "NAME: rejects the form (RULE)".
[[nodiscard]] std::vector<std::string> describe_readings(const resolution& r);

/// "[1, 2, 5, 5]": a shape as reports write it.
[[nodiscard]] std::string shape_text(const std::vector<std::int64_t>& shape);

}  // namespace tconv::harness
