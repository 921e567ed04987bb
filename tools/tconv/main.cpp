// tconv: exact reference, rigorous error bounds and symbolic views of conv / conv_transpose layers.
// The one place that turns an error into exit status 2.
#include <array>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <new>
#include <string_view>

#include "commands.hpp"
#include "tconv/problem.hpp"

namespace {

// OpenBLAS, linked into tconv statically, starts its worker threads in its own constructor from
// OPENBLAS_NUM_THREADS, and they spin in sched_yield while tconv works (about 13 ms of a 55 ms
// check on FCN here). tconv's checks run BLAS single-threaded in each of their own threads (more
// are started by openblas_set_num_threads where a path asks for them), so unless the user set the
// variable, OpenBLAS starts with one thread; the setting leaves the environment again before
// main, so that the programs tconv runs (adapters, plugins' libraries) never see it.
bool blas_threads_set_here = false;

__attribute__((constructor(101))) void start_openblas_with_one_thread() {
  if (std::getenv("OPENBLAS_NUM_THREADS") == nullptr && setenv("OPENBLAS_NUM_THREADS", "1", 0) == 0)
    blas_threads_set_here = true;
}

// How a command's errors read. The engines' commands (explore, verify) always printed their
// usage errors (explore: also invalid problems) as "tconv CMD: WHAT"; everything else, and a
// usage_error thrown with voice::tagged, reads "tconv CMD: error: WHAT".
struct error_voice {
  std::string_view command;
  bool plain_usage_errors, plain_invalid_problems;
};
constexpr std::array plain_voices{error_voice{"explore", true, true},
                                  error_voice{"verify", true, false}};

const error_voice* voice_of(std::string_view command) {
  for (const auto& v : plain_voices)
    if (v.command == command) return &v;
  return nullptr;
}

// Runs a parsed subcommand; prints an error as its table row says and returns 2.
int run(const tconv::cli::command& c) {
  const std::string cmd = c.app->get_name();
  const error_voice* v = voice_of(cmd);
  const std::string plain = "tconv " + cmd + ": ", tagged = plain + "error: ";
  try {
    return c.body();
  } catch (const tconv::usage_error& e) {
    const bool p =
        v != nullptr && v->plain_usage_errors && e.how == tconv::usage_error::voice::by_command;
    std::fprintf(stderr, "%s%s\n", (p ? plain : tagged).c_str(), e.what());
  } catch (const tconv::invalid_problem& e) {
    const bool p = v != nullptr && v->plain_invalid_problems;
    std::fprintf(stderr, "%s%s\n", (p ? plain : tagged).c_str(), e.what());
  } catch (const std::bad_alloc&) {
    std::fprintf(stderr, "%sout of memory\n", tagged.c_str());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s%s\n", tagged.c_str(), e.what());
  }
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (blas_threads_set_here) unsetenv("OPENBLAS_NUM_THREADS");
  CLI::App app{
      "tconv: verify a conv_transpose / conv implementation's output against the exact result.\n"
      "Exit status: 0 written / verified, 1 the output violates its bound, 2 usage or input "
      "error."};
  app.require_subcommand(1, 1);
  auto& reg = tconv::cli::registry();
  std::stable_sort(reg.begin(), reg.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<tconv::cli::command> commands;
  for (const auto& [order, factory] : reg) commands.push_back(factory(app));
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    (void)app.exit(e);
    return 2;
  }
  for (auto& c : commands)
    if (c.app->parsed()) return run(c);
  return 2;
}
