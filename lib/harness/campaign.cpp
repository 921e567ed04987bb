#include "harness/campaign.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <ostream>

#include "harness/campaign_report.hpp"
#include "harness/case_dir.hpp"
#include "harness/domain.hpp"
#include "harness/escape.hpp"
#include "harness/form_case.hpp"
#include "harness/generate.hpp"
#include "harness/judge.hpp"
#include "harness/known.hpp"
#include "harness/operations.hpp"
#include "harness/progress_line.hpp"
#include "harness/shrink.hpp"
#include "tconv/io/read_file.hpp"
#include "tconv/text.hpp"

namespace tconv::harness {

namespace fs = std::filesystem;
using clock_type = std::chrono::steady_clock;

namespace {

double seconds_since(clock_type::time_point t) {
  return std::chrono::duration<double>(clock_type::now() - t).count();
}

std::uint64_t parse_u64(const std::string& s, const std::string& what) {
  if (s.empty() || s.find_first_not_of("0123456789") != std::string::npos || s.size() > 19)
    throw usage_error(what + ": \"" + s + "\" is not a non-negative integer");
  return std::stoull(s);
}

// The shard of --shard I/N, else of TEST_SHARD_INDEX / TEST_TOTAL_SHARDS (Bazel's, CTest's).
shard_spec parse_shard(const options& o) {
  shard_spec sh;
  if (!o.shard.empty()) {
    const auto slash = o.shard.find('/');
    if (slash == std::string::npos)
      throw usage_error("--shard: expected I/N (0 <= I < N), got \"" + o.shard + "\"");
    sh.index = parse_u64(o.shard.substr(0, slash), "--shard I");
    sh.count = parse_u64(o.shard.substr(slash + 1), "--shard N");
    if (sh.count < 1 || sh.index >= sh.count)
      throw usage_error("--shard " + o.shard + ": needs N >= 1 and 0 <= I < N (I counts from 0)");
    return sh;
  }
  const char* total = std::getenv("TEST_TOTAL_SHARDS");
  const char* index = std::getenv("TEST_SHARD_INDEX");
  if (total != nullptr && *total != 0) {
    sh.count = parse_u64(total, "TEST_TOTAL_SHARDS");
    sh.index = parse_u64(index != nullptr ? index : "", "TEST_SHARD_INDEX");
    if (sh.count < 1 || sh.index >= sh.count)
      throw usage_error("TEST_SHARD_INDEX=" + std::to_string(sh.index) + " TEST_TOTAL_SHARDS=" +
                        std::to_string(sh.count) + ": needs 0 <= index < total");
  }
  // Bazel asks test binaries that understand sharding to touch this file.
  if (const char* status = std::getenv("TEST_SHARD_STATUS_FILE");
      status != nullptr && *status != 0) {
    std::ofstream touch(status, std::ios::app);
  }
  return sh;
}

// A time in seconds: a finite number, > 0 (>= 0 with zero_ok), at most a million.
void check_seconds(double v, const char* flag, bool zero_ok) {
  if (!std::isfinite(v) || v < 0 || (v == 0 && !zero_ok) || v > 1e6)
    throw usage_error(std::string(flag) + ": " + std::to_string(v) +
                      " must be a finite number of seconds, " + (zero_ok ? ">= 0" : "> 0") +
                      " and at most 1e6");
}

// Checks every option (in the order the messages were always given); returns the shard.
shard_spec check_options(const options& o) {
  if (o.use_impl == nullptr && o.impl.empty() == o.command.empty())
    throw usage_error("give exactly one of --impl LIB.so or --cmd \"COMMAND ARGS\"");
  if (o.max_rank < 1 || o.max_rank > max_rank) throw usage_error("--max-rank: must be 1, 2 or 3");
  if (o.max_channels < 1 || o.max_channels > 1024)
    throw usage_error("--max-channels: " + std::to_string(o.max_channels) +
                      " must be between 1 and 1024 (channels per group)");
  if (o.max_extent < 1 || o.max_extent > 4096)
    throw usage_error("--max-extent: " + std::to_string(o.max_extent) +
                      " must be between 1 and 4096 (input extent per axis)");
  check_seconds(o.timeout_s, "--timeout", false);
  check_seconds(o.startup_s, "--startup-timeout", true);
  check_seconds(o.shrink_time_s, "--shrink-time", true);
  if (o.max_findings < 1) throw usage_error("--max-findings: must be at least 1");
  const shard_spec sh = parse_shard(o);
  if (std::error_code ec;
      !o.corpus.empty() && fs::exists(o.corpus, ec) && !fs::is_directory(o.corpus, ec))
    throw usage_error("--corpus " + o.corpus + ": exists and is not a directory");
  return sh;
}

// The implementation of o: o.use_impl, else the plugin or command it names (started here).
struct session {
  shard_spec shard;
  std::unique_ptr<implementation> owned;
  implementation* impl = nullptr;
  clock_type::time_point t0;
};

session start(const options& o) {
  session s;
  s.shard = check_options(o);
  if (o.use_impl != nullptr) {
    s.impl = o.use_impl;
  } else {
    s.owned = o.impl.empty() ? make_command(o.command, o.timeout_s, o.startup_s)
                             : make_plugin(plugin_path(o.impl, "--impl " + o.impl), o.timeout_s);
    s.impl = s.owned.get();
  }
  s.t0 = clock_type::now();
  return s;
}

// One call, judged; a failure resets the implementation: a wrong result can come from memory
// corruption, which must not leak into later, unrelated cases.
outcome judged_call(implementation& impl, const explore_case& c, check::precision prec,
                    bool flush_subnormals) {
  outcome v = judge_rejection(c, impl.call(c));  // a refused ambiguous form: not a finding
  if (v.ambiguous) return v;
  if (v.failed())
    v.message = clean_text(v.message);  // an implementation's words: any bytes at all
  else if (v.state == outcome::status::ok)
    v = judge(c, std::move(v), prec, flush_subnormals);
  if (v.failed()) impl.reset();
  return v;
}

// FNV-1a over the problem's JSON and the values' bytes: a case's name in the corpus.
std::uint64_t fingerprint(const explore_case& c) {
  std::uint64_t h = 0xcbf29ce484222325ull;
  auto mix = [&](const void* data, std::size_t n) {
    const auto* b = static_cast<const unsigned char*>(data);
    for (std::size_t i = 0; i < n; ++i) h = (h ^ b[i]) * 0x100000001b3ull;
  };
  const std::string pj = tested_operation::problem_to_json(c.p).dump() +
                         (c.form ? to_json(*c.form).dump() : std::string());
  mix(pj.data(), pj.size());
  mix(c.x.data(), c.x.size() * sizeof(float));
  mix(c.w.data(), c.w.size() * sizeof(float));
  mix(c.b.data(), c.b.size() * sizeof(float));
  return h;
}

std::string hex(std::uint64_t v, int digits) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "%0*llx", digits, static_cast<unsigned long long>(v));
  return buf;
}

