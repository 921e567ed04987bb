#include "harness/campaign.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <ostream>
#include <sstream>

#include "harness/case_dir.hpp"
#include "harness/generate.hpp"
#include "harness/judge.hpp"
#include "harness/util.hpp"
#include "tconv/io/atomic_file.hpp"
#include "tconv/io/read_file.hpp"
#include "tconv/region.hpp"
#include "tconv/text.hpp"

namespace tconv::harness {

namespace fs = std::filesystem;
using nlohmann::json;
using clock_type = std::chrono::steady_clock;

namespace {

struct verdict {
  enum class state { passed, unsupported, failed } s = state::passed;
  finding_kind kind = finding_kind::error;
  std::string message;
  json details;
  std::vector<float> y;  // the answer, when there was one (for classify)
};

struct finding {
  finding_kind kind = finding_kind::error;
  std::string message;
  json details;
  explore_case c;
  std::string origin;  // "case 123" or "corpus entry NAME"
  std::int64_t case_index = -1;
  std::uint64_t shrink_steps = 0, shrink_attempts = 0;
  double shrink_seconds = 0;
  std::string original_problem;
  fs::path saved;
  std::string replay;
  std::string known;  // the known finding it belongs to (options::classify), "" when unknown
};

struct shard_spec {
  std::uint64_t index = 0, count = 1;
};

std::uint64_t parse_u64(const std::string& s, const std::string& what) {
  if (s.empty() || s.find_first_not_of("0123456789") != std::string::npos || s.size() > 19)
    throw usage_error(what + ": \"" + s + "\" is not a non-negative integer");
  return std::stoull(s);
}

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

std::uint64_t fingerprint(const explore_case& c) {
  std::uint64_t h = 0xcbf29ce484222325ull;
  auto mix = [&](const void* data, std::size_t n) {
    const auto* b = static_cast<const unsigned char*>(data);
    for (std::size_t i = 0; i < n; ++i) h = (h ^ b[i]) * 0x100000001b3ull;
  };
  const std::string pj = problem_to_json(c.p).dump();
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

std::string show_values(const std::vector<float>& v) {
  std::string s = "[";
  for (std::size_t i = 0; i < v.size(); ++i) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "%s%.9g", i ? ", " : "", static_cast<double>(v[i]));
    s += buf;
  }
  return s + "]";
}

// Simpler stand-ins for one value, simplest first (never v itself).
std::vector<float> simpler(float v) {
  std::vector<float> out;
  auto add = [&](float c) {
    if (std::bit_cast<std::uint32_t>(c) != std::bit_cast<std::uint32_t>(v) &&
        std::find(out.begin(), out.end(), c) == out.end())
      out.push_back(c);
  };
  add(1.0f);
  add(std::copysign(1.0f, v));
  add(std::copysign(std::exp2(std::floor(std::log2(std::fabs(v)))), v));
  if (std::fabs(v) >= 1.0f) add(std::trunc(v));
  // keep 8 significand bits: still inexact in bf16-like formats, but readable
  int e = 0;
  const float m = std::frexp(v, &e);
  add(std::ldexp(std::round(m * 256.0f) / 256.0f, e));
  return out;
}

class progress_line {
 public:
  explicit progress_line(std::ostream& err) : err_(err), tty_(::isatty(2) != 0) {}
  void update(std::uint64_t done, std::uint64_t total, double rate, std::size_t findings,
              std::uint64_t unsupported, bool force = false) {
    if (!tty_) return;
    const auto now = clock_type::now();
    if (!force && now - last_ < std::chrono::milliseconds(100)) return;
    last_ = now;
    char buf[200];
    std::snprintf(
        buf, sizeof buf,
        "\rtconv explore: %llu/%llu cases  %.0f cases/s  %zu findings  %llu unsupported\x1b[K",
        static_cast<unsigned long long>(done), static_cast<unsigned long long>(total), rate,
        findings, static_cast<unsigned long long>(unsupported));
    err_ << buf << std::flush;
    shown_ = true;
  }
  void status(const std::string& s) {
    if (!tty_) return;
    err_ << "\rtconv explore: " << s << "\x1b[K" << std::flush;
    shown_ = true;
  }
  void clear() {
    if (tty_ && shown_) err_ << "\r\x1b[K" << std::flush;
    shown_ = false;
  }

 private:
  std::ostream& err_;
  bool tty_;
  bool shown_ = false;
  clock_type::time_point last_{};
};

std::string xml_escape(const std::string& text) {
  const std::string s = clean_text(text);
  std::string r;
  for (char c : s) {
    switch (c) {
      case '&':
        r += "&amp;";
        break;
      case '<':
        r += "&lt;";
        break;
      case '>':
        r += "&gt;";
        break;
      case '"':
        r += "&quot;";
        break;
      case '\'':
        r += "&apos;";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t')
          r += ' ';
        else
          r += c;
    }
  }
  return r;
}

class campaign {
 public:
  campaign(const options& o, std::ostream& out, std::ostream& err)
      : o_(o), out_(out), err_(err), bar_(err) {}

