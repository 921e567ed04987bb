// The directory protocol: the command is started once (through /bin/sh, in its own process
// group); per case the harness writes a case directory, sends its path as one line, and reads one
// line back: `ok` (then y.npy), `unsupported` or `error: MESSAGE`. A command that dies or stays
// silent is a finding; it is restarted for the next case.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <filesystem>

#include "case_io.hpp"
#include "implementation.hpp"
#include "util.hpp"

namespace tconv::explore {

namespace fs = std::filesystem;

namespace {

class command_runner final : public implementation {
 public:
  command_runner(std::string command, double timeout_s, double startup_s)
      : command_(std::move(command)), timeout_s_(timeout_s), startup_s_(startup_s) {
    ::signal(SIGPIPE, SIG_IGN);
    if (command_.find_first_not_of(" \t") == std::string::npos) throw usage_error("--cmd: the command is empty");
    const char* tmp = std::getenv("TMPDIR");
    std::string tmpl = std::string(tmp != nullptr && *tmp != 0 ? tmp : "/tmp") + "/tconv-explore-XXXXXX";
    if (::mkdtemp(tmpl.data()) == nullptr) throw usage_error("cannot create a temporary directory " + tmpl);
    root_ = tmpl;
  }
  ~command_runner() override {
    stop(true);
    std::error_code ec;
    fs::remove_all(root_, ec);
  }
  command_runner(const command_runner&) = delete;
  command_runner& operator=(const command_runner&) = delete;

  call_result call(const explore_case& c) override {
    const bool fresh = pid_ <= 0;
    if (fresh) {
      if (const auto err = start(); !err.empty()) return failed(finding_kind::crash, err);
    }
    const fs::path dir = root_ / ("case-" + std::to_string(counter_++));
    write_case_dir(dir, c);
    struct cleanup {
      fs::path d;
      ~cleanup() {
        std::error_code ec;
        fs::remove_all(d, ec);
      }
    } remove_dir{dir};
    const std::string line = dir.string() + "\n";
    if (!write_all(line)) return died("before reading the case path");
    // The first case after a (re)start also pays for the command's own start-up (imports, JIT...).
    const double limit = timeout_s_ + (fresh ? startup_s_ : 0.0);
    std::string answer;
    switch (read_line(answer, limit)) {
      case line_status::ok: break;
      case line_status::eof: return died("before answering");
      case line_status::timed_out:
        stop(false);
        return failed(finding_kind::timeout, "no answer within " + seconds(limit) +
                                                 " (the command was killed; raise --timeout if it is only slow)");
      case line_status::too_long:
        stop(false);
        return failed(finding_kind::error, "answered a line longer than 64 KiB (protocol: ok | unsupported | error: MESSAGE)");
    }
    if (!answer.empty() && answer.back() == '\r') answer.pop_back();
    if (answer == "unsupported") return {call_result::status::unsupported, {}, {}, {}};
    if (answer.rfind("error:", 0) == 0) {
      std::string m = answer.substr(6);
      if (!m.empty() && m[0] == ' ') m.erase(0, 1);
      return failed(finding_kind::error, "answered error: " + m);
    }
    if (answer != "ok")
      return failed(finding_kind::error,
                    "answered \"" + answer.substr(0, 200) + "\" (protocol: ok | unsupported | error: MESSAGE)");
    const auto want = output_shape(c.p, op_kind::conv_transpose);
    call_result r;
    std::vector<std::int64_t> shape;
    try {
      r.y = read_npy_f32(dir / "y.npy", shape, checked_size(want, "output shape"));
    } catch (const usage_error& e) {
      return failed(finding_kind::error, std::string("answered ok, but y.npy is unusable: ") + e.what());
    }
    if (shape != want)
      return failed(finding_kind::error, "answered ok, but y.npy has shape " + detail::to_string(shape) +
                                             " instead of " + detail::to_string(want));
    return r;
  }

  std::string replay_flag() const override { return "--cmd " + shell_quote(command_); }

 private:
  enum class line_status { ok, eof, timed_out, too_long };

  static call_result failed(finding_kind k, std::string m) {
    return {call_result::status::failed, k, std::move(m), {}};
  }

  call_result died(const char* when) {
    const std::string how = reap();
    return failed(finding_kind::crash, "the command " + how + " " + when);
  }

