#pragma once
// The baseline of known findings (docs/known-findings.json, `tconv verify --baseline`,
// `tconv explore --known`) and the signatures that recognise a failure as one of them: a named
// one (below) or a structural one, "features:F+G" (harness/signature.hpp).
#include <cstdint>
#include <string>
#include <vector>

#include "harness/implementation.hpp"

namespace tconv::harness {

/// One known finding of one implementation (an F-number of docs/findings.md).
struct known_finding {
  std::string id, implementation, signature, title;
  std::vector<std::string> kinds;          // finding kinds it shows as ("crash", ...); empty: any
  std::vector<std::string> cells;          // regions where the baseline's campaign finds it
  std::string finding_class = "semantic";  // "class": "semantic" or "precision"
};

/// The baseline: known findings, and the campaign their `cells` were recorded with.
struct baseline {
  std::string file;  // empty: no baseline (every failure is new)
  std::uint64_t seed = 0, cases_per_cell = 0, cmd_cases_per_cell = 0;
  std::vector<known_finding> findings;
};

/// Reads a baseline file; throws usage_error starting with `flag FILE` and naming the field that
/// is wrong.
[[nodiscard]] baseline load_baseline(const std::string& file,
                                     const std::string& flag = "--baseline");

/// The named signatures a baseline may use: "any", "dilation", "kernel1_stride1_padding",
/// "xnnpack_subconv_narrow_output", "flush_to_zero" (and "features:F+G", signature.hpp).
[[nodiscard]] const std::vector<std::string>& signature_names();

/// Whether a failure (case c, its kind, the output y when there was one) has signature `sig`.
[[nodiscard]] bool signature_matches(const std::string& sig, const explore_case& c,
                                     finding_kind kind, const std::vector<float>& y);

/// The id of the first known finding of `impl` that the failure matches, "" when none does
/// (impl "*": of any implementation).
[[nodiscard]] std::string classify(const baseline& b, const std::string& impl,
                                   const explore_case& c, finding_kind kind,
                                   const std::vector<float>& y);

}  // namespace tconv::harness
