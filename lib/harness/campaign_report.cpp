#include "harness/campaign_report.hpp"

#include <cmath>
#include <cstdio>
#include <sstream>

#include "harness/case_dir.hpp"
#include "harness/escape.hpp"
#include "harness/operations.hpp"
#include "harness/process.hpp"
#include "tconv/check/report_json.hpp"
#include "tconv/io/atomic_file.hpp"
#include "tconv/text.hpp"

namespace tconv::harness {

using nlohmann::json;

namespace {

std::string show_values(const std::vector<float>& v) {
  std::string s = "[";
  for (std::size_t i = 0; i < v.size(); ++i) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "%s%.9g", i ? ", " : "", static_cast<double>(v[i]));
    s += buf;
  }
  return s + "]";
}

region_count count_of(const campaign_result& r, region reg) {
  const auto it = r.coverage.find(reg);
  return it == r.coverage.end() ? region_count{} : it->second;
}

void print_coverage(const campaign_result& r, std::ostream& out) {
  out << "\ncoverage (cases per region; a case lies in several):\n";
  char line[160];
  std::snprintf(line, sizeof line, "  %-20s %10s %12s\n", "region", "tested", "unsupported");
  out << line;
  for (const region reg : coverage_regions) {
    const region_count rc = count_of(r, reg);
    std::snprintf(line, sizeof line, "  %-20s %10llu %12llu\n", std::string(name(reg)).c_str(),
                  static_cast<unsigned long long>(rc.tested),
                  static_cast<unsigned long long>(rc.unsupported));
    out << line;
  }
}

json coverage_json(const campaign_result& r) {
  json cov = json::object();
  for (const region reg : coverage_regions) {
    const region_count rc = count_of(r, reg);
    cov[std::string(name(reg))] = {{"tested", rc.tested}, {"unsupported", rc.unsupported}};
  }
  return cov;
}

json counterexample_json(const counterexample& cx) {
  return {{"kind", name(cx.kind)},
          {"origin", cx.origin},
          {"case_index", cx.case_index},
          {"problem", tested_operation::problem_to_json(cx.c.p)},
          {"message", cx.message},
          {"check", cx.report ? check::to_json(*cx.report) : json()},
          {"shrink_steps", cx.shrink.steps},
          {"shrink_attempts", cx.shrink.attempts},
          {"saved", cx.saved.string()},
          {"replay", cx.replay},
          {"known", cx.known},
          {"signature", cx.signature},
          {"hits", cx.hits},
          {"label", cx.label()},
          {"convention", cx.c.form ? to_json(*cx.c.form) : json()}};
}

// Totals of a JUnit suite.
struct junit_counts {
  std::size_t tests = 0, failures = 0, skipped = 0;
};

json ambiguity_json(const ambiguity& a) {
  return {{"id", a.id},
          {"references", a.references},
          {"readings", a.readings},
          {"choice", a.choice},
          {"problem", tested_operation::problem_to_json(a.c.p)},
          {"convention", a.c.form ? to_json(*a.c.form) : json()},
          {"hits", a.hits}};
}

// Spec ambiguities apart from findings: each once per (id, choice), with its readings.
void print_ambiguities(const campaign_result& r, std::ostream& out) {
  if (r.ambiguities.empty()) return;
  out << "\nspec ambiguities (not findings: the specification allows more than one reading):\n";
  for (const ambiguity& a : r.ambiguities) {
    out << "  " << a.id << ": the engine chose " << a.choice << " (" << a.hits
        << (a.hits == 1 ? " case)\n" : " cases)\n");
    if (a.c.form) out << "    form:     " << to_json(*a.c.form).dump() << "\n";
    out << "    problem:  " << to_string(a.c.p) << "\n";
    for (const std::string& rd : a.readings) out << "    reading:  " << rd << "\n";
    out << "    see:      " << a.references << "\n";
  }
}

void junit_ambiguities(const campaign_result& r, std::ostream& cases, junit_counts& n) {
  for (const ambiguity& a : r.ambiguities) {
    ++n.tests;
    std::string text = "the engine chose " + a.choice + "\n";
    for (const std::string& rd : a.readings) text += "reading: " + rd + "\n";
    text += "see: " + a.references + "\n";
    cases << "    <testcase classname=\"tconv.explore.spec_ambiguity\" name=\""
          << xml_escape(a.id + " (" + a.choice + ")") << "\" time=\"0\"><system-out>"
          << xml_escape(text) << "</system-out></testcase>\n";
  }
}

void write_report(const std::string& file, const char* flag, const std::string& text) {
  try {
    io::write_atomically(file, text);
  } catch (const io::write_error& e) {
    throw usage_error(std::string(flag) + " " + e.what());
  }
}

