// The plugin sandbox: a forked worker dlopen()s the library and serves cases through shared
// memory; one byte on a pipe starts a call and one byte answers it. The harness keeps its own
// copies of the inputs, so whatever the plugin does (crash, hang, scribble) it can judge and survive.
#include <dlfcn.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstring>

#include "implementation.hpp"
#include "util.hpp"

namespace tconv::explore {

tconv_problem to_abi(const problem& p) {
  tconv_problem a{};
  a.rank = p.rank;
  a.batch = p.batch;
  a.in_channels = p.in_channels;
  a.out_channels = p.out_channels;
  a.groups = p.groups;
  const auto out = output_extents(p, op_kind::conv_transpose);
  for (std::size_t i = 0; i < TCONV_MAX_RANK; ++i) {
    const bool used = static_cast<std::int64_t>(i) < p.rank;
    a.input[i] = used ? p.input[i] : 1;
    a.kernel[i] = used ? p.kernel[i] : 1;
    a.stride[i] = used ? p.stride[i] : 1;
    a.dilation[i] = used ? p.dilation[i] : 1;
    a.pad_begin[i] = used ? p.pad_begin[i] : 0;
    a.pad_end[i] = used ? p.pad_end[i] : 0;
    a.output_padding[i] = used ? p.output_padding[i] : 0;
    a.output[i] = used ? out[i] : 1;
  }
  a.has_bias = p.has_bias ? 1 : 0;
  return a;
}

problem from_abi(const tconv_problem& a) {
  problem p;
  p.rank = a.rank;
  p.batch = a.batch;
  p.in_channels = a.in_channels;
  p.out_channels = a.out_channels;
  p.groups = a.groups;
  for (std::size_t i = 0; i < TCONV_MAX_RANK; ++i) {
    p.input[i] = a.input[i];
    p.kernel[i] = a.kernel[i];
    p.stride[i] = a.stride[i];
    p.dilation[i] = a.dilation[i];
    p.pad_begin[i] = a.pad_begin[i];
    p.pad_end[i] = a.pad_end[i];
    p.output_padding[i] = a.output_padding[i];
  }
  p.has_bias = a.has_bias != 0;
  return p;
}

namespace {

constexpr std::size_t guard_bytes = 4096;
constexpr unsigned char guard_byte = 0xA5;
// A quiet NaN with a payload no arithmetic produces: an element still holding it was never written.
constexpr std::uint32_t sentinel_bits = 0x7FC0DEADu;

// Lives at the start of the shared mapping; the buffers follow, each surrounded by guards.
struct control {
  tconv_problem p;
  std::uint64_t off[4];    // x, w, b, y: byte offsets into the mapping
  std::uint64_t count[4];  // elements
  std::int32_t supported;
  std::int32_t ret;
  char message[1024];
};

using conv_fn = int (*)(const tconv_problem*, const float*, const float*, const float*, float*);
using supports_fn = int (*)(const tconv_problem*);

std::size_t round_up(std::size_t v, std::size_t a) { return (v + a - 1) / a * a; }

// Layout for element counts n[4]: control, guard, x, guard, w, guard, b, guard, y, guard.
std::size_t layout(const std::uint64_t n[4], std::uint64_t off[4]) {
  std::size_t at = round_up(sizeof(control), 64) + guard_bytes;
  for (int i = 0; i < 4; ++i) {
    off[i] = at;
    at = round_up(at + n[i] * sizeof(float), 64) + guard_bytes;
  }
  return at;
}

bool write_all(int fd, const void* data, std::size_t n) {
  const char* c = static_cast<const char*>(data);
  while (n > 0) {
    const ssize_t r = ::write(fd, c, n);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return false;
    c += r;
    n -= static_cast<std::size_t>(r);
  }
  return true;
}

[[noreturn]] void worker_main(const std::string& path, control* ctl, unsigned char* base, int cmd_fd,
                              int resp_fd) {
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  void* lib = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  conv_fn conv = nullptr;
  supports_fn supports = nullptr;
  if (lib != nullptr) {
    conv = reinterpret_cast<conv_fn>(dlsym(lib, "tconv_conv_transpose_f32"));
    supports = reinterpret_cast<supports_fn>(dlsym(lib, "tconv_supports"));
  }
  if (lib == nullptr || conv == nullptr) {
    const std::string m = lib == nullptr ? std::string(dlerror())
                                         : "it does not export tconv_conv_transpose_f32 (see tconv/impl.h)";
    std::snprintf(ctl->message, sizeof ctl->message, "%s", m.c_str());
    _exit(3);
  }
  if (!write_all(resp_fd, "r", 1)) _exit(0);
  for (;;) {
    char c = 0;
    const ssize_t r = ::read(cmd_fd, &c, 1);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) _exit(0);
    ctl->supported = supports == nullptr ? 1 : (supports(&ctl->p) != 0 ? 1 : 0);
    if (ctl->supported != 0) {
      const auto* x = reinterpret_cast<const float*>(base + ctl->off[0]);
      const auto* w = reinterpret_cast<const float*>(base + ctl->off[1]);
      const float* b = ctl->p.has_bias ? reinterpret_cast<const float*>(base + ctl->off[2]) : nullptr;
      auto* y = reinterpret_cast<float*>(base + ctl->off[3]);
      ctl->ret = conv(&ctl->p, x, w, b, y);
    }
    if (!write_all(resp_fd, "d", 1)) _exit(0);
  }
}

class plugin_sandbox final : public implementation {
 public:
  plugin_sandbox(std::string path, double timeout_s) : path_(std::move(path)), timeout_s_(timeout_s) {
    ::signal(SIGPIPE, SIG_IGN);
    const std::uint64_t none[4] = {0, 0, 0, 0};
    std::uint64_t off[4];
    if (const auto err = start(layout(none, off)); !err.empty()) throw usage_error("--impl " + path_ + ": " + err);
  }
  ~plugin_sandbox() override { stop(); }
  plugin_sandbox(const plugin_sandbox&) = delete;
  plugin_sandbox& operator=(const plugin_sandbox&) = delete;

