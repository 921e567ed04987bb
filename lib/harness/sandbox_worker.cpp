// The plugin sandbox's worker: a forked process that contains itself before it loads the plugin
// (own session and process group, resource limits, the harness's request read-only, no-access
// pages around the data), then serves calls. After every call it kills whatever processes the
// plugin left behind (it is their subreaper), so nothing the plugin starts outlives the case.
#include <dirent.h>
#include <dlfcn.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <ucontext.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "harness/operations.hpp"
#include "harness/sandbox_shared.hpp"

#if defined(__SANITIZE_ADDRESS__)
#define TCONV_SANDBOX_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TCONV_SANDBOX_ASAN 1
#endif
#endif

namespace tconv::harness::sandbox {

namespace {

using conv_fn = int (*)(const tconv_problem*, const float*, const float*, const float*, float*);
using supports_fn = int (*)(const tconv_problem*);

// Read by the fault handler: set once before the plugin is loaded.
const unsigned char* g_req = nullptr;
std::size_t g_req_size = 0;
const unsigned char* g_base = nullptr;
std::size_t g_capacity = 0;
int g_resp_fd = -1;
volatile std::uint64_t g_seq = 0;

bool send(const answer& a) {
  for (;;) {
    const ssize_t r = ::write(g_resp_fd, &a, sizeof a);
    if (r < 0 && errno == EINTR) continue;
    return r == static_cast<ssize_t>(sizeof a);
  }
}

// SIGSEGV/SIGBUS: a fault in the harness's request or in a no-access page of the data mapping is
// reported before the worker dies of it; anything else dies as it would have.
void on_fault(int sig, siginfo_t* si, void* ctx) {
  const auto* a = static_cast<const unsigned char*>(si->si_addr);
  answer m;
  if (si->si_code > 0 && a >= g_req && a < g_req + g_req_size) {
    m.tag = 'w';
    m.where = static_cast<std::uint64_t>(a - g_req);
  } else if (si->si_code > 0 && a >= g_base && a < g_base + g_capacity) {
    m.tag = 'g';
    m.where = static_cast<std::uint64_t>(a - g_base);
  }
#if defined(__x86_64__)
  // the page-fault error code's bit 1 tells a write from a read
  if (ctx != nullptr)
    m.is_write = (static_cast<ucontext_t*>(ctx)->uc_mcontext.gregs[REG_ERR] & 2) != 0 ? 1 : 0;
#else
  (void)ctx;
#endif
  m.seq = g_seq;
  if (m.tag != 0) (void)send(m);
  ::signal(sig, SIG_DFL);
  // a fault re-runs the access and dies of it; a raised signal must be raised again
  if (si->si_code <= 0) ::raise(sig);
}

void install_fault_handler() {
  static char alt_stack[64 * 1024];
  stack_t ss{};
  ss.ss_sp = alt_stack;
  ss.ss_size = sizeof alt_stack;
  ::sigaltstack(&ss, nullptr);
  struct sigaction sa {};
  sa.sa_sigaction = on_fault;
  sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
  sigemptyset(&sa.sa_mask);
  ::sigaction(SIGSEGV, &sa, nullptr);
  ::sigaction(SIGBUS, &sa, nullptr);
}

void set_limit(int resource, rlim_t soft, rlim_t hard) {
  rlimit r{};
  if (::getrlimit(resource, &r) != 0) return;
  // never above what the worker already has: only the superuser could raise it
  r.rlim_cur = std::min(soft, r.rlim_max);
  r.rlim_max = std::min(hard, r.rlim_max);
  r.rlim_cur = std::min(r.rlim_cur, r.rlim_max);
  (void)::setrlimit(resource, &r);
}

// The running task count, from /proc/loadavg ("0.1 0.2 0.3 2/345 678"): an upper bound of the
// user's own processes, so RLIMIT_NPROC = it + 256 lets the plugin start at most 256 more.
rlim_t tasks_now() {
  unsigned long running = 0, total = 0;
  double l1 = 0, l5 = 0, l15 = 0;
  if (FILE* f = std::fopen("/proc/loadavg", "r")) {
    if (std::fscanf(f, "%lf %lf %lf %lu/%lu", &l1, &l5, &l15, &running, &total) != 5) total = 0;
    std::fclose(f);
  }
  return total > 0 ? static_cast<rlim_t>(total) : RLIM_INFINITY;
}

void apply_limits() {
  set_limit(RLIMIT_CORE, 0, 0);  // a crashing plugin leaves no core files behind
  set_limit(RLIMIT_FSIZE, rlim_t{1} << 30, rlim_t{1} << 30);
  set_limit(RLIMIT_NOFILE, 1024, 1024);
  if (const rlim_t t = tasks_now(); t != RLIM_INFINITY) set_limit(RLIMIT_NPROC, t + 256, t + 256);
#if !defined(TCONV_SANDBOX_ASAN)
  // address space: what the worker has now plus half the machine's memory (at least 4 GiB); the
  // sanitizer's shadow reservations exceed any such limit, so sanitized builds go without it
  const auto pages = ::sysconf(_SC_PHYS_PAGES);
  const rlim_t half = pages > 0 ? static_cast<rlim_t>(pages) * page_size() / 2 : rlim_t{4} << 30;
  long vm_pages = 0;
  if (FILE* f = std::fopen("/proc/self/statm", "r")) {
    if (std::fscanf(f, "%ld", &vm_pages) != 1) vm_pages = 0;
    std::fclose(f);
  }
  const rlim_t as = static_cast<rlim_t>(vm_pages) * page_size() + std::max(half, rlim_t{4} << 30);
  set_limit(RLIMIT_AS, as, as);
#endif
  if (const int fd = ::open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC); fd >= 0) {
    (void)!::write(fd, "1000", 4);  // under memory pressure the plugin goes first, never tconv
    ::close(fd);
  }
}

// RLIMIT_CPU before every call: at least the wall timeout on every core (plus 10 s) beyond what the
// worker has used (a wall-clock timeout kills the worker first; the limit is inherited by what the
// plugin starts). Setting it costs system calls, so it is set only when the CPU time used since
// could have eaten into that margin: CPU time grows by at most wall time x cores, and the monotonic
// clock is read without a system call. The margin is at most 2 s above the budget.
class cpu_limit {
 public:
  explicit cpu_limit(double timeout_s)
      : cores_(static_cast<double>(std::max(1L, ::sysconf(_SC_NPROCESSORS_ONLN)))),
        budget_(timeout_s * cores_ + 10.0) {}

