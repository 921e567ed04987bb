// tconv: exact reference, rigorous error bounds and symbolic views of conv / conv_transpose layers.
#include <cstdio>
#include <exception>
#include <new>

#include "commands.hpp"

int main(int argc, char** argv) {
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
  for (auto& c : commands) {
    if (!c.app->parsed()) continue;
    const std::string who = "tconv " + c.app->get_name() + ": error: ";
    try {
      return c.body();
    } catch (const std::bad_alloc&) {
      std::fprintf(stderr, "%sout of memory\n", who.c_str());
    } catch (const std::exception& e) {
      std::fprintf(stderr, "%s%s\n", who.c_str(), e.what());
    }
    return 2;
  }
  return 2;
}
