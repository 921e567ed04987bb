// Fatal-signal cleanup for the explore harness (see containment.hpp). State lives in fixed
// arrays of atomics so that the handler can read it without locks or allocation.
#include "harness/containment.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstring>

namespace tconv::harness::containment {

namespace {

constexpr int max_groups = 64;
constexpr int max_dirs = 16;
constexpr std::size_t max_path = 4096;

std::atomic<pid_t> groups[max_groups];
// 0 free, 1 being filled, 2 in use: the handler reads a path only once it is complete
std::atomic<int> dir_state[max_dirs];
char dir_path[max_dirs][max_path];

void remove_entries(int dir_fd, int depth) noexcept {
  alignas(8) char buf[2048];
  for (;;) {
    const long n = ::syscall(SYS_getdents64, dir_fd, buf, sizeof buf);
    if (n <= 0) return;
    bool removed = false;
    for (long at = 0; at < n;) {
      // glibc's dirent64 has the kernel's linux_dirent64 layout
      const auto* d = reinterpret_cast<const dirent64*>(buf + at);
      at += d->d_reclen;
      const char* name = d->d_name;
      if (std::strcmp(name, ".") == 0 || std::strcmp(name, "..") == 0) continue;
      if (::unlinkat(dir_fd, name, 0) == 0) {
        removed = true;
        continue;
      }
      if (depth >= 16) continue;
      const int sub = ::openat(dir_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (sub < 0) continue;
      remove_entries(sub, depth + 1);
      ::close(sub);
      if (::unlinkat(dir_fd, name, AT_REMOVEDIR) == 0) removed = true;
    }
    // entries removed while reading shift the directory's offsets: read it again from the start
    if (removed) ::lseek(dir_fd, 0, SEEK_SET);
  }
}

void on_fatal_signal(int sig, siginfo_t* info, void*) {
  const int saved_errno = errno;
  // A contained process that signals tconv itself (kill(getppid(), ...)) is ignored: only the
  // user, the shell or a supervisor may stop the harness.
  if (info != nullptr && info->si_code == SI_USER && info->si_pid > 0) {
    const pid_t sender_group = ::getpgid(info->si_pid);
    for (auto& g : groups)
      if (const pid_t v = g.load(); v > 0 && v == sender_group) {
        errno = saved_errno;
        return;
      }
  }
  for (auto& g : groups)
    if (const pid_t v = g.load(); v > 0) ::kill(-v, SIGKILL);
  for (int i = 0; i < max_dirs; ++i)
    if (dir_state[i].load() == 2) remove_tree(dir_path[i]);
  ::signal(sig, SIG_DFL);
  ::raise(sig);  // delivered when the handler returns: tconv dies by the signal it was sent
  errno = saved_errno;
}

}  // namespace

void remove_tree(const char* path) noexcept {
  const int fd = ::open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return;
  remove_entries(fd, 0);
  ::close(fd);
  ::rmdir(path);
}

void install() {
  static std::atomic<bool> done{false};
  if (done.exchange(true)) return;
  for (const int sig : {SIGINT, SIGTERM, SIGHUP}) {
    struct sigaction old {};
    ::sigaction(sig, nullptr, &old);
    // a signal ignored by whoever started tconv (nohup, a shell's background job) stays ignored
    if (old.sa_handler == SIG_IGN) continue;
    struct sigaction sa {};
    sa.sa_sigaction = on_fatal_signal;
    sa.sa_flags = SA_SIGINFO | SA_RESTART;
    sigemptyset(&sa.sa_mask);
    for (const int other : {SIGINT, SIGTERM, SIGHUP}) sigaddset(&sa.sa_mask, other);
    ::sigaction(sig, &sa, nullptr);
  }
}

void add_group(pid_t pgid) {
  for (auto& g : groups) {
    pid_t empty = 0;
    if (g.compare_exchange_strong(empty, pgid)) return;
  }
}

void remove_group(pid_t pgid) {
  for (auto& g : groups) {
    pid_t v = pgid;
    if (g.compare_exchange_strong(v, 0)) return;
  }
}

void add_dir(const std::string& path) {
  if (path.size() >= max_path) return;
  for (auto i = 0; i < max_dirs; ++i) {
    int free_slot = 0;
    if (!dir_state[i].compare_exchange_strong(free_slot, 1)) continue;
    std::memcpy(dir_path[i], path.c_str(), path.size() + 1);
    dir_state[i].store(2);
    return;
  }
}

void remove_dir(const std::string& path) {
  for (int i = 0; i < max_dirs; ++i)
    if (dir_state[i].load() == 2 && path == dir_path[i]) {
      dir_state[i].store(0);
      return;
    }
}

}  // namespace tconv::harness::containment
