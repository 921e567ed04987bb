// The matrix as a self-contained HTML page (inline CSS, no external assets).
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "harness/convention.hpp"
#include "harness/escape.hpp"
#include "tconv/text.hpp"
#include "verify/report.hpp"
#include "verify/report_parts.hpp"

namespace tconv::verify {

using detail::cell_text;
using detail::num;
using detail::value_text;

namespace {

std::string esc(const std::string& s) { return tconv::escape_markup(s, false); }

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
.legend span{display:inline-block;padding:0 .5em;margin-right:.5em}
.precision{background:#dbe8fb;font-style:italic})";

std::string cell_class(const cell* c) {
  if (c == nullptr) return "not_available";
  if (c->status == cell_status::fail) {
    const std::string semantic = detail::finding_ids(*c);
    if (semantic.empty()) return "precision";
    return semantic.find("NEW") == std::string::npos ? "known" : "fail";
  }
  return name(c->status);
}

std::string html_head(const matrix& m) {
  std::string h =
      "<!DOCTYPE html>\n<html lang=en><head><meta charset=utf-8><title>tconv verify "
      "report</title><style>";
  h += css;
  h += "</style></head><body>\n<h1>tconv verify</h1>\n";
  h += "<p>Seed " + std::to_string(m.seed) + "; " + std::to_string(m.plugin_cases) +
       " cases per cell for plugins, " + std::to_string(m.command_cases) +
       " for commands; every output judged against the exact result with the rigorous fp32 "
       "bound; " +
       num(m.seconds) + " s.</p>\n";
  h += std::string("<p class=") + (m.exit_status == 0 ? "ok" : "bad") + ">" +
       (m.exit_status == 0
            ? "Every finding is a known one (exit status 0)."
            : "New findings, or known ones that no longer reproduce (exit status 1).") +
       "</p>\n";
  return h;
}

std::string html_matrix_cell(const cell* c) {
  std::string text = esc(cell_text(c));
  if (c != nullptr && !c->findings.empty()) {
    std::string links;
    for (const auto& f : c->findings)
      links += " <a href=\"#" + esc(f.id) + "\">" + esc(f.id) + "</a>";
    text += "<br><small>" + links + "</small>";
  }
  if (c != nullptr && !c->ambiguities.empty()) {
    std::string links;
    for (const auto& a : c->ambiguities)
      links += " <a href=\"#" + esc(a.id) + "\">" + esc(a.id) + "</a>";
    text += "<br><small>spec ambiguity" + links + "</small>";
  }
  return "<td class=\"" + cell_class(c) + "\">" + text + "</td>";
}

std::string html_matrix(const matrix& m) {
  std::string h = "<h2>Verification matrix</h2>\n<table><tr><th>region</th>";
  for (const auto& i : m.implementations) h += "<th>" + esc(i.name) + "</th>";
  h += "</tr>\n";
  for (const auto& row : detail::matrix_rows(m)) {
    h += "<tr><th>" + esc(detail::row_text(row)) + "</th>";
    for (const auto& i : m.implementations) h += html_matrix_cell(detail::row_cell(m, i.name, row));
    h += "</tr>\n";
  }
  return h +
         "</table>\n<p class=legend><span class=pass>pass T/D</span>T of D drawn cases "
         "supported, all within the bound "
         "<span class=known>FAIL F&lt;n&gt;</span>known finding <span class=fail>FAIL "
         "NEW</span>not in the baseline <span class=precision>precision F&lt;n&gt;</span>known "
         "precision effect (flushes subnormals) "
         "<span class=unsupported>unsupported</span>every case declined <span "
         "class=not_available>n/a</span>not "
         "available</p>\n<p><small>Rows rank1&ndash;rank3: problems of that rank, every feature "
         "mixed. Other rows: "
         "problems with that feature and none of the others, at each rank the implementation "
         "supports. Row conventions: the engine resolves auto_pad, output_shape or 'SAME' "
         "itself (the forms it declares); a spec ambiguity A&lt;n&gt; is listed apart and never "
         "fails.</small></p>\n";
}

std::string html_implementations(const matrix& m) {
  std::string h =
      "<h2>Implementations</h2>\n<table><tr><th>name</th><th>kind</th><th>target</th><th>cases</"
      "th><th>seconds</th></tr>\n";
  for (const auto& i : m.implementations) {
    if (!i.available) {
      h += "<tr><td>" + esc(i.name) +
           "</td><td colspan=4 class=not_available>not available: " + esc(i.reason) +
           "</td></tr>\n";
      continue;
    }
    h += "<tr><td>" + esc(i.name) + "</td><td>" + esc(i.kind) + "</td><td><code>" + esc(i.target) +
         "</code></td><td>" + std::to_string(i.cases) + "</td><td>" + num(i.seconds) +
         "</td></tr>\n";
  }
  return h + "</table>\n";
}

std::string html_coverage_row(const matrix& m, const cell& c) {
  std::string row = "<tr><th>" + esc(row_name(c)) + "</th><td class=\"" + cell_class(&c) + "\">" +
                    esc(cell_text(&c)) + "</td>";
  for (const region col : m.regions) {
    const auto it = c.coverage.find(col);
    if (it == c.coverage.end()) {
      row += "<td></td>";
      continue;
    }
    row += "<td>" + std::to_string(it->second.tested) + " <small>(" +
           std::to_string(it->second.unsupported) + ")</small></td>";
  }
  std::string hits;
  for (const auto& [id, n] : c.known_hits) hits += id + " &times;" + std::to_string(n) + " ";
  return row + "<td>" + hits + "</td></tr>\n";
}

std::string html_coverage(const matrix& m) {
  std::string h =
      "<h2>Coverage per cell</h2>\n<p><small>Cases per region in each cell's campaign: tested "
      "(declined). A case "
      "lies in several regions.</small></p>\n";
  for (const auto& i : m.implementations) {
    bool any = false;
    std::string tbl = "<h3>" + esc(i.name) + "</h3><table><tr><th>cell</th><th>status</th>";
    for (const region reg : m.regions) tbl += "<th>" + esc(std::string(name(reg))) + "</th>";
    tbl += "<th>known hits</th></tr>\n";
    for (const auto& reg : detail::matrix_rows(m)) {
      const cell* c = detail::row_cell(m, i.name, reg);
      if (c == nullptr || c->status == cell_status::not_available) continue;
      any = true;
      tbl += html_coverage_row(m, *c);
    }
    if (any) h += tbl + "</table>\n";
  }
  return h;
}

// One output element of the tensor view: got, and for a wrong one the exact value and the bound.
std::string html_element(const std::string& got, const std::string& exact, const wrong_element* w) {
  if (w == nullptr) return "<td title=\"exact " + esc(exact) + "\">" + esc(got) + "</td>";
  return "<td class=wrong title=\"got " + esc(got) + ", exact " + esc(w->exact) + ", |error| " +
         esc(value_text(w->error)) + " &gt; bound " + esc(value_text(w->bound)) + "\">" + esc(got) +
         "<br><small>exact " + esc(exact) + "</small></td>";
}

// The output tensor, one table per (batch, channel) and depth slice; wrong elements highlighted.
std::string tensor_html(const finding& f, const rerun& a) {
  const auto shape = output_shape(f.c.p, op_kind::conv_transpose);
  std::map<std::int64_t, const wrong_element*> wrong;
  for (const auto& w : a.wrong) wrong[w.flat] = &w;
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
            const auto it = wrong.find(flat);
            s += html_element(u < a.got.size() ? value_text(a.got[u]) : "?",
                              u < a.exact.size() ? value_text(a.exact[u]) : "?",
                              it == wrong.end() ? nullptr : it->second);
          }
          s += "</tr>";
        }
        s += "</table>";
      }
  return s;
}

