#pragma once
// What the plugin sandbox's two sides share: the request (the harness's own mapping, read-only in
// the worker), the answer (one message on a pipe), and the data mapping's layout:
//   [no-access page][guard][x][guard][w][guard][b][guard][y][guard, to a page end][no-access...]
// Every guard is at least a page; the worker can touch only [page, end).
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "tconv/impl.h"

namespace tconv::harness::sandbox {

// 0x7B7B7B7B is about 1.3e36 as a float: a kernel that reads a guard byte as data makes y enormous
// (or infinite), never a value that passes for a rounding error.
inline constexpr unsigned char guard_byte = 0x7B;
inline constexpr std::uint64_t request_magic = 0x71657276'6e6f6374ull;  // "tconvreq"

/// The harness's request for one call (the worker never writes it).
struct request {
  std::uint64_t magic = request_magic;
  std::uint64_t seq = 0;
  tconv_problem p{};
  std::uint64_t off[4]{};    // x, w, b, y: byte offsets into the data mapping
  std::uint64_t count[4]{};  // elements
  std::uint64_t end = 0;     // the worker may touch data bytes [page, end)
};

/// One message from the worker; a single write() smaller than PIPE_BUF, so never torn.
struct answer {
  char tag =
      0;  // 'r' loaded, 'e' cannot load (text follows), 'd' done, 'w' wild write, 'g' guard page
  std::uint8_t supported = 0;
  std::uint8_t problem_modified = 0;  // the plugin wrote into its const tconv_problem
  std::uint8_t is_write = 2;          // for 'w'/'g': 1 write, 0 read, 2 unknown
  std::int32_t ret = 0;
  std::uint64_t seq = 0;
  std::uint64_t where = 0;        // for 'w'/'g': byte offset of the fault in its mapping
  std::int32_t child_signal = 0;  // a process the plugin started died by this signal
  std::int32_t left = 0;          // processes the plugin left running (killed by the worker)
};

/// The system's page size (the unit of guards and protections).
[[nodiscard]] inline std::size_t page_size() {
  static const std::size_t p = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  return p;
}

[[nodiscard]] constexpr std::size_t round_up(std::size_t v, std::size_t a) {
  return (v + a - 1) / a * a;
}

/// Guard bytes around each buffer: a page (at least 4 KiB).
[[nodiscard]] inline std::size_t guard_size() { return page_size() < 4096 ? 4096 : page_size(); }

/// Places buffers of n[4] floats; returns the mapping size (end plus one no-access page at least).
[[nodiscard]] inline std::size_t plan(const std::uint64_t n[4], std::uint64_t off[4],
                                      std::uint64_t& end) {
  std::size_t at = page_size() + guard_size();
  for (int i = 0; i < 4; ++i) {
    off[i] = at;
    at = round_up(at + n[i] * sizeof(float), 64) + guard_size();
  }
  end = round_up(at, page_size());
  return end + page_size();
}

/// Everything the worker needs, fixed before fork.
struct worker_setup {
  std::string path;
  request* req = nullptr;
  std::size_t req_size = 0;
  unsigned char* base = nullptr;
  std::size_t capacity = 0;
  int cmd_fd = -1, resp_fd = -1;
  pid_t parent = 0;
  double timeout_s = 10;
};

/// The worker process: contains itself (session, limits, protections), loads the plugin, serves
/// calls until the command pipe closes.
[[noreturn]] void worker_main(const worker_setup& s);

}  // namespace tconv::harness::sandbox
