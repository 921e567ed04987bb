// Fuzzes the directory protocol's answers (lib/harness/protocol.hpp): whatever bytes a --cmd
// writes, in whatever pieces they arrive, are cut into the same lines, no line is longer than the
// limit or holds a newline, nothing is lost or invented, and each line reads as exactly one reply
// whose kept text is bounded.
#include <cstdlib>
#include <string>

#include "harness/protocol.hpp"

namespace {

void check_reply(const std::string& line) {
  using tconv::harness::protocol::max_shown;
  using kind = tconv::harness::protocol::reply::kind;
  const auto r = tconv::harness::protocol::parse_reply(line);
  std::string_view bare = line;
  if (!bare.empty() && bare.back() == '\r') bare.remove_suffix(1);
  if ((r.what == kind::ok) != (bare == "ok")) std::abort();
  if ((r.what == kind::unsupported) != (bare == "unsupported")) std::abort();
  if ((r.what == kind::error) != (bare.substr(0, 6) == "error:")) std::abort();
  if (r.text.size() > 4 * max_shown + 3) std::abort();
  // a garbled line is shown as received, cut after max_shown bytes
  if (r.what == kind::garbled) {
    const bool cut = bare.size() > max_shown;
    if (r.text != (cut ? std::string(bare.substr(0, max_shown)) + "..." : std::string(bare)))
      std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  // the first byte chooses how the rest arrives: in pieces of 1 to 256 bytes
  const std::size_t piece = static_cast<std::size_t>(data[0]) + 1;
  const std::string input(reinterpret_cast<const char*>(data) + 1, size - 1);
  tconv::harness::protocol::line_buffer buf;
  std::string taken, line;
  bool too_long = false;
  for (std::size_t at = 0; at < input.size() && !too_long; at += piece) {
    const std::size_t n = std::min(piece, input.size() - at);
    buf.append(input.data() + at, n);
    for (;;) {
      const auto s = buf.next(line);
      if (s == decltype(buf)::status::need_more) break;
      if (s == decltype(buf)::status::too_long) {
        too_long = true;
        break;
      }
      if (line.find('\n') != std::string::npos || line.size() > tconv::harness::protocol::max_line)
        std::abort();
      check_reply(line);
      taken += line + "\n";
    }
  }
  if (too_long) {
    if (buf.pending().size() <= tconv::harness::protocol::max_line) std::abort();
    return 0;
  }
  // nothing lost, nothing invented: the lines taken and what is pending are the input
  if (taken + std::string(buf.pending()) != input) std::abort();
  if (buf.pending().find('\n') != std::string_view::npos) std::abort();
  return 0;
}