// The generated problems: case i is the i-th draw (with a `keep` filter: the i-th kept draw;
// rejected draws are skipped, at most max_draws in all).
class problem_source {
 public:
  using drawn = std::pair<std::uint64_t, rc::Shrinkable<problem>>;  // (draw index, tree)

  explicit problem_source(const options& o) : o_(o), problems_(gen::valid_problem(space(o))) {}

  [[nodiscard]] std::uint64_t max_draws() const {
    return o_.cases * std::max<std::uint64_t>(1, o_.max_draws_per_case);
  }

  /// Case i's problem, or nullopt when the keep filter ran out of draws.
  std::optional<drawn> draw(std::uint64_t i) {
    if (!o_.keep) return drawn{i, at(i)};
    while (next_draw_ < max_draws()) {
      const std::uint64_t j = next_draw_++;
      auto s = at(j);
      if (!o_.keep(s.value())) continue;
      if (kept_++ == i) return drawn{j, std::move(s)};
    }
    return std::nullopt;
  }

 private:
  static gen::problem_space space(const options& o) {
    gen::problem_space s = gen::explore_space();
    s.max_rank = o.max_rank;
    s.max_channels_per_group = o.max_channels;
    s.max_extent = o.max_extent;
    if (o.tune_space) o.tune_space(s);
    return s;
  }
  rc::Shrinkable<problem> at(std::uint64_t j) const {
    return problems_(rc::Random(case_seed(o_.seed, j)), static_cast<int>(j % 101));
  }

