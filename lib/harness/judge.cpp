#include "harness/judge.hpp"

#include <bit>
#include <cstdint>
#include <cstdio>

#include "tconv/check/check.hpp"
#include "tconv/check/report_json.hpp"

namespace tconv::harness {

const char* name(precision p) {
  switch (p) {
    case precision::fp32:
      return "fp32";
    case precision::tf32:
      return "tf32";
    case precision::bf16:
      return "bf16";
    case precision::fp16:
      return "fp16";
  }
  return "?";
}

namespace {

check::precision to_check(precision p) {
  switch (p) {
    case precision::fp32:
      return check::precision::fp32;
    case precision::tf32:
      return check::precision::tf32;
    case precision::bf16:
      return check::precision::bf16;
    case precision::fp16:
      return check::precision::fp16;
  }
  return check::precision::fp32;
}

// The sentinel the plugin sandbox fills y with (plugin_sandbox.cpp): an element still holding it
// was never written.
bool is_sentinel(float v) { return std::bit_cast<std::uint32_t>(v) == 0x7FC0DEADu; }

std::string num(double v) {
  char b[64];
  std::snprintf(b, sizeof b, "%.9g (%a)", v, v);
  return b;
}

}  // namespace

judgement judge(const explore_case& c, const std::vector<float>& y, precision prec) {
  check::options opt;
  opt.max_listed = 1;  // the first violation is what the report shows
  opt.threads = 1;     // small cases: a thread costs more than it saves
  check::report r;
  try {
    r = check::check_output(c.p, op_kind::conv_transpose, c.x.data(), c.w.data(),
                            c.p.has_bias ? c.b.data() : nullptr, y.data(),
                            static_cast<std::int64_t>(y.size()), to_check(prec), opt);
  } catch (const check::check_error& e) {
    // the generator drew a case the checker cannot judge: a defect of the harness, not of the
    // implementation under test
    throw usage_error(std::string("the checker cannot judge a generated case: ") + e.what());
  }
  judgement j;
  j.passed = r.ok;
  if (r.ok) return j;
  j.details = check::to_json(r);
  if (!r.first_violations.empty()) {
    const auto& f = r.first_violations.front();
    std::string idx = "y[";
    for (std::size_t i = 0; i < f.index.size(); ++i)
      idx += (i ? "," : "") + std::to_string(f.index[i]);
    idx += "]";
    // the flat position of that element, to tell a never-written element from a wrong one
    std::int64_t flat = 0;
    const auto shape = output_shape(c.p, op_kind::conv_transpose);
    for (std::size_t i = 0; i < f.index.size() && i < shape.size(); ++i)
      flat = flat * shape[i] + f.index[i];
    const bool untouched = flat >= 0 && flat < static_cast<std::int64_t>(y.size()) &&
                           is_sentinel(y[static_cast<std::size_t>(flat)]);
    j.summary = idx + ": got " +
                (untouched ? std::string("NaN (never written: still the harness's sentinel)")
                           : num(f.got)) +
                ", exact " + f.exact_decimal + " (" + f.exact_hex + "), |error| " + num(f.error) +
                " > bound " + num(f.bound) + (f.reason.empty() ? "" : " [" + f.reason + "]") +
                "; " + std::to_string(r.violations) + " of " + std::to_string(r.elements_checked) +
                " elements violate";
  } else {
    j.summary = r.message.empty() ? "the checker rejected the output" : r.message;
  }
  return j;
}

}  // namespace tconv::harness