std::string values_html(const char* key, const std::vector<float>& v,
                        const std::vector<std::int64_t>* shape) {
  std::string s = "<p><b>" + std::string(key) + "</b>";
  if (shape != nullptr) s += " <small>shape " + esc(detail::list_text(*shape)) + "</small>";
  s += ": <code>";
  for (std::size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + esc(value_text(v[i]));
  return s + "</code></p>";
}

std::string html_data(const finding& f) {
  if (!detail::data_shown(f.c)) return "";
  const auto xs = input_shape(f.c.p), ws = weight_shape(f.c.p, op_kind::conv_transpose);
  return values_html("x", f.c.x, &xs) + values_html("w", f.c.w, &ws) +
         (f.c.p.has_bias ? values_html("b", f.c.b, nullptr) : "");
}

std::string html_wrong_table(const rerun& a) {
  std::string h =
      "<table><tr><th>element</th><th>got</th><th>exact</th><th>|error|</th><th>bound</th></"
      "tr>\n";
  std::size_t shown = 0;
  for (const auto& w : a.wrong) {
    if (++shown > 50) break;
    std::string idx = "y[";
    for (std::size_t i = 0; i < w.index.size(); ++i)
      idx += (i ? "," : "") + std::to_string(w.index[i]);
    h += "<tr><td>" + idx + "]</td><td>" + esc(value_text(w.got)) + "</td><td>" + esc(w.exact) +
         "</td><td>" + esc(value_text(w.error)) + "</td><td>" + esc(value_text(w.bound)) +
         "</td></tr>\n";
  }
  return h + "</table>\n";
}

std::string html_rerun(const finding& f) {
  if (!f.again) return "";
  const rerun& a = *f.again;
  std::string h = "<p><small>re-run for this report: " + esc(a.verdict) + "</small></p>\n";
  if (!a.tensor_shown) return h;
  h += "<p><b>output</b> (" + std::to_string(a.violations) + " of " + std::to_string(a.elements) +
       " elements outside the bound, highlighted; each cell shows got, and for a wrong one "
       "the exact value)</p>\n";
  return h + tensor_html(f, a) + html_wrong_table(a);
}

// Links to the finding's reproduction, relative to the report (the directory moves with it).
std::string html_reproduction(const matrix& m, const finding& f) {
  if (!f.reproduction_error.empty())
    return "<p class=bad><b>reproduction</b> not written: " + esc(f.reproduction_error) + "</p>\n";
  if (f.reproduction.empty()) return "";
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path from = fs::absolute(fs::path(m.html_path), ec).parent_path();
  fs::path rel = fs::absolute(f.reproduction, ec).lexically_relative(from);
  if (rel.empty()) rel = fs::absolute(f.reproduction, ec);
  const std::string dir = rel.generic_string();
  return "<p><b>reproduction</b> (runs without tconv) <a href=\"" + esc(dir) +
         "/README.txt\">README.txt</a> &middot; <a href=\"" + esc(dir) + "/" +
         esc(f.reproduction_script) + "\">" + esc(f.reproduction_script) + "</a> <small>" +
         esc(f.reproduction) + "</small></p>\n";
}

std::string html_counterexample(const matrix& m, const cell& c, const finding& f) {
  const std::string& k = f.known;
  std::string h =
      "<h3 id=\"" + esc(f.id) + "\">" + esc(f.id) + ": " + esc(c.implementation) + " &times; " +
      esc(row_name(c)) + " &mdash; " + esc(name(f.kind)) +
      (f.label.empty() ? "" : " (" + esc(f.label) + ")") + " &mdash; " +
      (k.empty() ? std::string("<span class=fail>NEW</span>")
                 : "<span class=" + std::string(detail::is_precision(f) ? "precision>" : "known>") +
                       (detail::is_precision(f) ? esc(detail::precision_label(m, f)) + ", " : "") +
                       "known " + esc(k) + "</span> " + esc(detail::known_title(m, k))) +
      "</h3>\n";
  h += "<p><b>problem</b> <code>" + esc(to_string(f.c.p)) + "</code>";
  h += " &rarr; output shape <code>" +
       esc(detail::list_text(output_shape(f.c.p, op_kind::conv_transpose))) + "</code>";
  h += "</p>\n";
  if (f.c.form)
    h += "<p><b>convention</b> <code>" + esc(harness::to_json(*f.c.form).dump()) + "</code></p>\n";
  h += "<p><b>what</b> " + esc(f.message) + "</p>\n";
  h += "<p><b>class</b> <code>" + esc(f.signature) +
       "</code> (failing cases: " + std::to_string(f.hits) + ")</p>\n";
  h += "<p><b>replay</b></p><pre>" + esc(f.replay) + "</pre>\n" + html_reproduction(m, f);
  return h + html_data(f) + html_rerun(f);
}

std::string html_counterexamples(const matrix& m) {
  std::string h = "<h2>Counterexamples</h2>\n";
  bool none = true;
  for (const auto& c : m.cells)
    for (const auto& f : c.findings) {
      none = false;
      h += html_counterexample(m, c, f);
    }
  if (none) h += "<p>None: every supported case of every cell was within the bound.</p>\n";
  return h;
}

std::string html_ambiguities(const matrix& m) {
  std::string h;
  for (const auto& c : m.cells)
    for (const auto& [id, a] : c.ambiguities) {
      h += "<h3 id=\"" + esc(id) + "\">" + esc(id) + ": " + esc(c.implementation) + " &times; " +
           esc(row_name(c)) + " &mdash; " + esc(a.id) + "</h3>\n<p><b>the engine chose</b> " +
           esc(a.choice) + " (" + std::to_string(a.hits) + " cases)</p>\n<p><b>problem</b> <code>" +
           esc(to_string(a.c.p)) + "</code></p>\n";
      if (a.c.form)
        h += "<p><b>convention</b> <code>" + esc(harness::to_json(*a.c.form).dump()) +
             "</code></p>\n";
      h += "<ul>";
      for (const auto& rd : a.readings) h += "<li>" + esc(rd) + "</li>";
      h += "</ul>\n<p><small>see " + esc(a.references) + "</small></p>\n";
    }
  return h.empty() ? ""
                   : "<h2>Spec ambiguities</h2>\n<p>Not findings: the specification allows more "
                     "than one reading; the engine's choice is listed.</p>\n" +
                         h;
}

std::string html_baseline(const baseline_verdict& b) {
  std::string h = "<h2>Baseline</h2>\n<p>" +
                  (b.file.empty() ? std::string("none: every finding counts as new")
                                  : "<code>" + esc(b.file) + "</code>") +
                  "; " + std::to_string(b.known.size()) + " known, " +
                  std::to_string(b.fresh.size()) + " new, " + std::to_string(b.missing.size()) +
                  " not reproduced.</p>\n";
  for (const auto& x : b.missing)
    h += "<p class=bad>Not reproduced: " + esc(x.finding) + " in " + esc(x.implementation) +
         " &times; " + esc(x.region) + "</p>\n";
  return h;
}

}  // namespace

std::string render_html(const matrix& m) {
  return html_head(m) + html_matrix(m) + html_implementations(m) + html_coverage(m) +
         html_counterexamples(m) + html_ambiguities(m) + html_baseline(m.baseline) +
         "</body></html>\n";
}

}  // namespace tconv::verify
