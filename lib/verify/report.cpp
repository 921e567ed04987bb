// The matrix as text and as a self-contained HTML page, both rendered from the result JSON.
#include <algorithm>
#include <cstdio>
#include <map>
#include <string>

#include "verify/verify.hpp"

namespace tconv::verify {

using nlohmann::json;

namespace {

std::string str(const json& j, const char* key) {
  return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : std::string();
}
std::uint64_t u64(const json& j, const char* key) {
  return j.contains(key) && j[key].is_number() ? j[key].get<std::uint64_t>() : 0;
}

const json* find_cell(const json& r, const std::string& impl, const std::string& region) {
  for (const auto& c : r["cells"])
    if (c["implementation"] == impl && c["region"] == region) return &c;
  return nullptr;
}

std::string finding_ids(const json& cell) {
  std::string ids;
  for (const auto& f : cell.value("findings", json::array())) {
    const std::string k = str(f, "known");
    const std::string id = k.empty() ? "NEW" : k;
    if (ids.find(id) == std::string::npos) ids += (ids.empty() ? "" : ",") + id;
  }
  return ids;
}

// "pass 200", "pass 57/200", "FAIL F1,F5", "FAIL NEW", "unsupported", "n/a"
std::string cell_text(const json* c) {
  if (c == nullptr) return "-";
  const std::string s = str(*c, "status");
  if (s == "pass") {
    const auto t = u64(*c, "tested"), e = u64(*c, "executed");
    return "pass " + std::to_string(t) + (t == e ? "" : "/" + std::to_string(e));
  }
  if (s == "fail") return "FAIL " + finding_ids(*c);
  if (s == "unsupported") return "unsupported";
  return "n/a";
}

std::string pad(std::string s, std::size_t w) {
  if (s.size() < w) s.append(w - s.size(), ' ');
  return s;
}

std::string num(double v, const char* f = "%.1f") {
  char b[40];
  std::snprintf(b, sizeof b, f, v);
  return b;
}

std::string esc(const std::string& s) {
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
      default:
        r += c;
    }
  }
  return r;
}

std::vector<std::string> impl_names(const json& r) {
  std::vector<std::string> v;
  for (const auto& i : r["implementations"]) v.push_back(str(i, "name"));
  return v;
}

std::string known_title(const json& r, const std::string& id) {
  if (!r.contains("baseline") || !r["baseline"].contains("titles")) return "";
  return r["baseline"]["titles"].value(id, "");
}

}  // namespace

std::string render_text(const json& r) {
  std::string t;
  t += "tconv verify: seed " + std::to_string(u64(r, "seed")) + "; " +
       std::to_string(u64(r["cases_per_cell"], "plugin")) + " cases per cell for plugins, " +
       std::to_string(u64(r["cases_per_cell"], "command")) +
       " for commands; shrinking <= " + num(r.value("shrink_time_s", 0.0), "%g") +
       " s per finding\n\n";
  const auto names = impl_names(r);
  std::vector<std::size_t> widths;
  for (const auto& n : names) {
    std::size_t w = n.size();
    for (const auto& reg : r["regions"])
      w = std::max(w, cell_text(find_cell(r, n, reg.get<std::string>())).size());
    widths.push_back(w + 2);
  }
  t += pad("", 20);
  for (std::size_t i = 0; i < names.size(); ++i) t += pad(names[i], widths[i]);
  t += "\n";
  for (const auto& reg : r["regions"]) {
    t += pad(reg.get<std::string>(), 20);
    for (std::size_t i = 0; i < names.size(); ++i)
      t += pad(cell_text(find_cell(r, names[i], reg)), widths[i]);
    while (!t.empty() && t.back() == ' ') t.pop_back();
    t += "\n";
  }
  t += "\n  pass T/D     T of the D cases drawn were supported, all within the fp32 bound (the "
       "rest declined)\n"
       "  FAIL ids     a minimal counterexample below; F<n>: a known finding (docs/findings.md), "
       "NEW: not in the baseline\n"
       "  unsupported  every case declined (tconv_supports / `unsupported`);  n/a: implementation "
       "not available\n"
       "  rows rank1-3: every feature mixed; other rows: that feature alone, at each rank the "
       "implementation supports\n\n";

  t += "implementations:\n";
  for (const auto& i : r["implementations"]) {
    t += "  " + pad(str(i, "name"), 16);
    if (!i.value("available", false)) {
      t += "not available: " + str(i, "reason") + "\n";
      continue;
    }
    t += pad(str(i, "kind"), 8) + std::to_string(u64(i, "cases")) + " cases, " +
         num(i.value("seconds", 0.0)) + " s   " + str(i, "target") + "\n";
  }

  std::size_t known = 0, fresh = 0;
  std::string list;
  for (const auto& c : r["cells"])
    for (const auto& f : c.value("findings", json::array())) {
      const std::string k = str(f, "known");
      (k.empty() ? fresh : known) += 1;
      list += "  " + pad(str(f, "id"), 5) + str(c, "implementation") + " x " + str(c, "region") +
              ": " + str(f, "kind");
      list += k.empty() ? "  NEW (not in the baseline)" : "  known " + k;
      if (const std::string title = known_title(r, k); !title.empty()) list += " (" + title + ")";
      list += "\n        problem: " +
              (f.contains("problem_text") ? str(f, "problem_text") : f["problem"].dump());
      if (k.empty()) list += "\n        what:    " + str(f, "message");
      list += "\n        replay:  " + str(f, "replay") + "\n";
    }
  t += "\nfindings: " + std::to_string(known) + " known, " + std::to_string(fresh) +
       " new (each shrunk to a minimal counterexample; data and wrong elements in the HTML "
       "report)\n" +
       list;

  if (r.contains("baseline")) {
    const auto& b = r["baseline"];
    t += "\nbaseline: " +
         (str(b, "file").empty() ? std::string("none (every finding is new)") : str(b, "file"));
    if (!str(b, "file").empty() && !b.value("campaign_matches", false))
      t += "\n  (seed or budget differ from the baseline's campaign: known findings are not "
           "required to reproduce)";
    for (const auto& m : b["missing"])
      t += "\n  NOT REPRODUCED: " + str(m, "finding") + " in " + str(m, "implementation") + " x " +
           str(m, "region") + " (fixed upstream, or the campaign changed: re-check the baseline)";
    t += "\n";
  }
  const int status = r.value("exit_status", 0);
  t += "\nresult: " +
       std::string(status == 0 ? "OK: every finding is a known one (exit 0)"
                               : "ATTENTION: new findings or known ones not reproduced (exit 1)") +
       ", " + num(r.value("seconds", 0.0)) + " s\n";
  return t;
}

