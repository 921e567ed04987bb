// The plugin sandbox: a forked worker (sandbox_worker.cpp) dlopen()s the library and serves cases
// through shared memory; one byte on a pipe starts a call and one message answers it. The harness
// keeps its own copies of the request and the inputs, so whatever the plugin does (crash, hang,
// scribble, fork, signal) it can judge and survive.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstring>

#include "harness/containment.hpp"
#include "harness/escape.hpp"
#include "harness/implementation.hpp"
#include "harness/process.hpp"
#include "harness/sandbox_shared.hpp"
#include "harness/sentinel.hpp"
#include "tconv/abi.hpp"

namespace tconv::harness {

namespace {

using sandbox::answer;
using sandbox::guard_byte;
using sandbox::request;

constexpr const char* buf_names[4] = {"x", "w", "b", "y"};

// The index of the first byte in p[0, n) that is not `byte`, or n.
std::size_t first_changed(const unsigned char* p, std::size_t n, unsigned char byte) {
  thread_local std::array<unsigned char, 4096> pattern{};
  thread_local int filled = -1;
  if (filled != byte) pattern.fill(byte), filled = byte;
  for (std::size_t at = 0; at < n; at += pattern.size()) {
    const std::size_t len = std::min(pattern.size(), n - at);
    if (std::memcmp(p + at, pattern.data(), len) == 0) continue;
    for (std::size_t i = at; i < at + len; ++i)
      if (p[i] != byte) return i;
  }
  return n;
}

// One guard: bytes [begin, end) of the data mapping, all `byte`.
struct guard_span {
  std::uint64_t begin, end;
  unsigned char byte;
};

// The guards of a call, in address order: before x and after it up to half the gap to w in
// x_guard, the rest of that gap and after w in w_guard, after b and after y in guard_byte.
std::array<guard_span, 6> guard_spans(const request& q, unsigned char x_guard,
                                      unsigned char w_guard) {
  const auto end_of = [&](int i) { return q.off[i] + q.count[i] * sizeof(float); };
  const std::uint64_t mid = end_of(0) + (q.off[1] - end_of(0)) / 2;
  return {{{sandbox::page_size(), q.off[0], x_guard},
           {end_of(0), mid, x_guard},
           {mid, q.off[1], w_guard},
           {end_of(1), q.off[2], w_guard},
           {end_of(2), q.off[3], guard_byte},
           {end_of(3), q.end, guard_byte}}};
}

// "y[5] (flat), but y has 4 elements (4 bytes past its end" for a byte offset in the data mapping:
// relative to the last non-empty buffer starting at or before it (x when before everything).
std::string locate(std::uint64_t at, const std::uint64_t off[4], const std::uint64_t n[4]) {
  int b = 0;
  for (int i = 0; i < 4; ++i)
    if (n[i] != 0 && off[i] <= at) b = i;
  const std::string which = buf_names[b];
  const auto rel = static_cast<long long>(at) - static_cast<long long>(off[b]);
  const long long elem = rel >= 0 ? rel / 4 : -((-rel + 3) / 4);
  std::string s = which + "[" + std::to_string(elem) + "] (flat), but " + which + " has " +
                  std::to_string(n[b]) + " elements (";
  if (rel < 0) return s + std::to_string(-rel) + " bytes before its start";
  return s + std::to_string(at - off[b] - n[b] * sizeof(float)) + " bytes past its end";
}

std::chrono::steady_clock::time_point deadline_after(double s) {
  // a timeout of hours is as good as forever, and keeps the clock arithmetic finite
  return std::chrono::steady_clock::now() +
         std::chrono::duration_cast<std::chrono::steady_clock::duration>(
             std::chrono::duration<double>(std::min(s, 1e7)));
}

class plugin_sandbox final : public implementation {
 public:
  plugin_sandbox(std::string path, double timeout_s)
      : path_(std::move(path)), timeout_s_(timeout_s) {
    ::signal(SIGPIPE, SIG_IGN);
    containment::install();
    const std::uint64_t none[4] = {0, 0, 0, 0};
    std::uint64_t off[4], end = 0;
    if (const auto err = start(sandbox::plan(none, off, end)); !err.empty())
      throw usage_error("--impl " + path_ + ": " + err);
  }
  ~plugin_sandbox() override {
    stop();
    if (req_ != nullptr) ::munmap(req_, sandbox::page_size());
  }
  plugin_sandbox(const plugin_sandbox&) = delete;
  plugin_sandbox& operator=(const plugin_sandbox&) = delete;

