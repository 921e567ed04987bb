// Runs every line of a bad-input catalogue and checks that the command ends the way the line says:
// a normal exit (never a signal) with the expected status, within the time limit, with the expected
// fragment in its stdout+stderr. Every line is run and reported: nothing is skipped silently.
//
// Catalogue line:   STATUS | TIMEOUT_S | MESSAGE FRAGMENT | COMMAND ARGS...
// '#' starts a comment line. ${NAME} in the command is replaced by --var NAME=VALUE values.
// Arguments split on blanks; "double quotes" group one argument (no escapes inside).
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <string>
#include <vector>

namespace {

struct entry {
  int line = 0;
  int status = 0;
  int timeout_s = 0;
  std::string fragment, command;
};

struct outcome {
  bool timed_out = false, signaled = false;
  int status = -1, signal = 0;
  std::string output;
};

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
}

std::vector<std::string> split_fields(const std::string& s) {
  std::vector<std::string> f;
  std::size_t start = 0;
  for (int i = 0; i < 3; ++i) {
    const auto bar = s.find('|', start);
    if (bar == std::string::npos) return {};
    f.push_back(trim(s.substr(start, bar - start)));
    start = bar + 1;
  }
  f.push_back(trim(s.substr(start)));
  return f;
}

std::vector<std::string> split_args(const std::string& s) {
  std::vector<std::string> args;
  std::string cur;
  bool quoted = false, have = false;
  for (char c : s) {
    if (c == '"') {
      quoted = !quoted;
      have = true;
    } else if (!quoted && (c == ' ' || c == '\t')) {
      if (have) args.push_back(cur);
      cur.clear();
      have = false;
    } else {
      cur += c;
      have = true;
    }
  }
  if (have) args.push_back(cur);
  return args;
}

std::string substitute(std::string s, const std::map<std::string, std::string>& vars) {
  for (const auto& [k, v] : vars) {
    const std::string key = "${" + k + "}";
    for (auto pos = s.find(key); pos != std::string::npos; pos = s.find(key, pos + v.size()))
      s.replace(pos, key.size(), v);
  }
  return s;
}

outcome run(const std::vector<std::string>& args, int timeout_s) {
  outcome r;
  int fds[2];
  if (pipe(fds) != 0) {
    r.output = "pipe failed";
    return r;
  }
  const pid_t pid = fork();
  if (pid == 0) {
    setpgid(0, 0);  // own process group: a timeout kills the whole command tree
    dup2(fds[1], 1);
    dup2(fds[1], 2);
    close(fds[0]);
    close(fds[1]);
    const int devnull = open("/dev/null", O_RDONLY);
    if (devnull >= 0) dup2(devnull, 0);
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execvp(argv[0], argv.data());
    std::fprintf(stderr, "exec %s: %s\n", argv[0], std::strerror(errno));
    _exit(127);
  }
  setpgid(pid, pid);
  close(fds[1]);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s);
  char buf[4096];
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                          deadline - std::chrono::steady_clock::now())
                          .count();
    if (left <= 0) {
      r.timed_out = true;
      kill(-pid, SIGKILL);
      break;
    }
    pollfd pf{fds[0], POLLIN, 0};
    const int n = poll(&pf, 1, static_cast<int>(left));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) continue;
    const ssize_t got = read(fds[0], buf, sizeof buf);
    if (got <= 0) break;  // EOF: every writer is gone
    if (r.output.size() < (1u << 20)) r.output.append(buf, static_cast<std::size_t>(got));
  }
  close(fds[0]);
  int st = 0;
  // children that closed their output but still run are bounded by the same deadline
  while (waitpid(pid, &st, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() >= deadline) {
      r.timed_out = true;
      kill(-pid, SIGKILL);
      waitpid(pid, &st, 0);
      break;
    }
    usleep(2000);
  }
  if (WIFEXITED(st)) r.status = WEXITSTATUS(st);
  if (WIFSIGNALED(st)) {
    r.signaled = true;
    r.signal = WTERMSIG(st);
  }
  return r;
}

std::string one_line(std::string s) {
  for (auto& c : s)
    if (c == '\n' || c == '\r') c = ' ';
  if (s.size() > 300) s = s.substr(0, 300) + "...";
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: run_catalogue CATALOGUE [--var NAME=VALUE]... [--only TEXT]\n";
    return 2;
  }
  std::map<std::string, std::string> vars;
  std::string only;
  for (int i = 2; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--var" && i + 1 < argc) {
      const std::string kv = argv[++i];
      const auto eq = kv.find('=');
      if (eq == std::string::npos) {
        std::cerr << "--var " << kv << ": expected NAME=VALUE\n";
        return 2;
      }
      vars[kv.substr(0, eq)] = kv.substr(eq + 1);
    } else if (a == "--only" && i + 1 < argc) {
      only = argv[++i];
    } else {
      std::cerr << "unknown argument " << a << "\n";
      return 2;
    }
  }
  std::ifstream in(argv[1]);
  if (!in) {
    std::cerr << argv[1] << ": cannot open the catalogue\n";
    return 2;
  }
  std::vector<entry> entries;
  std::string text;
  int lineno = 0;
  while (std::getline(in, text)) {
    ++lineno;
    const auto t = trim(text);
    if (t.empty() || t[0] == '#') continue;
    const auto f = split_fields(t);
    entry e;
    e.line = lineno;
    try {
      if (f.size() != 4) throw std::invalid_argument("fields");
      e.status = std::stoi(f[0]);
      e.timeout_s = std::stoi(f[1]);
    } catch (const std::exception&) {
      std::cerr << argv[1] << ":" << lineno
                << ": expected STATUS | TIMEOUT_S | FRAGMENT | COMMAND\n";
      return 2;
    }
    e.fragment = f[2];
    e.command = substitute(f[3], vars);
    if (!only.empty() && e.command.find(only) == std::string::npos) continue;
    entries.push_back(e);
  }
  int failures = 0, ran = 0;
  for (const auto& e : entries) {
    const auto args = split_args(e.command);
    if (args.empty()) {
      std::cerr << argv[1] << ":" << e.line << ": empty command\n";
      return 2;
    }
    const auto t0 = std::chrono::steady_clock::now();
    const auto r = run(args, e.timeout_s);
    const auto ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0)
            .count();
    ++ran;
    std::string why;
    if (r.timed_out)
      why = "hung: killed after " + std::to_string(e.timeout_s) + " s";
    else if (r.signaled)
      why = "crashed: signal " + std::to_string(r.signal);
    else if (r.status != e.status)
      why = "exit status " + std::to_string(r.status) + ", expected " + std::to_string(e.status);
    else if (r.output.find(e.fragment) == std::string::npos)
      why = "message lacks \"" + e.fragment + "\"";
    std::cout << (why.empty() ? "ok   " : "FAIL ") << "line " << e.line << " (" << ms << " ms) "
              << e.command << "\n";
    if (!why.empty()) {
      ++failures;
      std::cout << "     " << why << "\n     output: " << one_line(r.output) << "\n";
    }
  }
  std::cout << ran << " bad inputs, " << failures << " mishandled\n";
  if (ran == 0) {
    std::cerr << "no catalogue line ran\n";
    return 1;
  }
  return failures == 0 ? 0 : 1;
}