namespace {

const char* css =
    R"(body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:2em;color:#222;max-width:1200px}
h1{font-size:1.5em}h2{font-size:1.2em;margin-top:2em;border-bottom:1px solid #ccc}h3{font-size:1.05em}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #bbb;padding:.25em .6em;text-align:left}
th{background:#eee}.pass{background:#d7f5d7}.fail{background:#f8c9c9;font-weight:bold}.known{background:#fde3c0;font-weight:bold}
.unsupported{background:#e6e6e6;color:#555}.not_available{background:#fafafa;color:#999}
.ok{background:#d7f5d7;padding:.5em}.bad{background:#f8c9c9;padding:.5em}
code,pre{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.9em}pre{background:#f5f5f5;padding:.5em;white-space:pre-wrap}
table.t td{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.85em;text-align:right}
td.wrong{background:#e53935;color:#fff;font-weight:bold}td.wrong small{color:#fff}small{color:#666}
.legend span{display:inline-block;padding:0 .5em;margin-right:.5em})";

std::string cell_class(const json* c) {
  if (c == nullptr) return "not_available";
  const std::string s = str(*c, "status");
  if (s == "fail") return finding_ids(*c).find("NEW") == std::string::npos ? "known" : "fail";
  return s;
}

// The output tensor, one table per (batch, channel) and depth slice; wrong elements highlighted.
std::string tensor_html(const json& f) {
  const auto shape = f["output_shape"].get<std::vector<std::int64_t>>();
  const auto& got = f["got"];
  const auto& exact = f["exact"];
  std::map<std::int64_t, const json*> wrong;
  for (const auto& w : f["wrong"]) wrong[w["flat"].get<std::int64_t>()] = &w;
  const std::int64_t rank = static_cast<std::int64_t>(shape.size()) - 2;
  const std::int64_t d = rank == 3 ? shape[2] : 1, h = rank >= 2 ? shape[shape.size() - 2] : 1,
                     w = shape.back();
  std::string s;
  for (std::int64_t n = 0; n < shape[0]; ++n)
    for (std::int64_t c = 0; c < shape[1]; ++c)
      for (std::int64_t z = 0; z < d; ++z) {
        s += "<p><small>y[" + std::to_string(n) + ", " + std::to_string(c) +
             (rank == 3 ? ", " + std::to_string(z) : "") + (rank >= 2 ? ", :, :" : ", :") +
             "]</small></p><table class=t>";
        for (std::int64_t y = 0; y < h; ++y) {
          s += "<tr>";
          for (std::int64_t x = 0; x < w; ++x) {
            const std::int64_t flat = ((n * shape[1] + c) * d + z) * h * w + y * w + x;
            const auto u = static_cast<std::size_t>(flat);
            const std::string g = u < got.size() ? got[u].get<std::string>() : "?";
            const std::string e = u < exact.size() ? exact[u].get<std::string>() : "?";
            if (const auto it = wrong.find(flat); it != wrong.end()) {
              const json& v = *it->second;
              s += "<td class=wrong title=\"got " + esc(g) + ", exact " + esc(str(v, "exact")) +
                   ", |error| " + esc(str(v, "error")) + " &gt; bound " + esc(str(v, "bound")) +
                   "\">" + esc(g) + "<br><small>exact " + esc(e) + "</small></td>";
            } else {
              s += "<td title=\"exact " + esc(e) + "\">" + esc(g) + "</td>";
            }
          }
          s += "</tr>";
        }
        s += "</table>";
      }
  return s;
}

std::string values_html(const json& f, const char* key, const char* shape_key) {
  if (!f.contains(key)) return "";
  std::string s = "<p><b>" + std::string(key) + "</b>";
  if (f.contains(shape_key)) s += " <small>shape " + esc(f[shape_key].dump()) + "</small>";
  s += ": <code>";
  bool first = true;
  for (const auto& v : f[key]) {
    s += (first ? "" : ", ") + esc(v.get<std::string>());
    first = false;
  }
  return s + "</code></p>";
}

}  // namespace

std::string render_html(const json& r) {
  const auto names = impl_names(r);
  const int status = r.value("exit_status", 0);
  std::string h =
      "<!DOCTYPE html>\n<html lang=en><head><meta charset=utf-8><title>tconv verify "
      "report</title><style>";
  h += css;
  h += "</style></head><body>\n<h1>tconv verify</h1>\n";
  h +=
      "<p>Seed " + std::to_string(u64(r, "seed")) + "; " +
      std::to_string(u64(r["cases_per_cell"], "plugin")) + " cases per cell for plugins, " +
      std::to_string(u64(r["cases_per_cell"], "command")) +
      " for commands; every output judged against the exact result with the rigorous fp32 bound; " +
      num(r.value("seconds", 0.0)) + " s.</p>\n";
  h += std::string("<p class=") + (status == 0 ? "ok" : "bad") + ">" +
       (status == 0 ? "Every finding is a known one (exit status 0)."
                    : "New findings, or known ones that no longer reproduce (exit status 1).") +
       "</p>\n";

  h += "<h2>Verification matrix</h2>\n<table><tr><th>region</th>";
  for (const auto& n : names) h += "<th>" + esc(n) + "</th>";
  h += "</tr>\n";
  for (const auto& reg : r["regions"]) {
    h += "<tr><th>" + esc(reg.get<std::string>()) + "</th>";
    for (const auto& n : names) {
      const json* c = find_cell(r, n, reg.get<std::string>());
      std::string text = esc(cell_text(c));
      if (c != nullptr && !c->value("findings", json::array()).empty()) {
        std::string links;
        for (const auto& f : (*c)["findings"])
          links += " <a href=\"#" + esc(str(f, "id")) + "\">" + esc(str(f, "id")) + "</a>";
        text += "<br><small>" + links + "</small>";
      }
      h += "<td class=\"" + cell_class(c) + "\">" + text + "</td>";
    }
    h += "</tr>\n";
  }
  h += "</table>\n<p class=legend><span class=pass>pass T/D</span>T of D drawn cases supported, "
       "all within the bound "
       "<span class=known>FAIL F&lt;n&gt;</span>known finding <span class=fail>FAIL NEW</span>not "
       "in the baseline "
       "<span class=unsupported>unsupported</span>every case declined <span "
       "class=not_available>n/a</span>not "
       "available</p>\n<p><small>Rows rank1&ndash;rank3: problems of that rank, every feature "
       "mixed. Other rows: "
       "problems with that feature and none of the others, at each rank the implementation "
       "supports.</small></p>\n";

  h += "<h2>Implementations</h2>\n<table><tr><th>name</th><th>kind</th><th>target</th><th>cases</"
       "th><th>seconds</th></tr>\n";
  for (const auto& i : r["implementations"]) {
    if (!i.value("available", false)) {
      h += "<tr><td>" + esc(str(i, "name")) +
           "</td><td colspan=4 class=not_available>not available: " + esc(str(i, "reason")) +
           "</td></tr>\n";
      continue;
    }
    h += "<tr><td>" + esc(str(i, "name")) + "</td><td>" + esc(str(i, "kind")) + "</td><td><code>" +
         esc(str(i, "target")) + "</code></td><td>" + std::to_string(u64(i, "cases")) +
         "</td><td>" + num(i.value("seconds", 0.0)) + "</td></tr>\n";
  }
  h += "</table>\n";

  h += "<h2>Coverage per cell</h2>\n<p><small>Cases per region in each cell's campaign: tested "
       "(declined). A case "
       "lies in several regions.</small></p>\n";
  for (const auto& n : names) {
    bool any = false;
    std::string tbl = "<h3>" + esc(n) + "</h3><table><tr><th>cell</th><th>status</th>";
    for (const auto& reg : r["regions"]) tbl += "<th>" + esc(reg.get<std::string>()) + "</th>";
    tbl += "<th>known hits</th></tr>\n";
    for (const auto& reg : r["regions"]) {
      const json* c = find_cell(r, n, reg.get<std::string>());
      if (c == nullptr || str(*c, "status") == "not_available") continue;
      any = true;
      tbl += "<tr><th>" + esc(reg.get<std::string>()) + "</th><td class=\"" + cell_class(c) +
             "\">" + esc(cell_text(c)) + "</td>";
      for (const auto& col : r["regions"]) {
        const auto& cov = (*c)["coverage"];
        const std::string k = col.get<std::string>();
        if (!cov.contains(k)) {
          tbl += "<td></td>";
          continue;
        }
        tbl += "<td>" + std::to_string(u64(cov[k], "tested")) + " <small>(" +
               std::to_string(u64(cov[k], "unsupported")) + ")</small></td>";
      }
      std::string hits;
      for (const auto& [id, cnt] : (*c)["known_hits"].items())
        hits += id + " &times;" + cnt.dump() + " ";
      tbl += "<td>" + hits + "</td></tr>\n";
    }
    if (any) h += tbl + "</table>\n";
  }

  h += "<h2>Counterexamples</h2>\n";
  bool none = true;
  for (const auto& c : r["cells"])
    for (const auto& f : c.value("findings", json::array())) {
      none = false;
      const std::string k = str(f, "known");
      h += "<h3 id=\"" + esc(str(f, "id")) + "\">" + esc(str(f, "id")) + ": " +
           esc(str(c, "implementation")) + " &times; " + esc(str(c, "region")) + " &mdash; " +
           esc(str(f, "kind")) + " &mdash; " +
           (k.empty() ? std::string("<span class=fail>NEW</span>")
                      : "<span class=known>known " + esc(k) + "</span> " + esc(known_title(r, k))) +
           "</h3>\n";
      h += "<p><b>problem</b> <code>" +
           esc(f.contains("problem_text") ? str(f, "problem_text") : f["problem"].dump()) +
           "</code>";
      if (f.contains("output_shape"))
        h += " &rarr; output shape <code>" + esc(f["output_shape"].dump()) + "</code>";
      h += "</p>\n<p><b>what</b> " + esc(str(f, "message")) + "</p>\n";
      h += "<p><b>replay</b></p><pre>" + esc(str(f, "replay")) + "</pre>\n";
      h += values_html(f, "x", "x_shape") + values_html(f, "w", "w_shape") +
           values_html(f, "b", "b_shape");
      if (f.contains("rerun"))
        h += "<p><small>re-run for this report: " + esc(str(f, "rerun")) + "</small></p>\n";
      if (f.contains("wrong") && f.contains("got")) {
        h += "<p><b>output</b> (" + std::to_string(u64(f, "violations")) + " of " +
             std::to_string(u64(f, "elements")) +
             " elements outside the bound, highlighted; each cell shows got, and for a wrong one "
             "the exact value)</p>\n";
        h += tensor_html(f);
        h += "<table><tr><th>element</th><th>got</th><th>exact</th><th>|error|</th><th>bound</th></"
             "tr>\n";
        std::size_t shown = 0;
        for (const auto& w : f["wrong"]) {
          if (++shown > 50) break;
          std::string idx = "y[";
          bool first = true;
          for (const auto& v : w["index"]) {
            idx += (first ? "" : ",") + v.dump();
            first = false;
          }
          h += "<tr><td>" + idx + "]</td><td>" + esc(str(w, "got")) + "</td><td>" +
               esc(str(w, "exact")) + "</td><td>" + esc(str(w, "error")) + "</td><td>" +
               esc(str(w, "bound")) + "</td></tr>\n";
        }
        h += "</table>\n";
      }
    }
  if (none) h += "<p>None: every supported case of every cell was within the bound.</p>\n";

  if (r.contains("baseline")) {
    const auto& b = r["baseline"];
    h += "<h2>Baseline</h2>\n<p>" +
         (str(b, "file").empty() ? std::string("none: every finding counts as new")
                                 : "<code>" + esc(str(b, "file")) + "</code>") +
         "; " + std::to_string(b["known"].size()) + " known, " + std::to_string(b["new"].size()) +
         " new, " + std::to_string(b["missing"].size()) + " not reproduced.</p>\n";
    for (const auto& m : b["missing"])
      h += "<p class=bad>Not reproduced: " + esc(str(m, "finding")) + " in " +
           esc(str(m, "implementation")) + " &times; " + esc(str(m, "region")) + "</p>\n";
  }
  h += "</body></html>\n";
  return h;
}

}  // namespace tconv::verify