  outcome call(const explore_case& c) override {
    const std::uint64_t y_count = static_cast<std::uint64_t>(
        checked_size(output_shape(c.p, op_kind::conv_transpose), "output shape"));
    const std::uint64_t n[4] = {c.x.size(), c.w.size(), c.b.size(), y_count};
    request q;
    const std::size_t need = sandbox::plan(n, q.off, q.end);
    if (pid_ <= 0 || need > capacity_) {
      stop();
      if (const auto err = start(std::max(need, capacity_)); !err.empty())
        return failed(finding_kind::crash, "the worker could not be restarted: " + err);
    }
    std::copy(n, n + 4, q.count);  // before fill: the guards' extents depend on the counts
    fill(c, q);
    q.seq = ++seq_;
    q.p = to_abi(c.p);
    std::memcpy(static_cast<void*>(req_), &q, sizeof q);
    if (!write_byte(cmd_fd_)) return died("before the call");
    answer a;
    switch (wait_answer(timeout_s_, a)) {
      case wait::got:
        break;
      case wait::died:
        return died("during the call");
      case wait::timed_out: {
        stop();
        return failed(finding_kind::timeout,
                      "no answer within " + seconds(timeout_s_) +
                          " (the worker was killed; raise --timeout if it is only slow)");
      }
    }
    outcome r = judge(a, q, c);
    if (r.state == outcome::status::failed && pid_ > 0 && a.tag != 'd') stop();
    return r;
  }

  std::optional<outcome> call_with_guards(const explore_case& c, unsigned char x_guard,
                                          unsigned char w_guard) override {
    x_guard_ = x_guard, w_guard_ = w_guard;
    outcome r = call(c);
    x_guard_ = w_guard_ = guard_byte;
    return r;
  }

  void reset() override { stop(); }
  void set_timeout(double timeout_s) override { timeout_s_ = timeout_s; }
  std::string replay_flag() const override { return "--impl " + shell_quote(path_); }

 private:
  enum class wait { got, died, timed_out };

  static outcome failed(finding_kind k, std::string m) {
    return {outcome::status::failed, k, std::move(m), {}, {}};
  }

  outcome died(const char* when) {
    const std::string how = reap();
    return failed(finding_kind::crash, how + " " + when);
  }

  // Guards and inputs, then the answer's own account (a wild write, a crashed child process).
  outcome judge(const answer& a, const request& q, const explore_case& c) {
    if (std::memcmp(req_, &q, sizeof q) != 0) {
      std::size_t at = 0;
      while (reinterpret_cast<const unsigned char*>(req_)[at] ==
             reinterpret_cast<const unsigned char*>(&q)[at])
        ++at;
      stop();
      return failed(finding_kind::out_of_bounds_write,
                    "wild write into the harness's control block (byte " + std::to_string(at) +
                        " of its request changed)");
    }
    if (a.tag == 'w') {
      const std::string how = reap();
      return failed(finding_kind::out_of_bounds_write,
                    "wild write into the harness's control block (byte " + std::to_string(a.where) +
                        " of its request, a page the worker may only read; the worker " + how +
                        ")");
    }
    if (a.tag == 'g') {
      const std::string how = reap();
      const std::string where = locate(a.where, q.off, q.count) +
                                ", beyond the guard page: the access hit a "
                                "no-access page; the worker " +
                                how + ")";
      if (a.is_write == 1)
        return failed(finding_kind::out_of_bounds_write, "wrote out of bounds: " + where);
      return failed(finding_kind::crash, std::string(a.is_write == 0 ? "read" : "accessed") +
                                             " out of bounds: " + where);
    }
    if (a.tag != 'd' || a.seq != q.seq) {
      stop();
      return failed(finding_kind::error,
                    "the worker's answer does not belong to this call (answer '" +
                        std::string(1, a.tag) + "' #" + std::to_string(a.seq) + " to call #" +
                        std::to_string(q.seq) + "): the plugin wrote into the harness's pipe");
    }
    if (auto r = check_memory(q, c); r.state == outcome::status::failed) return r;
    if (a.problem_modified != 0)
      return failed(finding_kind::input_modified,
                    "wrote into its const problem (the tconv_problem struct)");
    if (a.child_signal != 0)
      return failed(finding_kind::crash,
                    "a process the plugin started was killed by " + signal_name(a.child_signal));
    if (a.left != 0)
      return failed(finding_kind::error,
                    "left " + std::to_string(a.left) +
                        " process(es) running after the call (killed: nothing a plugin "
                        "starts may outlive its call)");
    if (a.supported == 0) return {outcome::status::unsupported, {}, {}, {}, {}};
    if (a.ret != 0)
      return failed(finding_kind::nonzero_return, "tconv_conv_transpose_f32 returned " +
                                                      std::to_string(a.ret) + " (0 means success)");
    outcome r;
    const auto* y = reinterpret_cast<const float*>(base_ + q.off[3]);
    r.y.assign(y, y + q.count[3]);
    return r;
  }