  const options& o_;
  rc::Gen<problem> problems_;
  std::uint64_t next_draw_ = 0, kept_ = 0;
};

}  // namespace

namespace {

using failure_test = decltype(shrink_setup::same_failure);

// One campaign: the corpus replayed, this shard's generated cases run, each distinct
// counterexample shrunk and saved (the others counted as its hits); everything recorded in a
// campaign_result.
class campaign {
 public:
  campaign(const options& o, const session& s, std::ostream& out, std::ostream& err)
      : o_(o), impl_(*s.impl), out_(out), bar_(err), t0_(s.t0) {
    r_.implementation = impl_.replay_flag();
    r_.seed = o.seed;
    r_.cases = o.cases;
    r_.shard = s.shard;
    r_.max_rank = o.max_rank;
    r_.prec = o.prec;
    r_.flush_subnormals = o.flush_subnormals;
    r_.problems = o.keep_name;
    r_.max_draws = o.cases * o.max_draws_per_case;
    r_.json_cases = o.json_cases;
    if (o.domain != nullptr) r_.domain = domain_json(*o.domain);
    r_.max_findings = static_cast<std::uint64_t>(std::max<std::int64_t>(o.max_findings, 1));
    load_known();
  }

  campaign_result run() {
    print_header();
    replay_corpus();
    run_generated();
    bar_.clear();
    r_.total_seconds = seconds_since(t0_);
    return std::move(r_);
  }

 private:
  void print_header() {
    out_ << "tconv explore: " << r_.implementation << ", seed " << o_.seed << ", " << o_.cases
         << " cases";
    if (r_.shard.count > 1) out_ << " (shard " << r_.shard.index << "/" << r_.shard.count << ")";
    out_ << ", max rank " << o_.max_rank << ", precision " << check::name(o_.prec);
    if (o_.flush_subnormals) out_ << " (subnormals may flush to zero)";
    if (!o_.keep_name.empty()) out_ << ", problems: " << o_.keep_name;
    out_ << "\n";
  }

  // The corpus's entries in name order; temporary and set-aside directories (".tmp-", ".damaged-")
  // of concurrent writers are not entries.
  std::vector<fs::path> corpus_entries() const {
    std::vector<fs::path> entries;
    std::error_code ec;
    if (!o_.replay_corpus || o_.corpus.empty() || !fs::is_directory(o_.corpus, ec)) return entries;
    for (fs::directory_iterator it(o_.corpus, ec), end; !ec && it != end; it.increment(ec)) {
      const std::string nm = it->path().filename().string();
      if (nm.empty() || nm[0] == '.') continue;
      if (std::error_code e2;
          it->is_directory(e2) && fs::exists(fs::symlink_status(it->path() / "problem.json", e2)))
        entries.push_back(it->path());
    }
    if (ec) throw usage_error("--corpus " + o_.corpus + ": cannot list (" + ec.message() + ")");
    std::sort(entries.begin(), entries.end());
    return entries;
  }

