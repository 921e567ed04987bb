#pragma once
// An implementation under test, seen from the harness: one call per case, each outcome classified.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "harness/results.hpp"
#include "harness/usage_error.hpp"
#include "tconv/impl.h"
#include "tconv/problem.hpp"

namespace tconv::harness {

using tconv::usage_error;
struct declared_domain;  // harness/domain.hpp

/// An implementation under test: a plugin in a sandboxed worker, or a command on a pipe.
class implementation {
 public:
  virtual ~implementation() = default;
  /// Runs one case; never throws for anything the implementation does (that is a finding).
  [[nodiscard]] virtual outcome call(const explore_case& c) = 0;
  /// Forgets any state left by earlier calls (a plugin's worker process is restarted on the next
  /// call). The harness calls it after every failed case: a wrong result can come from memory
  /// corruption, which must not leak into later, unrelated cases.
  virtual void reset() {}
  /// Sets the time one call may take from the next call on (seconds): the shrinker gives each
  /// attempt at a hang a short limit and confirms the minimum with the full one.
  virtual void set_timeout(double timeout_s) { (void)timeout_s; }
  /// The flag that selects it again, for replay commands: `--impl PATH` or `--cmd "..."`.
  [[nodiscard]] virtual std::string replay_flag() const = 0;
  /// The domain it declared (a --cmd answering the domain probe, domain.hpp), or nullptr: it
  /// supports everything, or says so per case (a plugin's tconv_supports). Asked once per campaign.
  [[nodiscard]] virtual const declared_domain* domain() { return nullptr; }
  /// Runs c as call() does, with the guard bytes before and after x set to x_guard and those
  /// before and after w to w_guard (call() uses sandbox::guard_byte, 0x7B, for both); nullopt when
  /// the implementation has no guards around its inputs (a command).
  [[nodiscard]] virtual std::optional<outcome> call_with_guards(const explore_case& /*c*/,
                                                                unsigned char /*x_guard*/,
                                                                unsigned char /*w_guard*/) {
    return std::nullopt;
  }
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
