#include "harness/judge.hpp"

#include <cstdio>

#include "harness/operations.hpp"
#include "harness/sentinel.hpp"
#include "harness/usage_error.hpp"

namespace tconv::harness {

namespace {

std::string num(double v) {
  char b[64];
  std::snprintf(b, sizeof b, "%.9g (%a)", v, v);
  return b;
}

std::string index_text(const std::vector<std::int64_t>& index) {
  std::string idx = "y[";
  for (std::size_t i = 0; i < index.size(); ++i) idx += (i ? "," : "") + std::to_string(index[i]);
  return idx + "]";
}

}  // namespace

std::string summarize(const check::report& r, const std::vector<float>& y) {
  if (r.first_violations.empty())
    return r.message.empty() ? "the checker rejected the output" : r.message;
  const auto& f = r.first_violations.front();
  // the element's value in y tells a never-written element from a wrong one
  const bool untouched = f.flat < y.size() && is_unwritten(y[f.flat]);
  return index_text(f.index) + ": got " +
         (untouched ? std::string("NaN (never written: still the harness's sentinel)")
                    : num(f.got)) +
         ", exact " + f.exact_decimal + " (" + f.exact_hex + "), |error| " + num(f.error) +
         " > bound " + num(f.bound) + (f.reason.empty() ? "" : " [" + f.reason + "]") + "; " +
         std::to_string(r.violations) + " of " + std::to_string(r.elements_checked) +
         " elements violate";
}

outcome judge(const explore_case& c, outcome answered, check::precision prec) {
  check::options opt;
  opt.max_listed = 1;  // the first violation is what the report shows
  opt.threads = 1;     // small cases: a thread costs more than it saves
  check::report r;
  try {
    r = tested_operation::check(c, answered.y, prec, opt);
  } catch (const check::check_error& e) {
    // the generator drew a case the checker cannot judge: a defect of the harness, not of the
    // implementation under test
    throw usage_error(std::string("the checker cannot judge a generated case: ") + e.what());
  }
  if (r.ok) return answered;
  answered.state = outcome::status::failed;
  answered.kind = finding_kind::wrong_result;
  answered.message = summarize(r, answered.y);
  answered.report = std::move(r);
  return answered;
}

}  // namespace tconv::harness