  void before_call() {
    if (!std::isfinite(budget_) || budget_ > 1e9) return;
    const auto now = std::chrono::steady_clock::now();
    if (std::chrono::duration<double>(now - set_at_).count() * cores_ < spare_) return;
    spare_ = -1;
    rusage u{};
    if (::getrusage(RUSAGE_SELF, &u) != 0) return;
    rlimit r{};
    if (::getrlimit(RLIMIT_CPU, &r) != 0) return;  // the plugin may have lowered the hard limit
    const double used = static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
                        static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) * 1e-6;
    const rlim_t want = static_cast<rlim_t>(used) + static_cast<rlim_t>(std::ceil(budget_)) + 2;
    r.rlim_cur = std::min(want, r.rlim_max);
    if (::setrlimit(RLIMIT_CPU, &r) != 0) return;
    // capped by the hard limit: spare < 0, so it is set again before every call
    spare_ = static_cast<double>(r.rlim_cur) - used - budget_;
    set_at_ = now;
  }

 private:
  double cores_, budget_;
  double spare_ = -1;  // CPU seconds the limit allowed beyond the budget at set_at_
  std::chrono::steady_clock::time_point set_at_{};
};

// The worker's direct children, from /proc/PID/stat's parent field.
std::vector<pid_t> children() {
  std::vector<pid_t> out;
  const pid_t self = ::getpid();
  DIR* d = ::opendir("/proc");
  if (d == nullptr) return out;
  while (const dirent* e = ::readdir(d)) {
    if (e->d_name[0] < '0' || e->d_name[0] > '9') continue;
    char path[300], buf[512];
    std::snprintf(path, sizeof path, "/proc/%s/stat", e->d_name);
    const int fd = ::open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) continue;
    const ssize_t n = ::read(fd, buf, sizeof buf - 1);
    ::close(fd);
    if (n <= 0) continue;
    buf[n] = 0;
    const char* close_paren = std::strrchr(buf, ')');  // the command name may hold anything
    long ppid = 0;
    char state = 0;
    if (close_paren != nullptr && std::sscanf(close_paren + 1, " %c %ld", &state, &ppid) == 2 &&
        ppid == self)
      out.push_back(static_cast<pid_t>(std::atol(e->d_name)));
  }
  ::closedir(d);
  return out;
}

// Reaps what the plugin's processes left (noting any killed by a signal) and kills every process it
// started that still runs; their own children then come to the worker (its subreaper) and go too.
void reap_children(const std::vector<pid_t>& keep, answer& a) {
  for (int round = 0; round < 1000; ++round) {
    int st = 0;
    pid_t p = 0;
    while ((p = ::waitpid(-1, &st, WNOHANG | __WALL)) > 0)
      if (WIFSIGNALED(st) && WTERMSIG(st) != SIGKILL && a.child_signal == 0)
        a.child_signal = WTERMSIG(st);
    if (p < 0) return;  // no children at all
    bool killed = false;
    for (const pid_t c : children()) {
      if (std::find(keep.begin(), keep.end(), c) != keep.end()) continue;
      ::kill(c, SIGKILL);
      while (::waitpid(c, &st, __WALL) < 0 && errno == EINTR) {
      }
      ++a.left;
      killed = true;
    }
    if (!killed) return;  // only the children started while loading remain
  }
}

