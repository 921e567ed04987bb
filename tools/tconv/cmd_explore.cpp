// tconv explore: property campaigns against any implementation under test (a plugin or a
// command); the engine lives in lib/harness/.
#include <iostream>
#include <memory>

#include "commands.hpp"
#include "harness/campaign.hpp"

namespace tconv::cli {
namespace {

struct explore_flags {
  harness::options o;
  std::string precision = "fp32";
};

command add_explore(CLI::App& root) {
  auto f = std::make_shared<explore_flags>();
  CLI::App* app = root.add_subcommand("explore",
                                      "Run a property campaign against an implementation (--impl "
                                      "LIB.so or --cmd \"COMMAND ARGS\"): "
                                      "generated cases, each judged by the checker's bound; each "
                                      "distinct failure is shrunk, printed with a "
                                      "replay command and saved. Exit 0: no counterexample, 1: "
                                      "counterexample (or crash, hang, error), "
                                      "2: usage or input error.");
  auto* impl = app->add_option("--impl", f->o.impl,
                               "shared library exporting tconv_conv_transpose_f32 (tconv/impl.h)")
                   ->check(non_empty);
  auto* cmd =
      app->add_option(
             "--cmd", f->o.command,
             "command speaking the directory protocol on stdin/stdout (started once, via /bin/sh)")
          ->check(non_empty);
  impl->excludes(cmd);
  app->add_option("--cases", f->o.cases,
                  "cases in the whole campaign, over all shards (default 1000)")
      ->check(CLI::NonNegativeNumber);
  app->add_option("--seed", f->o.seed,
                  "campaign seed (default 1; case i's data depend only on seed and i)")
      ->check(CLI::NonNegativeNumber);
  app->add_option("--max-rank", f->o.max_rank, "largest spatial rank drawn: 1, 2 or 3 (default 3)");
  app->add_option("--precision", f->precision,
                  "arithmetic the implementation claims: fp32 (default), tf32, bf16, fp16")
      ->check(non_empty);
  app->add_option("--corpus", f->o.corpus,
                  "regression corpus: replayed first; each new finding is saved there (default for "
                  "findings: "
                  "./tconv-explore-findings)")
      ->check(non_empty);
  app->add_option("--replay", f->o.replay,
                  "replay one stored case (a case directory, or its name in --corpus)")
      ->check(non_empty);
  app->add_option("--json", f->o.json, "write the report as JSON")->check(non_empty);
  app->add_option("--junit", f->o.junit, "write the report as JUnit XML")->check(non_empty);
  app->add_option(
         "--shard", f->o.shard,
         "run shard I of N (I counts from 0): case i belongs to shard i mod N; default from "
         "TEST_SHARD_INDEX / TEST_TOTAL_SHARDS")
      ->check(non_empty);
  app->add_option("--timeout", f->o.timeout_s,
                  "seconds per case before a hang is declared (default 10)");
  app->add_option("--startup-timeout", f->o.startup_s,
                  "extra seconds for a --cmd's first case after each start (imports; default 60)");
  app->add_option("--shrink-time", f->o.shrink_time_s,
                  "seconds spent shrinking a finding at most (default 60)");
  app->add_flag("--json-cases", f->o.json_cases,
                "list every case run (index, fingerprint) in the --json report");
  app->add_option(
      "--max-findings", f->o.max_findings,
      "stop after this many distinct findings (default 5; at least 1): after a finding "
      "the campaign goes on, failures of a finding's signature are counted as its hits");
  app->add_option("--known", f->o.known,
                  "known findings: a baseline file (docs/known-findings.json format) or a corpus "
                  "directory; failures matching one are counted, not reported")
      ->check(non_empty);
  app->add_option("--max-channels", f->o.max_channels,
                  "channels per group drawn at most, 1-1024 (default 65: 1-3 and every SIMD block "
                  "boundary k*b-1, k*b, k*b+1 for b = 4, 8, 16, 32)");
  app->add_option("--max-extent", f->o.max_extent,
                  "input extent per spatial axis drawn at most, 1-4096 (default 33: 1-8 and the "
                  "block boundaries above, so output rows reach past 32)");
  app->add_flag("--ftz", f->o.flush_subnormals,
                "precision policy: inputs, products, partial sums and results below the normal "
                "range may flush to zero (the bound grows by the exact flush term, README)");
  return {app, [f] {
            const auto prec = check::parse_precision(f->precision);
            if (!prec || *prec == check::precision::fp64)
              throw usage_error(
                  "--precision: '" + f->precision + "' must be fp32, tf32, bf16 or fp16",
                  usage_error::voice::tagged);
            f->o.prec = *prec;
            return harness::run_explore(f->o, std::cout, std::cerr);
          }};
}

TCONV_COMMAND(60, add_explore);

}  // namespace
}  // namespace tconv::cli
