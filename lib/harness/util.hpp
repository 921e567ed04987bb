#pragma once
// Small process and text helpers shared by the explore harness.
#include <sys/wait.h>

#include <cctype>
#include <csignal>
#include <cstdint>
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

/// A word the shell reads back unchanged: 'it''s' quoting where needed.
[[nodiscard]] inline std::string shell_quote(const std::string& s) {
  bool plain = !s.empty();
  for (char c : s)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '/' || c == '.' || c == '_' ||
          c == '-' || c == '=' || c == ',' || c == ':' || c == '+'))
      plain = false;
  if (plain) return s;
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

/// s with every byte that is not part of valid UTF-8, and every control character but tab and
/// newline, replaced by U+FFFD: an implementation's message or a path, safe in JSON, XML and on
/// a terminal.
[[nodiscard]] inline std::string clean_text(const std::string& s) {
  static constexpr const char* replacement = "\xEF\xBF\xBD";
  std::string r;
  r.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f)
        r += replacement;
      else
        r += static_cast<char>(c);
      ++i;
      continue;
    }
    // lead byte: length and the smallest code point it may encode (no overlong forms)
    const std::size_t n = c >= 0xC2 && c <= 0xDF   ? 2
                          : c >= 0xE0 && c <= 0xEF ? 3
                          : c >= 0xF0 && c <= 0xF4 ? 4
                                                   : 0;
    std::uint32_t cp = n == 2 ? c & 0x1Fu : n == 3 ? c & 0x0Fu : c & 0x07u;
    bool ok = n != 0 && i + n <= s.size();
    for (std::size_t k = 1; ok && k < n; ++k) {
      const auto t = static_cast<unsigned char>(s[i + k]);
      ok = (t & 0xC0) == 0x80;
      cp = (cp << 6) | (t & 0x3Fu);
    }
    ok = ok && !(n == 3 && cp < 0x800) && !(n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) &&
         !(cp >= 0xD800 && cp <= 0xDFFF) && !(cp >= 0x80 && cp < 0xA0);  // C1 controls too
    if (ok) {
      r.append(s, i, n);
      i += n;
    } else {
      r += replacement;
      ++i;
    }
  }
  return r;
}

/// "0.5 s"
[[nodiscard]] inline std::string seconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g s", s);
  return buf;
}

}  // namespace tconv::harness
