#include "verify/verify.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <ostream>
#include <sstream>

#include "harness/campaign.hpp"
#include "harness/case_dir.hpp"
#include "harness/escape.hpp"
#include "harness/generate.hpp"
#include "harness/implementation.hpp"
#include "harness/values.hpp"
#include "tconv/check/check.hpp"
#include "tconv/io/atomic_file.hpp"
#include "tconv/region.hpp"
#include "tconv/text.hpp"
#include "verify/known.hpp"

#ifndef TCONV_BUILD_ADAPTER_DIR
#define TCONV_BUILD_ADAPTER_DIR ""
#endif
#ifndef TCONV_SOURCE_DIR
#define TCONV_SOURCE_DIR ""
#endif

namespace tconv::verify {

namespace fs = std::filesystem;
using harness::usage_error;
using nlohmann::json;
using clock_type = std::chrono::steady_clock;

namespace {

// The features a problem may have besides its rank; a feature cell isolates one of them.
constexpr std::array feature_regions{region::gaps,           region::dilation,
                                     region::groups,         region::asymmetric_padding,
                                     region::output_padding, region::bias};

bool is_rank_region(region r) {
  return r == region::rank1 || r == region::rank2 || r == region::rank3;
}
std::int64_t rank_of(region r) { return r == region::rank1 ? 1 : r == region::rank2 ? 2 : 3; }

// A feature cell's problems: that feature, none of the others (so that one library bug does not
// fail every cell), at one rank.
bool isolated(const problem& p, region f) {
  if (!in_region(p, f)) return false;
  for (const region g : feature_regions)
    if (g != f && in_region(p, g)) return false;
  return true;
}

region parse_region(const std::string& s, const std::string& where) {
  for (const region r : all_regions)
    if (name(r) == s) return r;
  throw usage_error(where + ": unknown region \"" + s +
                    "\" (regions: rank1 rank2 rank3 gaps dilation groups asymmetric_padding "
                    "output_padding bias)");
}

struct impl_entry {
  std::string name, kind, target;  // kind: "plugin" or "command"
  bool available = true, given = false;
  std::string reason;  // why not available
};

fs::path exe_dir() {
  std::error_code ec;
  const fs::path p = fs::read_symlink("/proc/self/exe", ec);
  return ec ? fs::path() : p.parent_path();
}

std::vector<fs::path> adapter_dirs(const options& o) {
  std::vector<fs::path> d;
  if (!o.adapter_dir.empty()) d.emplace_back(o.adapter_dir);
  if (const fs::path e = exe_dir(); !e.empty()) {
    d.push_back(e.parent_path() /
                "adapters");  // build tree: build/X/tools/tconv -> build/X/adapters
    d.push_back(e.parent_path() / "lib" / "tconv");  // installed: bin/tconv -> lib/tconv
  }
  if (std::string(TCONV_BUILD_ADAPTER_DIR) != "") d.emplace_back(TCONV_BUILD_ADAPTER_DIR);
  return d;
}

std::string run_capture(const std::string& cmd, int& status) {
  std::string outp;
  FILE* f = ::popen(cmd.c_str(), "r");
  if (f == nullptr) {
    status = -1;
    return outp;
  }
  char buf[256];
  while (std::fgets(buf, sizeof buf, f) != nullptr) outp += buf;
  status = ::pclose(f);
  while (!outp.empty() && (outp.back() == '\n' || outp.back() == ' ')) outp.pop_back();
  return outp;
}

std::vector<impl_entry> discover(const options& o) {
  std::vector<impl_entry> v;
  const bool defaults = o.impls.empty() || o.with_defaults;
  if (defaults) {
    static const std::array<std::pair<const char*, const char*>, 4> plugins{
        {{"torch", "libtorch-dev"},
         {"onednn", "libdnnl-dev"},
         {"xnnpack", "libxnnpack-dev, libpthreadpool-dev"},
         {"opencv", "libopencv-dnn-dev"}}};
    const auto dirs = adapter_dirs(o);
    for (const auto& [nm, package] : plugins) {
      impl_entry e{nm, "plugin", "", true, false, ""};
      const std::string file = std::string("libtconv_") + nm + ".so";
      for (const auto& d : dirs)
        if (std::error_code ec; fs::is_regular_file(d / file, ec)) {
          e.target = fs::weakly_canonical(d / file, ec).string();
          break;
        }
      if (e.target.empty()) {
        e.available = false;
        std::string looked;
        for (const auto& d : dirs) looked += (looked.empty() ? "" : ", ") + d.string();
        e.reason = file + " not found (looked in " + looked +
                   "); it is built by the target tconv_adapters when " + package +
                   " is installed (scripts/install-deps.sh)";
      }
      v.push_back(e);
    }
    impl_entry py{"pytorch_python", "command", "", true, false, ""};
    fs::path script;
    for (const fs::path& c : {fs::path(TCONV_SOURCE_DIR) / "adapters/pytorch_python/tconv_torch.py",
                              exe_dir().parent_path() / "share/tconv/tconv_torch.py"})
      if (std::error_code ec; !c.empty() && fs::is_regular_file(c, ec)) {
        script = c;
        break;
      }
    if (script.empty()) {
      py.available = false;
      py.reason = "adapters/pytorch_python/tconv_torch.py not found";
    } else if (::access(o.python.c_str(), X_OK) != 0) {
      py.available = false;
      py.reason = o.python + " is not an executable (Debian package python3)";
    } else {
      int st = 0;
      const std::string missing =
          run_capture(harness::shell_quote(o.python) +
                          " -c \"import importlib.util as u; print(' '.join(m for m in ('torch', "
                          "'numpy') if u.find_spec(m) is None))\""
                          " 2>&1",
                      st);
      if (st != 0 || !missing.empty()) {
        py.available = false;
        py.reason = o.python + " cannot import " +
                    (missing.empty() ? std::string("its modules") : missing) +
                    " (Debian packages python3-torch, python3-numpy)";
      } else {
        py.target = harness::shell_quote(o.python) + " " + harness::shell_quote(script.string());
      }
    }
    v.push_back(py);
  }
  for (const auto& r : o.impls) {
    impl_entry e{r.name, r.command ? "command" : "plugin", r.target, true, true, ""};
    // the name becomes a directory under --out-dir
    if (r.name.empty() || r.name == "." || r.name == ".." ||
        r.name.find_first_not_of(
            "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") !=
            std::string::npos)
      throw usage_error(std::string(r.command ? "--cmd " : "--impl ") + r.name +
                        "=...: a name is letters, digits, '_', '.' or '-'");
    for (const auto& other : v)
      if (other.name == e.name)
        throw usage_error(std::string(r.command ? "--cmd " : "--impl ") + r.name +
                          "=...: the name \"" + r.name + "\" is already used");
    if (!r.command) e.target = harness::plugin_path(r.target, "--impl " + r.name + "=" + r.target);
    v.push_back(e);
  }
  if (!o.only.empty()) {
    for (const auto& n : o.only)
      if (std::none_of(v.begin(), v.end(), [&](const impl_entry& e) { return e.name == n; }))
        throw usage_error("--only " + n +
                          ": no implementation of that name (known: torch onednn xnnpack opencv "
                          "pytorch_python, and those given with --impl / --cmd)");
    std::erase_if(v, [&](const impl_entry& e) {
      return std::find(o.only.begin(), o.only.end(), e.name) == o.only.end();
    });
  }
  return v;
}

std::string fmt(double v) {
  char b[40];
  std::snprintf(b, sizeof b, "%.9g", v);
  return b;
}

json values_json(const std::vector<float>& v) {
  json a = json::array();
  for (const float e : v) a.push_back(fmt(static_cast<double>(e)));
  return a;
}

// The minimal counterexample in full: its data, and (for a wrong result) the output re-computed
// by the implementation with every element's got / exact and, for the wrong ones, the bound.
json counterexample(harness::implementation& impl, const json& f) {
  json cx = f;
  cx.erase("check");
  const std::string saved = f.value("saved", "");
  if (saved.empty() || !fs::exists(saved)) return cx;
  const harness::explore_case c = harness::read_case_dir(saved);
  cx["problem_text"] = to_string(c.p);
  const auto out = output_shape(c.p, op_kind::conv_transpose);
  cx["output_shape"] = out;
  if (c.x.size() + c.w.size() + c.b.size() <= 512) {
    cx["x"] = values_json(c.x);
    cx["w"] = values_json(c.w);
    if (c.p.has_bias) cx["b"] = values_json(c.b);
    cx["x_shape"] = input_shape(c.p);
    cx["w_shape"] = weight_shape(c.p, op_kind::conv_transpose);
  }
  if (f.value("kind", "") != "wrong_result") return cx;
  const harness::call_result r = impl.call(c);
  if (r.state != harness::call_result::status::ok) {
    cx["rerun"] = r.state == harness::call_result::status::unsupported
                      ? "unsupported on re-run"
                      : "re-run failed: " + r.message;
    return cx;
  }
  check::options opt;
  opt.threads = 1;
  opt.max_listed = static_cast<int>(std::min<std::size_t>(r.y.size(), 1u << 16));
  const auto rep = check::check_output(
      c.p, op_kind::conv_transpose, c.x.data(), c.w.data(), c.p.has_bias ? c.b.data() : nullptr,
      r.y.data(), static_cast<std::int64_t>(r.y.size()), check::precision::fp32, opt);
  cx["rerun"] =
      rep.ok ? "passed on re-run (the failure does not reproduce every time)" : "reproduced";
  cx["violations"] = rep.violations;
  cx["elements"] = rep.elements_checked;
  if (r.y.size() > 4096) return cx;  // the tensor is shown for small counterexamples only
  const check::geometry g(c.p, op_kind::conv_transpose);
  std::vector<float> exact(r.y.size());
  check::reference_float(g, c.x.data(), c.w.data(), c.p.has_bias ? c.b.data() : nullptr,
                         exact.data(), 1);
  cx["got"] = values_json(r.y);
  cx["exact"] = values_json(exact);
  json wrong = json::array();
  for (const auto& v : rep.first_violations) {
    std::int64_t flat = 0;
    for (std::size_t i = 0; i < v.index.size() && i < out.size(); ++i)
      flat = flat * out[i] + v.index[i];
    wrong.push_back({{"flat", flat},
                     {"index", v.index},
                     {"got", fmt(v.got)},
                     {"exact", v.exact_decimal},
                     {"error", fmt(v.error)},
                     {"bound", fmt(v.bound)},
                     {"reason", v.reason}});
  }
  cx["wrong"] = wrong;
  return cx;
}

class verifier {
 public:
  verifier(const options& o, std::ostream& out, std::ostream& err) : o_(o), out_(out), err_(err) {}