  int run() {
    if (o_.use_impl == nullptr && o_.impl.empty() == o_.command.empty())
      throw usage_error("give exactly one of --impl LIB.so or --cmd \"COMMAND ARGS\"");
    if (o_.max_rank < 1 || o_.max_rank > max_rank)
      throw usage_error("--max-rank: must be 1, 2 or 3");
    check_seconds(o_.timeout_s, "--timeout", false);
    check_seconds(o_.startup_s, "--startup-timeout", true);
    check_seconds(o_.shrink_time_s, "--shrink-time", true);
    const shard_spec sh = parse_shard(o_);
    if (std::error_code ec;
        !o_.corpus.empty() && fs::exists(o_.corpus, ec) && !fs::is_directory(o_.corpus, ec))
      throw usage_error("--corpus " + o_.corpus + ": exists and is not a directory");
    if (o_.use_impl != nullptr) {
      impl_ = o_.use_impl;
    } else {
      owned_impl_ = o_.impl.empty()
                        ? make_command(o_.command, o_.timeout_s, o_.startup_s)
                        : make_plugin(plugin_path(o_.impl, "--impl " + o_.impl), o_.timeout_s);
      impl_ = owned_impl_.get();
    }
    const auto t0 = clock_type::now();

    if (!o_.replay.empty()) return replay();

    out_ << "tconv explore: " << impl_->replay_flag() << ", seed " << o_.seed << ", " << o_.cases
         << " cases";
    if (sh.count > 1) out_ << " (shard " << sh.index << "/" << sh.count << ")";
    out_ << ", max rank " << o_.max_rank << ", precision " << name(o_.prec);
    if (!o_.keep_name.empty()) out_ << ", problems: " << o_.keep_name;
    out_ << "\n";

    // 1. the corpus: earlier findings first, as a regression database
    const std::vector<fs::path> entries = corpus_entries();
    std::uint64_t corpus_run = 0;
    for (std::size_t j = 0; j < entries.size(); ++j) {
      if (j % sh.count != sh.index) continue;
      explore_case c;
      try {
        c = read_case_dir(entries[j]);
      } catch (const std::exception& e) {
        // a damaged entry (half written by an older tconv, edited by hand) costs only itself
        const std::string why = clean_text(e.what());
        out_ << "corpus: skipped damaged entry " << entries[j].filename().string() << ": " << why
             << "\n";
        corpus_skipped_.push_back({entries[j].filename().string(), why});
        continue;
      }
      bar_.status("corpus " + entries[j].filename().string());
      const auto tc = clock_type::now();
      const verdict v = evaluate(c, true);
      ++corpus_run;
      junit_corpus_.push_back({entries[j].filename().string(),
                               v.s == verdict::state::failed ? v.message : "",
                               v.s == verdict::state::unsupported, seconds_since(tc)});
      if (v.s == verdict::state::failed) {
        finding f;
        f.kind = v.kind;
        f.message = v.message;
        f.details = v.details;
        f.c = c;
        f.origin = "corpus entry " + entries[j].filename().string();
        f.saved = entries[j];
        f.replay = replay_command(entries[j]);
        findings_.push_back(std::move(f));
      }
    }
    if (corpus_run > 0)
      out_ << "corpus: " << corpus_run << " stored case" << (corpus_run == 1 ? "" : "s")
           << " replayed from " << o_.corpus << ", " << findings_.size() << " failing\n";

    // 2. the generated campaign: case i belongs to shard i mod N, generated from its own seed
    gen::problem_space space;
    space.max_rank = o_.max_rank;
    if (o_.tune_space) o_.tune_space(space);
    const auto problems = gen::valid_problem(space);
    // case i is the i-th draw (with a `keep` filter: the i-th kept draw; rejected draws are
    // skipped)
    std::uint64_t next_draw = 0, kept = 0;
    const std::uint64_t max_draws = o_.cases * std::max<std::uint64_t>(1, o_.max_draws_per_case);
    auto draw =
        [&](std::uint64_t i) -> std::optional<std::pair<std::uint64_t, rc::Shrinkable<problem>>> {
      if (!o_.keep)
        return std::pair{i, problems(rc::Random(case_seed(o_.seed, i)), static_cast<int>(i % 101))};
      while (next_draw < max_draws) {
        const std::uint64_t j = next_draw++;
        auto s = problems(rc::Random(case_seed(o_.seed, j)), static_cast<int>(j % 101));
        if (!o_.keep(s.value())) continue;
        if (kept++ == i) return std::pair{j, std::move(s)};
      }
      return std::nullopt;
    };
    const std::uint64_t planned =
        sh.count == 1 ? o_.cases : o_.cases / sh.count + (sh.index < o_.cases % sh.count ? 1 : 0);
    const auto tcamp = clock_type::now();
    bool stop = false;
    for (std::uint64_t i = sh.index; i < o_.cases && !stop; i += sh.count) {
      auto drawn = draw(i);
      if (!drawn) {
        exhausted_ = true;
        break;
      }
      const std::uint64_t seed_i = case_seed(o_.seed, drawn->first);
      const auto shrinkable = std::move(drawn->second);
      const std::uint64_t vseed = seed_i ^ 0x5bd1e9955bd1e995ull;
      const explore_case c = make_case(shrinkable.value(), vseed, o_.prec);
      if (o_.json_cases) case_list_.push_back({i, hex(fingerprint(c), 16)});
      const verdict v = evaluate(c, true);
      ++executed_;
      bar_.update(executed_, planned,
                  static_cast<double>(executed_) / std::max(1e-9, seconds_since(tcamp)),
                  findings_.size(), unsupported_);
      if (v.s != verdict::state::failed) continue;
      std::string known;
      if (o_.classify) {
        known = o_.classify(c, v.kind, v.y);
        if (!known.empty() && known_hits_[known]++ > 0) continue;  // already shrunk and reported
      }
      stop = known.empty();
      if (stop) campaign_seconds_ = seconds_since(tcamp);
      bar_.status("case " + std::to_string(i) + ": " + name(v.kind) + "; shrinking...");
      finding f;
      f.kind = v.kind;
      f.message = v.message;
      f.details = v.details;
      f.c = c;
      f.origin = "case " + std::to_string(i);
      f.case_index = static_cast<std::int64_t>(i);
      f.original_problem = to_string(c.p);
      f.known = known;
      shrink(f, shrinkable, vseed);
      save(f);
      findings_.push_back(std::move(f));
    }
    if (!stop || campaign_seconds_ == 0) campaign_seconds_ = seconds_since(tcamp);
    bar_.clear();
    total_seconds_ = seconds_since(t0);
    report(sh);
    // both reports are attempted; a failed one is a usage error (exit 2) naming its file
    out_.flush();  // the text report first, should --json be /dev/stdout
    std::string failed;
    for (const auto write : {&campaign::write_json, &campaign::write_junit}) {
      try {
        (this->*write)(sh);
      } catch (const usage_error& e) {
        err_ << "tconv explore: " << e.what() << "\n";
        if (failed.empty()) failed = e.what();
      }
    }
    if (failed.empty()) failed = save_error_;
    if (!failed.empty()) throw usage_error(failed);
    return findings_.empty() ? 0 : 1;
  }