  // Guards first (a write out of bounds makes everything after it suspect), then the const inputs.
  outcome check_memory(const request& q, const explore_case& c) const {
    for (const guard_span& g : guard_spans(q, x_guard_, w_guard_)) {
      const std::size_t at = g.begin + first_changed(base_ + g.begin, g.end - g.begin, g.byte);
      if (at < g.end) {
        std::string where = locate(at, q.off, q.count);
        where.insert(where.rfind('(') + 1, "a guard byte ");
        return failed(finding_kind::out_of_bounds_write,
                      "wrote out of bounds: " + where + " changed)");
      }
    }
    const float* src[3] = {c.x.data(), c.w.data(), c.b.data()};
    for (int i = 0; i < 3; ++i) {
      const std::size_t bytes = q.count[i] * sizeof(float);
      if (bytes == 0 || std::memcmp(base_ + q.off[i], src[i], bytes) == 0) continue;
      std::size_t e = 0;
      while (std::memcmp(base_ + q.off[i] + e * sizeof(float), src[i] + e, sizeof(float)) == 0) ++e;
      return failed(finding_kind::input_modified, std::string("wrote into its const input ") +
                                                      buf_names[i] + " (element " +
                                                      std::to_string(e) + ")");
    }
    return {};
  }

  // The data mapping for this call: guards everywhere in [page, end), then the inputs and y's
  // sentinel.
  void fill(const explore_case& c, const request& q) {
    const std::size_t page = sandbox::page_size();
    std::memset(base_ + page, guard_byte, q.end - page);
    for (const guard_span& g : guard_spans(q, x_guard_, w_guard_))
      if (g.byte != guard_byte) std::memset(base_ + g.begin, g.byte, g.end - g.begin);
    const float* src[3] = {c.x.data(), c.w.data(), c.b.data()};
    const std::size_t n[3] = {c.x.size(), c.w.size(), c.b.size()};
    for (int i = 0; i < 3; ++i)
      if (n[i] != 0) std::memcpy(base_ + q.off[i], src[i], n[i] * sizeof(float));
    auto* y = reinterpret_cast<std::uint32_t*>(base_ + q.off[3]);
    const auto y_count = static_cast<std::size_t>(
        checked_size(output_shape(c.p, op_kind::conv_transpose), "output shape"));
    std::fill(y, y + y_count, unwritten_bits);
  }

  static bool write_byte(int fd) {
    for (;;) {
      const ssize_t r = ::write(fd, "c", 1);
      if (r < 0 && errno == EINTR) continue;
      return r == 1;
    }
  }

  // Whether the worker has ended (without reaping it).
  bool worker_exited() const {
    siginfo_t info{};
    return ::waitid(P_PID, static_cast<id_t>(pid_), &info, WEXITED | WNOHANG | WNOWAIT) == 0 &&
           info.si_pid == pid_;
  }

  // One answer from the worker, its death, or the timeout. Death is seen by the process itself, not
  // by the pipe's end: a child the plugin forked may hold the pipe open.
  wait wait_answer(double timeout_s, answer& a) {
    const auto deadline = deadline_after(timeout_s);
    auto* dst = reinterpret_cast<char*>(&a);
    std::size_t have = 0;
    for (;;) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() < 0) return wait::timed_out;
      pollfd pfd{resp_fd_, POLLIN, 0};
      const int r = ::poll(&pfd, 1, static_cast<int>(std::min<long long>(left.count() + 1, 20)));
      if (r < 0 && errno == EINTR) continue;
      if (r == 0) {
        if (!worker_exited()) continue;
        pollfd last{resp_fd_, POLLIN, 0};  // what it wrote just before it died comes first
        if (::poll(&last, 1, 0) > 0) continue;
        return wait::died;
      }
      const ssize_t got = ::read(resp_fd_, dst + have, sizeof a - have);
      if (got < 0 && errno == EINTR) continue;
      if (got <= 0) return wait::died;
      have += static_cast<std::size_t>(got);
      if (have == sizeof a) return wait::got;
    }
  }