void junit_corpus(const campaign_result& r, std::ostream& cases, junit_counts& n) {
  for (const auto& [entry, why] : r.corpus_skipped) {
    ++n.tests;
    ++n.skipped;
    cases << "    <testcase classname=\"tconv.explore.corpus\" name=\"" << xml_escape(entry)
          << "\" time=\"0\"><skipped message=\"damaged entry: " << xml_escape(why)
          << "\"/></testcase>\n";
  }
  for (const auto& e : r.corpus) {
    ++n.tests;
    cases << "    <testcase classname=\"tconv.explore.corpus\" name=\"" << xml_escape(e.name)
          << "\" time=\"" << e.seconds << "\">";
    if (!e.failure.empty()) {
      ++n.failures;
      cases << "<failure message=\"" << xml_escape(e.failure) << "\"/>";
    } else if (e.unsupported) {
      ++n.skipped;
      cases << "<skipped message=\"unsupported\"/>";
    }
    cases << "</testcase>\n";
  }
}

void junit_campaign(const campaign_result& r, std::ostream& cases, junit_counts& n) {
  ++n.tests;
  std::string title =
      "campaign seed=" + std::to_string(r.seed) + " cases=" + std::to_string(r.cases);
  if (r.shard.count > 1)
    title += " shard=" + std::to_string(r.shard.index) + "/" + std::to_string(r.shard.count);
  cases << "    <testcase classname=\"tconv.explore\" name=\"" << xml_escape(title) << "\" time=\""
        << r.seconds << "\">";
  bool failed = false;
  for (const auto& cx : r.counterexamples)
    if (cx.case_index >= 0) {
      failed = true;
      const std::string text = std::string(name(cx.kind)) + " (" + cx.label() + ") in " +
                               cx.origin + "\nproblem: " + to_string(cx.c.p) + "\n" + cx.message +
                               "\nsignature: " + cx.signature + " (" + std::to_string(cx.hits) +
                               " cases)\nreplay: " + cx.replay + "\n";
      cases << "\n      <failure type=\"" << name(cx.kind) << "\" message=\""
            << xml_escape(cx.message) << "\">" << xml_escape(text) << "</failure>\n    ";
    }
  if (failed) ++n.failures;
  cases << "</testcase>\n";
}

void junit_coverage(const campaign_result& r, std::ostream& cases, junit_counts& n) {
  for (const region reg : coverage_regions) {
    ++n.tests;
    const region_count rc = count_of(r, reg);
    cases << "    <testcase classname=\"tconv.explore.coverage\" name=\"" << name(reg)
          << "\" time=\"0\">";
    if (rc.tested == 0) {
      ++n.skipped;
      cases << "<skipped message=\"no case tested (" << rc.unsupported << " unsupported)\"/>";
    }
    cases << "<system-out>tested " << rc.tested << ", unsupported " << rc.unsupported
          << "</system-out></testcase>\n";
  }
}

}  // namespace

void print_counterexample(const campaign_result& r, const counterexample& cx, std::ostream& out) {
  out << "\nFOUND " << name(cx.kind) << " in " << cx.origin;
  if (cx.case_index >= 0)
    out << " (seed " << r.seed << "), shrunk in " << cx.shrink.steps << " steps ("
        << cx.shrink.attempts << " attempts, " << seconds(std::round(cx.shrink.seconds * 100) / 100)
        << ")";
  out << ":\n  kind:     " << cx.label() << "\n";
  if (!cx.original_problem.empty()) out << "  found:    " << cx.original_problem << "\n";
  out << "  problem:  " << to_string(cx.c.p) << "\n";
  const auto extents = tested_operation::output_extents(cx.c.p);
  out << "  output:   [";
  for (std::int64_t a = 0; a < cx.c.p.rank; ++a)
    out << (a ? "," : "") << extents[static_cast<std::size_t>(a)];
  out << "]\n";
  if (cx.c.x.size() + cx.c.w.size() + cx.c.b.size() <= 64) {
    out << "  x = " << show_values(cx.c.x) << "\n  w = " << show_values(cx.c.w) << "\n";
    if (cx.c.p.has_bias) out << "  b = " << show_values(cx.c.b) << "\n";
  }
  out << "  what:     " << cx.message << "\n";
  out << "  replay:   " << cx.replay << "\n";
  out << "  saved:    " << cx.saved.string() << "\n";
  if (!cx.signature.empty())
    out << "  signature: " << cx.signature << " (failing cases: " << cx.hits << ")\n";
  if (!cx.known.empty()) out << "  known:    " << cx.known << "\n";
}