  // 1. the corpus: earlier findings first, as a regression database
  void replay_corpus() {
    const std::vector<fs::path> entries = corpus_entries();
    std::uint64_t replayed = 0;
    for (std::size_t j = 0; j < entries.size(); ++j)
      if (j % r_.shard.count == r_.shard.index && replay_entry(entries[j])) ++replayed;
    if (replayed > 0)
      out_ << "corpus: " << replayed << " stored case" << (replayed == 1 ? "" : "s")
           << " replayed from " << o_.corpus << ", " << r_.counterexamples.size() << " failing\n";
  }

  // Replays one entry; false when it is damaged (skipped, reported).
  bool replay_entry(const fs::path& entry) {
    const std::string nm = entry.filename().string();
    explore_case c;
    try {
      c = read_case_dir(entry);
    } catch (const std::exception& e) {
      // a damaged entry (half written by an older tconv, edited by hand) costs only itself
      const std::string why = clean_text(e.what());
      out_ << "corpus: skipped damaged entry " << nm << ": " << why << "\n";
      r_.corpus_skipped.push_back({nm, why});
      return false;
    }
    bar_.status("corpus " + nm);
    const auto tc = clock_type::now();
    outcome v = evaluate(c, true);
    r_.corpus.push_back({nm, v.failed() ? v.message : "", v.unsupported(), seconds_since(tc)});
    if (v.failed()) {
      counterexample cx = found(std::move(v), std::move(c), "corpus entry " + nm);
      name_reads_outside(impl_, cx);
      cx.saved = entry;
      cx.replay = replay_command(entry);
      add_signature(cx);
      r_.counterexamples.push_back(std::move(cx));
    }
    return true;
  }

  // --known: a corpus directory's signatures, or a baseline file (its findings of every
  // implementation); failures they cover are counted, never shrunk nor reported.
  void load_known() {
    signatures_ = o_.known_signatures;
    if (o_.known.empty()) return;
    const std::string what = "--known " + o_.known;
    std::error_code ec;
    if (!fs::exists(o_.known, ec)) throw usage_error(what + ": no such file or directory");
    if (fs::is_directory(o_.known, ec)) {
      for (auto& k : corpus_signatures(o_.known, what)) signatures_.push_back(std::move(k));
    } else {
      known_base_ = load_baseline(o_.known, "--known");
    }
  }

  // The id of the known finding a failure belongs to: options::classify's (verify's baseline),
  // else --known's baseline; "" when none.
  std::string classify(const explore_case& c, const outcome& v) const {
    if (o_.classify) return o_.classify(c, v.kind, v.y);
    if (known_base_.findings.empty()) return "";
    return harness::classify(known_base_, "*", c, v.kind, v.y);
  }

  // The finding whose signature covers a failure, counted as its hit; false when none does.
  bool count_hit(finding_kind kind, const problem& p) {
    const feature_set f = features_of(p);
    for (const auto& k : signatures_)
      if (covers(k.sig, kind, f)) {
        ++r_.known_hits[k.id];
        return true;
      }
    for (auto& cx : r_.counterexamples)
      if (cx.known.empty() && covers(cx_signatures_[cx.signature], kind, f)) {
        ++cx.hits;
        return true;
      }
    return false;
  }

  // Remembers an unknown counterexample's signature, so that later failures it covers are hits.
  void add_signature(counterexample& cx) {
    const signature sig = signature_of(cx.kind, cx.c.p);
    cx.signature = to_string(sig);
    cx_signatures_[cx.signature] = sig;
  }

  // 2. the generated campaign: case i belongs to shard i mod N, generated from its own seed
  void run_generated() {
    problem_source source(o_);
    const auto& sh = r_.shard;
    const std::uint64_t planned =
        sh.count == 1 ? o_.cases : o_.cases / sh.count + (sh.index < o_.cases % sh.count ? 1 : 0);
    const auto tcamp = clock_type::now();
    bool stop = false;
    for (std::uint64_t i = sh.index; i < o_.cases && !stop; i += sh.count) {
      auto drawn = source.draw(i);
      if (!drawn) {
        r_.exhausted = true;
        break;
      }
      stop = run_case(i, std::move(*drawn), tcamp, planned);
    }
    r_.seconds = std::max(0.0, seconds_since(tcamp) - shrink_seconds_);
    r_.findings_limit = stop;
  }

