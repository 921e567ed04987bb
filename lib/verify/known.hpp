#pragma once
// The baseline of known findings, as verify names it: it lives in the harness
// (harness/known.hpp), which `tconv explore --known` reads too.
#include "harness/known.hpp"

namespace tconv::verify {

using harness::baseline;
using harness::classify;
using harness::known_finding;
using harness::load_baseline;
using harness::signature_matches;
using harness::signature_names;

}  // namespace tconv::verify
