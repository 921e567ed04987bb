#pragma once
// Which implementations `tconv verify` runs: the adapters found next to the binary or in the
// build tree, the PyTorch Python adapter, and those named with --impl / --cmd.
#include <string>
#include <vector>

#include "verify/verify.hpp"

namespace tconv::verify {

/// One implementation to verify, or why it cannot be.
struct impl_entry {
  std::string name, kind, target;  // kind: "plugin" or "command"
  bool available = true, given = false;
  std::string reason;  // why not available
  // the engine's own language, for its reproduction scripts (verify/repro.hpp): "c" (a plugin),
  // "python" (PyTorch through Python), "javascript" (an adapters/js/ module, run by node), ""
  std::string language{};
  std::string adapter{};                    // javascript: the adapter module's path
  std::vector<std::string> adapter_args{};  // javascript: its arguments, {"--backend", "cpu"}
};

/// The implementations of o in report order: the discovered adapters (unless --impl / --cmd
/// without --with-defaults), then the given ones, restricted to --only. Throws usage_error for a
/// bad name, a name used twice, a plugin file that does not exist, or an --only nobody has.
[[nodiscard]] std::vector<impl_entry> discover(const options& o);

}  // namespace tconv::verify
