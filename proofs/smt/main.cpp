// tconv-smt-proof: proves the theorem for every shape (statements.cpp) with Z3 through its C++ API
// and cross-checks it with cvc5 through SMT-LIB when a cvc5 binary is found. Each query runs in a
// process of its own under a wall-clock limit: Z3 4.8.12's in-process timeout can deadlock.
// Exit status: 0 every statement proved and every tooth refuted by every solver run; 1 otherwise;
// 2 bad usage.
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "statements.hpp"

namespace {

using tconv::smt::statement;
using tconv::smt::vars;

struct outcome {
  std::string verdict;  // "unsat", "sat", "unknown", "timeout", "error"
  std::string detail;   // counterexample or reason
  double seconds = 0;
};

void write_all(int fd, const std::string& answer) {
  for (std::size_t done = 0; done < answer.size();) {
    const ssize_t n = write(fd, answer.data() + done, answer.size() - done);
    if (n <= 0) return;
    done += static_cast<std::size_t>(n);
  }
}

// A child process writing its answer to a pipe, in a process group of its own (so that the
// deadline also kills a solver it started).
struct child {
  pid_t pid = -1;
  int fd = -1;
  std::chrono::steady_clock::time_point start;
};

template <class Work>
child start_child(Work&& work) {
  child c;
  int fd[2];
  c.start = std::chrono::steady_clock::now();
  if (pipe(fd) != 0) return c;
  c.pid = fork();
  if (c.pid == 0) {
    setpgid(0, 0);
    close(fd[0]);
    // the child times its own work: the parent may collect the answer later
    const std::string answer = work();
    const double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - c.start).count();
    write_all(fd[1], std::to_string(secs) + " " + answer);
    _exit(0);
  }
  close(fd[1]);
  c.fd = fd[0];
  return c;
}

// The child's answer "verdict detail...", or a timeout once limit_s has passed since its start.
outcome finish_child(const child& c, double limit_s) {
  if (c.pid < 0) return {"error", "cannot start a process", 0};
  std::string text;
  bool timed_out = false;
  for (;;) {
    const double left =
        limit_s - std::chrono::duration<double>(std::chrono::steady_clock::now() - c.start).count();
    if (left <= 0) {
      timed_out = true;
      break;
    }
    pollfd p{c.fd, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(left * 1000) + 1) <= 0) continue;
    char buf[4096];
    const ssize_t n = read(c.fd, buf, sizeof buf);
    if (n <= 0) break;
    text.append(buf, static_cast<std::size_t>(n));
  }
  if (timed_out) kill(-c.pid, SIGKILL);
  close(c.fd);
  waitpid(c.pid, nullptr, 0);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - c.start).count();
  if (timed_out) return {"timeout", "no answer within the limit", seconds};
  // "SECONDS VERDICT DETAIL..."
  const auto gap = text.find(' ');
  if (gap == std::string::npos) return {"error", "the solver process gave no answer", seconds};
  const std::string rest = text.substr(gap + 1);
  const auto space = rest.find(' ');
  outcome r{rest.substr(0, space), space == std::string::npos ? "" : rest.substr(space + 1),
            std::atof(text.substr(0, gap).c_str())};
  if (r.verdict.empty()) r.verdict = "error";
  return r;
}

// "name=value ..." for every named unknown, from a model of the negated claim
std::string counterexample(const z3::model& m, const vars& v) {
  std::string s;
  for (const auto& [name, e] : v.shown) {
    const z3::expr val = m.eval(e, true);
    s += name + "=" + val.to_string() + " ";
  }
  return s;
}

// Each product of two or more unknowns replaced by a fresh unknown (the same product by the same
// one): the result is linear, and every model of the original is a model of it, so `unsat` for
// it proves the original unsat. Z3 4.8.12's nonlinear solver can spin for minutes on queries that
// are linear in their monomials (e.g. a sum compared with the same sum in another order).
class product_abstraction {
 public:
  explicit product_abstraction(z3::context& ctx) : ctx_(ctx) {}
  z3::expr operator()(const z3::expr& e) {
    if (const auto hit = done_.find(e.id()); hit != done_.end()) return hit->second;
    z3::expr r = e;
    if (e.is_app() && e.num_args() > 0) {
      z3::expr_vector args(ctx_);
      int unknowns = 0;
      for (unsigned n = 0; n < e.num_args(); ++n) {
        args.push_back((*this)(e.arg(n)));
        unknowns += !e.arg(n).is_numeral();
      }
      if (e.decl().decl_kind() == Z3_OP_MUL && unknowns >= 2) {
        r = ctx_.int_const(("product!" + std::to_string(done_.size())).c_str());
      } else {
        r = e.decl()(args);
      }
    }
    done_.emplace(e.id(), r);
    return r;
  }

 private:
  z3::context& ctx_;
  std::map<unsigned, z3::expr> done_;
};

