#include "verify/discover.hpp"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <utility>

#include "harness/campaign.hpp"
#include "harness/escape.hpp"
#include "harness/usage_error.hpp"

#ifndef TCONV_BUILD_ADAPTER_DIR
#define TCONV_BUILD_ADAPTER_DIR ""
#endif
#ifndef TCONV_SOURCE_DIR
#define TCONV_SOURCE_DIR ""
#endif

namespace tconv::verify {

namespace fs = std::filesystem;

namespace {

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

// libtconv_<name>.so in the first adapter directory that has it, or why none does.
impl_entry find_plugin(const char* nm, const char* package, const std::vector<fs::path>& dirs) {
  impl_entry e{nm, "plugin", "", true, false, "", "c"};
  const std::string file = std::string("libtconv_") + nm + ".so";
  for (const auto& d : dirs)
    if (std::error_code ec; fs::is_regular_file(d / file, ec)) {
      e.target = fs::weakly_canonical(d / file, ec).string();
      return e;
    }
  e.available = false;
  std::string looked;
  for (const auto& d : dirs) looked += (looked.empty() ? "" : ", ") + d.string();
  e.reason = file + " not found (looked in " + looked +
             "); it is built by the target tconv_adapters when " + package +
             " is installed (scripts/install-deps.sh)";
  return e;
}

fs::path python_script() {
  for (const fs::path& c : {fs::path(TCONV_SOURCE_DIR) / "adapters/pytorch_python/tconv_torch.py",
                            exe_dir().parent_path() / "share/tconv/tconv_torch.py"})
    if (std::error_code ec; !c.empty() && fs::is_regular_file(c, ec)) return c;
  return {};
}

// The PyTorch Python adapter: its script, an interpreter, and the modules it imports.
impl_entry find_python_adapter(const options& o) {
  impl_entry py{"pytorch_python", "command", "", true, false, "", "python"};
  const fs::path script = python_script();
  if (script.empty()) {
    py.available = false;
    py.reason = "adapters/pytorch_python/tconv_torch.py not found";
    return py;
  }
  if (::access(o.python.c_str(), X_OK) != 0) {
    py.available = false;
    py.reason = o.python + " is not an executable (Debian package python3)";
    return py;
  }
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
    return py;
  }
  py.target = harness::shell_quote(o.python) + " " + harness::shell_quote(script.string());
  return py;
}

// `name` in a directory of $PATH, as an absolute path; empty when none has it.
fs::path on_path(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::string rest = path != nullptr ? path : "";
  while (!rest.empty()) {
    const auto colon = rest.find(':');
    const fs::path dir = rest.substr(0, colon);
    rest = colon == std::string::npos ? "" : rest.substr(colon + 1);
    if (!dir.empty() && ::access((dir / name).c_str(), X_OK) == 0) return fs::absolute(dir / name);
  }
  return {};
}

// The directory of the JavaScript adapters: the source tree's, whose node_modules is the root's.
fs::path js_dir() {
  const fs::path d = fs::path(TCONV_SOURCE_DIR) / "adapters/js";
  std::error_code ec;
  return !std::string(TCONV_SOURCE_DIR).empty() && fs::is_directory(d, ec) ? d : fs::path();
}

struct js_adapter {
  const char* name;
  const char* script;
  const char* flags;
  const char* packages;  // the npm packages its script requires, space-separated
};

// One npm engine's entry: available when node runs, the script exists and every package it
// requires resolves (missing: " name name " of those that do not, " node failed " when node did).
impl_entry js_entry(const js_adapter& a, const fs::path& node, const fs::path& dir,
                    const std::string& missing) {
  impl_entry e{a.name, "command", "", false, false, ""};
  const fs::path script = dir / a.script;
  const std::string flags =
      a.flags;  // "--provider cpu": the module's arguments, for a reproduction
  e.language = "javascript";
  e.adapter = script.string();
  e.adapter_args = {flags.substr(0, flags.find(' ')), flags.substr(flags.find(' ') + 1)};
  std::error_code ec;
  if (node.empty()) {
    e.reason = "node not found on PATH (Debian package nodejs; scripts/install-deps.sh)";
  } else if (dir.empty() || !fs::is_regular_file(script, ec)) {
    e.reason = std::string("adapters/js/") + a.script + " not found";
  } else if (missing == " node failed ") {
    e.reason = node.string() + " -e failed (a working Node.js 18 or later is needed)";
  } else {
    std::string absent;
    std::string pkgs = std::string(a.packages) + " ";
    for (std::size_t at = 0, sp; (sp = pkgs.find(' ', at)) != std::string::npos; at = sp + 1)
      if (const auto m = pkgs.substr(at, sp - at); missing.find(" " + m + " ") != std::string::npos)
        absent += (absent.empty() ? "" : ", ") + m;
    if (absent.empty()) {
      e.available = true;
      e.target = harness::shell_quote(node.string()) + " " + harness::shell_quote(script.string()) +
                 " " + a.flags;
      return e;
    }
    e.reason = "npm package " + absent + " not installed under " +
               (dir.parent_path().parent_path() / "node_modules").string() +
               " (scripts/install-deps.sh runs npm ci; it needs the npm registry)";
  }
  return e;
}

// The npm engines' adapters: node on $PATH, the script, and its packages resolvable from
// adapters/js (one node process asks for all of them).
std::vector<impl_entry> find_js_adapters() {
  static const std::array<js_adapter, 4> js{
      {{"onnxruntime_node", "tconv_onnxruntime.js", "--provider cpu", "onnxruntime-node"},
       {"onnxruntime_web", "tconv_onnxruntime.js", "--provider wasm", "onnxruntime-web"},
       {"tfjs_cpu", "tconv_tfjs.js", "--backend cpu", "@tensorflow/tfjs"},
       {"tfjs_wasm", "tconv_tfjs.js", "--backend wasm",
        "@tensorflow/tfjs @tensorflow/tfjs-backend-wasm"}}};
  const fs::path node = on_path("node"), dir = js_dir();
  std::string missing;
  if (!node.empty() && !dir.empty()) {
    int st = 0;
    missing =
        " " +
        run_capture(harness::shell_quote(node.string()) +
                        " -e 'for (const m of process.argv.slice(2)) try { require.resolve(m, "
                        "{paths: [process.argv[1]]}) } catch (e) { console.log(m) }' " +
                        harness::shell_quote(dir.string()) +
                        " onnxruntime-node onnxruntime-web @tensorflow/tfjs "
                        "@tensorflow/tfjs-backend-wasm 2>&1",
                    st) +
        "\n";
    for (char& c : missing)
      if (c == '\n') c = ' ';
    if (st != 0) missing = " node failed ";
  }
  std::vector<impl_entry> v;
  for (const auto& a : js) v.push_back(js_entry(a, node, dir, missing));
  return v;
}

std::vector<impl_entry> discovered_adapters(const options& o) {
  static const std::array<std::pair<const char*, const char*>, 4> plugins{
      {{"torch", "libtorch-dev"},
       {"onednn", "libdnnl-dev"},
       {"xnnpack", "libxnnpack-dev, libpthreadpool-dev"},
       {"opencv", "libopencv-dnn-dev"}}};
  std::vector<impl_entry> v;
  const auto dirs = adapter_dirs(o);
  for (const auto& [nm, package] : plugins) v.push_back(find_plugin(nm, package, dirs));
  v.push_back(find_python_adapter(o));
  for (auto& e : find_js_adapters()) v.push_back(std::move(e));
  return v;
}

// A --impl / --cmd entry; its name becomes a directory under --out-dir, once.
impl_entry requested(const impl_request& r, const std::vector<impl_entry>& before) {
  impl_entry e{
      r.name, r.command ? "command" : "plugin", r.target, true, true, "", r.command ? "" : "c"};
  const std::string flag = r.command ? "--cmd " : "--impl ";
  if (r.name.empty() || r.name == "." || r.name == ".." ||
      r.name.find_first_not_of(
          "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") != std::string::npos)
    throw usage_error(flag + r.name + "=...: a name is letters, digits, '_', '.' or '-'");
  for (const auto& other : before)
    if (other.name == e.name)
      throw usage_error(flag + r.name + "=...: the name \"" + r.name + "\" is already used");
  if (!r.command) e.target = harness::plugin_path(r.target, "--impl " + r.name + "=" + r.target);
  return e;
}

void keep_only(std::vector<impl_entry>& v, const std::vector<std::string>& only) {
  if (only.empty()) return;
  for (const auto& n : only)
    if (std::none_of(v.begin(), v.end(), [&](const impl_entry& e) { return e.name == n; }))
      throw usage_error("--only " + n +
                        ": no implementation of that name (known: torch onednn xnnpack opencv "
                        "pytorch_python onnxruntime_node onnxruntime_web tfjs_cpu tfjs_wasm, and "
                        "those given with --impl / --cmd)");
  std::erase_if(v, [&](const impl_entry& e) {
    return std::find(only.begin(), only.end(), e.name) == only.end();
  });
}

}  // namespace

std::vector<impl_entry> discover(const options& o) {
  std::vector<impl_entry> v;
  if (o.impls.empty() || o.with_defaults) v = discovered_adapters(o);
  for (const auto& r : o.impls) v.push_back(requested(r, v));
  keep_only(v, o.only);
  return v;
}

}  // namespace tconv::verify