  int run() {
    const auto t0 = clock_type::now();
    if (o_.cases_per_cell == 0 || o_.cmd_cases_per_cell == 0)
      throw usage_error("--cases-per-cell / --cmd-cases-per-cell: must be at least 1");
    if (!std::isfinite(o_.timeout_s) || !(o_.timeout_s > 0) || o_.timeout_s > 1e6)
      throw usage_error("--timeout: " + fmt(o_.timeout_s) +
                        " must be a finite number of seconds, > 0 and at most 1e6");
    if (!std::isfinite(o_.shrink_time_s) || !(o_.shrink_time_s >= 0) || o_.shrink_time_s > 1e6)
      throw usage_error("--shrink-time: " + fmt(o_.shrink_time_s) +
                        " must be a finite number of seconds, >= 0 and at most 1e6");
    std::vector<region> regions;
    for (const auto& s : o_.regions) regions.push_back(parse_region(s, "--regions"));
    if (regions.empty()) regions.assign(all_regions.begin(), all_regions.end());
    // matrix rows in the canonical order, each once
    std::vector<region> canonical;
    for (const region r : all_regions)
      if (std::find(regions.begin(), regions.end(), r) != regions.end()) canonical.push_back(r);
    regions = canonical;
    load_the_baseline();
    const auto impls = discover(o_);
    if (impls.empty()) throw usage_error("no implementation to verify");
    const fs::path out_dir = o_.out_dir;
    const std::string json_path = o_.json.empty() ? (out_dir / "verify.json").string() : o_.json;
    const std::string html_path = o_.html.empty() ? (out_dir / "verify.html").string() : o_.html;
    // every output place is tried before the campaign, not after it
    prepare_directory(out_dir, "--out-dir " + o_.out_dir);
    prepare_output(json_path, "--json");
    prepare_output(html_path, "--html");

    json result;
    result["tool"] = "tconv verify";
    result["seed"] = o_.seed;
    result["cases_per_cell"] = {{"plugin", o_.cases_per_cell}, {"command", o_.cmd_cases_per_cell}};
    result["shrink_time_s"] = o_.shrink_time_s;
    result["timeout_s"] = o_.timeout_s;
    json rj = json::array();
    for (const region r : regions) rj.push_back(std::string(name(r)));
    result["regions"] = rj;
    result["implementations"] = json::array();
    result["cells"] = json::array();
    std::size_t cx_count = 0;
    // what the implementations print (assertions, library warnings) goes to a log, not the report
    const std::string log_path = (out_dir / "implementations.log").string();
    std::fflush(stderr);
    err_.flush();
    saved_stderr_ = ::dup(2);
    if (const int log = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        log >= 0) {
      ::dup2(log, 2);
      ::close(log);
    }
    struct restore {
      verifier& v;
      ~restore() { v.restore_stderr(); }
    } restore_at_exit{*this};

    for (const auto& e : impls) {
      json ij{{"name", e.name}, {"kind", e.kind}, {"target", e.target}, {"available", e.available}};
      if (!e.available) {
        ij["reason"] = e.reason;
        result["implementations"].push_back(ij);
        for (const region r : regions)
          result["cells"].push_back({{"implementation", e.name},
                                     {"region", std::string(name(r))},
                                     {"status", "not_available"}});
        continue;
      }
      std::unique_ptr<harness::implementation> impl;
      try {
        impl = e.kind == "plugin" ? harness::make_plugin(e.target, o_.timeout_s)
                                  : harness::make_command(e.target, o_.timeout_s, 60.0);
      } catch (const usage_error& ex) {
        if (e.given) throw;
        ij["available"] = false;
        ij["reason"] = std::string("cannot load: ") + ex.what();
        result["implementations"].push_back(ij);
        for (const region r : regions)
          result["cells"].push_back({{"implementation", e.name},
                                     {"region", std::string(name(r))},
                                     {"status", "not_available"}});
        continue;
      }
      ij["replay_flag"] = impl->replay_flag();
      const auto ti = clock_type::now();
      std::error_code ec;
      fs::remove_all(out_dir / "cases" / e.name, ec);  // this run's counterexamples only
      const std::uint64_t budget = e.kind == "plugin" ? o_.cases_per_cell : o_.cmd_cases_per_cell;
      // rank cells first: the ranks they find supported are the ranks the feature cells draw from
      std::vector<std::int64_t> ranks;
      std::vector<region> order;
      for (const region r : regions)
        if (is_rank_region(r)) order.push_back(r);
      for (const region r : regions)
        if (!is_rank_region(r)) order.push_back(r);
      const bool rank_cells_run = std::any_of(order.begin(), order.end(), is_rank_region);
      std::uint64_t cases = 0;
      for (const region r : order) {
        progress(e.name + " x " + std::string(name(r)));
        json cell = run_cell(e, *impl, r, budget, ranks, rank_cells_run, out_dir);
        if (is_rank_region(r) && cell.value("tested", std::uint64_t{0}) > 0)
          ranks.push_back(rank_of(r));
        cases += cell.value("executed", std::uint64_t{0});
        for (auto& f : cell["findings"]) {
          f = counterexample(*impl, f);
          f["id"] = "cx" + std::to_string(++cx_count);
        }
        result["cells"].push_back(std::move(cell));
      }
      ij["cases"] = cases;
      ij["seconds"] = std::chrono::duration<double>(clock_type::now() - ti).count();
      result["implementations"].push_back(ij);
    }
    progress("");
    restore_stderr();
    const int status = judge_against_baseline(result);
    result["seconds"] = std::chrono::duration<double>(clock_type::now() - t0).count();
    result["reports"] = {{"json", json_path}, {"html", html_path}};
    result["exit_status"] = status;

    out_ << render_text(result);
    write_file(json_path, harness::dump_json(result, 2) + "\n", "--json");
    write_file(html_path, render_html(result), "--html");
    out_ << "reports: " << json_path << "\n         " << html_path << "\n         " << log_path
         << " (what the implementations printed)\n";
    return status;
  }

