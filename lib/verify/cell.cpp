#include "verify/cell.hpp"

#include <algorithm>
#include <array>
#include <ostream>

#include "harness/campaign.hpp"
#include "harness/domain.hpp"
#include "harness/generate.hpp"
#include "harness/usage_error.hpp"
#include "harness/values.hpp"
#include "tconv/check/check.hpp"

namespace tconv::verify {

namespace {

// The features a problem may have besides its rank; a feature cell isolates one of them.
constexpr std::array feature_regions{region::gaps,           region::dilation,
                                     region::groups,         region::asymmetric_padding,
                                     region::output_padding, region::bias};

// A feature cell's problems: that feature, none of the others (so that one library bug does not
// fail every cell), at one rank.
bool isolated(const problem& p, region f) {
  if (!in_region(p, f)) return false;
  for (const region g : feature_regions)
    if (g != f && in_region(p, g)) return false;
  return true;
}

std::vector<std::int64_t> cell_ranks(region r, const std::vector<std::int64_t>& supported,
                                     bool rank_cells_run) {
  if (is_rank_region(r)) return {rank_of(r)};
  if (rank_cells_run) return supported;
  return {1, 2, 3};
}

std::string definition_of(region r) {
  return is_rank_region(r) ? "rank " + std::to_string(rank_of(r)) + " problems, every feature mixed"
                           : std::string(name(r)) +
                                 " and no other feature (of gaps, dilation, groups, "
                                 "asymmetric_padding, output_padding, bias)";
}

// Which problems a cell's campaign at `rank` draws, and how the generator is narrowed for them.
void restrict_to_cell(harness::options& eo, region r, std::int64_t rank) {
  if (is_rank_region(r)) {
    eo.keep = [rank](const problem& p) { return p.rank == rank; };
    eo.keep_name = "rank " + std::to_string(rank);
    return;
  }
  eo.keep = [rank, r](const problem& p) { return p.rank == rank && isolated(p, r); };
  eo.keep_name = std::string(name(r)) + " only, rank " + std::to_string(rank);
  eo.tune_space = [r](gen::problem_space& s) {
    if (r != region::groups) s.max_groups = 1;
    if (r != region::bias) s.allow_bias = false;
    if (r != region::dilation) s.max_dilation = 1;
  };
}

// The campaign of cell (impl, r) at `rank`, `cases` cases, its seed derived from --seed.
harness::options campaign_options(const cell_setting& s, region r, std::int64_t rank,
                                  std::uint64_t cases) {
  harness::options eo;
  eo.use_impl = &s.impl;
  eo.cases = cases;
  const auto ri = static_cast<std::uint64_t>(std::find(all_regions.begin(), all_regions.end(), r) -
                                             all_regions.begin());
  eo.seed = harness::case_seed(s.o.seed, 0x7c0000 + ri * 4 + static_cast<std::uint64_t>(rank));
  eo.max_rank = rank;
  // verify's cells keep the small space (its CI budget and baseline); explore reaches the blocks
  eo.max_channels = 2;
  eo.max_extent = 8;
  eo.shard = "0/1";
  eo.timeout_s = s.o.timeout_s;
  eo.shrink_time_s = s.o.shrink_time_s;
  eo.corpus = (s.out_dir / "cases" / s.impl_name /
               (is_rank_region(r) ? std::string(name(r))
                                  : std::string(name(r)) + "-rank" + std::to_string(rank)))
                  .string();
  eo.replay_corpus = false;
  restrict_to_cell(eo, r, rank);
  // a --cmd declaring conventions: the region rows pose plain forms only (the conventions row
  // tests the rest)
  eo.form_kinds = [](harness::form_kind k) { return harness::is_plain(k); };
  if (!s.base.file.empty())
    eo.classify = [&b = s.base, name = s.impl_name](
                      const harness::explore_case& c, harness::finding_kind kind,
                      const std::vector<float>& y) { return classify(b, name, c, kind, y); };
  return eo;
}

finding finding_of(const harness::counterexample& cx, std::int64_t rank) {
  finding f;
  f.kind = cx.kind;
  f.origin = cx.origin;
  f.message = cx.message;
  f.saved = cx.saved.string();
  f.replay = cx.replay;
  f.known = cx.known;
  f.case_index = cx.case_index;
  f.rank_campaign = rank;
  f.shrink_steps = cx.shrink.steps;
  f.shrink_attempts = cx.shrink.attempts;
  f.c = cx.c;
  f.signature = cx.signature;
  f.hits = cx.hits;
  f.label = cx.label();
  return f;
}

// Adds one campaign's counts, coverage, known hits and findings to the cell.
void add_campaign(cell& out, const harness::campaign_result& res, std::int64_t rank) {
  out.executed += res.executed;
  out.unsupported += res.unsupported;
  out.seconds += res.seconds;
  for (const region reg : all_regions) {  // every region, tested or not, as a column
    const auto it = res.coverage.find(reg);
    if (it == res.coverage.end()) {
      out.coverage[reg];
      continue;
    }
    out.coverage[reg].tested += it->second.tested;
    out.coverage[reg].unsupported += it->second.unsupported;
  }
  for (const auto& [id, n] : res.known_hits) out.known_hits[id] += n;
  // one counterexample per known finding and cell: the first (lowest rank); later ones only
  // counted. New findings are distinct by their signatures (a later campaign of the cell counts
  // failures covered by an earlier one's signature as hits of "NEW", cell_signatures).
  for (const auto& cx : res.counterexamples) {
    if (!cx.known.empty() && std::any_of(out.findings.begin(), out.findings.end(),
                                         [&](const finding& g) { return g.known == cx.known; })) {
      ++out.known_hits[cx.known];
      continue;
    }
    out.findings.push_back(finding_of(cx, rank));
  }
  for (const auto& a : res.ambiguities) {
    const auto same = std::find_if(out.ambiguities.begin(), out.ambiguities.end(),
                                   [&](auto& e) { return same_entry(e.a, a); });
    if (same != out.ambiguities.end())
      same->a.hits += a.hits;
    else
      out.ambiguities.push_back({"", a});
  }
}

// The signatures of the cell's new findings so far, known to its next campaign as "NEW".
std::vector<harness::known_signature> cell_signatures(const cell& out) {
  std::vector<harness::known_signature> known;
  for (const auto& f : out.findings)
    if (f.known.empty()) known.push_back({"NEW", harness::signature_of(f.kind, f.c.p)});
  return known;
}

void set_status(cell& out, bool draws_exhausted) {
  out.tested = out.executed - out.unsupported;
  out.status = !out.findings.empty() ? cell_status::fail
               : out.tested == 0     ? cell_status::unsupported
                                     : cell_status::pass;
  if (out.ranks.empty()) out.note = "no rank is supported (every rank cell was declined)";
  if (draws_exhausted)
    out.note = "the region is rare under the generator: fewer cases than the budget";
}

// The elements outside the bound, with their flat positions in an output of shape `out`.
std::vector<wrong_element> wrong_elements(const check::report& rep,
                                          const std::vector<std::int64_t>& out) {
  std::vector<wrong_element> wrong;
  for (const auto& v : rep.first_violations) {
    std::int64_t flat = 0;
    for (std::size_t i = 0; i < v.index.size() && i < out.size(); ++i)
      flat = flat * out[i] + v.index[i];
    wrong.push_back({flat, v.index, v.got, v.error, v.bound, v.exact_decimal, v.reason});
  }
  return wrong;
}

// The campaign, in memory; a usage error or a counterexample that could not be stored ends the
// run (exit status 2), its cause on the user's stderr.
harness::campaign_result campaign(const cell_setting& s, const std::string& row,
                                  const harness::options& eo) {
  const std::string where = s.impl_name + " x " + row;
  std::ostream quiet(nullptr);  // the campaign's own text report: the matrix says it instead
  harness::campaign_result res;
  try {
    res = harness::run_campaign(eo, quiet, s.err);
  } catch (const usage_error& e) {
    throw usage_error(where + ": the campaign could not run: " + e.what());
  }
  if (!res.save_error.empty())
    throw usage_error(where + ": the campaign could not run: " + res.save_error);
  return res;
}

// Whether the implementation declares a convention form that is not plain.
bool declares_conventions(harness::implementation& impl) {
  const harness::declared_domain* d = impl.domain();
  return d != nullptr && std::any_of(d->conventions.begin(), d->conventions.end(),
                                     [](harness::form_kind k) { return !harness::is_plain(k); });
}

// Whether the implementation's declared domain (if any) lists rank r: a rank it excludes is
// unsupported without a campaign (a campaign at a max rank the domain leaves empty is a usage
// error); the conventions row draws every declared rank (the rank rows pose plain forms only).
bool declares_rank(harness::implementation& impl, std::int64_t r) {
  const harness::declared_domain* d = impl.domain();
  return d == nullptr || d->ranks[static_cast<std::size_t>(r - 1)];
}

// The conventions row's campaign at `rank`: every feature mixed, non-plain forms only.
harness::options conventions_options(const cell_setting& s, std::int64_t rank,
                                     std::uint64_t cases) {
  harness::options eo = campaign_options(s, region::rank1, rank, cases);
  eo.seed = harness::case_seed(s.o.seed, 0x7d0000 + static_cast<std::uint64_t>(rank));
  eo.corpus =
      (s.out_dir / "cases" / s.impl_name / ("conventions-rank" + std::to_string(rank))).string();
  eo.keep_name = "convention forms the engine resolves, rank " + std::to_string(rank);
  eo.form_kinds = [](harness::form_kind k) { return !harness::is_plain(k); };
  return eo;
}

}  // namespace

cell run_conventions_cell(const cell_setting& s, const std::vector<std::int64_t>& supported_ranks) {
  cell out;
  out.implementation = s.impl_name;
  out.conventions_row = true;
  out.definition =
      "the engine resolves the convention itself: auto_pad VALID / SAME_*, output_shape, "
      "kernel_shape omitted, TensorFlow 'SAME' / 'VALID' (every feature mixed)";
  if (!declares_conventions(s.impl)) {
    out.status = cell_status::unsupported;
    out.note = no_conventions_note;
    return out;
  }
  out.ranks = supported_ranks.empty() ? std::vector<std::int64_t>{1, 2, 3} : supported_ranks;
  for (std::int64_t r = 1; r <= 3; ++r)  // a declared rank whose rank row took no plain form
    if (declares_rank(s.impl, r) &&
        std::find(out.ranks.begin(), out.ranks.end(), r) == out.ranks.end())
      out.ranks.push_back(r);
  std::erase_if(out.ranks, [&](std::int64_t r) { return !declares_rank(s.impl, r); });
  std::sort(out.ranks.begin(), out.ranks.end());
  bool exhausted = false;
  const std::size_t n = out.ranks.size();
  for (std::size_t k = 0; k < n; ++k) {
    const std::uint64_t cases = s.budget / n + (k < s.budget % n ? 1 : 0);
    if (cases == 0) continue;
    harness::options eo = conventions_options(s, out.ranks[k], cases);
    eo.known_signatures = cell_signatures(out);
    const harness::campaign_result res = campaign(s, conventions_row_name, eo);
    exhausted = exhausted || res.exhausted;
    add_campaign(out, res, out.ranks[k]);
    out.campaigns.push_back(
        {out.ranks[k], eo.seed, eo.cases, res.executed, res.unsupported, res.seconds});
  }
  set_status(out, exhausted);
  return out;
}

rerun run_again(harness::implementation& impl, const harness::explore_case& c) {
  rerun again;
  const harness::outcome r = impl.call(c);
  if (r.state != harness::outcome::status::ok) {
    again.verdict = r.state == harness::outcome::status::unsupported
                        ? "unsupported on re-run"
                        : "re-run failed: " + r.message;
    return again;
  }
  std::int64_t elements = 1;
  for (const std::int64_t e : output_shape(c.p, op_kind::conv_transpose)) elements *= e;
  if (static_cast<std::int64_t>(r.y.size()) != elements) {
    // a form's engine chose another reading's output shape: the finding's message judges it
    again.verdict = "reproduced (an output of " + std::to_string(r.y.size()) +
                    " values: another reading's shape, judged in the finding's message)";
    return again;
  }
  check::options opt;
  opt.threads = 1;
  opt.max_listed = static_cast<int>(std::min<std::size_t>(r.y.size(), 1u << 16));
  const float* b = c.p.has_bias ? c.b.data() : nullptr;
  const auto rep =
      check::check_output(c.p, op_kind::conv_transpose, c.x.data(), c.w.data(), b, r.y.data(),
                          static_cast<std::int64_t>(r.y.size()), check::precision::fp32, opt);
  again.verdict =
      rep.ok ? "passed on re-run (the failure does not reproduce every time)" : "reproduced";
  again.checked = true;
  again.violations = rep.violations;
  again.elements = rep.elements_checked;
  again.wrong = wrong_elements(rep, output_shape(c.p, op_kind::conv_transpose));
  if (r.y.size() > 4096) return again;  // the tensor is shown for small counterexamples only
  const check::geometry g(c.p, op_kind::conv_transpose);
  again.exact.resize(r.y.size());
  check::reference_float(g, c.x.data(), c.w.data(), b, again.exact.data(), 1);
  again.got = r.y;
  again.tensor_shown = true;
  return again;
}

cell run_cell(const cell_setting& s, region r, const std::vector<std::int64_t>& supported_ranks,
              bool rank_cells_run) {
  cell out;
  out.implementation = s.impl_name;
  out.where = r;
  out.ranks = cell_ranks(r, supported_ranks, rank_cells_run);
  const bool excluded =
      std::erase_if(out.ranks, [&](std::int64_t k) { return !declares_rank(s.impl, k); }) > 0;
  out.definition = definition_of(r);
  bool exhausted = false;
  const std::size_t n = out.ranks.size();
  for (std::size_t k = 0; k < n; ++k) {
    const std::int64_t rank = out.ranks[k];
    const std::uint64_t cases = s.budget / n + (k < s.budget % n ? 1 : 0);
    if (cases == 0) continue;
    harness::options eo = campaign_options(s, r, rank, cases);
    eo.known_signatures = cell_signatures(out);
    const harness::campaign_result res = campaign(s, std::string(name(r)), eo);
    exhausted = exhausted || res.exhausted;
    add_campaign(out, res, rank);
    out.campaigns.push_back({rank, eo.seed, eo.cases, res.executed, res.unsupported, res.seconds});
  }
  set_status(out, exhausted);
  if (excluded && out.ranks.empty()) out.note = "outside the declared domain (ranks)";
  return out;
}

}  // namespace tconv::verify