  call_result call(const explore_case& c) override {
    const std::uint64_t y_count = static_cast<std::uint64_t>(
        checked_size(output_shape(c.p, op_kind::conv_transpose), "output shape"));
    const std::uint64_t n[4] = {c.x.size(), c.w.size(), c.b.size(), y_count};
    std::uint64_t off[4];
    const std::size_t need = layout(n, off);
    if (pid_ <= 0 || need > capacity_) {
      stop();
      if (const auto err = start(std::max(need, capacity_)); !err.empty())
        return failed(finding_kind::crash, "the worker could not be restarted: " + err);
    }
    auto* ctl = reinterpret_cast<control*>(base_);
    ctl->p = to_abi(c.p);
    ctl->supported = 0;
    ctl->ret = 0;
    const float* src[3] = {c.x.data(), c.w.data(), c.b.data()};
    std::size_t prev_end = round_up(sizeof(control), 64);
    for (int i = 0; i < 4; ++i) {
      ctl->off[i] = off[i];
      ctl->count[i] = n[i];
      std::memset(base_ + prev_end, guard_byte, off[i] - prev_end);
      if (i < 3) {
        if (n[i] != 0) std::memcpy(base_ + off[i], src[i], n[i] * sizeof(float));
      } else {
        auto* y = reinterpret_cast<std::uint32_t*>(base_ + off[i]);
        std::fill(y, y + n[i], sentinel_bits);
      }
      prev_end = off[i] + n[i] * sizeof(float);
    }
    std::memset(base_ + prev_end, guard_byte, round_up(prev_end, 64) + guard_bytes - prev_end);
    const std::size_t end = round_up(prev_end, 64) + guard_bytes;

    if (!write_all(cmd_fd_, "c", 1)) return died("before the call");
    switch (wait_answer(timeout_s_)) {
      case answer::done: break;
      case answer::died: return died("during the call");
      case answer::timed_out: {
        stop();
        return failed(finding_kind::timeout, "no answer within " + seconds(timeout_s_) +
                                                 " (the worker was killed; raise --timeout if it is only slow)");
      }
    }
    if (ctl->supported == 0) return {call_result::status::unsupported, {}, {}, {}};
    // Guards first: a write out of bounds also makes everything after it suspect.
    static const names buf_names{"x", "w", "b", "y"};
    prev_end = round_up(sizeof(control), 64);
    for (int i = 0; i <= 4; ++i) {
      const std::size_t guard_end = i < 4 ? off[i] : end;
      for (std::size_t at = prev_end; at < guard_end; ++at)
        if (base_[at] != guard_byte) {
          const bool after = i > 0;
          const int b = after ? i - 1 : 0;
          const std::string which = buf_names[b];
          // element index relative to the buffer's start (negative: before it)
          const auto rel = static_cast<long long>(at) - static_cast<long long>(off[b]);
          const long long elem = rel >= 0 ? rel / 4 : -((-rel + 3) / 4);
          return failed(finding_kind::out_of_bounds_write,
                        "wrote out of bounds: " + which + "[" + std::to_string(elem) + "] (flat), but " + which +
                            " has " + std::to_string(n[b]) + " elements (a guard byte " +
                            std::to_string(after ? rel - static_cast<long long>(n[b] * sizeof(float)) : -rel) +
                            (after ? " bytes past its end" : " bytes before its start") + " changed)");
        }
      if (i < 4) prev_end = off[i] + n[i] * sizeof(float);
    }
    for (int i = 0; i < 3; ++i)
      if (n[i] != 0 && std::memcmp(base_ + off[i], src[i], n[i] * sizeof(float)) != 0) {
        std::size_t e = 0;
        while (std::memcmp(base_ + off[i] + e * sizeof(float), src[i] + e, sizeof(float)) == 0) ++e;
        return failed(finding_kind::input_modified,
                      std::string("wrote into its const input ") + buf_names[i] + " (element " + std::to_string(e) + ")");
      }
    if (ctl->ret != 0)
      return failed(finding_kind::nonzero_return,
                    "tconv_conv_transpose_f32 returned " + std::to_string(ctl->ret) + " (0 means success)");
    call_result r;
    const auto* y = reinterpret_cast<const float*>(base_ + off[3]);
    r.y.assign(y, y + y_count);
    return r;
  }