  // Waits for the dead (or dying) worker, kills what is left of its process group, says how it
  // ended.
  std::string reap() {
    if (pid_ <= 0) return "was not running";
    for (int i = 0; i < 200 && !worker_exited(); ++i) ::usleep(10000);
    ::kill(-pid_, SIGKILL);  // the group outlives its leader while members remain
    ::kill(pid_, SIGKILL);
    int st = 0;
    pid_t r;
    do r = ::waitpid(pid_, &st, 0);
    while (r < 0 && errno == EINTR);
    containment::remove_group(pid_);
    pid_ = -1;
    close_fds();
    if (r < 0) return "vanished";
    return describe_wait_status(st);
  }

  std::string start(std::size_t capacity);
  std::string load_error();

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
      ::kill(-pid_, SIGKILL);
      ::kill(pid_, SIGKILL);  // in case it had not made its own group yet
      int st = 0;
      while (::waitpid(pid_, &st, 0) < 0 && errno == EINTR) {
      }
      containment::remove_group(pid_);
      pid_ = -1;
    }
    close_fds();
    unmap();
  }

  std::string path_;
  double timeout_s_;
  pid_t pid_ = -1;
  int cmd_fd_ = -1, resp_fd_ = -1;
  request* req_ = nullptr;  // the harness's own page; read-only in the worker
  unsigned char* base_ = nullptr;
  std::size_t capacity_ = 0;
  std::uint64_t seq_ = 0;
  unsigned char x_guard_ = guard_byte, w_guard_ = guard_byte;  // the guards around x and w
};

std::string plugin_sandbox::start(std::size_t capacity) {
  const std::size_t page = sandbox::page_size();
  if (req_ == nullptr) {
    void* r = ::mmap(nullptr, page, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (r == MAP_FAILED) return "cannot map a page of shared memory";
    req_ = new (r) request;
  }
  capacity = sandbox::round_up(capacity, 1 << 16);
  void* m = ::mmap(nullptr, capacity, PROT_READ | PROT_WRITE,
                   MAP_SHARED | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
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
  sandbox::worker_setup s{path_,  req_,    page,       base_,     capacity_,
                          cmd[0], resp[1], ::getpid(), timeout_s_};
  std::fflush(nullptr);
  const pid_t pid = ::fork();
  if (pid < 0) return "fork failed";
  if (pid == 0) {
    ::close(cmd[1]);
    ::close(resp[0]);
    sandbox::worker_main(s);
  }
  containment::add_group(pid);  // the worker makes its own session: process group id = its pid
  ::close(cmd[0]);
  ::close(resp[1]);
  pid_ = pid;
  cmd_fd_ = cmd[1];
  resp_fd_ = resp[0];
  // Loading runs the library's constructors: give it a generous, fixed time.
  const double load_s = std::max(30.0, timeout_s_);
  answer a;
  switch (wait_answer(load_s, a)) {
    case wait::got:
      if (a.tag == 'r') return {};
      if (a.tag == 'e') {
        const std::string msg = load_error();
        const std::string how = reap();
        unmap();
        return "cannot load: " + (msg.empty() ? "the worker " + how : msg);
      }
      stop();
      return "the library wrote into the harness's pipe while loading";
    case wait::timed_out:
      stop();
      return "loading the library did not finish within " + seconds(load_s);
    case wait::died: {
      const std::string how = reap();
      unmap();
      return "the library " + how + " while loading";
    }
  }
  return {};
}

// The text after an 'e' answer, up to the pipe's end (at most 1 KiB, at most 5 s).
std::string plugin_sandbox::load_error() {
  std::string msg;
  const auto deadline = deadline_after(5);
  char buf[1024];
  while (msg.size() < sizeof buf && std::chrono::steady_clock::now() < deadline) {
    pollfd pfd{resp_fd_, POLLIN, 0};
    if (::poll(&pfd, 1, 100) <= 0) continue;
    const ssize_t got = ::read(resp_fd_, buf, sizeof buf - msg.size());
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) break;
    msg.append(buf, static_cast<std::size_t>(got));
  }
  return msg;
}

}  // namespace

std::unique_ptr<implementation> make_plugin(const std::string& path, double timeout_s) {
  return std::make_unique<plugin_sandbox>(path, timeout_s);
}

}  // namespace tconv::harness
