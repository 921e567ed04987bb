#pragma once
// An implementation under test, seen from the harness: one call per case, each outcome classified.
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "tconv/impl.h"
#include "tconv/problem.hpp"

namespace tconv::harness {

/// Bad flags, files or plugins: the command prints the message and exits with status 2.
struct usage_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// One case: a valid conv_transpose problem and its float32 data (b is empty without bias).
struct explore_case {
  problem p;
  std::vector<float> x, w, b;
};

/// What went wrong in a case (a finding), in the order reports list them.
enum class finding_kind {
  wrong_result,         // the checker's bound is violated (NaN sentinel left, wrong value)
  crash,                // killed by a signal or exited during the call
  timeout,              // did not answer within the per-case timeout
  out_of_bounds_write,  // a guard region around a buffer was overwritten
  input_modified,       // x, w or b changed although they are const
  nonzero_return,       // tconv_conv_transpose_f32 returned non-zero
  error,                // the command answered `error: ...`, or broke the protocol
};

/// Stable lower-case name ("wrong_result", "crash", ...), used in reports and corpus names.
[[nodiscard]] constexpr const char* name(finding_kind k) {
  switch (k) {
    case finding_kind::wrong_result:
      return "wrong_result";
    case finding_kind::crash:
      return "crash";
    case finding_kind::timeout:
      return "timeout";
    case finding_kind::out_of_bounds_write:
      return "out_of_bounds_write";
    case finding_kind::input_modified:
      return "input_modified";
    case finding_kind::nonzero_return:
      return "nonzero_return";
    case finding_kind::error:
      return "error";
  }
  return "?";
}

/// The outcome of one call: y when it answered, `unsupported`, or a finding with its message.
struct call_result {
  enum class status { ok, unsupported, failed } state = status::ok;
  finding_kind kind = finding_kind::error;  // when failed
  std::string message;                      // when failed
  std::vector<float> y;                     // when ok: N*C_out*prod(output) values
};

/// An implementation under test: a plugin in a sandboxed worker, or a command on a pipe.
class implementation {
 public:
  virtual ~implementation() = default;
  /// Runs one case; never throws for anything the implementation does (that is a finding).
  [[nodiscard]] virtual call_result call(const explore_case& c) = 0;
  /// Forgets any state left by earlier calls (a plugin's worker process is restarted on the next
  /// call). The harness calls it after every failed case: a wrong result can come from memory
  /// corruption, which must not leak into later, unrelated cases.
  virtual void reset() {}
  /// The flag that selects it again, for replay commands: `--impl PATH` or `--cmd "..."`.
  [[nodiscard]] virtual std::string replay_flag() const = 0;
};

/// A plugin (shared library exporting the ABI), run in a forked worker process that is restarted
/// after every crash or timeout. The worker is contained (sandbox_worker.cpp): own session,
/// resource limits, the harness's state read-only, no-access pages around the data, nothing it
/// starts outliving a call. Throws usage_error when the library cannot be loaded.
[[nodiscard]] std::unique_ptr<implementation> make_plugin(const std::string& path,
                                                          double timeout_s);

/// A command speaking the directory protocol on stdin/stdout (started once, restarted when it dies;
/// in its own process group, killed as a group). Throws usage_error when the command cannot start
/// (no such program, not executable), found before the first case or when the shell says so.
[[nodiscard]] std::unique_ptr<implementation> make_command(const std::string& command,
                                                           double timeout_s, double startup_s);

}  // namespace tconv::harness