  std::string start() {
    int in[2], out[2];
    if (::pipe2(in, O_CLOEXEC) != 0) return "pipe failed";
    if (::pipe2(out, O_CLOEXEC) != 0) {
      ::close(in[0]);
      ::close(in[1]);
      return "pipe failed";
    }
    std::fflush(nullptr);
    const pid_t pid = ::fork();
    if (pid < 0) return "fork failed";
    if (pid == 0) {
      ::setpgid(0, 0);
      prctl(PR_SET_PDEATHSIG, SIGKILL);
      ::dup2(in[0], 0);
      ::dup2(out[1], 1);
      ::signal(SIGPIPE, SIG_DFL);
      ::execl("/bin/sh", "sh", "-c", command_.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    ::setpgid(pid, pid);
    ::close(in[0]);
    ::close(out[1]);
    pid_ = pid;
    in_fd_ = in[1];
    out_fd_ = out[0];
    buffer_.clear();
    return {};
  }

  bool write_all(const std::string& s) {
    const char* c = s.data();
    std::size_t n = s.size();
    while (n > 0) {
      const ssize_t r = ::write(in_fd_, c, n);
      if (r < 0 && errno == EINTR) continue;
      if (r <= 0) return false;
      c += r;
      n -= static_cast<std::size_t>(r);
    }
    return true;
  }

  line_status read_line(std::string& line, double timeout_s) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
    for (;;) {
      if (const auto nl = buffer_.find('\n'); nl != std::string::npos) {
        line = buffer_.substr(0, nl);
        buffer_.erase(0, nl + 1);
        return line_status::ok;
      }
      if (buffer_.size() > (1u << 16)) return line_status::too_long;
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() < 0) return line_status::timed_out;
      pollfd pfd{out_fd_, POLLIN, 0};
      const int r = ::poll(&pfd, 1, static_cast<int>(left.count() + 1));
      if (r < 0 && errno == EINTR) continue;
      if (r == 0) continue;
      char buf[4096];
      const ssize_t got = ::read(out_fd_, buf, sizeof buf);
      if (got < 0 && errno == EINTR) continue;
      if (got <= 0) return line_status::eof;
      buffer_.append(buf, static_cast<std::size_t>(got));
    }
  }

  std::string reap() {
    if (pid_ <= 0) return "was not running";
    int st = 0;
    // It closed its stdout; give it a moment to exit by itself before forcing it.
    pid_t r = 0;
    for (int i = 0; i < 200 && (r = ::waitpid(pid_, &st, WNOHANG)) == 0; ++i) ::usleep(10000);
    if (r == 0) {
      ::kill(-pid_, SIGKILL);
      while ((r = ::waitpid(pid_, &st, 0)) < 0 && errno == EINTR) {
      }
    }
    ::kill(-pid_, SIGKILL);  // whatever it left behind in its group
    pid_ = -1;
    close_fds();
    return r < 0 ? "vanished" : describe_wait_status(st);
  }

  // graceful: close stdin and give the command a moment to finish on its own.
  void stop(bool graceful) {
    if (pid_ <= 0) return;
    if (graceful) {
      ::close(in_fd_);
      in_fd_ = -1;
      int st = 0;
      for (int i = 0; i < 100; ++i) {
        if (::waitpid(pid_, &st, WNOHANG) != 0) {
          ::kill(-pid_, SIGKILL);
          pid_ = -1;
          close_fds();
          return;
        }
        ::usleep(10000);
      }
    }
    ::kill(-pid_, SIGKILL);
    int st = 0;
    while (::waitpid(pid_, &st, 0) < 0 && errno == EINTR) {
    }
    pid_ = -1;
    close_fds();
  }

  void close_fds() {
    if (in_fd_ >= 0) ::close(in_fd_);
    if (out_fd_ >= 0) ::close(out_fd_);
    in_fd_ = out_fd_ = -1;
  }

  std::string command_;
  double timeout_s_, startup_s_;
  fs::path root_;
  std::uint64_t counter_ = 0;
  pid_t pid_ = -1;
  int in_fd_ = -1, out_fd_ = -1;
  std::string buffer_;
};

}  // namespace

std::unique_ptr<implementation> make_command(const std::string& command, double timeout_s, double startup_s) {
  return std::make_unique<command_runner>(command, timeout_s, startup_s);
}

}  // namespace tconv::explore
