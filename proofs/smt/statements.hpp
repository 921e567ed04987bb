#pragma once
// The theorem for every shape, one statement per query. Each query asserts the hypotheses and the
// NEGATION of the claim: `unsat` proves the claim for all unbounded integers satisfying them.
// A tooth is the same claim about a deliberately wrong rule: the solver must refute it (`sat`).
#include <vector>

#include "z3_rules.hpp"

namespace tconv::smt {

struct statement {
  const char* name;
  const char* claim;  // in plain words
  bool tooth;         // expected verdict: refuted (sat) rather than proved (unsat)
  expr (*negation)(vars&);
};

/// Every statement and every tooth, in the order they run.
[[nodiscard]] const std::vector<statement>& all_statements();

}  // namespace tconv::smt
