// The matrix as the JSON report (--json): the only place verify writes JSON.
#include <nlohmann/json.hpp>
#include <string>

#include "harness/case_dir.hpp"
#include "tconv/text.hpp"
#include "verify/report.hpp"
#include "verify/report_parts.hpp"

namespace tconv::verify {

using nlohmann::json;

namespace {

json values_json(const std::vector<float>& v) {
  json a = json::array();
  for (const float e : v) a.push_back(detail::value_text(e));
  return a;
}

json wrong_json(const std::vector<wrong_element>& wrong) {
  json a = json::array();
  for (const auto& w : wrong)
    a.push_back({{"flat", w.flat},
                 {"index", w.index},
                 {"got", detail::value_text(w.got)},
                 {"exact", w.exact},
                 {"error", detail::value_text(w.error)},
                 {"bound", detail::value_text(w.bound)},
                 {"reason", w.reason}});
  return a;
}

void add_rerun(json& j, const rerun& a) {
  j["rerun"] = a.verdict;
  if (!a.checked) return;
  j["violations"] = a.violations;
  j["elements"] = a.elements;
  if (!a.tensor_shown) return;
  j["got"] = values_json(a.got);
  j["exact"] = values_json(a.exact);
  j["wrong"] = wrong_json(a.wrong);
}

// The campaign's finding (as `tconv explore --json` writes it, without its check report), the
// minimal counterexample's data, and the re-run.
json finding_json(const finding& f) {
  const auto& c = f.c;
  json j{{"kind", name(f.kind)},
         {"origin", f.origin},
         {"case_index", f.case_index},
         {"problem", harness::problem_to_json(c.p)},
         {"message", f.message},
         {"shrink_steps", f.shrink_steps},
         {"shrink_attempts", f.shrink_attempts},
         {"saved", f.saved},
         {"replay", f.replay},
         {"known", f.known},
         {"signature", f.signature},
         {"hits", f.hits},
         {"class", f.finding_class},
         {"rank_campaign", f.rank_campaign},
         {"label", f.label},
         {"convention", c.form ? harness::to_json(*c.form) : json()},
         {"id", f.id},
         {"problem_text", to_string(c.p)},
         {"output_shape", output_shape(c.p, op_kind::conv_transpose)}};
  if (detail::data_shown(c)) {
    j["x"] = values_json(c.x);
    j["w"] = values_json(c.w);
    if (c.p.has_bias) j["b"] = values_json(c.b);
    j["x_shape"] = input_shape(c.p);
    j["w_shape"] = weight_shape(c.p, op_kind::conv_transpose);
  }
  if (f.again) add_rerun(j, *f.again);
  j["reproduction"] = f.reproduction;  // "" when it could not be written (then the error says why)
  if (!f.reproduction.empty()) j["reproduction_script"] = f.reproduction_script;
  if (!f.reproduction_error.empty()) j["reproduction_error"] = f.reproduction_error;
  return j;
}

json cell_json(const cell& c) {
  json j{{"implementation", c.implementation}, {"region", row_name(c)}, {"status", name(c.status)}};
  if (c.conventions_row) j["row"] = conventions_row_name;
  if (c.status == cell_status::not_available) return j;
  j["definition"] = c.definition;
  if (!c.note.empty()) j["note"] = c.note;
  j["executed"] = c.executed;
  j["tested"] = c.tested;
  j["unsupported"] = c.unsupported;
  j["seconds"] = c.seconds;
  j["ranks"] = c.ranks;
  j["campaigns"] = json::array();
  for (const auto& r : c.campaigns)
    j["campaigns"].push_back({{"rank", r.rank},
                              {"seed", r.seed},
                              {"cases", r.cases},
                              {"executed", r.executed},
                              {"unsupported", r.unsupported},
                              {"seconds", r.seconds}});
  j["coverage"] = json::object();
  for (const auto& [reg, n] : c.coverage)
    j["coverage"][std::string(name(reg))] = {{"tested", n.tested}, {"unsupported", n.unsupported}};
  j["known_hits"] = c.known_hits;
  j["findings"] = json::array();
  for (const auto& f : c.findings) j["findings"].push_back(finding_json(f));
  j["ambiguities"] = json::array();
  for (const auto& a : c.ambiguities) j["ambiguities"].push_back(a.id);
  return j;
}

// A spec ambiguity of the matrix: where, the readings, the engine's choice, the references.
json ambiguity_json(const cell& c, const ambiguity_entry& e) {
  return {{"id", e.id},
          {"implementation", c.implementation},
          {"region", row_name(c)},
          {"ambiguity", e.a.id},
          {"choice", e.a.choice},
          {"readings", e.a.readings},
          {"references", e.a.references},
          {"problem", harness::problem_to_json(e.a.c.p)},
          {"problem_text", to_string(e.a.c.p)},
          {"convention", e.a.c.form ? harness::to_json(*e.a.c.form) : json()},
          {"hits", e.a.hits}};
}

json implementation_json(const implementation_row& i) {
  json j{{"name", i.name}, {"kind", i.kind}, {"target", i.target}, {"available", i.available}};
  if (!i.available) {
    j["reason"] = i.reason;
    return j;
  }
  j["replay_flag"] = i.replay_flag;
  j["cases"] = i.cases;
  j["seconds"] = i.seconds;
  return j;
}

json refs_json(const std::vector<finding_ref>& refs, bool with_id, bool with_finding) {
  json a = json::array();
  for (const auto& r : refs) {
    json e{{"implementation", r.implementation}, {"region", r.region}};
    if (with_id) {
      e["id"] = r.id;
      e["kind"] = r.kind;
    }
    if (with_finding) e["finding"] = r.finding;
    a.push_back(std::move(e));
  }
  return a;
}

json baseline_json(const baseline_verdict& b) {
  return {{"file", b.file},
          {"new", refs_json(b.fresh, true, false)},
          {"known", refs_json(b.known, true, true)},
          {"missing", refs_json(b.missing, false, true)},
          {"campaign_matches", b.campaign_matches},
          {"titles", b.titles}};
}

}  // namespace

std::string render_json(const matrix& m) {
  json j;
  j["tool"] = "tconv verify";
  j["seed"] = m.seed;
  j["cases_per_cell"] = {{"plugin", m.plugin_cases}, {"command", m.command_cases}};
  j["shrink_time_s"] = m.shrink_time_s;
  j["timeout_s"] = m.timeout_s;
  j["regions"] = json::array();
  for (const region r : m.regions) j["regions"].push_back(std::string(name(r)));
  j["implementations"] = json::array();
  for (const auto& i : m.implementations) j["implementations"].push_back(implementation_json(i));
  j["conventions_row"] = m.conventions_row;
  j["cells"] = json::array();
  for (const auto& c : m.cells) j["cells"].push_back(cell_json(c));
  j["spec_ambiguities"] = json::array();
  for (const auto& c : m.cells)
    for (const auto& e : c.ambiguities) j["spec_ambiguities"].push_back(ambiguity_json(c, e));
  j["baseline"] = baseline_json(m.baseline);
  j["seconds"] = m.seconds;
  j["reports"] = {{"json", m.json_path}, {"html", m.html_path}};
  j["exit_status"] = m.exit_status;
  return harness::dump_json(j, 2) + "\n";
}

}  // namespace tconv::verify