 private:
  void progress(const std::string& s) {
    const int fd = saved_stderr_ >= 0 ? saved_stderr_ : 2;
    if (::isatty(fd) == 0) return;
    const std::string line = "\rtconv verify: " + s + "\x1b[K" + (s.empty() ? "\r" : "");
    if (::write(fd, line.data(), line.size()) < 0) return;
  }

 public:
  void restore_stderr() {
    if (saved_stderr_ < 0) return;
    std::fflush(stderr);
    err_.flush();
    ::dup2(saved_stderr_, 2);
    ::close(saved_stderr_);
    saved_stderr_ = -1;
  }

 private:
  void load_the_baseline() {
    std::string file = o_.baseline;
    if (file == "none") return;
    if (file.empty()) {
      const fs::path committed = fs::path(TCONV_SOURCE_DIR) / "docs" / "known-findings.json";
      if (std::error_code ec;
          std::string(TCONV_SOURCE_DIR).empty() || !fs::is_regular_file(committed, ec)) {
        err_ << "tconv verify: no baseline (docs/known-findings.json not found): every finding "
                "counts as new\n";
        return;
      }
      file = committed.string();
    }
    base_ = load_baseline(file);
    for (std::size_t i = 0; i < base_.findings.size(); ++i)
      for (const auto& c : base_.findings[i].cells)
        (void)parse_region(c, "--baseline " + file + ": findings[" + std::to_string(i) + "].cells");
  }