 private:
  struct region_count {
    std::uint64_t tested = 0, unsupported = 0;
  };
  struct junit_entry {
    std::string name, failure;
    bool skipped;
    double seconds;
  };

  // A time in seconds: a finite number, > 0 (>= 0 with zero_ok), at most a million.
  static void check_seconds(double v, const char* flag, bool zero_ok) {
    if (!std::isfinite(v) || v < 0 || (v == 0 && !zero_ok) || v > 1e6)
      throw usage_error(std::string(flag) + ": " + std::to_string(v) +
                        " must be a finite number of seconds, " + (zero_ok ? ">= 0" : "> 0") +
                        " and at most 1e6");
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

  static double seconds_since(clock_type::time_point t) {
    return std::chrono::duration<double>(clock_type::now() - t).count();
  }

  verdict evaluate(const explore_case& c, bool count) {
    const outcome r = impl_->call(c);
    verdict v;
    if (r.state == outcome::status::unsupported) {
      v.s = verdict::state::unsupported;
    } else if (r.state == outcome::status::failed) {
      v.s = verdict::state::failed;
      v.kind = r.kind;
      v.message = clean_text(r.message);  // an implementation's words: any bytes at all
    } else {
      judgement j = judge(c, r.y, o_.prec);
      if (!j.passed) {
        v.s = verdict::state::failed;
        v.kind = finding_kind::wrong_result;
        v.message = std::move(j.summary);
        v.details = std::move(j.details);
        if (o_.classify) v.y = r.y;
      }
    }
    if (v.s == verdict::state::failed) impl_->reset();
    if (count) {
      const bool unsup = v.s == verdict::state::unsupported;
      if (unsup) ++unsupported_;
      for (const region reg : all_regions)
        if (in_region(c.p, reg)) {
          auto& rc = coverage_[reg];
          (unsup ? rc.unsupported : rc.tested) += 1;
        }
    }
    return v;
  }

  bool out_of_budget(clock_type::time_point t0) const {
    return seconds_since(t0) > o_.shrink_time_s;
  }

  // The values of `from`, carried onto problem q: each element keeps its (n, c, i0, i1, i2)
  // coordinates where they exist in q's shape (aligned at the start, or with `from_end` at the
  // end of every axis), dropped axes read index 0 (or their last index), new elements are 0.
  // A shrunk problem thus keeps the simple values found so far instead of fresh random ones.
  static explore_case project(const explore_case& from, const problem& q, bool from_end,
                              std::array<std::int64_t, 3> axis_of = {0, 1, 2}) {
    explore_case c;
    c.p = q;
    const problem& o = from.p;
    auto carry = [from_end](const std::vector<float>& src, std::array<std::int64_t, 5> src_ext,
                            const std::array<std::int64_t, 5>& dst_ext) {
      std::array<std::int64_t, 5> shift{};
      if (from_end)
        for (std::size_t d = 0; d < 5; ++d)
          shift[d] = std::max<std::int64_t>(0, src_ext[d] - dst_ext[d]);
      std::vector<float> dst(
          static_cast<std::size_t>(dst_ext[0] * dst_ext[1] * dst_ext[2] * dst_ext[3] * dst_ext[4]));
      std::size_t f = 0;
      for (std::int64_t a = 0; a < dst_ext[0]; ++a)
        for (std::int64_t b = 0; b < dst_ext[1]; ++b)
          for (std::int64_t i = 0; i < dst_ext[2]; ++i)
            for (std::int64_t j = 0; j < dst_ext[3]; ++j)
              for (std::int64_t k = 0; k < dst_ext[4]; ++k, ++f) {
                const std::int64_t sa = a + shift[0], sb = b + shift[1], si = i + shift[2],
                                   sj = j + shift[3], sk = k + shift[4];
                if (sa >= src_ext[0] || sb >= src_ext[1] || si >= src_ext[2] || sj >= src_ext[3] ||
                    sk >= src_ext[4])
                  continue;
                dst[f] = src[static_cast<std::size_t>(
                    (((sa * src_ext[1] + sb) * src_ext[2] + si) * src_ext[3] + sj) * src_ext[4] +
                    sk)];
              }
      return dst;
    };
    auto spatial = [](const problem& r, const extents& e, std::int64_t d0, std::int64_t d1) {
      std::array<std::int64_t, 5> s{d0, d1, 1, 1, 1};
      for (std::int64_t a = 0; a < r.rank; ++a) s[static_cast<std::size_t>(a + 2)] = e[a];
      return s;
    };
    // q's axis j reads o's axis axis_of[j]: o's tensors are first viewed with their axes in q's
    // order (a permuted copy), so that removing a middle axis keeps the others' values
    auto permuted = [&](const std::vector<float>& src, const extents& e, std::int64_t d0,
                        std::int64_t d1, std::array<std::int64_t, 5>& ext) {
      const auto se = spatial(o, e, d0, d1);
      std::array<std::int64_t, 5> pe = se;
      std::array<std::int64_t, 3> src_axis{};
      std::int64_t used = 0;
      for (std::int64_t j = 0; j < max_rank; ++j)
        if (axis_of[j] >= 0 && axis_of[j] < o.rank) src_axis[used++] = axis_of[j];
      for (std::int64_t a = 0; a < o.rank; ++a) {  // axes not kept go last (read at index 0)
        bool kept = false;
        for (std::int64_t j = 0; j < used; ++j) kept = kept || src_axis[j] == a;
        if (!kept && used < max_rank) src_axis[used++] = a;
      }
      for (std::int64_t j = used; j < max_rank; ++j) src_axis[j] = j;
      for (std::int64_t j = 0; j < max_rank; ++j) pe[j + 2] = se[src_axis[j] + 2];
      std::vector<float> dst(src.size());
      std::size_t f = 0;
      std::array<std::int64_t, 5> idx{};
      for (idx[0] = 0; idx[0] < pe[0]; ++idx[0])
        for (idx[1] = 0; idx[1] < pe[1]; ++idx[1])
          for (idx[2] = 0; idx[2] < pe[2]; ++idx[2])
            for (idx[3] = 0; idx[3] < pe[3]; ++idx[3])
              for (idx[4] = 0; idx[4] < pe[4]; ++idx[4], ++f) {
                std::array<std::int64_t, 5> si{idx[0], idx[1], 0, 0, 0};
                for (std::int64_t j = 0; j < max_rank; ++j) si[src_axis[j] + 2] = idx[j + 2];
                dst[f] = src[static_cast<std::size_t>(
                    (((si[0] * se[1] + si[1]) * se[2] + si[2]) * se[3] + si[3]) * se[4] + si[4])];
              }
      ext = pe;
      return dst;
    };
    std::array<std::int64_t, 5> xe{}, we{};
    const auto px = permuted(from.x, o.input, o.batch, o.in_channels, xe);
    const auto pw = permuted(from.w, o.kernel, o.in_channels, o.out_channels / o.groups, we);
    c.x = carry(px, xe, spatial(q, q.input, q.batch, q.in_channels));
    c.w = carry(pw, we, spatial(q, q.kernel, q.in_channels, q.out_channels / q.groups));
    if (q.has_bias) {
      if (o.has_bias)
        c.b = carry(from.b, {o.out_channels, 1, 1, 1, 1}, {q.out_channels, 1, 1, 1, 1});
      else
        c.b.assign(static_cast<std::size_t>(q.out_channels), 0.0f);
    }
    return c;
  }

  // Smaller neighbours of p, simplest first: an axis removed, then each count and per-axis
  // hyperparameter lowered to its minimum or by one, bias dropped. Only valid problems (PyTorch's
  // rule) are returned; the axis map tells project() where each remaining axis came from.
  static std::vector<std::pair<problem, std::array<std::int64_t, 3>>> smaller(const problem& p) {
    std::vector<std::pair<problem, std::array<std::int64_t, 3>>> out;
    auto add = [&](const problem& q, std::array<std::int64_t, 3> map = {0, 1, 2}) {
      if (q != p && is_valid(q, op_kind::conv_transpose)) out.emplace_back(q, map);
    };
    for (std::int64_t drop = 0; drop < p.rank && p.rank > 1; ++drop) {
      problem q = p;
      std::array<std::int64_t, 3> map{-1, -1, -1};
      std::int64_t j = 0;
      for (std::int64_t a = 0; a < p.rank; ++a) {
        if (a == drop) continue;
        for (auto* f : {&q.input, &q.kernel, &q.stride, &q.dilation, &q.pad_begin, &q.pad_end,
                        &q.output_padding})
          (*f)[j] = (*f)[a];
        map[j++] = a;
      }
      q.rank = p.rank - 1;
      for (std::int64_t a = q.rank; a < max_rank; ++a) {
        q.input[a] = q.kernel[a] = q.stride[a] = q.dilation[a] = 1;
        q.pad_begin[a] = q.pad_end[a] = q.output_padding[a] = 0;
      }
      add(q, map);
    }
    auto lower = [&](auto setter, std::int64_t v, std::int64_t lo) {
      if (v > lo) {
        problem q = p;
        setter(q, lo);
        add(q);
        if (v - 1 > lo) {
          q = p;
          setter(q, v - 1);
          add(q);
        }
      }
    };
    lower([](problem& q, std::int64_t v) { q.batch = v; }, p.batch, 1);
    {
      problem q = p;  // one group, channels per group kept
      q.groups = 1;
      q.in_channels = p.in_channels / p.groups;
      q.out_channels = p.out_channels / p.groups;
      add(q);
    }
    lower([&](problem& q, std::int64_t v) { q.in_channels = v * p.groups; },
          p.in_channels / p.groups, 1);
    lower([&](problem& q, std::int64_t v) { q.out_channels = v * p.groups; },
          p.out_channels / p.groups, 1);
    for (std::int64_t a = 0; a < p.rank; ++a) {
      lower([a](problem& q, std::int64_t v) { q.input[a] = v; }, p.input[a], 1);
      lower([a](problem& q, std::int64_t v) { q.kernel[a] = v; }, p.kernel[a], 1);
      lower([a](problem& q, std::int64_t v) { q.stride[a] = v; }, p.stride[a], 1);
      lower([a](problem& q, std::int64_t v) { q.dilation[a] = v; }, p.dilation[a], 1);
      lower([a](problem& q, std::int64_t v) { q.pad_begin[a] = v; }, p.pad_begin[a], 0);
      lower([a](problem& q, std::int64_t v) { q.pad_end[a] = v; }, p.pad_end[a], 0);
      lower([a](problem& q, std::int64_t v) { q.output_padding[a] = v; }, p.output_padding[a], 0);
    }
    if (p.has_bias) {
      problem q = p;
      q.has_bias = false;
      add(q);
    }
    return out;
  }

  // RapidCheck's shrink tree for the problem (smallest rank, extents, channels first) with fresh
  // values; then, until nothing shrinks, the values (zero whole chunks, then make each value
  // simpler) and the problem again, greedily, with the current values carried over.
  void shrink(finding& f, rc::Shrinkable<problem> cur, std::uint64_t vseed) {
    const auto t0 = clock_type::now();
    auto still_fails = [&](const explore_case& cand) {
      ++f.shrink_attempts;
      const verdict v = evaluate(cand, false);
      if (v.s != verdict::state::failed || v.kind != f.kind) return false;
      // a shrink step must not turn one finding into another
      if (o_.classify && o_.classify(cand, v.kind, v.y) != f.known) return false;
      f.c = cand;
      f.message = v.message;
      f.details = v.details;
      ++f.shrink_steps;
      return true;
    };
    auto shrink_problem = [&] {
      bool any = false;
      for (bool progress = true; progress && !out_of_budget(t0);) {
        progress = false;
        auto seq = cur.shrinks();
        while (auto next = seq.next()) {
          if (out_of_budget(t0)) break;
          if (o_.keep && !o_.keep(next->value())) continue;
          if (still_fails(make_case(next->value(), vseed, o_.prec))) {
            cur = std::move(*next);
            progress = any = true;
            break;
          }
        }
      }
      return any;
    };
    auto shrink_values = [&] {
      const std::uint64_t before = f.shrink_steps;
      for (int t = 0; t < 3; ++t) {
        auto tensor_of = [t](explore_case& c) -> std::vector<float>& {
          return t == 0 ? c.x : t == 1 ? c.w : c.b;
        };
        const std::size_t n = tensor_of(f.c).size();
        for (std::size_t chunk = n; chunk >= 1 && !out_of_budget(t0); chunk /= 2)
          for (std::size_t start = 0; start < n && !out_of_budget(t0); start += chunk) {
            explore_case cand = f.c;
            auto& v = tensor_of(cand);
            bool any = false;
            for (std::size_t k = start; k < std::min(n, start + chunk); ++k) {
              any = any || v[k] != 0.0f || std::signbit(v[k]);
              v[k] = 0.0f;
            }
            if (any) still_fails(cand);
          }
        for (std::size_t k = 0; k < n && !out_of_budget(t0); ++k) {
          const float v = tensor_of(f.c)[k];
          if (v == 0.0f) continue;
          for (const float s : simpler(v)) {
            explore_case cand = f.c;
            tensor_of(cand)[k] = s;
            if (still_fails(cand)) break;
          }
        }
      }
      return f.shrink_steps != before;
    };
    // RapidCheck's tree never revisits a field once it moved past it, so after the values are
    // simple the problem is shrunk again greedily, carrying those values over
    auto shrink_structure = [&] {
      bool any = false;
      for (bool progress = true; progress && !out_of_budget(t0);) {
        progress = false;
        for (const auto& [q, map] : smaller(f.c.p)) {
          if (out_of_budget(t0)) break;
          if (o_.keep && !o_.keep(q)) continue;
          if (still_fails(project(f.c, q, false, map)) || still_fails(project(f.c, q, true, map))) {
            progress = any = true;
            break;
          }
        }
      }
      return any;
    };
    shrink_problem();
    for (bool progress = true; progress && !out_of_budget(t0);) {
      progress = shrink_values();
      progress = shrink_structure() || progress;
    }
    f.shrink_seconds = seconds_since(t0);
  }

  std::string replay_command(const fs::path& dir) const {
    std::string cmd =
        "tconv explore " + impl_->replay_flag() + " --replay " + shell_quote(dir.string());
    if (o_.prec != check::precision::fp32) cmd += std::string(" --precision ") + name(o_.prec);
    return cmd;
  }

  void save(finding& f) {
    const fs::path root =
        o_.corpus.empty() ? fs::path("tconv-explore-findings") : fs::path(o_.corpus);
    f.saved = root / (std::string(name(f.kind)) + "-" + hex(fingerprint(f.c), 16));
    json meta{{"finding", name(f.kind)},
              {"message", f.message},
              {"seed", o_.seed},
              {"case_index", f.case_index},
              {"precision", name(o_.prec)},
              {"implementation", impl_->replay_flag()},
              {"shrink_steps", f.shrink_steps}};
    try {
      f.saved = store_case(root, f.saved.filename().string(), f.c, meta);
      f.replay = replay_command(f.saved);
    } catch (const usage_error& e) {
      // the finding is still printed and reported; the run then ends with exit 2 naming the corpus
      if (save_error_.empty()) save_error_ = e.what();
      f.saved.clear();
      f.replay = std::string("(not saved: ") + e.what() + ")";
    }
  }

  void print_finding(const finding& f) {
    out_ << "\nFOUND " << name(f.kind) << " in " << f.origin;
    if (f.case_index >= 0)
      out_ << " (seed " << o_.seed << "), shrunk in " << f.shrink_steps << " steps ("
           << f.shrink_attempts << " attempts, "
           << seconds(std::round(f.shrink_seconds * 100) / 100) << ")";
    out_ << ":\n";
    if (!f.original_problem.empty()) out_ << "  found:    " << f.original_problem << "\n";
    out_ << "  problem:  " << to_string(f.c.p) << "\n";
    const auto out = output_extents(f.c.p, op_kind::conv_transpose);
    out_ << "  output:   [";
    for (std::int64_t a = 0; a < f.c.p.rank; ++a)
      out_ << (a ? "," : "") << out[static_cast<std::size_t>(a)];
    out_ << "]\n";
    if (f.c.x.size() + f.c.w.size() + f.c.b.size() <= 64) {
      out_ << "  x = " << show_values(f.c.x) << "\n  w = " << show_values(f.c.w) << "\n";
      if (f.c.p.has_bias) out_ << "  b = " << show_values(f.c.b) << "\n";
    }
    out_ << "  what:     " << f.message << "\n";
    out_ << "  replay:   " << f.replay << "\n";
    out_ << "  saved:    " << f.saved.string() << "\n";
  }

  void report(const shard_spec&) {
    for (const auto& f : findings_) print_finding(f);
    out_ << "\ncoverage (cases per region; a case lies in several):\n";
    char line[160];
    std::snprintf(line, sizeof line, "  %-20s %10s %12s\n", "region", "tested", "unsupported");
    out_ << line;
    for (const region r : all_regions) {
      const auto it = coverage_.find(r);
      const region_count rc = it == coverage_.end() ? region_count{} : it->second;
      std::snprintf(line, sizeof line, "  %-20s %10llu %12llu\n", std::string(name(r)).c_str(),
                    static_cast<unsigned long long>(rc.tested),
                    static_cast<unsigned long long>(rc.unsupported));
      out_ << line;
    }
    const double rate = static_cast<double>(executed_) / std::max(1e-9, campaign_seconds_);
    std::snprintf(line, sizeof line, "%llu cases in %.2f s (%.0f cases/s), %llu unsupported, ",
                  static_cast<unsigned long long>(executed_), campaign_seconds_, rate,
                  static_cast<unsigned long long>(unsupported_));
    out_ << "\n"
         << line << findings_.size() << (findings_.size() == 1 ? " finding" : " findings") << "\n";
    if (exhausted_)
      out_ << "note: only " << executed_ << " problems in '" << o_.keep_name << "' within "
           << o_.cases * o_.max_draws_per_case << " draws\n";
    if (executed_ > 0 && unsupported_ == executed_)
      out_ << "warning: the implementation declined every case: nothing was verified\n";
    out_ << (findings_.empty() ? "result: no counterexample\n" : "result: COUNTEREXAMPLE FOUND\n");
  }

  json coverage_json() const {
    json cov = json::object();
    for (const region r : all_regions) {
      const auto it = coverage_.find(r);
      const region_count rc = it == coverage_.end() ? region_count{} : it->second;
      cov[std::string(name(r))] = {{"tested", rc.tested}, {"unsupported", rc.unsupported}};
    }
    return cov;
  }

  void write_json(const shard_spec& sh) {
    if (o_.json.empty() && o_.report == nullptr) return;
    json j;
    j["tool"] = "tconv explore";
    j["implementation"] = impl_->replay_flag();
    j["seed"] = o_.seed;
    j["cases"] = o_.cases;
    j["shard"] = {{"index", sh.index}, {"count", sh.count}};
    j["max_rank"] = o_.max_rank;
    if (!o_.keep_name.empty()) j["problems"] = o_.keep_name;
    j["draws_exhausted"] = exhausted_;
    j["precision"] = name(o_.prec);
    j["executed"] = executed_;
    j["unsupported"] = unsupported_;
    j["seconds"] = campaign_seconds_;
    j["cases_per_second"] = static_cast<double>(executed_) / std::max(1e-9, campaign_seconds_);
    j["coverage"] = coverage_json();
    j["verdict"] = findings_.empty() ? "pass" : "fail";
    json fs_ = json::array();
    for (const auto& f : findings_) {
      fs_.push_back({{"kind", name(f.kind)},
                     {"origin", f.origin},
                     {"case_index", f.case_index},
                     {"problem", problem_to_json(f.c.p)},
                     {"message", f.message},
                     {"check", f.details},
                     {"shrink_steps", f.shrink_steps},
                     {"shrink_attempts", f.shrink_attempts},
                     {"saved", f.saved.string()},
                     {"replay", f.replay},
                     {"known", f.known}});
    }
    j["findings"] = fs_;
    if (!corpus_skipped_.empty()) {
      json skipped = json::array();
      for (const auto& [entry, why] : corpus_skipped_)
        skipped.push_back({{"entry", entry}, {"reason", why}});
      j["corpus_skipped"] = skipped;
    }
    j["known_hits"] = known_hits_;
    if (o_.json_cases) {
      json list = json::array();
      for (const auto& [i, fp] : case_list_) list.push_back({i, fp});
      j["case_list"] = list;
    }
    if (o_.report != nullptr) *o_.report = j;
    if (o_.json.empty()) return;
    write_report(o_.json, "--json", dump_json(j, 2) + "\n");
  }

  static void write_report(const std::string& file, const char* flag, const std::string& text) {
    try {
      io::write_atomically(file, text);
    } catch (const io::write_error& e) {
      throw usage_error(std::string(flag) + " " + e.what());
    }
  }

  void write_junit(const shard_spec& sh) {
    if (o_.junit.empty()) return;
    std::ostringstream cases;
    std::size_t tests = 0, failures = 0, skipped = 0;
    for (const auto& [entry, why] : corpus_skipped_) {
      ++tests;
      ++skipped;
      cases << "    <testcase classname=\"tconv.explore.corpus\" name=\"" << xml_escape(entry)
            << "\" time=\"0\"><skipped message=\"damaged entry: " << xml_escape(why)
            << "\"/></testcase>\n";
    }
    for (const auto& e : junit_corpus_) {
      ++tests;
      cases << "    <testcase classname=\"tconv.explore.corpus\" name=\"" << xml_escape(e.name)
            << "\" time=\"" << e.seconds << "\">";
      if (!e.failure.empty()) {
        ++failures;
        cases << "<failure message=\"" << xml_escape(e.failure) << "\"/>";
      } else if (e.skipped) {
        ++skipped;
        cases << "<skipped message=\"unsupported\"/>";
      }
      cases << "</testcase>\n";
    }
    ++tests;
    std::string title =
        "campaign seed=" + std::to_string(o_.seed) + " cases=" + std::to_string(o_.cases);
    if (sh.count > 1)
      title += " shard=" + std::to_string(sh.index) + "/" + std::to_string(sh.count);
    cases << "    <testcase classname=\"tconv.explore\" name=\"" << xml_escape(title)
          << "\" time=\"" << campaign_seconds_ << "\">";
    bool campaign_failed = false;
    for (const auto& f : findings_)
      if (f.case_index >= 0) {
        campaign_failed = true;
        std::ostringstream text;
        print_to(text, f);
        cases << "\n      <failure type=\"" << name(f.kind) << "\" message=\""
              << xml_escape(f.message) << "\">" << xml_escape(text.str()) << "</failure>\n    ";
      }
    if (campaign_failed) ++failures;
    cases << "</testcase>\n";
    for (const region r : all_regions) {
      ++tests;
      const auto it = coverage_.find(r);
      const region_count rc = it == coverage_.end() ? region_count{} : it->second;
      cases << "    <testcase classname=\"tconv.explore.coverage\" name=\"" << name(r)
            << "\" time=\"0\">";
      if (rc.tested == 0) {
        ++skipped;
        cases << "<skipped message=\"no case tested (" << rc.unsupported << " unsupported)\"/>";
      }
      cases << "<system-out>tested " << rc.tested << ", unsupported " << rc.unsupported
            << "</system-out></testcase>\n";
    }
    std::ostringstream out;
    out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        << "<testsuites name=\"tconv explore\" tests=\"" << tests << "\" failures=\"" << failures
        << "\" skipped=\"" << skipped << "\" time=\"" << total_seconds_ << "\">\n"
        << "  <testsuite name=\"tconv explore " << xml_escape(impl_->replay_flag()) << "\" tests=\""
        << tests << "\" failures=\"" << failures << "\" errors=\"0\" skipped=\"" << skipped
        << "\" time=\"" << total_seconds_ << "\">\n"
        << cases.str() << "  </testsuite>\n</testsuites>\n";
    write_report(o_.junit, "--junit", out.str());
  }

  static void print_to(std::ostream& s, const finding& f) {
    s << name(f.kind) << " in " << f.origin << "\nproblem: " << to_string(f.c.p) << "\n"
      << f.message << "\nreplay: " << f.replay << "\n";
  }

  int replay() {
    fs::path where = o_.replay;
    if (!fs::exists(where) && !o_.corpus.empty() && fs::exists(fs::path(o_.corpus) / o_.replay))
      where = fs::path(o_.corpus) / o_.replay;
    if (!fs::exists(where)) throw usage_error("--replay " + o_.replay + ": no such case directory");
    const explore_case c = read_case_dir(where);
    const verdict v = evaluate(c, true);
    out_ << "tconv explore: replaying " << where.string() << " against " << impl_->replay_flag()
         << "\n";
    out_ << "  problem:  " << to_string(c.p) << "\n";
    if (v.s == verdict::state::unsupported) {
      out_ << "result: unsupported (the implementation declines this problem)\n";
      return 0;
    }
    if (v.s == verdict::state::passed) {
      out_ << "result: passed\n";
      return 0;
    }
    out_ << "  " << name(v.kind) << ": " << v.message << "\nresult: COUNTEREXAMPLE REPRODUCED\n";
    return 1;
  }

  const options& o_;
  std::ostream& out_;
  std::ostream& err_;
  progress_line bar_;
  std::unique_ptr<implementation> owned_impl_;
  implementation* impl_ = nullptr;
  bool exhausted_ = false;
  std::map<std::string, std::uint64_t>
      known_hits_;  // failures per known finding (options::classify)
  std::vector<finding> findings_;
  std::map<region, region_count> coverage_;
  std::uint64_t executed_ = 0, unsupported_ = 0;
  double campaign_seconds_ = 0, total_seconds_ = 0;
  std::vector<junit_entry> junit_corpus_;
  std::vector<std::pair<std::string, std::string>> corpus_skipped_;  // damaged entries: name, why
  std::string save_error_;  // the first finding that could not be stored
  std::vector<std::pair<std::uint64_t, std::string>> case_list_;
};

}  // namespace

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

int run_explore(const options& o, std::ostream& out, std::ostream& err) {
  try {
    campaign c(o, out, err);
    return c.run();
  } catch (const usage_error& e) {
    err << "tconv explore: " << e.what() << "\n";
    return 2;
  } catch (const invalid_problem& e) {
    err << "tconv explore: " << e.what() << "\n";
    return 2;
  }
}

}  // namespace tconv::harness
