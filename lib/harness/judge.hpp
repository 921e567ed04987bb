#pragma once
// Judges one answer with the float checker's bound (tconv/check/check.hpp), through the operation
// under test (operations.hpp): the harness never keeps a tolerance of its own.
#include <cstdint>
#include <string>
#include <vector>

#include "harness/implementation.hpp"
#include "harness/results.hpp"
#include "tconv/check/precision.hpp"
#include "tconv/check/report.hpp"

namespace tconv::harness {

/// One line on a rejected output: "y[0,1,3]: got 1.5 (0x1.8p+0), exact 2.25 (...), |error| 0.75
/// (...) > bound 1.2e-07 (...); 3 of 12 elements violate" (or the checker's message).
[[nodiscard]] std::string summarize(const check::report& r, const std::vector<float>& y);

/// The verdict on an answer: `answered` (state ok, with y) is returned ok when y is within the
/// bound of prec (flush_subnormals: under the flush-to-zero policy, check/bound.hpp), else failed
/// (wrong_result) with the summary, the checker's report and what the judge saw (detail: the
/// first violation never written, NaN, or a wrong value).
/// With a form (c.form) y may have any shape (answered.y_shape): the readings of
/// resolve(*c.form, c.p) whose output has that shape are tried in order, tconv's first; the first
/// whose values pass decides (tconv's: ok; another: ok with `ambiguous` set, the engine chose
/// it); else the first's failure (another reading's named in the message); no reading with that
/// shape: failed, wrong_shape.
/// Throws usage_error when the checker cannot judge the case (a defect of the generator).
[[nodiscard]] outcome judge(const explore_case& c, outcome answered, check::precision prec,
                            bool flush_subnormals = false);

/// A refusal (`unsupported`, or `error: MESSAGE`) of an ambiguous form some reading rejects is a
/// spec ambiguity, not a finding: returned ok with `ambiguous` (choice "rejected: MESSAGE");
/// every other outcome is returned unchanged.
[[nodiscard]] outcome judge_rejection(const explore_case& c, outcome v);

/// The other guard byte name_reads_outside fills around x or w (0xDADADADA: about -3.1e16, the
/// opposite sign of sandbox::guard_byte's value): y depends on the guards when it changes with
/// them (a deterministic kernel's y cannot).
inline constexpr unsigned char other_guard_byte = 0xDA;

/// For a wrong_result with guards (a plugin): runs cx's case again (in the fresh worker every
/// failed call leaves) twice with the same guards (a different y: nondeterministic, nothing
/// concluded), then with other_guard_byte around x, then around w; the first whose y differs makes
/// cx a read out of bounds (detail) whose message names the buffer and the first y element
/// affected. True when it did.
bool name_reads_outside(implementation& impl, counterexample& cx);

}  // namespace tconv::harness
