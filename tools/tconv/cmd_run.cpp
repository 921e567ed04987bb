// tconv run: the exact result, correctly rounded to float32 (float64 for float64 inputs).
#include <chrono>
#include <cstdio>
#include <thread>

#include "commands.hpp"
#include "layer_data.hpp"
#include "tconv/check/reference.hpp"

namespace tconv::cli {
namespace {

struct run_flags {
  std::string x, w, b, out;
  layer_flags layer;
  int threads = 0;
  bool timing = false;
};

int run_body(const run_flags& f) {
  using clock = std::chrono::steady_clock;
  const auto t0 = clock::now();
  const layer_data d = load_layer(f.x, f.w, f.b, f.layer);
  const auto t1 = clock::now();
  const check::geometry g(d.p, d.op);
  const int threads = check::thread_count(f.threads);
  const auto shape = output_shape(d.p, d.op);
  std::int64_t exact = g.out_count();
  // every element is written by the reference
  check::scratch_buffer<float> yf(d.doubles ? 0 : static_cast<std::size_t>(g.out_count()));
  check::scratch_buffer<double> yd(d.doubles ? static_cast<std::size_t>(g.out_count()) : 0);
  if (d.doubles)
    check::reference_double(g, d.xd.data(), d.wd.data(), d.has_bias ? d.bd.data() : nullptr,
                            yd.data(), threads);
  else
    exact = check::reference_float(g, d.xf(), d.wf(), d.bf(), yf.data(), threads);
  const auto t2 = clock::now();
  try {
    if (d.doubles)
      check::write_npy(f.out, shape, yd.data(), g.out_count());
    else
      check::write_npy(f.out, shape, yf.data(), g.out_count());
  } catch (const check::npy_error& e) {
    throw usage_error(std::string("--out ") + e.what());
  }
  const auto t3 = clock::now();
  std::printf(
      "wrote %s: %s %s, the exact result correctly rounded (%lld of %lld elements needed exact "
      "arithmetic)\n",
      f.out.c_str(), d.doubles ? "float64" : "float32", shape_text(shape).c_str(),
      static_cast<long long>(exact), static_cast<long long>(g.out_count()));
  if (f.timing) {
    auto s = [](auto a, auto b) { return std::chrono::duration<double>(b - a).count(); };
    std::fprintf(stderr, "timing: read %.6f s, compute %.6f s, write %.6f s\n", s(t0, t1),
                 s(t1, t2), s(t2, t3));
  }
  return 0;
}

command add_run(CLI::App& root) {
  auto flags = std::make_shared<run_flags>();
  CLI::App* app = root.add_subcommand(
      "run", "Write the exact result of the layer, correctly rounded, to --out");
  app->add_option("--x", flags->x, "input x (.npy, [N, C_in, D...])")->required();
  app->add_option("--w", flags->w, "weights w (.npy)")->required();
  app->add_option("--b", flags->b, "bias b (.npy, [C_out])");
  app->add_option("--out", flags->out, "output file (.npy)")->required();
  flags->layer.add_to(*app);
  app->add_option("--threads", flags->threads,
                  "threads (default: up to 2; at most the machine's cores)");
  app->add_flag("--timing", flags->timing, "print read / compute / write times to stderr");
  return {app, [flags] { return run_body(*flags); }};
}

TCONV_COMMAND(10, add_run);

}  // namespace
}  // namespace tconv::cli
