// tconv check: judge an implementation's output against the exact result with a rigorous bound.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <optional>

#include "commands.hpp"
#include "layer_data.hpp"
#include "tconv/check/check.hpp"
#include "tconv/check/precision.hpp"
#include "tconv/check/report_json.hpp"
#include "tconv/io/atomic_file.hpp"

namespace tconv::cli {
namespace {

struct check_flags {
  std::string x, w, b, y, json, precision;
  layer_flags layer;
  double rtol = -1, atol = -1;
  int max_listed = 10, threads = 0;
  bool timing = false, exact = false, quiet = false;
  bool ftz = false;
};

// The checker's options from the flags, each checked (before any file is opened).
check::options options_of(const check_flags& f) {
  if (!std::isfinite(f.rtol) || (f.rtol < -0.0 && f.rtol != -1))
    throw usage_error("--rtol: must be a finite number >= 0");
  if (!std::isfinite(f.atol) || (f.atol < -0.0 && f.atol != -1))
    throw usage_error("--atol: must be a finite number >= 0");
  if (f.max_listed < 0) throw usage_error("--max-listed: must be >= 0");
  check::options opt;
  opt.rtol = f.rtol, opt.atol = f.atol, opt.max_listed = f.max_listed, opt.threads = f.threads;
  opt.exact_everywhere = f.exact;
  if (f.ftz && opt.tolerance())
    throw usage_error(
        "--ftz: a policy of the rigorous bound; it cannot be combined with --rtol or "
        "--atol");
  opt.flush_subnormals = f.ftz;
  return opt;
}

// --precision, when given (otherwise the inputs' own precision decides, once they are read).
std::optional<check::precision> precision_of(const check_flags& f) {
  if (f.precision.empty()) return std::nullopt;
  const auto pp = check::parse_precision(f.precision);
  if (!pp)
    throw usage_error("--precision: '" + f.precision + "' must be fp32, tf32, bf16, fp16 or fp64");
  return pp;
}

int check_body(const check_flags& f) {
  using clock = std::chrono::steady_clock;
  check::options opt = options_of(f);
  const auto asked = precision_of(f);
  const auto t0 = clock::now();
  const layer_data d = load_layer(f.x, f.w, f.b, f.layer);
  const auto y = load_npy(f.y, "--y", true);
  const auto t1 = clock::now();
  const check::precision prec =
      asked.value_or(d.doubles ? check::precision::fp64 : check::precision::fp32);
  if (y.dtype == check::npy_dtype::float16) opt.y_storage = check::binary16;
  const auto want = output_shape(d.p, d.op);
  check::report rep;
  try {
    if (y.shape != want) {
      rep = check::wrong_shape_report(want, y.shape, prec, opt);
    } else if (d.doubles) {
      const auto yd = y.as_double();
      rep = check::check_output(d.p, d.op, d.xd.data(), d.wd.data(),
                                d.has_bias ? d.bd.data() : nullptr, yd.data(), y.size(), prec, opt);
    } else if (y.is_float()) {
      rep = check::check_output(d.p, d.op, d.xf(), d.wf(), d.bf(), y.floats(), y.size(), prec, opt);
    } else {
      rep = check::check_output(d.p, d.op, d.xf(), d.wf(), d.bf(), y.d.data(), y.size(), prec, opt);
    }
  } catch (const check::check_error& e) {
    throw usage_error(std::string("--precision ") + check::name(prec) + ": " + e.what());
  }
  const auto t2 = clock::now();
  if (!f.json.empty()) {
    try {
      io::write_atomically(
          f.json,
          check::to_json(rep).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
    } catch (const io::write_error& e) {
      throw usage_error("--json " + std::string(e.what()));
    }
  }
  if (!f.quiet) std::fputs(check::to_text(rep).c_str(), stdout);
  if (f.timing) {
    auto s = [](auto a, auto b) { return std::chrono::duration<double>(b - a).count(); };
    std::fprintf(stderr, "timing: read %.6f s, check %.6f s\n", s(t0, t1), s(t1, t2));
  }
  return rep.ok ? 0 : 1;
}

command add_check(CLI::App& root) {
  auto flags = std::make_shared<check_flags>();
  CLI::App* app = root.add_subcommand("check",
                                      "Judge --y (an implementation's output) against the exact "
                                      "result: exit 0 verified, 1 violated");
  app->add_option("--x", flags->x, "input x (.npy)")->required();
  app->add_option("--w", flags->w, "weights w (.npy)")->required();
  app->add_option("--b", flags->b, "bias b (.npy, [C_out])");
  app->add_option("--y", flags->y, "the output to check (.npy)")->required();
  flags->layer.add_to(*app);
  app->add_option("--precision", flags->precision,
                  "fp32 (default; fp64 for float64 inputs), tf32, bf16, fp16 (inputs rounded, fp32 "
                  "accumulation), fp64");
  app->add_option("--json", flags->json, "also write the report as JSON to this file");
  app->add_option("--rtol", flags->rtol,
                  "tolerance mode (not rigorous): |got - exact| <= atol + rtol*|exact|");
  app->add_option("--atol", flags->atol, "tolerance mode (not rigorous): absolute part");
  app->add_option("--max-listed", flags->max_listed,
                  "violations / warnings listed in full (default 10)");
  app->add_option("--threads", flags->threads,
                  "threads (default: up to 2; at most the machine's cores)");
  app->add_flag("--exact", flags->exact, "decide every element with exact arithmetic (slow)");
  app->add_flag("--quiet", flags->quiet, "no text report (exit status and --json only)");
  app->add_flag("--timing", flags->timing, "print read / check times to stderr");
  app->add_flag("--ftz", flags->ftz,
                "precision policy: inputs, products, partial sums and results below the normal "
                "range may flush to zero (the bound grows by the exact flush term, README)");
  return {app, [flags] { return check_body(*flags); }};
}

TCONV_COMMAND(20, add_check);

}  // namespace
}  // namespace tconv::cli
