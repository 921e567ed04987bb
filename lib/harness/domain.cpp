#include "harness/domain.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "harness/campaign.hpp"
#include "harness/generate.hpp"
#include "harness/json_reject.hpp"
#include "harness/protocol.hpp"

namespace tconv::harness {

using nlohmann::json;

namespace {

using padding_rule = declared_domain::padding_rule;
using op_rule = declared_domain::output_padding_rule;

constexpr std::array<std::pair<std::string_view, padding_rule>, 3> padding_names{
    {{"none", padding_rule::none},
     {"symmetric", padding_rule::symmetric},
     {"asymmetric", padding_rule::asymmetric}}};
constexpr std::array<std::pair<std::string_view, op_rule>, 3> op_names{
    {{"none", op_rule::none},
     {"below_stride", op_rule::below_stride},
     {"below_stride_or_dilation", op_rule::below_stride_or_dilation}}};

[[noreturn]] void reject(const std::string& where, const std::string& key, const std::string& rule,
                         const json& got) {
  reject_json(where, "\"" + key + "\"", rule, got);
}

// A limit key: true (no limit: 0), false (only 1) or an integer n >= 1 (at most n).
std::int64_t limit(const json& v, const std::string& where, const std::string& key) {
  if (v.is_boolean()) return v.get<bool>() ? 0 : 1;
  if (v.is_number_unsigned() && v.get<std::uint64_t>() >= 1)
    return static_cast<std::int64_t>(std::min<std::uint64_t>(v.get<std::uint64_t>(), 1u << 30));
  reject(where, key, "must be true (any), false (only 1) or an integer >= 1 (at most that)", v);
}

template <class E, std::size_t n>
E named(const json& v, const std::array<std::pair<std::string_view, E>, n>& names,
        const std::string& where, const std::string& key) {
  std::string choices;
  for (const auto& [nm, e] : names) {
    if (v.is_string() && v.get<std::string>() == nm) return e;
    choices += (choices.empty() ? "" : ", ") + std::string(nm);
  }
  reject(where, key, "must be one of " + choices, v);
}

std::array<bool, 3> rank_set(const json& v, const std::string& where) {
  const char* rule = "must be a non-empty list of distinct ranks 1, 2, 3";
  if (!v.is_array() || v.empty()) reject(where, "ranks", rule, v);
  std::array<bool, 3> r{false, false, false};
  for (const json& e : v) {
    if (!e.is_number_unsigned() || e.get<std::uint64_t>() < 1 || e.get<std::uint64_t>() > 3 ||
        r[e.get<std::size_t>() - 1])
      reject(where, "ranks", rule, v);
    r[e.get<std::size_t>() - 1] = true;
  }
  return r;
}

// "conventions": a non-empty list of distinct form kind names (convention.hpp).
std::vector<form_kind> kind_list(const json& v, const std::string& where) {
  const char* rule =
      "must be a non-empty list of distinct convention form names (onnx_pads, "
      "onnx_pads_no_kernel_shape, onnx_output_shape, onnx_valid, onnx_same_upper, "
      "onnx_same_lower, tf_explicit, tf_valid, tf_same)";
  if (!v.is_array() || v.empty()) reject(where, "conventions", rule, v);
  std::vector<form_kind> kinds;
  for (const json& e : v) {
    const auto k = e.is_string() ? form_kind_named(e.get<std::string>()) : std::nullopt;
    if (!k || std::find(kinds.begin(), kinds.end(), *k) != kinds.end())
      reject(where, "conventions", rule, v);
    kinds.push_back(*k);
  }
  return kinds;
}

json limit_json(std::int64_t m) { return m == 0 ? json(true) : m == 1 ? json(false) : json(m); }

}  // namespace

namespace {

// The deepest nesting of arrays and objects in text (brackets inside strings not counted).
std::size_t nesting_depth(std::string_view text) {
  std::size_t depth = 0, deepest = 0;
  bool in_string = false, escaped = false;
  for (const char ch : text) {
    if (in_string) {
      if (escaped)
        escaped = false;
      else if (ch == '\\')
        escaped = true;
      else if (ch == '"')
        in_string = false;
      continue;
    }
    if (ch == '"') in_string = true;
    if (ch == '[' || ch == '{') deepest = std::max(deepest, ++depth);
    if ((ch == ']' || ch == '}') && depth > 0) --depth;
  }
  return deepest;
}

}  // namespace

declared_domain parse_domain(std::string_view text, const std::string& where) {
  if (text.size() > protocol::max_line)
    throw usage_error(where + ": longer than 64 KiB (a domain is a small JSON object)");
  // a parser recursing once per level would exhaust the stack on a hostile declaration
  if (nesting_depth(text) > 8)
    throw usage_error(where + ": nested deeper than 8 levels (a domain is a flat JSON object)");
  json j;
  try {
    j = json::parse(text);
  } catch (const json::parse_error& e) {
    throw usage_error(where + ": not valid JSON (" + e.what() + ")");
  }
  if (!j.is_object()) reject(where, "(top level)", "must be a JSON object", j);
  declared_domain d;
  for (const auto& [key, v] : j.items()) {
    if (key == "ranks")
      d.ranks = rank_set(v, where);
    else if (key == "groups")
      d.max_groups = limit(v, where, key);
    else if (key == "dilation")
      d.max_dilation = limit(v, where, key);
    else if (key == "stride")
      d.max_stride = limit(v, where, key);
    else if (key == "batch")
      d.max_batch = limit(v, where, key);
    else if (key == "padding")
      d.padding = named(v, padding_names, where, key);
    else if (key == "output_padding")
      d.output_padding = named(v, op_names, where, key);
    else if (key == "bias" && v.is_boolean())
      d.bias = v.get<bool>();
    else if (key == "bias")
      reject(where, key, "must be true or false", v);
    else if (key == "conventions")
      d.conventions = kind_list(v, where);
    else
      reject(where, key,
             "unknown key (known: ranks, groups, dilation, stride, batch, padding, "
             "output_padding, bias, conventions)",
             v);
  }
  return d;
}

std::string domain_json(const declared_domain& d) {
  json ranks = json::array();
  for (std::size_t r = 0; r < d.ranks.size(); ++r)
    if (d.ranks[r]) ranks.push_back(r + 1);
  json j{{"ranks", ranks},
         {"groups", limit_json(d.max_groups)},
         {"dilation", limit_json(d.max_dilation)},
         {"stride", limit_json(d.max_stride)},
         {"batch", limit_json(d.max_batch)},
         {"bias", d.bias}};
  for (const auto& [nm, e] : padding_names)
    if (e == d.padding) j["padding"] = nm;
  for (const auto& [nm, e] : op_names)
    if (e == d.output_padding) j["output_padding"] = nm;
  if (!d.conventions.empty()) {
    j["conventions"] = json::array();
    for (const form_kind k : d.conventions) j["conventions"].push_back(std::string(name(k)));
  }
  return j.dump();
}

bool contains(const declared_domain& d, const problem& p) {
  auto within = [](std::int64_t v, std::int64_t max) { return max == 0 || v <= max; };
  if (p.rank < 1 || p.rank > 3 || !d.ranks[static_cast<std::size_t>(p.rank - 1)]) return false;
  if (!within(p.groups, d.max_groups) || !within(p.batch, d.max_batch)) return false;
  if (p.has_bias && !d.bias) return false;
  for (std::int64_t a = 0; a < p.rank; ++a) {
    if (!within(p.dilation[a], d.max_dilation) || !within(p.stride[a], d.max_stride)) return false;
    if (d.padding == padding_rule::none && (p.pad_begin[a] != 0 || p.pad_end[a] != 0)) return false;
    if (d.padding == padding_rule::symmetric && p.pad_begin[a] != p.pad_end[a]) return false;
    const std::int64_t op_bound = d.output_padding == op_rule::none ? 1
                                  : d.output_padding == op_rule::below_stride
                                      ? p.stride[a]
                                      : std::max(p.stride[a], p.dilation[a]);
    if (p.output_padding[a] >= op_bound) return false;
  }
  return d.conventions.empty() || !posing_kinds(d, p, {}).empty();
}

std::vector<form_kind> posing_kinds(const declared_domain& d, const problem& p,
                                    const std::function<bool(form_kind)>& allowed) {
  std::vector<form_kind> kinds;
  for (const form_kind k : d.conventions)
    if ((!allowed || allowed(k)) && pose(k, p, 0)) kinds.push_back(k);
  return kinds;
}

void tune(const declared_domain& d, gen::problem_space& s) {
  auto narrow = [](std::int64_t& bound, std::int64_t max) {
    if (max > 0) bound = std::min(bound, max);
  };
  std::int64_t top = 1;
  for (std::int64_t r = 1; r <= 3; ++r)
    if (d.ranks[static_cast<std::size_t>(r - 1)]) top = r;
  narrow(s.max_rank, top);
  narrow(s.max_groups, d.max_groups);
  narrow(s.max_dilation, d.max_dilation);
  narrow(s.max_stride, d.max_stride);
  narrow(s.max_batch, d.max_batch);
  if (d.padding == padding_rule::none) s.max_padding = 0;
  s.allow_bias = s.allow_bias && d.bias;
}

void apply_domain(options& o, const declared_domain& d, const std::string& where) {
  bool any = false;
  for (std::int64_t r = 1; r <= std::min<std::int64_t>(o.max_rank, 3); ++r)
    any = any || d.ranks[static_cast<std::size_t>(r - 1)];
  if (!any)
    throw usage_error(where + ": \"ranks\": the declared ranks leave none within --max-rank " +
                      std::to_string(o.max_rank) + " (an empty domain)");
  o.keep = [keep = std::move(o.keep), &d, allowed = o.form_kinds](const problem& p) {
    if (!d.conventions.empty() && posing_kinds(d, p, allowed).empty()) return false;
    return contains(d, p) && (!keep || keep(p));
  };
  o.tune_space = [tune_space = std::move(o.tune_space), &d](gen::problem_space& s) {
    if (tune_space) tune_space(s);
    tune(d, s);
  };
  if (o.keep_name.empty()) o.keep_name = "the declared domain";
  o.domain = &d;
}

}  // namespace tconv::harness