  // Runs generated case i; true when it ends the campaign (max_findings new findings).
  bool run_case(std::uint64_t i, problem_source::drawn drawn, clock_type::time_point tcamp,
                std::uint64_t planned) {
    const std::uint64_t value_seed = case_seed(o_.seed, drawn.first) ^ 0x5bd1e9955bd1e995ull;
    explore_case c = make_posed_case(drawn.second.value(), value_seed);
    if (o_.json_cases) r_.case_list.push_back({i, hex(fingerprint(c), 16)});
    outcome v = evaluate(c, true);
    ++r_.executed;
    bar_.update(r_.executed, planned,
                static_cast<double>(r_.executed) / std::max(1e-9, seconds_since(tcamp)),
                r_.counterexamples.size(), r_.unsupported);
    if (!v.failed()) return false;
    std::string known = classify(c, v);
    if (!known.empty()) {
      // verify's baseline: the first occurrence is shrunk and reported; --known: counted only
      if (r_.known_hits[known]++ > 0 || !o_.classify) return false;
    } else if (count_hit(v.kind, c.p)) {
      return false;
    }
    const auto ts = clock_type::now();
    bar_.status("case " + std::to_string(i) + ": " + name(v.kind) + "; shrinking...");
    counterexample cx = found(std::move(v), std::move(c), "case " + std::to_string(i));
    cx.case_index = static_cast<std::int64_t>(i);
    cx.original_problem = to_string(cx.c.p);
    cx.known = std::move(known);
    shrink_setup setup = shrink_setup_for(cx);
    if (cx.known.empty()) setup.same_failure = outside_signatures(std::move(setup.same_failure));
    shrink(cx, std::move(drawn.second), value_seed, setup);
    name_reads_outside(impl_, cx);
    save(cx);
    if (cx.known.empty()) add_signature(cx);
    const bool fresh = cx.known.empty();
    r_.counterexamples.push_back(std::move(cx));
    shrink_seconds_ += seconds_since(ts);
    return fresh && ++new_findings_ >= r_.max_findings;
  }

  // The case of drawn problem q: with declared conventions posed in a kind drawn (by the value
  // seed) among those that can pose q, its values made for the posed problem.
  explore_case make_posed_case(const problem& q, std::uint64_t value_seed) const {
    if (o_.domain == nullptr || o_.domain->conventions.empty())
      return tested_operation::make_case(q, value_seed, o_.prec);
    const std::vector<form_kind> kinds = posing_kinds(*o_.domain, q, o_.form_kinds);
    explore_case posed_case;
    posed_case.p = q;
    // the keep filter drew q only when some kind poses it
    if (kinds.empty() || !repose(posed_case, kinds[value_seed % kinds.size()], value_seed))
      throw usage_error("no declared convention form can pose " + to_string(q));
    explore_case c = tested_operation::make_case(posed_case.p, value_seed, o_.prec);
    c.form = std::move(posed_case.form);
    c.form_salt = value_seed;
    return c;
  }

  // A spec ambiguity a counted case met: a new one (by id and choice) is listed, a known one
  // counted.
  void note_ambiguity(ambiguity a) {
    for (auto& seen : r_.ambiguities)
      if (same_entry(seen, a)) {
        ++seen.hits;
        return;
      }
    r_.ambiguities.push_back(std::move(a));
  }