  // One cell: a campaign per rank (a rank cell is one rank; a feature cell draws from every rank
  // its implementation supports, budget split evenly), each its own seed derived from --seed.
  json run_cell(const impl_entry& e, harness::implementation& impl, region r, std::uint64_t budget,
                const std::vector<std::int64_t>& supported_ranks, bool rank_cells_run,
                const fs::path& out_dir) {
    json cell{{"implementation", e.name}, {"region", std::string(name(r))}};
    std::vector<std::int64_t> ranks;
    if (is_rank_region(r))
      ranks = {rank_of(r)};
    else if (rank_cells_run)
      ranks = supported_ranks;
    else
      ranks = {1, 2, 3};
    cell["definition"] =
        is_rank_region(r) ? "rank " + std::to_string(rank_of(r)) + " problems, every feature mixed"
                          : std::string(name(r)) +
                                " and no other feature (of gaps, dilation, groups, "
                                "asymmetric_padding, output_padding, bias)";
    json findings = json::array(), runs = json::array(), coverage = json::object();
    std::map<std::string, std::uint64_t> hits;
    std::uint64_t executed = 0, unsupported = 0;
    bool exhausted = false;
    double seconds = 0;
    for (std::size_t k = 0; k < ranks.size(); ++k) {
      const std::int64_t rank = ranks[k];
      harness::options eo;
      eo.use_impl = &impl;
      eo.cases = budget / ranks.size() + (k < budget % ranks.size() ? 1 : 0);
      if (eo.cases == 0) continue;
      const auto ri = static_cast<std::uint64_t>(
          std::find(all_regions.begin(), all_regions.end(), r) - all_regions.begin());
      eo.seed = harness::case_seed(o_.seed, 0x7c0000 + ri * 4 + static_cast<std::uint64_t>(rank));
      eo.max_rank = rank;
      eo.shard = "0/1";
      eo.timeout_s = o_.timeout_s;
      eo.shrink_time_s = o_.shrink_time_s;
      eo.corpus = (out_dir / "cases" / e.name /
                   (is_rank_region(r) ? std::string(name(r))
                                      : std::string(name(r)) + "-rank" + std::to_string(rank)))
                      .string();
      eo.replay_corpus = false;
      if (is_rank_region(r)) {
        eo.keep = [rank](const problem& p) { return p.rank == rank; };
        eo.keep_name = "rank " + std::to_string(rank);
      } else {
        eo.keep = [rank, r](const problem& p) { return p.rank == rank && isolated(p, r); };
        eo.keep_name = std::string(name(r)) + " only, rank " + std::to_string(rank);
        eo.tune_space = [r](gen::problem_space& s) {
          if (r != region::groups) s.max_groups = 1;
          if (r != region::bias) s.allow_bias = false;
          if (r != region::dilation) s.max_dilation = 1;
        };
      }
      if (!base_.file.empty())
        eo.classify = [this, name = e.name](const harness::explore_case& c,
                                            harness::finding_kind kind,
                                            const std::vector<float>& y) {
          return classify(base_, name, c, kind, y);
        };
      json rep;
      eo.report = &rep;
      std::ostringstream sink;
      const int rc = harness::run_explore(eo, sink, err_);
      if (rc == 2)
        throw usage_error(e.name + " x " + std::string(name(r)) + ": the campaign could not run");
      executed += rep.value("executed", std::uint64_t{0});
      unsupported += rep.value("unsupported", std::uint64_t{0});
      seconds += rep.value("seconds", 0.0);
      exhausted = exhausted || rep.value("draws_exhausted", false);
      for (const auto& [reg, c] : rep["coverage"].items()) {
        auto& cc = coverage[reg];
        if (cc.is_null()) cc = {{"tested", 0}, {"unsupported", 0}};
        cc["tested"] = cc.value("tested", std::uint64_t{0}) + c.value("tested", std::uint64_t{0});
        cc["unsupported"] =
            cc.value("unsupported", std::uint64_t{0}) + c.value("unsupported", std::uint64_t{0});
      }
      for (const auto& [id, n] : rep["known_hits"].items()) hits[id] += n.get<std::uint64_t>();
      // one counterexample per finding and cell: the first (lowest rank); later ones only counted
      for (auto f : rep["findings"]) {
        const std::string id = f.value("known", "");
        if (std::any_of(findings.begin(), findings.end(),
                        [&](const json& g) { return g.value("known", "") == id; })) {
          ++hits[id.empty() ? "NEW" : id];
          continue;
        }
        f["rank_campaign"] = rank;
        findings.push_back(std::move(f));
      }
      runs.push_back({{"rank", rank},
                      {"seed", eo.seed},
                      {"cases", eo.cases},
                      {"executed", rep["executed"]},
                      {"unsupported", rep["unsupported"]},
                      {"seconds", rep["seconds"]}});
    }
    const std::uint64_t tested = executed - unsupported;
    cell["status"] = !findings.empty() ? "fail" : tested == 0 ? "unsupported" : "pass";
    if (ranks.empty()) cell["note"] = "no rank is supported (every rank cell was declined)";
    if (exhausted)
      cell["note"] = "the region is rare under the generator: fewer cases than the budget";
    cell["executed"] = executed;
    cell["tested"] = tested;
    cell["unsupported"] = unsupported;
    cell["seconds"] = seconds;
    cell["ranks"] = ranks;
    cell["campaigns"] = runs;
    cell["coverage"] = coverage;
    cell["known_hits"] = hits;
    cell["findings"] = findings;
    return cell;
  }

