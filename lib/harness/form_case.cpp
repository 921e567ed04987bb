#include "harness/form_case.hpp"

#include <algorithm>

#include "tconv/text.hpp"

namespace tconv::harness {

bool repose(explore_case& c, form_kind kind, std::uint64_t salt) {
  auto posed_case = pose(kind, c.p, salt);
  if (!posed_case) return false;
  c.p = posed_case->p;
  c.form = std::move(posed_case->form);
  c.form_salt = salt;
  return true;
}

std::int64_t max_output_elements(const explore_case& c) {
  auto elements = [](const problem& p) {
    std::int64_t n = 1;
    for (const std::int64_t e : output_shape(p, op_kind::conv_transpose)) n *= e;
    return n;
  };
  std::int64_t most = elements(c.p);
  if (!c.form) return most;
  for (const reading& rd : resolve(*c.form, c.p).readings)
    if (rd.p) most = std::max(most, elements(*rd.p));
  return most;
}

std::vector<std::string> describe_readings(const resolution& r) {
  std::vector<std::string> lines;
  for (const reading& rd : r.readings)
    lines.push_back(rd.name + ": " + (rd.p ? to_string(*rd.p) : "rejects the form") +
                    (rd.rule.empty() ? "" : " (" + rd.rule + ")"));
  return lines;
}

std::string shape_text(const std::vector<std::int64_t>& shape) {
  std::string s = "[";
  for (std::size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

}  // namespace tconv::harness