  // A shrink predicate that also rejects candidates covered by a known or found signature, so
  // that a new finding shrinks to a new signature instead of into an earlier finding's.
  failure_test outside_signatures(failure_test same) const {
    return [this, same = std::move(same)](const explore_case& cand) -> std::optional<outcome> {
      std::optional<outcome> v = same(cand);
      if (!v) return v;
      const feature_set f = features_of(cand.p);
      for (const auto& k : signatures_)
        if (covers(k.sig, v->kind, f)) return std::nullopt;
      for (const auto& [text, sig] : cx_signatures_)
        if (covers(sig, v->kind, f)) return std::nullopt;
      return v;
    };
  }

  static counterexample found(outcome v, explore_case c, std::string origin) {
    counterexample cx;
    cx.kind = v.kind;
    cx.detail = v.detail;
    cx.message = std::move(v.message);
    cx.report = std::move(v.report);
    cx.c = std::move(c);
    cx.origin = std::move(origin);
    return cx;
  }

  // Shrinking stays among failures of the same kind (and known finding) and kept problems.
  shrink_setup shrink_setup_for(const counterexample& cx) {
    shrink_setup s;
    s.prec = o_.prec;
    s.time_s = o_.shrink_time_s;
    s.keep = o_.keep;
    s.full_timeout_s = o_.timeout_s;
    s.short_timeout_s = hang_attempt_timeout(slowest_pass_s_, o_.timeout_s);
    s.set_timeout = [this](double t) { impl_.set_timeout(t); };
    s.same_failure = [this, kind = cx.kind,
                      known = cx.known](const explore_case& cand) -> std::optional<outcome> {
      outcome v = evaluate(cand, false);
      if (!v.failed() || v.kind != kind) return std::nullopt;
      // a shrink step must not turn one finding into another
      if (o_.classify && o_.classify(cand, v.kind, v.y) != known) return std::nullopt;
      return v;
    };
    return s;
  }

  // One call, judged; `count`: into the coverage, and its time, when it passed, into the slowest
  // passing call (what a healthy case needs: the shrinker's short timeout for hangs).
  outcome evaluate(const explore_case& c, bool count) {
    const auto tc = clock_type::now();
    outcome v = judged_call(impl_, c, o_.prec, o_.flush_subnormals);
    if (count) {
      if (v.ambiguous) note_ambiguity(*v.ambiguous);
      count_case(c.p, v.unsupported());
      if (!v.failed()) slowest_pass_s_ = std::max(slowest_pass_s_, seconds_since(tc));
    }
    return v;
  }

  void count_case(const problem& p, bool unsupported) {
    if (unsupported) ++r_.unsupported;
    if (o_.domain != nullptr) {
      ++r_.domain_cases;
      r_.domain_inside += contains(*o_.domain, p) ? 1 : 0;
    }
    for (const region reg : coverage_regions)
      if (tested_operation::in_region(p, reg)) {
        auto& rc = r_.coverage[reg];
        (unsupported ? rc.unsupported : rc.tested) += 1;
      }
  }

  std::string replay_command(const fs::path& dir) const {
    return explore_replay_command(impl_, o_.prec, dir);
  }

  void save(counterexample& cx) {
    const fs::path root =
        o_.corpus.empty() ? fs::path("tconv-explore-findings") : fs::path(o_.corpus);
    const std::string entry = std::string(name(cx.kind)) + "-" + hex(fingerprint(cx.c), 16);
    const nlohmann::json meta{{"finding", name(cx.kind)},
                              {"message", cx.message},
                              {"seed", o_.seed},
                              {"case_index", cx.case_index},
                              {"precision", check::name(o_.prec)},
                              {"implementation", r_.implementation},
                              {"shrink_steps", cx.shrink.steps}};
    try {
      cx.saved = store_case(root, entry, cx.c, meta);
      cx.replay = replay_command(cx.saved);
    } catch (const usage_error& e) {
      // the finding is still printed and reported; the run then ends with exit 2 naming the corpus
      if (r_.save_error.empty()) r_.save_error = e.what();
      cx.saved.clear();
      cx.replay = std::string("(not saved: ") + e.what() + ")";
    }
  }

