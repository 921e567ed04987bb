#include "harness/judge.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdio>

#include "harness/form_case.hpp"
#include "harness/operations.hpp"
#include "harness/sandbox_shared.hpp"
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

std::string byte_text(unsigned char b) {
  char t[8];
  std::snprintf(t, sizeof t, "0x%02X", b);
  return t;
}

// what the first violation shows: never written (the sentinel), NaN, or a wrong value
wrong_detail detail_of(const check::report& r, const std::vector<float>& y) {
  if (r.first_violations.empty()) return wrong_detail::value;
  const auto& f = r.first_violations.front();
  if (f.flat < y.size() && is_unwritten(y[f.flat])) return wrong_detail::unwritten;
  return std::isnan(f.got) ? wrong_detail::nan : wrong_detail::value;
}

// the first element where a and b differ bit for bit (a NaN equals only itself), -1 when none
std::int64_t first_difference(const std::vector<float>& a, const std::vector<float>& b) {
  if (a.size() != b.size()) return 0;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::bit_cast<std::uint32_t>(a[i]) != std::bit_cast<std::uint32_t>(b[i]))
      return static_cast<std::int64_t>(i);
  return -1;
}

// the C-order index of flat element `at` in `shape`
std::vector<std::int64_t> unravel(const std::vector<std::int64_t>& shape, std::int64_t at) {
  std::vector<std::int64_t> idx(shape.size());
  for (std::size_t k = shape.size(); k-- > 0;) {
    idx[k] = shape[k] > 0 ? at % shape[k] : 0;
    at = shape[k] > 0 ? at / shape[k] : at;
  }
  return idx;
}

// cx's case again with the same guards (y must equal base: else nondeterministic), then with
// other guards around x, then around w: the first that changes y names the read
bool name_read(implementation& impl, counterexample& cx, const std::vector<float>& base) {
  const auto again = impl.call_with_guards(cx.c, sandbox::guard_byte, sandbox::guard_byte);
  if (!again || again->state != outcome::status::ok || first_difference(base, again->y) >= 0)
    return false;  // nondeterministic: y may change for other reasons than the guards
  for (const char* buffer : {"x", "w"}) {
    const bool is_x = buffer[0] == 'x';
    const auto other = impl.call_with_guards(cx.c, is_x ? other_guard_byte : sandbox::guard_byte,
                                             is_x ? sandbox::guard_byte : other_guard_byte);
    if (!other || other->state != outcome::status::ok) continue;
    const std::int64_t at = first_difference(base, other->y);
    if (at < 0) continue;
    const auto i = static_cast<std::size_t>(at);
    cx.detail = wrong_detail::read_out_of_bounds;
    cx.message = "read outside " + std::string(buffer) + ": " +
                 index_text(unravel(tested_operation::output_shape(cx.c.p), at)) +
                 " changes with the guard bytes around " + buffer + " (got " + num(base[i]) +
                 " with " + byte_text(sandbox::guard_byte) + " guards, " + num(other->y[i]) +
                 " with " + byte_text(other_guard_byte) + "); " + cx.message;
    return true;
  }
  return false;
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

namespace {

outcome judge_values(const explore_case& c, outcome answered, check::precision prec,
                     bool flush_subnormals) {
  check::options opt;
  opt.flush_subnormals = flush_subnormals;
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
  answered.detail = detail_of(r, answered.y);
  answered.report = std::move(r);
  return answered;
}

ambiguity ambiguity_of(const explore_case& c, const resolution& r, std::string choice) {
  ambiguity a;
  a.id = r.ambiguity;
  a.references = r.references;
  a.readings = describe_readings(r);
  a.choice = std::move(choice);
  a.c = c;
  return a;
}

// A form's answer: y's shape picks the readings it may follow (tconv's first); the first whose
// values pass decides (tconv's: a pass; another: a spec ambiguity), else the first's failure.
outcome judge_form(const explore_case& c, outcome answered, check::precision prec,
                   bool flush_subnormals) {
  const resolution r = resolve(*c.form, c.p);
  std::optional<outcome> first_failure;
  for (std::size_t j = 0; j < r.readings.size(); ++j) {
    const reading& rd = r.readings[j];
    if (!rd.p || output_shape(*rd.p, op_kind::conv_transpose) != answered.y_shape) continue;
    explore_case cj = c;
    cj.p = *rd.p;
    outcome v = judge_values(cj, answered, prec, flush_subnormals);
    if (!v.failed()) {
      if (j > 0) v.ambiguous = ambiguity_of(c, r, rd.name);
      return v;
    }
    if (j > 0) v.message = "under the reading \"" + rd.name + "\" (its output shape): " + v.message;
    if (!first_failure) first_failure = std::move(v);
  }
  if (first_failure) return std::move(*first_failure);
  const std::string want =
      r.readings.empty() || !r.readings[0].p
          ? std::string("no output (it rejects the form)")
          : shape_text(output_shape(*r.readings[0].p, op_kind::conv_transpose));
  answered.state = outcome::status::failed;
  answered.kind = finding_kind::wrong_shape;
  answered.message = "y.npy has shape " + shape_text(answered.y_shape) + "; the " +
                     (convention_of(c.form->kind) == convention::onnx ? "ONNX" : "TensorFlow") +
                     " reading of this form (" + std::string(name(c.form->kind)) + ") gives " +
                     want;
  return answered;
}

}  // namespace

outcome judge(const explore_case& c, outcome answered, check::precision prec,
              bool flush_subnormals) {
  if (c.form) return judge_form(c, std::move(answered), prec, flush_subnormals);
  return judge_values(c, std::move(answered), prec, flush_subnormals);
}

outcome judge_rejection(const explore_case& c, outcome v) {
  const bool rejected = v.unsupported() || (v.failed() && v.kind == finding_kind::error &&
                                            v.message.rfind("answered error: ", 0) == 0);
  if (!c.form || !rejected) return v;
  const resolution r = resolve(*c.form, c.p);
  const bool some_reading_rejects =
      r.ambiguous() && std::any_of(r.readings.begin(), r.readings.end(),
                                   [](const reading& rd) { return !rd.p.has_value(); });
  if (!some_reading_rejects) return v;
  const std::string why = v.unsupported() ? std::string("unsupported")
                                          : v.message.substr(16);  // after "answered error: "
  outcome ok;
  ok.ambiguous = ambiguity_of(c, r, "rejected: " + why);
  return ok;
}

bool name_reads_outside(implementation& impl, counterexample& cx) {
  if (cx.kind != finding_kind::wrong_result) return false;
  // the worker is fresh: every failed call is followed by reset() (judged_call)
  const auto same = impl.call_with_guards(cx.c, sandbox::guard_byte, sandbox::guard_byte);
  if (!same) return false;  // no guards (a command): nothing was run
  const bool named = same->state == outcome::status::ok && name_read(impl, cx, same->y);
  impl.reset();
  return named;
}

}  // namespace tconv::harness