// The request's data bytes [page, end) become accessible, everything else in the mapping not.
void open_data(std::uint64_t end, std::uint64_t& open_end) {
  auto* base = const_cast<unsigned char*>(g_base);
  end = std::min<std::uint64_t>(end, g_capacity - page_size());
  if (end > open_end) ::mprotect(base + open_end, end - open_end, PROT_READ | PROT_WRITE);
  if (end < open_end) ::mprotect(base + end, open_end - end, PROT_NONE);
  open_end = end;
}

[[noreturn]] void serve(conv_fn conv, supports_fn supports, const worker_setup& s,
                        const std::vector<pid_t>& keep) {
  std::uint64_t open_end = page_size();
  cpu_limit cpu(s.timeout_s);
  for (;;) {
    char c = 0;
    const ssize_t r = ::read(s.cmd_fd, &c, 1);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) _exit(0);
    const request q = *s.req;
    g_seq = q.seq;
    open_data(q.end, open_end);
    cpu.before_call();
    // the plugin gets its own copy of the problem: a write into it is seen, and hurts nothing
    tconv_problem p = q.p;
    answer a;
    a.tag = 'd';
    a.seq = q.seq;
    a.supported = supports == nullptr ? 1 : (supports(&p) != 0 ? 1 : 0);
    if (a.supported != 0) {
      const auto* x = reinterpret_cast<const float*>(s.base + q.off[0]);
      const auto* w = reinterpret_cast<const float*>(s.base + q.off[1]);
      const float* b =
          q.p.has_bias != 0 ? reinterpret_cast<const float*>(s.base + q.off[2]) : nullptr;
      auto* y = reinterpret_cast<float*>(s.base + q.off[3]);
      a.ret = conv(&p, x, w, b, y);
    }
    a.problem_modified = std::memcmp(&p, &q.p, sizeof p) != 0 ? 1 : 0;
    reap_children(keep, a);
    if (!send(a)) _exit(0);
  }
}

// The plugin gets none of tconv's descriptors (its outputs, its stdin) but stderr, which its
// stdout joins: tconv's stdout carries tconv's report only.
void close_inherited(int keep1, int keep2) {
  if (const int null_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC); null_fd >= 0) {
    ::dup2(null_fd, 0);
    ::close(null_fd);
  }
  std::fflush(stdout);
  ::dup2(2, 1);
  std::vector<int> fds;
  if (DIR* d = ::opendir("/proc/self/fd")) {
    while (const dirent* e = ::readdir(d))
      if (e->d_name[0] >= '0' && e->d_name[0] <= '9') fds.push_back(std::atoi(e->d_name));
    ::closedir(d);
  }
  for (const int fd : fds)
    if (fd > 2 && fd != keep1 && fd != keep2)
      ::close(fd);  // (the directory's own fd is gone already)
}

void send_load_error(const std::string& m) {
  answer a;
  a.tag = 'e';
  if (!send(a)) return;
  (void)!::write(g_resp_fd, m.data(), std::min<std::size_t>(m.size(), 1024));
}

}  // namespace

void worker_main(const worker_setup& s) {
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() != s.parent) _exit(0);  // the harness died before the line above took effect
  ::setsid();  // own session and process group: its kill(0, ...) and a terminal's ^C stay apart
  ::prctl(PR_SET_CHILD_SUBREAPER, 1);
  ::signal(SIGPIPE, SIG_DFL);
  for (const int sig : {SIGINT, SIGTERM, SIGHUP}) ::signal(sig, SIG_DFL);
  g_req = reinterpret_cast<const unsigned char*>(s.req);
  g_req_size = s.req_size;
  g_base = s.base;
  g_capacity = s.capacity;
  g_resp_fd = s.resp_fd;
  close_inherited(s.cmd_fd, s.resp_fd);
  ::mprotect(s.req, s.req_size, PROT_READ);
  ::mprotect(s.base, s.capacity, PROT_NONE);
  install_fault_handler();
  apply_limits();
  void* lib = ::dlopen(s.path.c_str(), RTLD_NOW | RTLD_LOCAL);
  conv_fn conv = nullptr;
  supports_fn supports = nullptr;
  if (lib != nullptr) {
    conv =
        reinterpret_cast<conv_fn>(::dlsym(lib, std::string(tested_operation::abi_symbol).c_str()));
    supports = reinterpret_cast<supports_fn>(::dlsym(lib, "tconv_supports"));
  }
  if (lib == nullptr || conv == nullptr) {
    send_load_error(lib == nullptr
                        ? std::string(::dlerror())
                        : "it does not export " + std::string(tested_operation::abi_symbol) +
                              " (see tconv/impl.h)");
    _exit(3);
  }
  const std::vector<pid_t> keep = children();  // started while loading: kept until the worker ends
  answer ready;
  ready.tag = 'r';
  if (!send(ready)) _exit(0);
  serve(conv, supports, s, keep);
}

}  // namespace tconv::harness::sandbox