void print_report(const campaign_result& r, std::ostream& out) {
  for (const auto& cx : r.counterexamples) print_counterexample(r, cx, out);
  print_ambiguities(r, out);
  print_coverage(r, out);
  const std::size_t found = r.counterexamples.size();
  char line[160];
  std::snprintf(line, sizeof line, "%llu cases in %.2f s (%.0f cases/s), %llu unsupported, ",
                static_cast<unsigned long long>(r.executed), r.seconds, r.cases_per_second(),
                static_cast<unsigned long long>(r.unsupported));
  out << "\n" << line << found << (found == 1 ? " finding" : " findings");
  if (!r.ambiguities.empty())
    out << ", " << r.ambiguities.size() << " spec "
        << (r.ambiguities.size() == 1 ? "ambiguity" : "ambiguities");
  out << "\n";
  if (!r.domain.empty()) {
    std::snprintf(line, sizeof line, "%llu of %llu cases inside it (%.1f%%)",
                  static_cast<unsigned long long>(r.domain_inside),
                  static_cast<unsigned long long>(r.domain_cases), 100.0 * r.domain_share());
    out << "declared domain: " << r.domain << "; " << line << "\n";
  }
  if (!r.known_hits.empty()) {
    out << "known findings hit:";
    for (const auto& [id, n] : r.known_hits) out << " " << id << " x" << n;
    out << "\n";
  }
  if (r.findings_limit)
    out << "note: stopped after " << r.max_findings << " distinct findings (--max-findings "
        << r.max_findings << ")\n";
  if (r.exhausted)
    out << "note: only " << r.executed << " problems in '" << r.problems << "' within "
        << r.max_draws << " draws\n";
  if (r.executed > 0 && r.unsupported == r.executed)
    out << "warning: the implementation declined every case: nothing was verified\n";
  out << (r.exit_status() == 0 ? "result: no counterexample\n" : "result: COUNTEREXAMPLE FOUND\n");
}

json to_json(const campaign_result& r) {
  json j;
  j["tool"] = "tconv explore";
  j["implementation"] = r.implementation;
  j["seed"] = r.seed;
  j["cases"] = r.cases;
  j["shard"] = {{"index", r.shard.index}, {"count", r.shard.count}};
  j["max_rank"] = r.max_rank;
  if (!r.problems.empty()) j["problems"] = r.problems;
  j["draws_exhausted"] = r.exhausted;
  j["precision"] = check::name(r.prec);
  if (r.flush_subnormals) j["flush_subnormals"] = true;
  j["executed"] = r.executed;
  j["unsupported"] = r.unsupported;
  j["seconds"] = r.seconds;
  j["cases_per_second"] = r.cases_per_second();
  j["coverage"] = coverage_json(r);
  j["verdict"] = r.exit_status() == 0 ? "pass" : "fail";
  j["findings"] = json::array();
  for (const auto& cx : r.counterexamples) j["findings"].push_back(counterexample_json(cx));
  j["spec_ambiguities"] = json::array();
  for (const ambiguity& a : r.ambiguities) j["spec_ambiguities"].push_back(ambiguity_json(a));
  if (!r.corpus_skipped.empty()) {
    json skipped = json::array();
    for (const auto& [entry, why] : r.corpus_skipped)
      skipped.push_back({{"entry", entry}, {"reason", why}});
    j["corpus_skipped"] = skipped;
  }
  j["known_hits"] = r.known_hits;
  if (!r.domain.empty())
    j["declared_domain"] = {{"domain", json::parse(r.domain)},
                            {"cases", r.domain_cases},
                            {"inside", r.domain_inside},
                            {"share", r.domain_share()}};
  j["max_findings"] = r.max_findings;
  j["findings_limit_reached"] = r.findings_limit;
  if (r.json_cases) {
    json list = json::array();
    for (const auto& [i, fp] : r.case_list) list.push_back({i, fp});
    j["case_list"] = list;
  }
  return j;
}

std::string to_junit(const campaign_result& r) {
  std::ostringstream cases;
  junit_counts n;
  junit_corpus(r, cases, n);
  junit_campaign(r, cases, n);
  junit_coverage(r, cases, n);
  junit_ambiguities(r, cases, n);
  std::ostringstream out;
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      << "<testsuites name=\"tconv explore\" tests=\"" << n.tests << "\" failures=\"" << n.failures
      << "\" skipped=\"" << n.skipped << "\" time=\"" << r.total_seconds << "\">\n"
      << "  <testsuite name=\"tconv explore " << xml_escape(r.implementation) << "\" tests=\""
      << n.tests << "\" failures=\"" << n.failures << "\" errors=\"0\" skipped=\"" << n.skipped
      << "\" time=\"" << r.total_seconds << "\">\n"
      << cases.str() << "  </testsuite>\n</testsuites>\n";
  return out.str();
}

void write_reports(const options& o, const campaign_result& r, std::ostream& err) {
  std::string failed;
  auto attempt = [&](const std::string& file, const char* flag, auto text) {
    if (file.empty()) return;
    try {
      write_report(file, flag, text());
    } catch (const usage_error& e) {
      err << "tconv explore: " << e.what() << "\n";
      if (failed.empty()) failed = e.what();
    }
  };
  if (o.json.empty() && o.junit.empty() && r.save_error.empty()) return;
  attempt(o.json, "--json", [&] { return dump_json(to_json(r), 2) + "\n"; });
  attempt(o.junit, "--junit", [&] { return to_junit(r); });
  if (failed.empty()) failed = r.save_error;
  if (!failed.empty()) throw usage_error(failed);
}

}  // namespace tconv::harness