// Z3 on the query in sum-of-monomials form: first with its products abstracted (a proof if
// unsat), then as it is (a proof, or a counterexample, or unknown).
child start_z3(const statement& st) {
  return start_child([&st]() -> std::string {
    z3::context ctx;
    vars v{ctx, {}};
    z3::params p(ctx);
    p.set("som", true);
    const z3::expr q = st.negation(v).simplify(p);
    if (!st.tooth) {
      z3::solver linear(ctx);
      product_abstraction abstract(ctx);
      linear.add(abstract(q));
      if (linear.check() == z3::unsat) return "unsat (products abstracted)";
    }
    z3::solver s(ctx);
    s.add(q);
    const z3::check_result r = s.check();
    if (r == z3::unsat) return "unsat";
    if (r == z3::sat) return "sat " + counterexample(s.get_model(), v);
    return "unknown " + s.reason_unknown();
  });
}

// The query as SMT-LIB in sum-of-monomials form (cvc5 needs it to relate d*(k-1-kc) and d*(k-1);
// the rewrite is an equivalence), optionally with its products abstracted.
std::string smt_lib(const statement& st, bool abstracted, const char* logic = "ALL") {
  z3::context ctx;
  vars v{ctx, {}};
  z3::params p(ctx);
  p.set("som", true);
  z3::solver s(ctx);
  const z3::expr q = st.negation(v).simplify(p);
  product_abstraction abstract(ctx);
  s.add(abstracted ? abstract(q) : q);
  return std::string("(set-logic ") + logic + ")\n" + s.to_smt2();
}

// One cvc5 run on `text` (inside the cvc5 child): "unsat", "sat" or "unknown ...".
std::string cvc5_once(const std::string& text, const std::string& cvc5, double limit_s) {
  char path[] = "/tmp/tconv-smt-XXXXXX.smt2";
  const int f = mkstemps(path, 5);
  if (f < 0) return "error cannot create a temporary file";
  const bool written = write(f, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  close(f);
  if (!written) return "error cannot write the SMT-LIB file";
  const std::string tlimit = "--tlimit=" + std::to_string(static_cast<long>(limit_s * 1000));
  int fd[2];
  if (pipe(fd) != 0) return "error pipe";
  const pid_t pid = fork();
  if (pid == 0) {
    dup2(fd[1], STDOUT_FILENO);
    dup2(fd[1], STDERR_FILENO);
    execl(cvc5.c_str(), cvc5.c_str(), tlimit.c_str(), path, static_cast<char*>(nullptr));
    _exit(127);
  }
  close(fd[1]);
  std::string out;
  char buf[512];
  for (ssize_t n; (n = read(fd[0], buf, sizeof buf)) > 0;)
    out.append(buf, static_cast<std::size_t>(n));
  close(fd[0]);
  waitpid(pid, nullptr, 0);
  unlink(path);
  const std::string first = out.substr(0, out.find_first_of("\n "));
  if (first == "unsat" || first == "sat") return first;
  for (char& ch : out)
    if (ch == '\n') ch = ' ';
  return "unknown " + out.substr(0, 160);
}

// cvc5 on the products-abstracted form first (a proof if unsat), then on the query as it is,
// declared as logic ALL and then as QF_NIA (cvc5 1.0.3 picks different strategies for the two,
// and each one stalls on a query the other answers at once), each with half the limit
child start_cvc5(const statement& st, const std::string& cvc5, double limit_s) {
  return start_child([&]() -> std::string {
    if (!st.tooth) {
      const std::string r = cvc5_once(smt_lib(st, true), cvc5, limit_s / 4);
      if (r == "unsat") return "unsat (products abstracted)";
    }
    std::string r = cvc5_once(smt_lib(st, false, "ALL"), cvc5, limit_s / 2);
    if (r != "unsat" && r != "sat") r = cvc5_once(smt_lib(st, false, "QF_NIA"), cvc5, limit_s / 2);
    return r;
  });
}

/// The cvc5 binary on PATH, or "".
std::string find_cvc5() {
  const char* path = std::getenv("PATH");
  std::string dirs = path != nullptr ? path : "/usr/bin";
  for (std::size_t b = 0; b <= dirs.size();) {
    std::size_t e = dirs.find(':', b);
    if (e == std::string::npos) e = dirs.size();
    const std::string cand = dirs.substr(b, e - b) + "/cvc5";
    if (access(cand.c_str(), X_OK) == 0) return cand;
    b = e + 1;
  }
  return "";
}

struct options {
  double limit_s = 30;
  std::string only;
  bool z3 = true, cvc5 = true, list = false;
  std::string cvc5_path, dump_dir;
};

bool parse(int argc, char** argv, options& o) {
  for (int a = 1; a < argc; ++a) {
    const std::string arg = argv[a];
    const bool has_value = a + 1 < argc;
    if (arg == "--list") {
      o.list = true;
    } else if (arg == "--timeout" && has_value) {
      o.limit_s = std::atof(argv[++a]);
      if (!(o.limit_s > 0 && o.limit_s <= 3600)) {
        std::fprintf(stderr, "tconv-smt-proof: --timeout must be in (0, 3600] seconds\n");
        return false;
      }
    } else if (arg == "--only" && has_value) {
      o.only = argv[++a];
    } else if (arg == "--solver" && has_value) {
      const std::string s = argv[++a];
      if (s != "z3" && s != "cvc5" && s != "both") {
        std::fprintf(stderr, "tconv-smt-proof: --solver must be z3, cvc5 or both\n");
        return false;
      }
      o.z3 = s != "cvc5";
      o.cvc5 = s != "z3";
    } else if (arg == "--smt2" && has_value) {
      o.dump_dir = argv[++a];
    } else if (arg == "--cvc5" && has_value) {
      o.cvc5_path = argv[++a];
    } else {
      std::fprintf(
          stderr,
          "usage: tconv-smt-proof [--list] [--only SUBSTRING] [--timeout SECONDS]\n"
          "                       [--solver z3|cvc5|both] [--cvc5 PATH] [--smt2 DIR]\n"
          "--smt2 DIR writes each query as DIR/NAME.smt2 (what cvc5 is given) and exits\n");
      return false;
    }
  }
  return true;
}

// --smt2: every selected query as SMT-LIB, for any solver
bool dump(const std::vector<statement>& all, const options& o) {
  for (const auto& st : all) {
    if (!o.only.empty() && std::string(st.name).find(o.only) == std::string::npos) continue;
    std::string file = o.dump_dir + "/" + st.name + ".smt2";
    for (std::size_t c = o.dump_dir.size() + 1; c < file.size(); ++c)
      if (file[c] == ':' || file[c] == '<' || file[c] == ' ' || file[c] == '>' || file[c] == '=' ||
          file[c] == '(' || file[c] == ')')
        file[c] = '_';
    FILE* f = std::fopen(file.c_str(), "w");
    if (f == nullptr) {
      std::fprintf(stderr, "tconv-smt-proof: cannot write %s\n", file.c_str());
      return false;
    }
    const std::string text = smt_lib(st, false);
    std::fwrite(text.data(), 1, text.size(), f);
    std::fclose(f);
    std::printf("%s\n", file.c_str());
  }
  return true;
}

// One line per (statement, solver); true when the verdict is the expected one.
bool report(const statement& st, const char* solver, const outcome& r) {
  const std::string want = st.tooth ? "sat" : "unsat";
  const bool ok = r.verdict == want;
  const char* word = r.verdict == "unsat" ? "proved"
                     : r.verdict == "sat" ? "refuted"
                                          : r.verdict.c_str();
  std::printf("%-4s %-8s %-5s %7.2f s  %s: %s%s\n", ok ? "ok" : "FAIL", word, solver, r.seconds,
              st.name, st.claim,
              r.verdict == "unsat" && !r.detail.empty() ? (" " + r.detail).c_str() : "");
  if (r.verdict == "sat" && !r.detail.empty())
    std::printf("%28s counterexample: %s\n", "", r.detail.c_str());
  else if (!ok && !r.detail.empty())
    std::printf("%28s %s\n", "", r.detail.c_str());
  std::fflush(stdout);
  return ok;
}

}  // namespace

