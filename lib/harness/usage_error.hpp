#pragma once
// The one usage error of the product: bad flags, files, plugins or corpus entries. Thrown by the
// CLI, the harness and verify; caught once, in tools/tconv/main.cpp, which prints it and exits 2.
#include <stdexcept>
#include <string>

namespace tconv {

/// Bad flags, files or plugins: `tconv` prints the message and exits with status 2. The message
/// names the flag or file and the rule it breaks.
struct usage_error : std::runtime_error {
  /// How main.cpp prefixes the message: `by_command` follows the command's row in main's table
  /// (explore and verify print engine errors as "tconv CMD: WHAT", the others as "tconv CMD:
  /// error: WHAT"); `tagged` always prints "tconv CMD: error: WHAT" (a flag refused by a cmd_*.cpp
  /// before its engine runs).
  enum class voice { by_command, tagged };

  explicit usage_error(const std::string& what, voice v = voice::by_command)
      : std::runtime_error(what), how(v) {}

  voice how;
};

}  // namespace tconv
