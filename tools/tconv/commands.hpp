#pragma once
// The `tconv` subcommands. Each lives in its own tools/tconv/cmd_<name>.cpp and registers itself
// with TCONV_COMMAND, so a new subcommand (explore, verify, ...) is one new file: main.cpp and the
// CMake glob pick it up.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <functional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "harness/usage_error.hpp"

namespace tconv::cli {

/// Runs a chosen subcommand; returns the exit status: 0 ok/verified, 1 bound violated, 2
/// usage/input error.
using command_body = std::function<int()>;

/// A subcommand: its CLI11 app and what it runs.
struct command {
  CLI::App* app = nullptr;
  command_body body;
};

/// Adds one subcommand to the root app.
using command_factory = command (*)(CLI::App& root);

/// The product's one usage error (lib/harness/usage_error.hpp); main.cpp turns it into status 2.
using tconv::usage_error;

/// Refuses an empty value ("--stride ''"): a flag given empty is a mistake, not "not given".
inline const CLI::Validator non_empty{
    [](std::string& v) {
      return v.empty() ? std::string("empty value (give a value or leave the flag out)")
                       : std::string();
    },
    "", "non-empty"};

/// Every registered subcommand, with its position in `tconv --help`.
inline std::vector<std::pair<int, command_factory>>& registry() {
  static std::vector<std::pair<int, command_factory>> r;
  return r;
}
struct command_registration {
  command_registration(int order, command_factory f) { registry().emplace_back(order, f); }
};

}  // namespace tconv::cli

/// Registers `factory` (a tconv::cli::command_factory) as a subcommand listed at position `order`.
#define TCONV_COMMAND(order, factory) \
  static const ::tconv::cli::command_registration tconv_registration_##factory { order, &factory }
