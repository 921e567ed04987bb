#include "verify/verify.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <ostream>

#include "harness/campaign.hpp"
#include "harness/implementation.hpp"
#include "harness/usage_error.hpp"
#include "tconv/io/atomic_file.hpp"
#include "tconv/region.hpp"
#include "verify/cell.hpp"
#include "verify/discover.hpp"
#include "verify/known.hpp"
#include "verify/matrix.hpp"
#include "verify/report.hpp"

#ifndef TCONV_SOURCE_DIR
#define TCONV_SOURCE_DIR ""
#endif

namespace tconv::verify {

namespace fs = std::filesystem;
using clock_type = std::chrono::steady_clock;

namespace {

std::string fmt(double v) {
  char b[40];
  std::snprintf(b, sizeof b, "%.9g", v);
  return b;
}

region parse_region(const std::string& s, const std::string& where) {
  for (const region r : all_regions)
    if (name(r) == s) return r;
  throw usage_error(where + ": unknown region \"" + s +
                    "\" (regions: rank1 rank2 rank3 gaps dilation groups asymmetric_padding "
                    "output_padding bias; the row conventions)");
}

void check_options(const options& o) {
  if (o.cases_per_cell == 0 || o.cmd_cases_per_cell == 0)
    throw usage_error("--cases-per-cell / --cmd-cases-per-cell: must be at least 1");
  if (!std::isfinite(o.timeout_s) || !(o.timeout_s > 0) || o.timeout_s > 1e6)
    throw usage_error("--timeout: " + fmt(o.timeout_s) +
                      " must be a finite number of seconds, > 0 and at most 1e6");
  if (!std::isfinite(o.shrink_time_s) || !(o.shrink_time_s >= 0) || o.shrink_time_s > 1e6)
    throw usage_error("--shrink-time: " + fmt(o.shrink_time_s) +
                      " must be a finite number of seconds, >= 0 and at most 1e6");
}

// The matrix rows: --regions (default all) in the canonical order, each once.
std::vector<region> canonical_regions(const options& o) {
  std::vector<region> given;
  for (const auto& s : o.regions)
    if (s != conventions_row_name) given.push_back(parse_region(s, "--regions"));
  if (given.empty() && !o.regions.empty()) return {};  // --regions conventions
  if (given.empty()) return {all_regions.begin(), all_regions.end()};
  std::vector<region> rows;
  for (const region r : all_regions)
    if (std::find(given.begin(), given.end(), r) != given.end()) rows.push_back(r);
  return rows;
}

// --baseline FILE, the source tree's docs/known-findings.json by default, or none.
baseline load_the_baseline(const options& o, std::ostream& err) {
  std::string file = o.baseline;
  if (file == "none") return {};
  if (file.empty()) {
    const fs::path committed = fs::path(TCONV_SOURCE_DIR) / "docs" / "known-findings.json";
    if (std::error_code ec;
        std::string(TCONV_SOURCE_DIR).empty() || !fs::is_regular_file(committed, ec)) {
      err << "tconv verify: no baseline (docs/known-findings.json not found): every finding "
             "counts as new\n";
      return {};
    }
    file = committed.string();
  }
  baseline base = load_baseline(file);
  for (std::size_t i = 0; i < base.findings.size(); ++i)
    for (const auto& c : base.findings[i].cells)
      if (c != conventions_row_name)
        (void)parse_region(c, "--baseline " + file + ": findings[" + std::to_string(i) + "].cells");
  return base;
}

// A directory that exists (created if need be) and takes new files.
void prepare_directory(const fs::path& dir, const std::string& what) {
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
void prepare_output(const std::string& file, const char* flag) {
  const fs::path p = file;
  std::error_code ec;
  const auto st = fs::status(p, ec);
  if (fs::is_directory(st))
    throw usage_error(std::string(flag) + " " + file + ": is a directory, not a file");
  if (fs::exists(st) && !fs::is_regular_file(st)) return;  // a device or FIFO: written in place
  prepare_directory(p.has_parent_path() ? p.parent_path() : fs::path("."),
                    std::string(flag) + " " + file);
}

void write_file(const std::string& path, const std::string& text, const char* flag) {
  try {
    io::write_atomically(path, text);
  } catch (const io::write_error& e) {
    throw usage_error(std::string(flag) + " " + e.what());
  }
}

// What the implementations print (assertions, library warnings) goes to a log, not the report:
// fd 2 points at the log for the object's lifetime.
class stderr_to_log {
 public:
  stderr_to_log(const std::string& log_path, std::ostream& err) : err_(err) {
    std::fflush(stderr);
    err_.flush();
    saved_ = ::dup(2);
    if (const int log = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        log >= 0) {
      ::dup2(log, 2);
      ::close(log);
    }
  }
  stderr_to_log(const stderr_to_log&) = delete;
  stderr_to_log& operator=(const stderr_to_log&) = delete;
  ~stderr_to_log() { restore(); }

  /// Points fd 2 back at the terminal (or whatever it was).
  void restore() {
    if (saved_ < 0) return;
    std::fflush(stderr);
    err_.flush();
    ::dup2(saved_, 2);
    ::close(saved_);
    saved_ = -1;
  }

  /// "tconv verify: WHAT" on the saved stderr, when it is a terminal ("" clears the line).
  void progress(const std::string& s) const {
    const int fd = saved_ >= 0 ? saved_ : 2;
    if (::isatty(fd) == 0) return;
    const std::string line = "\rtconv verify: " + s + "\x1b[K" + (s.empty() ? "\r" : "");
    if (::write(fd, line.data(), line.size()) < 0) return;
  }

 private:
  std::ostream& err_;
  int saved_ = -1;
};

// The rows of an implementation that is not run: its cells are all not_available.
void add_not_available(matrix& m, implementation_row row) {
  row.available = false;
  for (const region r : m.regions) {
    cell c;
    c.implementation = row.name;
    c.where = r;
    m.cells.push_back(std::move(c));
  }
  if (m.conventions_row) {
    cell c;
    c.implementation = row.name;
    c.conventions_row = true;
    m.cells.push_back(std::move(c));
  }
  m.implementations.push_back(std::move(row));
}

// Rank rows first: the ranks they find supported are the ranks the feature rows draw from.
std::vector<region> rank_rows_first(const std::vector<region>& regions) {
  std::vector<region> order;
  std::copy_if(regions.begin(), regions.end(), std::back_inserter(order), is_rank_region);
  std::copy_if(regions.begin(), regions.end(), std::back_inserter(order),
               [](region r) { return !is_rank_region(r); });
  return order;
}

// The findings of the matrix as the baseline sees them: new or known.
void sort_findings(const matrix& m, baseline_verdict& b) {
  for (const auto& c : m.cells)
    for (const auto& f : c.findings) {
      finding_ref ref{c.implementation, row_name(c), f.id, name(f.kind), f.known};
      (f.known.empty() ? b.fresh : b.known).push_back(std::move(ref));
    }
}

// Known findings expected in a cell (under the baseline's own campaign) that it did not find.
void find_missing(const matrix& m, const baseline& base, baseline_verdict& b) {
  for (const auto& k : base.findings)
    for (const auto& reg : k.cells)
      for (const auto& c : m.cells) {
        if (c.implementation != k.implementation || row_name(c) != reg) continue;
        if (c.status == cell_status::not_available) continue;
        const bool seen = std::any_of(c.findings.begin(), c.findings.end(),
                                      [&](const finding& f) { return f.known == k.id; });
        if (!seen) b.missing.push_back({k.implementation, reg, "", "", k.id});
      }
}

// 0 when every finding is known and every expected one reproduced (under the baseline's own
// campaign parameters); 1 otherwise.
int judge_against_baseline(matrix& m, const baseline& base, const options& o) {
  baseline_verdict b;
  b.file = base.file;
  sort_findings(m, b);
  b.campaign_matches = !base.file.empty() && base.seed == o.seed &&
                       base.cases_per_cell == o.cases_per_cell &&
                       base.cmd_cases_per_cell == o.cmd_cases_per_cell;
  if (b.campaign_matches) find_missing(m, base, b);
  for (const auto& k : base.findings) {
    b.titles[k.id] = k.title;
    b.signatures[k.id] = k.signature;
  }
  const int status = b.fresh.empty() && b.missing.empty() ? 0 : 1;
  m.baseline = std::move(b);
  return status;
}

class verifier {
 public:
  verifier(const options& o, std::ostream& out, std::ostream& err) : o_(o), out_(out), err_(err) {}

  int run() {
    const auto t0 = clock_type::now();
    check_options(o_);
    matrix m = empty_matrix(canonical_regions(o_));
    base_ = load_the_baseline(o_, err_);
    const auto impls = discover(o_);
    if (impls.empty()) throw usage_error("no implementation to verify");
    prepare_outputs(m);
    const std::string log_path = (fs::path(o_.out_dir) / "implementations.log").string();
    {
      stderr_to_log log(log_path, err_);
      std::size_t cx_count = 0;
      for (const auto& e : impls) run_implementation(e, m, log, cx_count);
      log.progress("");
    }
    drop_idle_conventions_row(m);
    m.exit_status = judge_against_baseline(m, base_, o_);
    m.seconds = std::chrono::duration<double>(clock_type::now() - t0).count();
    out_ << render_text(m);
    write_file(m.json_path, render_json(m), "--json");
    write_file(m.html_path, render_html(m), "--html");
    out_ << "reports: " << m.json_path << "\n         " << m.html_path << "\n         " << log_path
         << " (what the implementations printed)\n";
    return m.exit_status;
  }

 private:
  matrix empty_matrix(std::vector<region> regions) const {
    matrix m;
    m.seed = o_.seed;
    m.plugin_cases = o_.cases_per_cell;
    m.command_cases = o_.cmd_cases_per_cell;
    m.shrink_time_s = o_.shrink_time_s;
    m.timeout_s = o_.timeout_s;
    m.regions = std::move(regions);
    m.conventions_row = o_.regions.empty() || std::find(o_.regions.begin(), o_.regions.end(),
                                                        conventions_row_name) != o_.regions.end();
    const fs::path out_dir = o_.out_dir;
    m.json_path = o_.json.empty() ? (out_dir / "verify.json").string() : o_.json;
    m.html_path = o_.html.empty() ? (out_dir / "verify.html").string() : o_.html;
    return m;
  }

  // every output place is tried before the campaign, not after it
  void prepare_outputs(const matrix& m) const {
    prepare_directory(o_.out_dir, "--out-dir " + o_.out_dir);
    prepare_output(m.json_path, "--json");
    prepare_output(m.html_path, "--html");
  }

  // The implementation, or nullptr when a discovered one cannot be loaded (a given one throws).
  std::unique_ptr<harness::implementation> load(const impl_entry& e, std::string& why) const {
    try {
      return e.kind == "plugin" ? harness::make_plugin(e.target, o_.timeout_s)
                                : harness::make_command(e.target, o_.timeout_s, 60.0);
    } catch (const usage_error& ex) {
      if (e.given) throw;
      why = std::string("cannot load: ") + ex.what();
      return nullptr;
    }
  }

  void run_implementation(const impl_entry& e, matrix& m, const stderr_to_log& log,
                          std::size_t& cx_count) {
    implementation_row row{e.name, e.kind, e.target, e.available, e.reason, "", 0, 0};
    if (!e.available) return add_not_available(m, std::move(row));
    const auto impl = load(e, row.reason);
    if (!impl) return add_not_available(m, std::move(row));
    row.replay_flag = impl->replay_flag();
    const auto ti = clock_type::now();
    std::error_code ec;
    fs::remove_all(fs::path(o_.out_dir) / "cases" / e.name, ec);  // this run's cases only
    const cell_setting s{o_,
                         base_,
                         e.name,
                         *impl,
                         e.kind == "plugin" ? o_.cases_per_cell : o_.cmd_cases_per_cell,
                         o_.out_dir,
                         err_};
    const auto order = rank_rows_first(m.regions);
    const bool rank_cells_run = std::any_of(order.begin(), order.end(), is_rank_region);
    std::vector<std::int64_t> ranks;
    for (const region r : order) {
      log.progress(e.name + " x " + std::string(name(r)));
      cell c = run_cell(s, r, ranks, rank_cells_run);
      if (is_rank_region(r) && c.tested > 0) ranks.push_back(rank_of(r));
      add_cell(m, row, std::move(c), *impl, cx_count);
    }
    if (m.conventions_row) {
      log.progress(e.name + " x " + conventions_row_name);
      add_cell(m, row, run_conventions_cell(s, ranks), *impl, cx_count);
    }
    row.seconds = std::chrono::duration<double>(clock_type::now() - ti).count();
    m.implementations.push_back(std::move(row));
  }

  // The conventions row stays when asked for by name (--regions) or when some implementation
  // declares convention forms; otherwise (plugins only, old adapters) the matrix is as before.
  void drop_idle_conventions_row(matrix& m) const {
    if (!m.conventions_row || !o_.regions.empty()) return;
    const bool declared = std::any_of(m.cells.begin(), m.cells.end(), [](const cell& c) {
      return c.conventions_row && c.status != cell_status::not_available &&
             c.note != no_conventions_note;
    });
    if (declared) return;
    m.conventions_row = false;
    std::erase_if(m.cells, [](const cell& c) { return c.conventions_row; });
  }

  // A cell into the matrix: its findings re-run (wrong results), classed and numbered (cx<n>), its
  // spec ambiguities numbered (A<n>, matrix-wide).
  void add_cell(matrix& m, implementation_row& row, cell c, harness::implementation& impl,
                std::size_t& cx_count) {
    row.cases += c.executed;
    for (auto& f : c.findings) {
      if (f.kind == harness::finding_kind::wrong_result) f.again = run_again(impl, f.c);
      for (const auto& k : base_.findings)
        if (k.id == f.known) f.finding_class = k.finding_class;
      f.id = "cx" + std::to_string(++cx_count);
    }
    for (auto& a : c.ambiguities) a.id = "A" + std::to_string(++ambiguity_count_);
    m.cells.push_back(std::move(c));
  }

  const options& o_;
  std::ostream& out_;
  std::ostream& err_;
  baseline base_;
  std::size_t ambiguity_count_ = 0;
};

}  // namespace

int run_verify(const options& o, std::ostream& out, std::ostream& err) {
  verifier v(o, out, err);
  return v.run();
}

}  // namespace tconv::verify
