// The directory protocol: the command is started once (through /bin/sh, in its own process
// group); per case the harness writes a case directory, sends its path as one line, and reads one
// line back: `ok` (then y.npy), `unsupported` or `error: MESSAGE`. A command that dies or stays
// silent is a finding; it is restarted for the next case. A command that cannot start at all is a
// usage error, and one that answers twice is blamed for the case it answered.
// Before its first case, a campaign sends the domain probe (domain()): a one-element case whose
// directory also holds `domain-request`; a program that declares its domain writes domain.json
// there, an old program answers it as an ordinary case (the answer is not judged).
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>

#include "harness/case_dir.hpp"
#include "harness/containment.hpp"
#include "harness/domain.hpp"
#include "harness/escape.hpp"
#include "harness/form_case.hpp"
#include "harness/implementation.hpp"
#include "harness/process.hpp"
#include "harness/protocol.hpp"

namespace tconv::harness {

namespace fs = std::filesystem;

namespace {

// The program a simple command line starts (after NAME=VALUE words), or "" when the shell's own
// syntax decides (quotes, expansions, builtins).
std::string first_program(const std::string& command) {
  std::size_t at = 0;
  for (;;) {
    at = command.find_first_not_of(" \t", at);
    if (at == std::string::npos) return {};
    const std::size_t end = std::min(command.find_first_of(" \t", at), command.size());
    const std::string word = command.substr(at, end - at);
    if (word.find_first_of("'\"\\$`;&|<>(){}*?[]~!#") != std::string::npos) return {};
    const auto eq = word.find('=');
    if (eq != std::string::npos && eq > 0 && word.find('/') > eq) {  // an assignment: NAME=VALUE
      at = end;
      continue;
    }
    static const char* const builtins[] = {"exec", "command", "eval",   ".",     "cd",     "export",
                                           "set",  "time",    "if",     "for",   "while",  "until",
                                           "case", "trap",    "ulimit", "umask", "echo",   "printf",
                                           "read", "test",    "true",   "false", "builtin"};
    for (const char* b : builtins)
      if (word == b) return {};
    return word;
  }
}

// Why the program of a --cmd cannot start ("" when it can, or when only the shell can tell).
std::string start_problem(const std::string& command) {
  const std::string prog = first_program(command);
  if (prog.empty()) return {};
  auto check = [](const std::string& file) -> std::string {
    struct stat st {};
    if (::stat(file.c_str(), &st) != 0) return file + ": no such file";
    if (S_ISDIR(st.st_mode)) return file + ": is a directory, not a program";
    if (::access(file.c_str(), X_OK) != 0)
      return file + ": is not executable (chmod +x, or run it through its interpreter)";
    return {};
  };
  if (prog.find('/') != std::string::npos) return check(prog);
  const char* path = std::getenv("PATH");
  const std::string dirs = path != nullptr ? path : "/usr/local/bin:/usr/bin:/bin";
  for (std::size_t at = 0; at <= dirs.size();) {
    const std::size_t colon = std::min(dirs.find(':', at), dirs.size());
    const std::string dir = colon == at ? "." : dirs.substr(at, colon - at);
    if (check(dir + "/" + prog).empty()) return {};
    at = colon + 1;
  }
  return prog + ": no such program in PATH";
}

// The text of a declaration file, or nullopt when there is none; throws usage_error when it is
// not a small regular file (a FIFO or a device would block or never end).
std::optional<std::string> read_declaration(const fs::path& file, const std::string& where) {
  std::error_code ec;
  const auto st = fs::symlink_status(file, ec);
  if (!fs::exists(st)) return std::nullopt;
  if (!fs::is_regular_file(st)) throw usage_error(where + ": is not a regular file");
  if (fs::file_size(file, ec) > protocol::max_line)
    throw usage_error(where + ": longer than 64 KiB (a domain is a small JSON object)");
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Removes a case directory when the exchange is over, whatever happened.
struct remove_on_exit {
  fs::path dir;
  ~remove_on_exit() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
};

class command_runner final : public implementation {
 public:
  command_runner(std::string command, double timeout_s, double startup_s)
      : command_(std::move(command)), timeout_s_(timeout_s), startup_s_(startup_s) {
    ::signal(SIGPIPE, SIG_IGN);
    if (command_.find_first_not_of(" \t") == std::string::npos)
      throw usage_error("--cmd: the command is empty");
    if (const auto why = start_problem(command_); !why.empty())
      throw usage_error("--cmd \"" + command_ + "\": cannot start: " + why);
    containment::install();
    const char* tmp = std::getenv("TMPDIR");
    std::string tmpl =
        std::string(tmp != nullptr && *tmp != 0 ? tmp : "/tmp") + "/tconv-explore-XXXXXX";
    if (::mkdtemp(tmpl.data()) == nullptr)
      throw usage_error("cannot create a temporary directory " + tmpl);
    root_ = tmpl;
    containment::add_dir(root_.string());
  }
  ~command_runner() override {
    stop(true);
    std::error_code ec;
    fs::remove_all(root_, ec);
    containment::remove_dir(root_.string());
  }
  command_runner(const command_runner&) = delete;
  command_runner& operator=(const command_runner&) = delete;

  outcome call(const explore_case& c) override {
    if (pid_ > 0 && output_waiting()) drop_stray_output();
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
      case line_status::ok:
        break;
      case line_status::eof:
        return died("before answering");
      case line_status::timed_out:
        stop(false);
        return failed(finding_kind::timeout,
                      "no answer within " + seconds(limit) +
                          " (the command was killed; raise --timeout if it is only slow)");
      case line_status::too_long:
        stop(false);
        return failed(
            finding_kind::error,
            "answered a line longer than 64 KiB (protocol: ok | unsupported | error: MESSAGE)");
    }
    answered_ = true;
    outcome r = interpret(protocol::parse_reply(answer), dir, c);
    // Checked after y.npy was read: a second answer sent with the first is this case's doing.
    if (output_waiting()) {
      const std::string extra = take_waiting();
      stop(false);
      return failed(finding_kind::error,
                    "answered more than once: after \"" + protocol::shown(answer) +
                        "\" it also wrote \"" + protocol::shown(extra) +
                        "\" (protocol: one answer line per case; the command was restarted)");
    }
    return r;
  }

  void set_timeout(double timeout_s) override { timeout_s_ = timeout_s; }
  std::string replay_flag() const override { return "--cmd " + shell_quote(command_); }

  const declared_domain* domain() override {
    if (!probed_) {
      probed_ = true;
      if (const auto text = probe())
        domain_ = parse_domain(*text, replay_flag() + ": " + protocol::domain_file);
    }
    return domain_ ? &*domain_ : nullptr;
  }

 private:
  enum class line_status { ok, eof, timed_out, too_long };

  // The domain probe: returns domain.json's text, or nullopt (none written, or no answer: the
  // probe's failures are not findings, the cases that follow show them).
  std::optional<std::string> probe() {
    if (!start().empty()) return std::nullopt;
    const fs::path dir = root_ / "domain-probe";
    explore_case c;  // problem{}: rank 1, one element everywhere
    c.x = {1.0f};
    c.w = {1.0f};
    write_case_dir(dir, c);
    remove_on_exit remove_dir{dir};
    std::ofstream(dir / protocol::domain_request) << "tconv domain probe 1\n";
    if (!write_all(dir.string() + "\n")) {
      (void)died("before reading the domain probe");
      return std::nullopt;
    }
    const double limit = timeout_s_ + startup_s_;
    std::string answer;
    switch (read_line(answer, limit)) {
      case line_status::ok:
        break;
      case line_status::eof:
        (void)died("on the domain probe");
        return std::nullopt;
      case line_status::timed_out:
      case line_status::too_long:
        stop(false);
        std::cerr << "tconv explore: --cmd gave no answer line to the domain probe within "
                  << seconds(limit) << "; running without a declared domain\n";
        return std::nullopt;
    }
    answered_ = true;
    if (output_waiting()) drop_stray_output();
    return read_declaration(dir / protocol::domain_file,
                            replay_flag() + ": " + protocol::domain_file);
  }

  static outcome failed(finding_kind k, std::string m) {
    return {outcome::status::failed, k, std::move(m), {}, {}};
  }

  outcome interpret(const protocol::reply& rep, const fs::path& dir, const explore_case& c) {
    using kind = protocol::reply::kind;
    if (rep.what == kind::unsupported) return {outcome::status::unsupported, {}, {}, {}, {}};
    if (rep.what == kind::error) return failed(finding_kind::error, "answered error: " + rep.text);
    if (rep.what == kind::garbled)
      return failed(finding_kind::error,
                    "answered \"" + rep.text + "\" (protocol: ok | unsupported | error: MESSAGE)");
    const auto want = output_shape(c.p, op_kind::conv_transpose);
    outcome r;
    std::vector<std::int64_t> shape;
    // with a form the engine chose the output shape itself (the judge checks it against the
    // form's readings); at most the largest reading's output is read
    const std::int64_t most = c.form ? max_output_elements(c) : checked_size(want, "output shape");
    try {
      r.y = read_npy_f32(dir / "y.npy", shape, most);
    } catch (const npy_too_large_error& e) {
      if (!c.form)
        return failed(finding_kind::error,
                      std::string("answered ok, but y.npy is unusable: ") + e.what());
      return failed(finding_kind::wrong_shape,
                    "y.npy has shape " + detail::to_string(e.shape) +
                        ": more values than any reading of the form gives (at most " +
                        std::to_string(most) + ")");
    } catch (const usage_error& e) {
      return failed(finding_kind::error,
                    std::string("answered ok, but y.npy is unusable: ") + e.what());
    }
    r.y_shape = shape;
    if (c.form) return r;
    if (shape != want)
      return failed(finding_kind::error, "answered ok, but y.npy has shape " +
                                             detail::to_string(shape) + " instead of " +
                                             detail::to_string(want));
    return r;
  }

  outcome died(const char* when) {
    int st = 0;
    const std::string how = reap(&st);
    // The shell's 126/127 before the command ever answered: it never ran (not found, not
    // executable).
    if (!answered_ && WIFEXITED(st) && (WEXITSTATUS(st) == 126 || WEXITSTATUS(st) == 127))
      throw usage_error("--cmd \"" + command_ + "\": the command could not start (the shell " +
                        how + ": " +
                        (WEXITSTATUS(st) == 127 ? "command not found" : "not executable") + ")");
    return failed(finding_kind::crash, "the command " + how + " " + when);
  }

  // Output the command wrote that no case asked for yet (an extra answer to the previous case).
  bool output_waiting() {
    if (!lines_.pending().empty()) return true;
    pollfd pfd{out_fd_, POLLIN, 0};
    return out_fd_ >= 0 && ::poll(&pfd, 1, 0) > 0 && (pfd.revents & POLLIN) != 0;
  }

  std::string take_waiting() {
    char buf[4096];
    pollfd pfd{out_fd_, POLLIN, 0};
    if (::poll(&pfd, 1, 0) > 0 && (pfd.revents & POLLIN) != 0)
      if (const ssize_t got = ::read(out_fd_, buf, sizeof buf); got > 0)
        lines_.append(buf, static_cast<std::size_t>(got));
    std::string s(lines_.pending());
    lines_.clear();
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
    return s;
  }

  // Output that arrived after the previous case's answer was judged: the command is out of step. It
  // is restarted so that this case gets its own answer, and the stray text is shown.
  void drop_stray_output() {
    const std::string extra = take_waiting();
    stop(false);
    std::cerr << "tconv explore: --cmd wrote \"" << protocol::shown(extra)
              << "\" after answering its previous case (answered twice?); restarted it\n";
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
    containment::add_group(pid);
    ::close(in[0]);
    ::close(out[1]);
    pid_ = pid;
    in_fd_ = in[1];
    out_fd_ = out[0];
    lines_.clear();
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
    const auto deadline = std::chrono::steady_clock::now() +
                          std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                              std::chrono::duration<double>(std::min(timeout_s, 1e7)));
    for (;;) {
      switch (lines_.next(line)) {
        case protocol::line_buffer::status::line:
          return line_status::ok;
        case protocol::line_buffer::status::too_long:
          return line_status::too_long;
        case protocol::line_buffer::status::need_more:
          break;
      }
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() < 0) return line_status::timed_out;
      pollfd pfd{out_fd_, POLLIN, 0};
      const int r =
          ::poll(&pfd, 1, static_cast<int>(std::min<long long>(left.count() + 1, 1 << 30)));
      if (r < 0 && errno == EINTR) continue;
      if (r == 0) continue;
      char buf[4096];
      const ssize_t got = ::read(out_fd_, buf, sizeof buf);
      if (got < 0 && errno == EINTR) continue;
      if (got <= 0) return line_status::eof;
      lines_.append(buf, static_cast<std::size_t>(got));
    }
  }

  std::string reap(int* status = nullptr) {
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
    containment::remove_group(pid_);
    pid_ = -1;
    close_fds();
    if (status != nullptr) *status = st;
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
          containment::remove_group(pid_);
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
    containment::remove_group(pid_);
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
  protocol::line_buffer lines_;
  bool answered_ = false;  // it answered at least once since tconv started it first
  bool probed_ = false;    // the domain probe was sent
  std::optional<declared_domain> domain_;
};

}  // namespace

std::unique_ptr<implementation> make_command(const std::string& command, double timeout_s,
                                             double startup_s) {
  return std::make_unique<command_runner>(command, timeout_s, startup_s);
}

}  // namespace tconv::harness