  const options& o_;
  implementation& impl_;
  std::ostream& out_;
  progress_line bar_;
  clock_type::time_point t0_;
  campaign_result r_;
  baseline known_base_;                             // --known FILE
  std::vector<known_signature> signatures_;         // known before the campaign
  std::map<std::string, signature> cx_signatures_;  // of the counterexamples, by their text
  std::uint64_t new_findings_ = 0;
  double shrink_seconds_ = 0;
  double slowest_pass_s_ = 0;  // the longest call of a passing case so far (seconds)
};

// --replay: one stored case against the implementation; 0 passed or declined, 1 reproduced.
int replay(const options& o, implementation& impl, std::ostream& out) {
  fs::path where = o.replay;
  if (!fs::exists(where) && !o.corpus.empty() && fs::exists(fs::path(o.corpus) / o.replay))
    where = fs::path(o.corpus) / o.replay;
  if (!fs::exists(where)) throw usage_error("--replay " + o.replay + ": no such case directory");
  const explore_case c = read_case_dir(where);
  const outcome v = judged_call(impl, c, o.prec, o.flush_subnormals);
  out << "tconv explore: replaying " << where.string() << " against " << impl.replay_flag() << "\n";
  out << "  problem:  " << to_string(c.p) << "\n";
  if (v.unsupported()) {
    out << "result: unsupported (the implementation declines this problem)\n";
    return 0;
  }
  if (v.ambiguous)
    out << "  spec ambiguity " << v.ambiguous->id << ": the engine chose " << v.ambiguous->choice
        << "\n";
  if (!v.failed()) {
    out << "result: passed\n";
    return 0;
  }
  out << "  " << name(v.kind) << " (" << v.label() << "): " << v.message
      << "\nresult: COUNTEREXAMPLE REPRODUCED\n";
  return 1;
}

}  // namespace

std::string explore_replay_command(const implementation& impl, check::precision prec,
                                   const fs::path& dir) {
  std::string cmd =
      "tconv explore " + impl.replay_flag() + " --replay " + shell_quote(dir.string());
  if (prec != check::precision::fp32) cmd += std::string(" --precision ") + check::name(prec);
  return cmd;
}

std::string plugin_path(const std::string& given, const std::string& what) {
  std::error_code ec;
  const fs::path abs = given.empty() ? fs::path() : fs::absolute(given, ec);
  if (ec || abs.empty()) throw usage_error(what + ": not a usable path");
  const auto st = fs::status(abs, ec);
  if (!fs::exists(st)) throw usage_error(what + ": no such file");
  if (!fs::is_regular_file(st)) {
    struct stat raw {};
    const std::string kind =
        ::stat(abs.c_str(), &raw) == 0 ? io::file_kind(raw.st_mode) : "not a regular file";
    throw usage_error(what + ": is " + kind + ", not a shared library");
  }
  return abs.lexically_normal().string();
}

campaign_result run_campaign(const options& o, std::ostream& out, std::ostream& err) {
  const session s = start(o);
  // a declared domain narrows what is drawn and shrunk (ANDed with o's own keep / tune_space)
  options in_domain = o;
  if (const declared_domain* d = s.impl->domain(); d != nullptr)
    apply_domain(in_domain, *d, s.impl->replay_flag() + ": declared domain");
  campaign_result r = campaign(in_domain, s, out, err).run();
  print_report(r, out);
  return r;
}

int run_explore(const options& o, std::ostream& out, std::ostream& err) {
  if (!o.replay.empty()) {
    const session s = start(o);
    return replay(o, *s.impl, out);
  }
  const campaign_result r = run_campaign(o, out, err);
  out.flush();  // the text report first, should --json be /dev/stdout
  write_reports(o, r, err);
  return r.exit_status();
}

}  // namespace tconv::harness
