#pragma once
// How a child process ended and how long it was given, in words for a finding's message.
#include <sys/wait.h>

#include <csignal>
#include <cstdio>
#include <string>

namespace tconv::harness {

/// "SIGSEGV", "SIGABRT", ... (or "signal N").
[[nodiscard]] inline std::string signal_name(int sig) {
  switch (sig) {
    case SIGSEGV:
      return "SIGSEGV";
    case SIGABRT:
      return "SIGABRT";
    case SIGBUS:
      return "SIGBUS";
    case SIGFPE:
      return "SIGFPE";
    case SIGILL:
      return "SIGILL";
    case SIGKILL:
      return "SIGKILL";
    case SIGTERM:
      return "SIGTERM";
    case SIGTRAP:
      return "SIGTRAP";
    case SIGPIPE:
      return "SIGPIPE";
    case SIGXCPU:
      return "SIGXCPU (CPU time limit)";
    case SIGXFSZ:
      return "SIGXFSZ (file size limit)";
    default:
      return "signal " + std::to_string(sig);
  }
}

/// "was killed by SIGSEGV" / "exited with status 3", from a waitpid status.
[[nodiscard]] inline std::string describe_wait_status(int st) {
  if (WIFSIGNALED(st)) return "was killed by " + signal_name(WTERMSIG(st));
  if (WIFEXITED(st)) {
    const int code = WEXITSTATUS(st);
    // shells report a child killed by signal s as status 128 + s
    if (code > 128 && code < 128 + 32)
      return "exited with status " + std::to_string(code) + " (a shell's report of " +
             signal_name(code - 128) + ")";
    return "exited with status " + std::to_string(code);
  }
  return "stopped unexpectedly";
}

/// "0.5 s"
[[nodiscard]] inline std::string seconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g s", s);
  return buf;
}

}  // namespace tconv::harness