  // 0 when every finding is known and every expected one reproduced (under the baseline's own
  // campaign parameters); 1 otherwise.
  int judge_against_baseline(json& result) {
    json b{{"file", base_.file},
           {"new", json::array()},
           {"known", json::array()},
           {"missing", json::array()}};
    for (const auto& cell : result["cells"])
      for (const auto& f : cell.value("findings", json::array())) {
        json entry{{"implementation", cell["implementation"]},
                   {"region", cell["region"]},
                   {"id", f["id"]},
                   {"kind", f["kind"]}};
        if (f.value("known", "").empty()) {
          b["new"].push_back(entry);
        } else {
          entry["finding"] = f["known"];
          b["known"].push_back(entry);
        }
      }
    const bool same_campaign = !base_.file.empty() && base_.seed == o_.seed &&
                               base_.cases_per_cell == o_.cases_per_cell &&
                               base_.cmd_cases_per_cell == o_.cmd_cases_per_cell;
    b["campaign_matches"] = same_campaign;
    if (same_campaign)
      for (const auto& k : base_.findings)
        for (const auto& reg : k.cells)
          for (const auto& cell : result["cells"]) {
            if (cell["implementation"] != k.implementation || cell["region"] != reg) continue;
            if (cell["status"] == "not_available") continue;
            bool seen = false;
            for (const auto& f : cell.value("findings", json::array()))
              seen = seen || f.value("known", "") == k.id;
            if (!seen)
              b["missing"].push_back(
                  {{"implementation", k.implementation}, {"region", reg}, {"finding", k.id}});
          }
    json titles = json::object();
    for (const auto& k : base_.findings) titles[k.id] = k.title;
    b["titles"] = titles;
    const int status = b["new"].empty() && b["missing"].empty() ? 0 : 1;
    result["baseline"] = b;
    return status;
  }