  void reset() override { stop(); }
  std::string replay_flag() const override { return "--impl " + shell_quote(path_); }

 private:
  using names = const char* [4];
  enum class answer { done, died, timed_out };

  static call_result failed(finding_kind k, std::string m) {
    return {call_result::status::failed, k, std::move(m), {}};
  }

  call_result died(const char* when) {
    const std::string how = reap();
    return failed(finding_kind::crash, how + " " + when);
  }

  // Waits for one byte from the worker: done, the worker's death (EOF), or the timeout.
  answer wait_answer(double timeout_s) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
    for (;;) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() < 0) return answer::timed_out;
      pollfd pfd{resp_fd_, POLLIN, 0};
      const int r = ::poll(&pfd, 1, static_cast<int>(std::min<long long>(left.count() + 1, 1 << 30)));
      if (r < 0 && errno == EINTR) continue;
      if (r == 0) continue;  // the loop's deadline check decides
      char c = 0;
      const ssize_t got = ::read(resp_fd_, &c, 1);
      if (got < 0 && errno == EINTR) continue;
      if (got == 1) return answer::done;
      return answer::died;
    }
  }

  // Waits for the dead (or dying) worker and says how it ended.
  std::string reap() {
    if (pid_ <= 0) return "the worker was not running";
    int st = 0;
    pid_t r;
    do r = ::waitpid(pid_, &st, 0);
    while (r < 0 && errno == EINTR);
    pid_ = -1;
    close_fds();
    if (r < 0) return "the worker vanished";
    return describe_wait_status(st);
  }

  std::string start(std::size_t capacity) {
    capacity = round_up(capacity, 1 << 16);
    void* m = ::mmap(nullptr, capacity, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (m == MAP_FAILED) return "cannot map " + std::to_string(capacity) + " bytes of shared memory";
    base_ = static_cast<unsigned char*>(m);
    capacity_ = capacity;
    int cmd[2], resp[2];
    if (::pipe2(cmd, O_CLOEXEC) != 0) return "pipe failed";
    if (::pipe2(resp, O_CLOEXEC) != 0) {
      ::close(cmd[0]);
      ::close(cmd[1]);
      return "pipe failed";
    }
    std::fflush(nullptr);
    const pid_t pid = ::fork();
    if (pid < 0) return "fork failed";
    if (pid == 0) {
      ::close(cmd[1]);
      ::close(resp[0]);
      worker_main(path_, reinterpret_cast<control*>(base_), base_, cmd[0], resp[1]);
    }
    ::close(cmd[0]);
    ::close(resp[1]);
    pid_ = pid;
    cmd_fd_ = cmd[1];
    resp_fd_ = resp[0];
    // Loading runs the library's constructors: give it a generous, fixed time.
    switch (wait_answer(std::max(30.0, timeout_s_))) {
      case answer::done: return {};
      case answer::timed_out: stop(); return "loading the library did not finish within 30 s";
      case answer::died: {
        const std::string msg(reinterpret_cast<control*>(base_)->message);
        const std::string how = reap();
        unmap();
        if (!msg.empty()) return "cannot load: " + msg;
        return "the library " + how + " while loading";
      }
    }
    return {};
  }

  void close_fds() {
    if (cmd_fd_ >= 0) ::close(cmd_fd_);
    if (resp_fd_ >= 0) ::close(resp_fd_);
    cmd_fd_ = resp_fd_ = -1;
  }

  void unmap() {
    if (base_ != nullptr) ::munmap(base_, capacity_);
    base_ = nullptr;
    capacity_ = 0;
  }

  void stop() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      int st = 0;
      while (::waitpid(pid_, &st, 0) < 0 && errno == EINTR) {
      }
      pid_ = -1;
    }
    close_fds();
    unmap();
  }

  std::string path_;
  double timeout_s_;
  pid_t pid_ = -1;
  int cmd_fd_ = -1, resp_fd_ = -1;
  unsigned char* base_ = nullptr;
  std::size_t capacity_ = 0;
};

}  // namespace

std::unique_ptr<implementation> make_plugin(const std::string& path, double timeout_s) {
  return std::make_unique<plugin_sandbox>(path, timeout_s);
}

}  // namespace tconv::explore
