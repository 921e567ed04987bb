// tconv verify: the main job (lib/verify/): every available implementation x every region,
// fixed seed and budget, matrix on stdout, JSON and HTML reports, exit status from the baseline.
#include <iostream>
#include <memory>

#include "commands.hpp"
#include "verify/verify.hpp"

namespace tconv::cli {
namespace {

struct verify_flags {
  verify::options o;
  std::vector<std::string> impls, cmds;
};

// "NAME=TARGET" (NAME: letters, digits, _ . -), else the whole text is the target and the name is
// derived.
verify::impl_request parse_named(const std::string& text, bool command, std::size_t index) {
  verify::impl_request r;
  r.command = command;
  const auto eq = text.find('=');
  const std::string head = eq == std::string::npos ? "" : text.substr(0, eq);
  if (!head.empty() &&
      head.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") ==
          std::string::npos) {
    r.name = head;
    r.target = text.substr(eq + 1);
  } else {
    r.target = text;
    if (command) {
      r.name = "command" + std::to_string(index + 1);
    } else {
      std::string stem =
          text.substr(text.find_last_of('/') == std::string::npos ? 0 : text.find_last_of('/') + 1);
      if (const auto dot = stem.find('.'); dot != std::string::npos) stem = stem.substr(0, dot);
      r.name = stem.empty() ? "plugin" + std::to_string(index + 1) : stem;
    }
  }
  if (r.target.empty())
    // refused before the engine runs: printed as the other commands' flag errors ("error: ")
    throw usage_error(std::string(command ? "--cmd " : "--impl ") + text +
                          ": expected NAME=" + (command ? "COMMAND" : "PATH"),
                      usage_error::voice::tagged);
  return r;
}

command add_verify(CLI::App& root) {
  auto f = std::make_shared<verify_flags>();
  CLI::App* app = root.add_subcommand(
      "verify",
      "The main job: a fixed-seed campaign on every available implementation (the adapter plugins "
      "torch, onednn, xnnpack, opencv, the PyTorch Python adapter and the Node adapters "
      "onnxruntime_node, onnxruntime_web, tfjs_cpu, tfjs_wasm, or those given), one per "
      "region; "
      "prints the verification matrix and writes JSON and HTML reports. Exit 0: every finding is "
      "known "
      "to the baseline; 1: a new finding, or a known one no longer reproduces; 2: usage or input "
      "error.");
  app->add_option("--impl", f->impls,
                  "NAME=LIB.so: a plugin to verify (repeatable); replaces the discovered adapters");
  app->add_option("--cmd", f->cmds,
                  "NAME=COMMAND: a command speaking the directory protocol (repeatable); replaces "
                  "the discovered adapters");
  app->add_flag("--with-defaults", f->o.with_defaults,
                "with --impl/--cmd: verify the discovered adapters too");
  app->add_option("--only", f->o.only, "verify only these implementations (comma-separated names)")
      ->delimiter(',');
  app->add_option(
         "--regions", f->o.regions,
         "matrix rows (comma-separated; default all: rank1,rank2,rank3,gaps,dilation,groups,"
         "asymmetric_padding,output_padding,bias)")
      ->delimiter(',');
  app->add_option("--seed", f->o.seed, "campaign seed (default 1)")->check(CLI::NonNegativeNumber);
  app->add_option("--cases-per-cell", f->o.cases_per_cell,
                  "cases per cell for plugins (default 400)")
      ->check(CLI::PositiveNumber);
  app->add_option("--cmd-cases-per-cell", f->o.cmd_cases_per_cell,
                  "cases per cell for commands (default 80)")
      ->check(CLI::PositiveNumber);
  app->add_option("--timeout", f->o.timeout_s,
                  "seconds per case before a hang is declared (default 10)");
  app->add_option("--shrink-time", f->o.shrink_time_s,
                  "seconds spent shrinking one finding at most (default 10)");
  app->add_option("--out-dir", f->o.out_dir,
                  "where the reports and the counterexample cases go (default tconv-report)")
      ->check(non_empty);
  app->add_option("--json", f->o.json, "JSON report (default OUT_DIR/verify.json)")
      ->check(non_empty);
  app->add_option("--html", f->o.html, "HTML report (default OUT_DIR/verify.html)")
      ->check(non_empty);
  app->add_option("--baseline", f->o.baseline,
                  "known findings (default: the source tree's docs/known-findings.json); 'none': "
                  "every finding is new")
      ->check(non_empty);
  app->add_option("--adapter-dir", f->o.adapter_dir,
                  "directory searched first for libtconv_<name>.so")
      ->check(non_empty);
  app->add_option("--python", f->o.python,
                  "interpreter of the PyTorch Python adapter (default /usr/bin/python3)")
      ->check(non_empty);
  return {app, [f] {
            for (std::size_t i = 0; i < f->impls.size(); ++i)
              f->o.impls.push_back(parse_named(f->impls[i], false, i));
            for (std::size_t i = 0; i < f->cmds.size(); ++i)
              f->o.impls.push_back(parse_named(f->cmds[i], true, i));
            return verify::run_verify(f->o, std::cout, std::cerr);
          }};
}

TCONV_COMMAND(70, add_verify);

}  // namespace
}  // namespace tconv::cli
