#pragma once
// The directory protocol's answers, seen as text: the command's output cut into lines, and one
// line read as `ok`, `unsupported` or `error: MESSAGE`. Pure functions, so the fuzzer can reach
// every byte sequence a command might write (fuzz/protocol_answer.fuzz.cpp).
#include <cstddef>
#include <string>
#include <string_view>

namespace tconv::harness::protocol {

/// Longest answer line read (64 KiB); a longer one is a protocol violation.
inline constexpr std::size_t max_line = std::size_t{1} << 16;
/// Longest text kept from a reply for a report (an error's message, a garbled line).
inline constexpr std::size_t max_shown = 200;
/// The domain probe's files (README "Declaring a domain"): the harness puts the request in the
/// probe's case directory; a program that declares its domain answers with the declaration.
inline constexpr const char* domain_request = "domain-request";
inline constexpr const char* domain_file = "domain.json";

/// What one answer line says.
struct reply {
  enum class kind { ok, unsupported, error, garbled } what = kind::garbled;
  std::string
      text;  // error: its message; garbled: the line as received; both cut to max_shown bytes
};

/// The first n bytes of s, with "..." when cut.
[[nodiscard]] inline std::string shown(std::string_view s, std::size_t n = max_shown) {
  if (s.size() <= n) return std::string(s);
  return std::string(s.substr(0, n)) + "...";
}

/// One answer line (no '\n'; one trailing '\r' is ignored) -> ok | unsupported | error | garbled.
[[nodiscard]] inline reply parse_reply(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (line == "ok") return {reply::kind::ok, {}};
  if (line == "unsupported") return {reply::kind::unsupported, {}};
  if (line.substr(0, 6) == "error:") {
    std::string_view m = line.substr(6);
    if (!m.empty() && m.front() == ' ') m.remove_prefix(1);
    return {reply::kind::error, shown(m, 4 * max_shown)};
  }
  return {reply::kind::garbled, shown(line)};
}

/// The command's output so far, taken a line at a time.
class line_buffer {
 public:
  enum class status { line, need_more, too_long };

  void append(const char* data, std::size_t n) { buf_.append(data, n); }

  /// Takes the next complete line (without '\n') into `line`; too_long once max_line bytes
  /// arrived without a newline.
  [[nodiscard]] status next(std::string& line) {
    if (const auto nl = buf_.find('\n'); nl != std::string::npos && nl <= max_line) {
      line.assign(buf_, 0, nl);
      buf_.erase(0, nl + 1);
      return status::line;
    }
    return buf_.size() > max_line ? status::too_long : status::need_more;
  }

  /// Bytes received but not taken yet (output beyond the answer just read).
  [[nodiscard]] std::string_view pending() const { return buf_; }
  void clear() { buf_.clear(); }

 private:
  std::string buf_;
};

}  // namespace tconv::harness::protocol
