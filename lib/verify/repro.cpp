#include "verify/repro.hpp"

#include <sys/stat.h>

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <utility>
#include <vector>

#include "harness/case_dir.hpp"
#include "harness/convention.hpp"
#include "harness/escape.hpp"
#include "harness/usage_error.hpp"
#include "tconv/check/geometry.hpp"
#include "tconv/check/reference.hpp"
#include "tconv/text.hpp"
#include "verify/impl_h_text.hpp"
#include "verify/repro_scripts.hpp"

namespace tconv::verify {

namespace fs = std::filesystem;

namespace {

using substitutions = std::vector<std::pair<std::string, std::string>>;

// Every @NAME@ of text replaced by its value (values are not searched again).
std::string substitute(std::string_view text, const substitutions& subs) {
  std::string out(text);
  for (const auto& [key, value] : subs)
    for (std::size_t at = out.find(key); at != std::string::npos;
         at = out.find(key, at + value.size()))
      out.replace(at, key.size(), value);
  return out;
}

std::string joined(const std::vector<std::int64_t>& v, const char* open, const char* close,
                   const char* sep = ", ") {
  std::string s = open;
  for (std::size_t i = 0; i < v.size(); ++i) s += (i ? sep : "") + std::to_string(v[i]);
  return s + (v.size() == 1 && std::string(open) == "(" ? "," : "") + close;
}

std::vector<std::int64_t> axes(const extents& e, std::int64_t rank) {
  return {e.begin(), e.begin() + rank};
}

// The problem as a C initializer of tconv_problem (impl.h), output extents filled in.
std::string c_problem(const problem& p) {
  const auto out = output_shape(p, op_kind::conv_transpose);
  auto c = [&](const extents& e) { return joined(axes(e, p.rank), "{", "}"); };
  return "{.rank = " + std::to_string(p.rank) + ", .batch = " + std::to_string(p.batch) +
         ", .in_channels = " + std::to_string(p.in_channels) +
         ", .out_channels = " + std::to_string(p.out_channels) +
         ", .groups = " + std::to_string(p.groups) + ",\n    .input = " + c(p.input) +
         ", .kernel = " + c(p.kernel) + ", .stride = " + c(p.stride) +
         ", .dilation = " + c(p.dilation) + ",\n    .pad_begin = " + c(p.pad_begin) +
         ", .pad_end = " + c(p.pad_end) + ", .output_padding = " + c(p.output_padding) +
         ",\n    .output = " + joined({out.begin() + 2, out.end()}, "{", "}") +
         ", .has_bias = " + (p.has_bias ? "1" : "0") + "}";
}

// The elements the re-run judged wrong (none when it did not reproduce or was not a wrong result).
const std::vector<wrong_element>& wrong_of(const finding& f) {
  static const std::vector<wrong_element> none;
  return f.again && f.again->checked ? f.again->wrong : none;
}

std::string number(double v) {
  char b[40];
  std::snprintf(b, sizeof b, "%.17g", v);
  return b;
}

// expected.txt: one line per wrong element, "FLAT INDEX EXACT BOUND".
std::string expected_txt(const finding& f) {
  std::string t =
      "# tconv reproduction " + f.id + ": the elements the checker judged wrong\n# output shape " +
      joined(output_shape(f.c.p, op_kind::conv_transpose), "[", "]") +
      "; expected.npy holds every element, the exact result correctly rounded to float32\n"
      "# FLAT (row-major position in y)  INDEX  EXACT (the exact value in decimal, 25 significant "
      "digits)  BOUND (the most |got - EXACT| may be)  GOT (on verify's re-run)\n";
  if (wrong_of(f).empty()) t += "# (no element listed: the finding is not a wrong value)\n";
  for (const auto& w : wrong_of(f)) {
    std::string exact = w.exact;
    if (const auto cut = exact.find("..."); cut != std::string::npos) exact.erase(cut, 3);
    t += std::to_string(w.flat) + " " + joined(w.index, "[", "]", ",") + " " + exact + " " +
         number(w.bound) + " " + number(w.got) + "\n";
  }
  return t;
}

// expected.npy: the exact result correctly rounded to float32, as `tconv run` computes it.
void write_expected(const fs::path& dir, const harness::explore_case& c) {
  const check::geometry g(c.p, op_kind::conv_transpose);
  std::vector<float> y(static_cast<std::size_t>(g.out_count()));
  (void)check::reference_float(g, c.x.data(), c.w.data(), c.p.has_bias ? c.b.data() : nullptr,
                               y.data(), 1);
  harness::write_npy_f32(dir / "expected.npy", output_shape(c.p, op_kind::conv_transpose), y);
}

void write_text(const fs::path& file, const std::string& text, bool executable = false) {
  std::ofstream o(file, std::ios::binary | std::ios::trunc);
  o << text;
  o.close();
  if (!o) throw usage_error(file.string() + ": cannot write it");
  if (executable) ::chmod(file.c_str(), 0755);
}

// The form the engine received (problem.json's "convention"), null when the case has none.
nlohmann::json form_of(const harness::explore_case& c) {
  return c.form ? harness::to_json(*c.form) : nlohmann::json(nullptr);
}

std::string label_of(const finding& f) {
  return f.label.empty() ? harness::label(f.kind) : f.label;
}

// What every script names: the finding, the cell and the problem.
substitutions common(const impl_entry& e, const finding& f, const std::string& region) {
  return {{"@ID@", f.id},
          {"@IMPL@", e.name},
          {"@REGION@", region},
          {"@LABEL@", label_of(f)},
          {"@PROBLEM_TEXT@", to_string(f.c.p)}};
}

// A script and the command line that runs it.
struct script {
  std::string file, run;
};

script c_script(const fs::path& dir, const impl_entry& e, substitutions s, const finding& f) {
  s.emplace_back("@PLUGIN@", fs::absolute(e.target).string());
  s.emplace_back("@PROBLEM@", c_problem(f.c.p));
  write_text(dir / "repro.c", substitute(scripts::c_plugin, s));
  write_text(dir / "impl.h", std::string(impl_h_text));
  return {"repro.c", "cd " + harness::shell_quote(fs::absolute(dir).string()) +
                         " && cc -O0 repro.c -ldl -o repro && ./repro   (or ./repro PLUGIN.so)"};
}

script python_script(const fs::path& dir, substitutions s, const finding& f) {
  const problem& p = f.c.p;
  auto tuple = [&](const extents& v) { return joined(axes(v, p.rank), "(", ")"); };
  s.insert(s.end(), {{"@COMPARE@", std::string(scripts::py_compare)},
                     {"@RANK@", std::to_string(p.rank)},
                     {"@HAS_BIAS@", p.has_bias ? "True" : "False"},
                     {"@PAD_BEGIN@", joined(axes(p.pad_begin, p.rank), "[", "]")},
                     {"@PAD_END@", joined(axes(p.pad_end, p.rank), "[", "]")},
                     {"@STRIDE@", tuple(p.stride)},
                     {"@OUTPUT_PADDING@", tuple(p.output_padding)},
                     {"@GROUPS@", std::to_string(p.groups)},
                     {"@DILATION@", tuple(p.dilation)}});
  write_text(dir / "repro.py", substitute(scripts::pytorch, s), true);
  return {"repro.py",
          "/usr/bin/python3 " + harness::shell_quote(fs::absolute(dir / "repro.py").string())};
}

// The adapter modules (every adapters/js/*.js) copied into engine/, so repro.js needs no tconv.
script javascript_script(const fs::path& dir, const impl_entry& e, substitutions s) {
  const fs::path adapter = e.adapter;
  if (e.adapter.empty() || !fs::is_regular_file(adapter))
    throw usage_error("the adapter module \"" + e.adapter + "\" of " + e.name + " is not a file");
  fs::create_directories(dir / "engine");
  for (const auto& entry : fs::directory_iterator(adapter.parent_path()))
    if (entry.is_regular_file() && entry.path().extension() == ".js")
      fs::copy_file(entry.path(), dir / "engine" / entry.path().filename(),
                    fs::copy_options::overwrite_existing);
  nlohmann::json args = e.adapter_args;
  s.insert(s.end(), {{"@ADAPTER@", adapter.filename().string()},
                     {"@ARGS_TEXT@", args.dump()},
                     {"@ARGS@", args.dump()}});
  write_text(dir / "repro.js", substitute(scripts::javascript, s));
  const fs::path modules = fs::absolute(adapter).parent_path().parent_path().parent_path();
  return {"repro.js", "cd " + harness::shell_quote(fs::absolute(dir).string()) + " && NODE_PATH=" +
                          harness::shell_quote((modules / "node_modules").string()) +
                          " node repro.js"};
}

script shell_script(const fs::path& dir, const impl_entry& e, substitutions s,
                    const fs::path& run_dir) {
  s.insert(s.end(), {{"@COMPARE@", std::string(scripts::py_compare)},
                     {"@RUN_DIR_Q@", harness::shell_quote(run_dir.string())},
                     {"@RUN_DIR@", run_dir.string()},
                     {"@COMMAND@", e.target}});
  write_text(dir / "repro.sh", substitute(scripts::shell, s), true);
  return {"repro.sh", "sh " + harness::shell_quote(fs::absolute(dir / "repro.sh").string())};
}

// What the script prints while the bug is there: the wrong elements of verify's re-run.
std::string symptom(const finding& f) {
  const auto& wrong = wrong_of(f);
  if (wrong.empty())
    return "  the engine's failure (" + std::string(label_of(f)) + ": " + f.message +
           "), then \"RESULT: the bug is present\"; exit status 1 (a crash or a hang " +
           "shows as the script itself crashing or hanging)\n";
  std::string t;
  for (std::size_t i = 0; i < wrong.size() && i < 10; ++i)
    t += "  y" + joined(wrong[i].index, "[", "]", ",") + ": got " + number(wrong[i].got) +
         " ... (exact " + wrong[i].exact + ") ... WRONG\n";
  if (wrong.size() > 10) t += "  ... (" + std::to_string(wrong.size() - 10) + " more)\n";
  return t + "  " + std::to_string(wrong.size()) + " of " + std::to_string(wrong.size()) +
         " listed elements wrong\n  RESULT: the bug is present   (exit status 1; 0 once fixed)\n";
}

std::string readme(const fs::path& dir, const impl_entry& e, const finding& f,
                   const std::string& region, const script& s) {
  const problem& p = f.c.p;
  const nlohmann::json form = form_of(f.c);
  std::string t = "tconv reproduction " + f.id + ": " + e.name + " x " + region + "\n\n";
  t += "finding:   " + std::string(name(f.kind)) + " (" + label_of(f) + "), " +
       (f.known.empty() ? "new" : "known " + f.known) + "\nmessage:   " + f.message +
       "\nsignature: " + f.signature + "\n\nthe minimal problem (tconv's canonical reading):\n  " +
       to_string(p) + "\n  output shape " +
       joined(output_shape(p, op_kind::conv_transpose), "[", "]") + "\n";
  if (!form.is_null())
    t += "as the engine receives it (problem.json's \"convention\"):\n  " +
         harness::dump_json(form, -1) + "\n";
  t += "\nfiles: problem.json (the case, tconv's directory protocol), x.npy " +
       joined(input_shape(p), "[", "]") + ", w.npy " +
       joined(weight_shape(p, op_kind::conv_transpose), "[", "]") + (p.has_bias ? ", b.npy" : "") +
       " (float32, C order),\n  expected.npy (the exact result correctly rounded to float32, as "
       "`tconv run` writes it),\n  expected.txt (the exact value in decimal and the bound of each "
       "element judged wrong),\n  " +
       s.file + " (calls the engine and prints got vs expected)\n";
  t += "\nrun:\n  " + s.run + "\n\nwhile the bug is present it prints\n" + symptom(f) +
       "once the engine is fixed every listed element prints \"ok\", then \"RESULT: every listed "
       "element agrees\", exit status 0.\n";
  if (s.file == "repro.js")
    t += "\nThe engine's npm package is found through NODE_PATH (<tconv>/node_modules, installed "
         "by tconv's scripts/install-deps.sh, or any node_modules holding it).\n";
  return t + "\ndirectory: " + fs::absolute(dir).string() + "\n";
}

}  // namespace

std::string repro_language(const impl_entry& e) {
  if (!e.language.empty()) return e.language;
  return e.kind == "plugin" ? "c" : "";
}

reproduction write_reproduction(const fs::path& out_dir, const impl_entry& e, const finding& f,
                                const std::string& region, const fs::path& run_dir) {
  const fs::path dir = out_dir / "repro" / e.name / f.id;
  fs::remove_all(dir);
  fs::create_directories(dir);
  harness::write_case_dir(dir, f.c);  // problem.json ("convention" with a form), x, w, b
  write_expected(dir, f.c);
  write_text(dir / "expected.txt", expected_txt(f));
  const std::string language = repro_language(e);
  const substitutions s = common(e, f, region);
  const script made = language == "c"            ? c_script(dir, e, s, f)
                      : language == "python"     ? python_script(dir, s, f)
                      : language == "javascript" ? javascript_script(dir, e, s)
                                                 : shell_script(dir, e, s, run_dir);
  write_text(dir / "README.txt", readme(dir, e, f, region, made));
  return {dir, made.file};
}

}  // namespace tconv::verify