int main(int argc, char** argv) {
  options o;
  if (!parse(argc, argv, o)) return 2;
  const auto& all = tconv::smt::all_statements();
  if (o.list) {
    for (const auto& st : all) std::printf("%s%s: %s\n", st.tooth ? "  " : "", st.name, st.claim);
    return 0;
  }
  if (!o.dump_dir.empty()) return dump(all, o) ? 0 : 1;
  if (o.cvc5) {
    if (o.cvc5_path.empty()) o.cvc5_path = find_cvc5();
    if (o.cvc5_path.empty()) {
      std::printf("cvc5 not found on PATH: Z3 only (install cvc5 for the cross-check)\n");
      o.cvc5 = false;
      if (!o.z3) return 1;
    }
  }
  std::printf(
      "tconv-smt-proof: the index rules of include/tconv/index_rules.hpp over unbounded\n"
      "integers, each query in its own process, limit %.0f s. proved = unsat negation;\n"
      "a tooth (a deliberately wrong rule) must be refuted.\n",
      o.limit_s);
  int failures = 0, runs = 0;
  const auto start = std::chrono::steady_clock::now();
  for (const auto& st : all) {
    if (!o.only.empty() && std::string(st.name).find(o.only) == std::string::npos) continue;
    // the two solvers run at once, each in its own process group
    child z3c, cvc5c;
    if (o.z3) z3c = start_z3(st);
    if (o.cvc5) cvc5c = start_cvc5(st, o.cvc5_path, o.limit_s);
    if (o.z3) failures += !report(st, "z3", finish_child(z3c, o.limit_s)), ++runs;
    if (o.cvc5) failures += !report(st, "cvc5", finish_child(cvc5c, o.limit_s * 1.25 + 2)), ++runs;
  }
  const double total =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("%d solver runs, %d failed, %.1f s\n", runs, failures, total);
  if (runs == 0) {
    std::printf("no statement matches --only %s\n", o.only.c_str());
    return 2;
  }
  return failures == 0 ? 0 : 1;
}
