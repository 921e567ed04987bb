#pragma once
// What tconv does when it is told to stop (SIGINT, SIGTERM, SIGHUP) while implementations run:
// every registered process group (plugin workers, --cmd adapters) is killed, every registered
// temporary directory removed, and tconv then dies by the same signal (the shell reports 128 + N:
// 130 for SIGINT, 143 for SIGTERM). The handler uses only async-signal-safe calls.
#include <sys/types.h>

#include <string>

namespace tconv::harness::containment {

/// Installs the handlers once (later calls do nothing).
void install();

/// A process group to SIGKILL on a fatal signal; remove it once it is gone.
void add_group(pid_t pgid);
void remove_group(pid_t pgid);

/// A directory tree to delete on a fatal signal; remove it once it is gone.
void add_dir(const std::string& path);
void remove_dir(const std::string& path);

/// Deletes the tree at `path` with *at() system calls only (no allocation; safe in a signal
/// handler); nesting deeper than 16 levels is left in place.
void remove_tree(const char* path) noexcept;

}  // namespace tconv::harness::containment