  void write_file(const std::string& path, const std::string& text, const char* flag) {
    try {
      io::write_atomically(path, text);
    } catch (const io::write_error& e) {
      throw usage_error(std::string(flag) + " " + e.what());
    }
  }

  // A directory that exists (created if need be) and takes new files.
  static void prepare_directory(const fs::path& dir, const std::string& what) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec || !fs::is_directory(dir)) {
      if (!ec && fs::exists(dir)) ec = std::make_error_code(std::errc::not_a_directory);
      throw usage_error(what + ": cannot create the directory (" + ec.message() + ")");
    }
    const fs::path probe = dir / (".tconv-probe-" + std::to_string(::getpid()));
    const int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0)
      throw usage_error(what + ": cannot create files there (" + std::strerror(errno) + ")");
    ::close(fd);
    ::unlink(probe.c_str());
  }

  // The file's directory is prepared; the file itself must not be a directory.
  static void prepare_output(const std::string& file, const char* flag) {
    const fs::path p = file;
    std::error_code ec;
    const auto st = fs::status(p, ec);
    if (fs::is_directory(st))
      throw usage_error(std::string(flag) + " " + file + ": is a directory, not a file");
    if (fs::exists(st) && !fs::is_regular_file(st)) return;  // a device or FIFO: written in place
    prepare_directory(p.has_parent_path() ? p.parent_path() : fs::path("."),
                      std::string(flag) + " " + file);
  }

  const options& o_;
  std::ostream& out_;
  std::ostream& err_;
  baseline base_;
  int saved_stderr_ = -1;
};

}  // namespace

int run_verify(const options& o, std::ostream& out, std::ostream& err) {
  try {
    verifier v(o, out, err);
    return v.run();
  } catch (const usage_error& e) {
    err << "tconv verify: " << e.what() << "\n";
    return 2;
  }
}

}  // namespace tconv::verify
