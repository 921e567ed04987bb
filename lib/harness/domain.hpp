#pragma once
// A --cmd program's declared domain: the problems it supports, stated once as JSON (domain.json,
// answered to the harness's domain probe; README "Declaring a domain"). Read strictly: invalid
// JSON, an unknown key, a value of the wrong form or an empty domain is a usage error naming the
// key and the rule. The campaign then draws inside it: the generator's bounds are narrowed where a
// bound exists (tune) and the rest is filtered (contains), ANDed with options::keep.
#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/convention.hpp"
#include "tconv/problem.hpp"

namespace tconv::gen {
struct problem_space;  // harness/generate.hpp
}

namespace tconv::harness {

struct options;  // harness/campaign.hpp

/// The part of the problem space an implementation supports (the defaults: all of it).
struct declared_domain {
  enum class padding_rule { none, symmetric, asymmetric };
  enum class output_padding_rule { none, below_stride, below_stride_or_dilation };
  std::array<bool, 3> ranks{true, true, true};  // ranks[r - 1]: rank r supported
  // at most this many (groups, per-axis dilation and stride, batch); 0 = no limit
  std::int64_t max_groups = 0, max_dilation = 0, max_stride = 0, max_batch = 0;
  padding_rule padding = padding_rule::asymmetric;  // symmetric: pad_begin == pad_end per axis
  output_padding_rule output_padding = output_padding_rule::below_stride_or_dilation;
  bool bias = true;  // false: only problems without bias
  // the convention forms it takes (convention.hpp): every case sent carries a form of one of
  // these kinds; empty (not declared): plain problems without "convention", as before
  std::vector<form_kind> conventions;
};

/// The declaration `text` (a JSON object, keys in README "Declaring a domain"); throws
/// usage_error "WHERE: "KEY": RULE (got VALUE)" for invalid JSON, unknown keys, wrong forms and
/// an empty rank list.
[[nodiscard]] declared_domain parse_domain(std::string_view text, const std::string& where);

/// d as a JSON object with every key (the reports' "declared_domain").
[[nodiscard]] std::string domain_json(const declared_domain& d);

/// True when p lies in d: every key's rule holds on p's first `rank` axes, and with declared
/// conventions some declared kind can pose p.
[[nodiscard]] bool contains(const declared_domain& d, const problem& p);

/// The kinds among d's declared conventions that `allowed` admits (empty allowed: all of them)
/// and that can pose p (pose(kind, p, 0) != nullopt), in declaration order.
[[nodiscard]] std::vector<form_kind> posing_kinds(const declared_domain& d, const problem& p,
                                                  const std::function<bool(form_kind)>& allowed);

/// Narrows the generator's bounds to d where a bound exists (rank, groups, dilation, stride,
/// padding none, batch, bias), so that fewer draws fall outside it.
void tune(const declared_domain& d, gen::problem_space& s);

/// Composes d into o: keep becomes (keep AND contains, with declared conventions: AND some kind
/// o.form_kinds admits poses p), tune_space (tune_space THEN tune), and
/// o.domain points to d (which must outlive o). Throws usage_error when d's ranks and --max-rank
/// leave no rank.
void apply_domain(options& o, const declared_domain& d, const std::string& where);

}  // namespace tconv::harness
