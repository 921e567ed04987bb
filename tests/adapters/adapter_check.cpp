// Fixed-case check of one adapter plugin (the C ABI of include/tconv/impl.h), exact comparison.
//
//   tconv_adapter_check --plugin LIB.so [--missing "why"] [--unsupported a,b] [--wrong c,d]
//   [--list] tconv_adapter_check --plugin LIB.so --random N [--seed S]     (random exact-integer
//   campaign) tconv_adapter_check --plugin LIB.so --problem SPEC            (replay one problem)
//
// Every case holds small integers, so float32 arithmetic is exact in any summation order and
// the expected output, computed by tconv's exact core in int64, must match bit for bit.
// --unsupported lists the cases the plugin must decline through tconv_supports (its declared
// contract is checked both ways); --wrong lists known library findings (docs/findings.md): those
// cases must still come out wrong, so a fixed library makes the test fail until the finding is
// re-examined. --random draws valid problems (every region: ranks, gaps, dilation, groups,
// asymmetric padding, output_padding, bias), runs those the plugin supports, and shrinks the
// first wrong one to a minimal SPEC that --problem replays.
// Exit status: 0 pass, 1 a failed case, 2 usage error, 77 plugin not built (skip).
#include <dlfcn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "tconv/conv_transpose.hpp"
#include "tconv/impl.h"

namespace {

using tconv::problem;
using i64 = std::int64_t;

struct test_case {
  std::string name;
  problem p;
  std::vector<i64> x, w, b;  // empty: filled from the case's name (deterministic small integers)
};

// Deterministic values in [-3, 3] from the case name: flip-asymmetric kernels, mixed signs, zeros.
std::vector<i64> fill(const std::string& name, const char* what, i64 n) {
  std::uint64_t h = 1469598103934665603ull;
  for (char c : name + what) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ull;
  std::vector<i64> v(static_cast<std::size_t>(n));
  for (auto& e : v) {
    h = h * 6364136223846793005ull + 1442695040888963407ull;
    e = static_cast<i64>((h >> 33) % 7) - 3;
  }
  return v;
}

problem make(i64 rank, i64 cin, i64 cout, i64 groups, tconv::extents in, tconv::extents k,
             tconv::extents s = {1, 1, 1}, tconv::extents d = {1, 1, 1},
             tconv::extents pb = {0, 0, 0}, tconv::extents pe = {0, 0, 0},
             tconv::extents op = {0, 0, 0}, bool bias = false, i64 batch = 1) {
  problem p;
  p.rank = rank;
  p.batch = batch;
  p.in_channels = cin;
  p.out_channels = cout;
  p.groups = groups;
  p.input = in, p.kernel = k, p.stride = s, p.dilation = d;
  p.pad_begin = pb, p.pad_end = pe, p.output_padding = op;
  p.has_bias = bias;
  return p;
}

std::vector<test_case> cases() {
  const std::vector<i64> x01{0, 1, 2, 3}, k12{1, 2, 3, 4}, k47{4, 7, 2, 2};
  const auto seed = [](i64 s, i64 pad) {
    return make(2, 1, 1, 1, {2, 2, 1}, {2, 2, 1}, {s, s, 1}, {1, 1, 1}, {pad, pad, 0},
                {pad, pad, 0});
  };
  std::vector<test_case> c{
      // SEEDS.md worked examples 1-10 and 14 (seeds 000-004)
      {"seed1", seed(1, 0), x01, k12, {}},
      {"seed2_padding", seed(1, 1), x01, k12, {}},
      {"seed3_stride2", seed(2, 0), x01, k12, {}},
      {"seed4", seed(1, 0), x01, k47, {}},
      {"seed5_padding", seed(1, 1), x01, k47, {}},
      {"seed6_stride4", seed(4, 0), x01, k47, {}},
      {"seed7_two_channels",
       make(2, 2, 1, 1, {2, 2, 1}, {2, 2, 1}),
       {0, 1, 2, 3, 4, 5, 7, 8},
       {0, 1, 2, 3, 4, 5, 2, 3},
       {}},
      {"seed8", seed(1, 0), x01, x01, {}},
      {"seed9_padding", seed(1, 1), x01, x01, {}},
      {"seed10_stride2", seed(2, 0), x01, x01, {}},
      {"seed14_3x3",
       make(2, 1, 1, 1, {2, 2, 1}, {3, 3, 1}),
       {258, 294, 402, 438},
       {0, 1, 2, 3, 4, 5, 6, 7, 8},
       {}},
      // rank 1
      {"r1_basic",
       make(1, 2, 3, 1, {5, 1, 1}, {3, 1, 1}, {2, 1, 1}, {1, 1, 1}, {1, 0, 0}, {1, 0, 0}, {0, 0, 0},
            true),
       {},
       {},
       {}},
      {"r1_dilation", make(1, 1, 2, 1, {4, 1, 1}, {3, 1, 1}, {1, 1, 1}, {2, 1, 1}), {}, {}, {}},
      {"r1_output_padding",
       make(1, 2, 1, 1, {3, 1, 1}, {2, 1, 1}, {3, 1, 1}, {1, 1, 1}, {1, 0, 0}, {1, 0, 0},
            {2, 0, 0}),
       {},
       {},
       {}},
      // rank 2
      {"r2_nonsquare", make(2, 1, 1, 1, {3, 5, 1}, {2, 4, 1}, {1, 3, 1}), {}, {}, {}},
      {"r2_stride_gaps", make(2, 1, 2, 1, {2, 3, 1}, {2, 2, 1}, {3, 4, 1}), {}, {}, {}},
      {"r2_dilation", make(2, 1, 1, 1, {3, 3, 1}, {3, 2, 1}, {1, 2, 1}, {2, 3, 1}), {}, {}, {}},
      {"r2_dilation_stride",
       make(2, 2, 2, 1, {3, 2, 1}, {2, 2, 1}, {2, 2, 1}, {2, 2, 1}, {1, 0, 0}, {1, 0, 0}),
       {},
       {},
       {}},
      {"r2_groups_bias",
       make(2, 4, 6, 2, {3, 2, 1}, {2, 3, 1}, {2, 1, 1}, {1, 1, 1}, {0, 1, 0}, {0, 1, 0}, {0, 0, 0},
            true),
       {},
       {},
       {}},
      {"r2_depthwise",
       make(2, 3, 3, 3, {3, 3, 1}, {3, 3, 1}, {2, 2, 1}, {1, 1, 1}, {1, 1, 0}, {1, 1, 0}),
       {},
       {},
       {}},
      {"r2_batch_bias",
       make(2, 2, 3, 1, {2, 3, 1}, {3, 2, 1}, {2, 1, 1}, {1, 1, 1}, {0, 0, 0}, {0, 0, 0}, {0, 0, 0},
            true, 3),
       {},
       {},
       {}},
      {"r2_output_padding",
       make(2, 1, 2, 1, {3, 2, 1}, {3, 2, 1}, {3, 2, 1}, {1, 1, 1}, {1, 0, 0}, {1, 0, 0},
            {2, 1, 0}),
       {},
       {},
       {}},
      {"r2_output_padding_no_pad",
       make(2, 2, 1, 1, {2, 2, 1}, {2, 3, 1}, {2, 2, 1}, {1, 1, 1}, {0, 0, 0}, {0, 0, 0},
            {1, 1, 0}),
       {},
       {},
       {}},
      // output_padding >= stride, allowed by PyTorch's rule op < max(stride, dilation)
      {"r2_output_padding_dilation",
       make(2, 1, 1, 1, {3, 2, 1}, {2, 2, 1}, {1, 1, 1}, {3, 1, 1}, {0, 0, 0}, {0, 0, 0},
            {2, 0, 0}),
       {},
       {},
       {}},
      // output narrower than the stride: some of the stride x stride sub-convolutions are empty
      {"r2_output_narrower_than_stride",
       make(2, 1, 1, 1, {1, 1, 1}, {1, 3, 1}, {1, 3, 1}, {1, 1, 1}, {0, 1, 0}, {0, 1, 0}),
       {},
       {},
       {}},
      // a 1x1 kernel with padding: the output is a crop of the input-sized product
      {"r2_kernel1_padding",
       make(2, 1, 1, 1, {3, 3, 1}, {1, 1, 1}, {1, 1, 1}, {1, 1, 1}, {1, 1, 0}, {1, 1, 0}),
       {1, 2, 3, 4, 5, 6, 7, 8, 9},
       {2},
       {}},
      {"r2_asymmetric",
       make(2, 1, 2, 1, {3, 3, 1}, {3, 3, 1}, {2, 2, 1}, {1, 1, 1}, {1, 0, 0}, {0, 2, 0}),
       {},
       {},
       {}},
      {"r2_asymmetric_output_padding",
       make(2, 2, 2, 1, {2, 3, 1}, {3, 2, 1}, {2, 2, 1}, {1, 1, 1}, {0, 1, 0}, {2, 1, 0},
            {1, 0, 0}),
       {},
       {},
       {}},
      // rank 3
      {"r3_basic",
       make(3, 2, 2, 1, {2, 3, 2}, {2, 2, 3}, {2, 1, 2}, {1, 1, 1}, {1, 0, 1}, {1, 0, 1}, {0, 0, 0},
            true),
       {},
       {},
       {}},
      {"r3_groups_dilation",
       make(3, 2, 4, 2, {2, 2, 2}, {2, 2, 2}, {1, 2, 1}, {2, 1, 2}, {0, 0, 0}, {0, 0, 0},
            {0, 1, 0}),
       {},
       {},
       {}},
  };
  for (auto& t : c) {
    const auto fill_if_empty = [&](std::vector<i64>& v, const char* what,
                                   const std::vector<i64>& shape) {
      if (v.empty()) v = fill(t.name, what, tconv::checked_size(shape, what));
    };
    fill_if_empty(t.x, "x", tconv::input_shape(t.p));
    fill_if_empty(t.w, "w", tconv::weight_shape(t.p, tconv::op_kind::conv_transpose));
    if (t.p.has_bias) fill_if_empty(t.b, "b", tconv::bias_shape(t.p));
  }
  return c;
}

tconv_problem to_c(const problem& p) {
  tconv_problem c{};
  c.rank = p.rank;
  c.batch = p.batch;
  c.in_channels = p.in_channels;
  c.out_channels = p.out_channels;
  c.groups = p.groups;
  const auto out = tconv::output_extents(p, tconv::op_kind::conv_transpose);
  for (std::size_t a = 0; a < tconv::max_rank; ++a) {
    c.input[a] = p.input[a];
    c.kernel[a] = p.kernel[a];
    c.stride[a] = p.stride[a];
    c.dilation[a] = p.dilation[a];
    c.pad_begin[a] = p.pad_begin[a];
    c.pad_end[a] = p.pad_end[a];
    c.output_padding[a] = p.output_padding[a];
    c.output[a] = out[a];
  }
  c.has_bias = p.has_bias ? 1 : 0;
  return c;
}

std::set<std::string> split(const std::string& s) {
  std::set<std::string> r;
  std::size_t start = 0;
  while (start <= s.size()) {
    const auto end = s.find(',', start);
    const auto item = s.substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (!item.empty()) r.insert(item);
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return r;
}

// A buffer with guard regions on both sides: writes outside [0, n) are caught.
struct guarded {
  static constexpr std::size_t guard = 64;
  static constexpr float sentinel = -1234567.0f;
  std::vector<float> all;
  explicit guarded(std::size_t n, float fill) : all(n + 2 * guard, sentinel) {
    for (std::size_t i = 0; i < n; ++i) all[guard + i] = fill;
  }
  float* data() { return all.data() + guard; }
  [[nodiscard]] bool guards_intact(std::size_t n) const {
    for (std::size_t i = 0; i < guard; ++i)
      if (all[i] != sentinel || all[guard + n + i] != sentinel) return false;
    return true;
  }
};

using run_fn = int (*)(const tconv_problem*, const float*, const float*, const float*, float*);
using supports_fn = int (*)(const tconv_problem*);

enum class outcome { pass = 0, wrong = 1, declined = 2 };

// Runs one case; prints why it is wrong when it is.
outcome run_case(const test_case& t, run_fn run, supports_fn supports, bool quiet = false) {
  const tconv_problem cp = to_c(t.p);
  if (supports != nullptr && supports(&cp) == 0) return outcome::declined;
  const tconv::tensor<i64> x(tconv::input_shape(t.p), t.x),
      w(tconv::weight_shape(t.p, tconv::op_kind::conv_transpose), t.w);
  tconv::tensor<i64> expected;
  if (t.p.has_bias)
    expected = tconv::conv_transpose(t.p, x, w, tconv::tensor<i64>(tconv::bias_shape(t.p), t.b));
  else
    expected = tconv::conv_transpose(t.p, x, w);
  for (auto v : expected.data)
    if (v > (i64{1} << 24) || v < -(i64{1} << 24)) {
      if (!quiet)
        std::printf("  %s: exact value %lld is not representable in float32: bad case\n",
                    t.name.c_str(), static_cast<long long>(v));
      return outcome::wrong;
    }
  const auto as_float = [](const std::vector<i64>& v) {
    return std::vector<float>(v.begin(), v.end());
  };
  const std::vector<float> xf = as_float(t.x), wf = as_float(t.w), bf = as_float(t.b);
  guarded xg(xf.size(), 0), wg(wf.size(), 0), bg(bf.size(), 0);
  std::copy(xf.begin(), xf.end(), xg.data());
  std::copy(wf.begin(), wf.end(), wg.data());
  std::copy(bf.begin(), bf.end(), bg.data());
  const std::size_t n = expected.data.size();
  guarded y(n, std::nanf(""));  // NaN: an element never written cannot pass
  const int rc = run(&cp, xg.data(), wg.data(), t.p.has_bias ? bg.data() : nullptr, y.data());
  if (rc != 0) {
    if (!quiet)
      std::printf("  %s: the plugin returned %d (error) on a problem it declared supported\n",
                  t.name.c_str(), rc);
    return outcome::wrong;
  }
  bool ok = true;
  if (!y.guards_intact(n) || !xg.guards_intact(xf.size()) || !wg.guards_intact(wf.size())) {
    if (!quiet) std::printf("  %s: the plugin wrote outside the output tensor\n", t.name.c_str());
    ok = false;
  }
  if (!std::equal(xf.begin(), xf.end(), xg.data()) ||
      !std::equal(wf.begin(), wf.end(), wg.data()) ||
      !std::equal(bf.begin(), bf.end(), bg.data())) {
    if (!quiet) std::printf("  %s: the plugin modified its inputs\n", t.name.c_str());
    ok = false;
  }
  std::size_t wrong = 0, first = n;
  for (std::size_t i = 0; i < n; ++i)
    if (!(y.data()[i] == static_cast<float>(expected.data[i]))) {
      if (wrong++ == 0) first = i;
    }
  if (wrong > 0) {
    if (!quiet)
      std::printf(
          "  %s: %zu of %zu elements wrong; first at flat index %zu: got %.9g, exact %lld\n",
          t.name.c_str(), wrong, n, first, static_cast<double>(y.data()[first]),
          static_cast<long long>(expected.data[first]));
    ok = false;
  }
  return ok ? outcome::pass : outcome::wrong;
}

std::string spec_of(const problem& p);
problem parse_spec(const std::string& spec);

// Cases run in a worker process, forked once and again after each crash: a crash or a hang of
// the library becomes a wrong case and the driver survives to report (and shrink) it, while the
// library's one-time setup (JIT kernels, thread pools) is paid once, not per case.
struct worker {
  run_fn run = nullptr;
  supports_fn supports = nullptr;
  pid_t pid = -1;
  int to = -1, from = -1;  // pipes: cases in, outcomes out

  void start() {
    int down[2], up[2];
    if (pipe(down) != 0 || pipe(up) != 0) return;
    std::fflush(stdout);
    pid = fork();
    if (pid == 0) {
      close(down[1]), close(up[0]);
      serve(down[0], up[1]);
    }
    close(down[0]), close(up[1]);
    to = down[1], from = up[0];
  }
  void stop() {
    if (pid > 0) {
      close(to), close(from);
      int status = 0;
      waitpid(pid, &status, 0);
    }
    pid = -1;
  }
  // The worker's loop: one case per message (its length, then the case), one outcome byte back.
  [[noreturn]] void serve(int in, int out) {
    for (;;) {
      std::uint32_t len = 0;
      if (!read_all(in, &len, sizeof len)) _exit(0);
      std::string msg(len, '\0');
      if (!read_all(in, msg.data(), len)) _exit(0);
      const auto t = decode(msg);
      const bool quiet = msg[0] == 'q';
      alarm(20);  // a hang becomes SIGALRM
      const auto o = static_cast<char>(run_case(t, run, supports, quiet));
      alarm(0);
      std::fflush(stdout);
      if (write(out, &o, 1) != 1) _exit(0);
    }
  }
  static bool read_all(int fd, void* p, std::size_t n) {
    auto* c = static_cast<char*>(p);
    while (n > 0) {
      const auto r = read(fd, c, n);
      if (r <= 0) return false;
      c += r, n -= static_cast<std::size_t>(r);
    }
    return true;
  }
  // A case travels as text: quiet flag, name, spec, then x, w, b values.
  static std::string encode(const test_case& t, bool quiet) {
    std::string m = std::string(quiet ? "q" : "v") + "\n" + t.name + "\n" + spec_line(t.p) + "\n";
    for (const auto* v : {&t.x, &t.w, &t.b}) {
      for (auto e : *v) m += std::to_string(e) + " ";
      m += "\n";
    }
    return m;
  }
  static test_case decode(const std::string& m);
  static std::string spec_line(const problem& p);

  outcome operator()(const test_case& t, bool quiet) {
    if (pid < 0) start();
    const std::string m = encode(t, quiet);
    const auto len = static_cast<std::uint32_t>(m.size());
    char o = 0;
    if (write(to, &len, sizeof len) == sizeof len &&
        write(to, m.data(), m.size()) == static_cast<ssize_t>(m.size()) && read_all(from, &o, 1))
      return static_cast<outcome>(o);
    // the worker died on this case
    close(to), close(from);
    int status = 0;
    waitpid(pid, &status, 0);
    pid = -1;
    if (!quiet) {
      if (WIFSIGNALED(status))
        std::printf(
            "  %s: the library crashed: signal %d (%s)\n", t.name.c_str(), WTERMSIG(status),
            WTERMSIG(status) == SIGALRM ? "hang, killed after 20 s" : strsignal(WTERMSIG(status)));
      else
        std::printf("  %s: the case process exited with status %d\n", t.name.c_str(),
                    WEXITSTATUS(status));
    }
    return outcome::wrong;
  }
};

worker* the_worker = nullptr;

outcome run_isolated(const test_case& t, run_fn, supports_fn, bool quiet = false) {
  return (*the_worker)(t, quiet);
}

// "r2 n1 ci2 co2 g1 in3,3 k2,2 s1,1 d1,1 pb0,0 pe0,0 op0,0 b0": a problem in one line.
std::string spec_of(const problem& p) {
  std::string s = "r" + std::to_string(p.rank) + " n" + std::to_string(p.batch) + " ci" +
                  std::to_string(p.in_channels) + " co" + std::to_string(p.out_channels) + " g" +
                  std::to_string(p.groups);
  const std::pair<const char*, const tconv::extents*> axes[] = {
      {"in", &p.input},     {"k", &p.kernel},   {"s", &p.stride},         {"d", &p.dilation},
      {"pb", &p.pad_begin}, {"pe", &p.pad_end}, {"op", &p.output_padding}};
  for (const auto& [name, e] : axes) {
    s += std::string(" ") + name;
    for (i64 a = 0; a < p.rank; ++a)
      s += (a > 0 ? "," : "") + std::to_string((*e)[static_cast<std::size_t>(a)]);
  }
  return s + " b" + (p.has_bias ? "1" : "0");
}

// The inverse of spec_of; throws std::invalid_argument naming the bad field.
problem parse_spec(const std::string& spec) {
  problem p;
  std::vector<std::string> fields;
  for (std::size_t i = 0; i < spec.size();) {
    const auto j = spec.find(' ', i);
    const auto f = spec.substr(i, j == std::string::npos ? std::string::npos : j - i);
    if (!f.empty()) fields.push_back(f);
    if (j == std::string::npos) break;
    i = j + 1;
  }
  const auto number = [](const std::string& f, std::size_t at) {
    std::size_t used = 0;
    const i64 v = std::stoll(f.substr(at), &used);
    if (at + used != f.size()) throw std::invalid_argument("field '" + f + "' is not a number");
    return v;
  };
  const std::pair<const char*, tconv::extents*> axes[] = {
      {"in", &p.input},     {"k", &p.kernel},   {"s", &p.stride},         {"d", &p.dilation},
      {"pb", &p.pad_begin}, {"pe", &p.pad_end}, {"op", &p.output_padding}};
  for (const auto& f : fields) {
    bool done = false;
    for (const auto& [name, e] : axes) {
      const std::string n = name;
      if (f.rfind(n, 0) == 0 && f.size() > n.size() && (std::isdigit(f[n.size()]) != 0)) {
        std::size_t a = 0, i = n.size();
        while (i <= f.size()) {
          const auto j = f.find(',', i);
          const auto item = f.substr(i, j == std::string::npos ? std::string::npos : j - i);
          if (a >= tconv::max_rank) throw std::invalid_argument("field '" + f + "' has > 3 axes");
          (*e)[a++] = number(item, 0);
          if (j == std::string::npos) break;
          i = j + 1;
        }
        done = true;
        break;
      }
    }
    if (done) continue;
    const std::pair<const char*, i64*> scalars[] = {{"ci", &p.in_channels},
                                                    {"co", &p.out_channels},
                                                    {"r", &p.rank},
                                                    {"n", &p.batch},
                                                    {"g", &p.groups}};
    for (const auto& [name, v] : scalars) {
      const std::string n = name;
      if (f.rfind(n, 0) == 0 && f.size() > n.size() && (std::isdigit(f[n.size()]) != 0)) {
        *v = number(f, n.size());
        done = true;
        break;
      }
    }
    if (!done && (f == "b0" || f == "b1")) p.has_bias = f == "b1", done = true;
    if (!done) throw std::invalid_argument("unknown field '" + f + "'");
  }
  if (const auto fault = tconv::find_fault(p, tconv::op_kind::conv_transpose))
    throw std::invalid_argument("invalid problem: " + tconv::describe(fault));
  return p;
}

std::string worker::spec_line(const problem& p) { return spec_of(p); }

test_case worker::decode(const std::string& m) {
  std::vector<std::string> lines;
  for (std::size_t i = 0; i < m.size();) {
    const auto j = m.find('\n', i);
    lines.push_back(m.substr(i, j - i));
    i = j + 1;
  }
  const auto values = [](const std::string& line) {
    std::vector<i64> v;
    for (std::size_t i = 0; i < line.size();) {
      const auto j = line.find(' ', i);
      v.push_back(std::stoll(line.substr(i, j - i)));
      i = j + 1;
    }
    return v;
  };
  return {lines.at(1), parse_spec(lines.at(2)), values(lines.at(3)), values(lines.at(4)),
          values(lines.at(5))};
}

test_case case_of(const problem& p) {
  test_case t{spec_of(p), p, {}, {}, {}};
  t.x = fill(t.name, "x", tconv::checked_size(tconv::input_shape(p), "x"));
  t.w = fill(t.name, "w",
             tconv::checked_size(tconv::weight_shape(p, tconv::op_kind::conv_transpose), "w"));
  if (p.has_bias) t.b = fill(t.name, "b", p.out_channels);
  return t;
}

// A random valid problem: small extents, every region reachable.
// --no-dilation: random problems keep dilation 1 (to look past a known dilation finding).
bool no_dilation = false;

problem random_problem(std::uint64_t& state) {
  const auto next = [&](i64 lo, i64 hi) {  // uniform in [lo, hi]
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return lo + static_cast<i64>((state >> 33) % static_cast<std::uint64_t>(hi - lo + 1));
  };
  for (;;) {
    problem p;
    p.rank = next(1, 3);
    p.batch = next(1, 2);
    p.groups = next(1, 3);
    p.in_channels = p.groups * next(1, 2);
    p.out_channels = p.groups * next(1, 2);
    p.has_bias = next(0, 1) == 1;
    for (std::size_t a = 0; a < static_cast<std::size_t>(p.rank); ++a) {
      p.input[a] = next(1, p.rank == 3 ? 3 : 5);
      p.kernel[a] = next(1, 4);
      p.stride[a] = next(1, 4);
      p.dilation[a] = next(0, 2) == 0 ? next(2, 3) : 1;
      if (no_dilation) p.dilation[a] = 1;
      const bool asymmetric = next(0, 3) == 0;
      p.pad_begin[a] = next(0, 2);
      p.pad_end[a] = asymmetric ? next(0, 2) : p.pad_begin[a];
      p.output_padding[a] = next(0, 1) == 0 ? next(0, std::max(p.stride[a], p.dilation[a]) - 1) : 0;
    }
    if (tconv::is_valid(p, tconv::op_kind::conv_transpose)) return p;
  }
}

// Greedy shrink: lower any field while the case stays valid, supported and wrong.
problem shrink(problem p, run_fn run, supports_fn supports) {
  const auto fails = [&](const problem& q) {
    if (!tconv::is_valid(q, tconv::op_kind::conv_transpose)) return false;
    const bool wrong = run_isolated(case_of(q), run, supports, true) == outcome::wrong;
    the_worker->stop();  // each probe in a fresh process: no state carried between probes
    return wrong;
  };
  for (bool progress = true; progress;) {
    progress = false;
    std::vector<problem> candidates;
    const auto add = [&](auto mutate) {
      problem q = p;
      mutate(q);
      if (!(q == p)) candidates.push_back(q);
    };
    add([](problem& q) { q.batch = 1; });
    add([](problem& q) { q.has_bias = false; });
    add([](problem& q) { q.in_channels = q.groups; });
    add([](problem& q) { q.out_channels = q.groups; });
    add([](problem& q) { q.in_channels /= q.groups, q.out_channels /= q.groups, q.groups = 1; });
    for (std::size_t a = 0; a < static_cast<std::size_t>(p.rank); ++a) {
      add([a](problem& q) { q.input[a] = std::max<i64>(1, q.input[a] - 1); });
      add([a](problem& q) { q.kernel[a] = std::max<i64>(1, q.kernel[a] - 1); });
      add([a](problem& q) { q.stride[a] = std::max<i64>(1, q.stride[a] - 1); });
      add([a](problem& q) { q.dilation[a] = std::max<i64>(1, q.dilation[a] - 1); });
      add([a](problem& q) { q.pad_begin[a] = std::max<i64>(0, q.pad_begin[a] - 1); });
      add([a](problem& q) { q.pad_end[a] = std::max<i64>(0, q.pad_end[a] - 1); });
      add([a](problem& q) { q.output_padding[a] = std::max<i64>(0, q.output_padding[a] - 1); });
    }
    for (const auto& q : candidates)
      if (fails(q)) {
        p = q;
        progress = true;
        break;
      }
  }
  return p;
}

// --trace: each random problem is printed before it runs, so a crash names its problem.
bool trace = false;

// Known findings (docs/findings.md) as predicates on a problem: a random case that is wrong and
// matches one of the predicates named by --known is counted as that finding, not as a failure;
// any other wrong case fails the campaign.
struct known_finding {
  const char* name;
  bool (*matches)(const problem&);
};
const known_finding known_findings[] = {
    // OpenCV's Deconvolution layer parses `dilation` but neither its shape nor its col2im uses it
    {"opencv_dilation",
     [](const problem& p) {
       return std::any_of(p.dilation.begin(), p.dilation.begin() + p.rank,
                          [](i64 d) { return d > 1; });
     }},
    // OpenCV's is1x1() ignores padding: the GEMM writes the uncropped product into the output
    {"opencv_kernel1_padding",
     [](const problem& p) {
       bool one = true, padded = false;
       for (std::size_t a = 0; a < static_cast<std::size_t>(p.rank); ++a) {
         one = one && p.kernel[a] == 1 && p.stride[a] == 1 && p.dilation[a] == 1;
         padded = padded || p.pad_begin[a] > 0 || p.pad_end[a] > 0;
       }
       return one && padded;
     }},
    // XNNPACK's subconv2d path: output_width - output_x_start underflows (size_t) when the output
    // is narrower than stride_width - 1 (crash in setup, or writes outside the output in run);
    // the height analogue fails too, though not for every such problem: a superset, documented
    {"xnnpack_subconv_narrow_output",
     [](const problem& p) {
       if (p.rank != 2) return false;
       const bool subconv = std::max(p.stride[0], p.stride[1]) > 1 &&
                            std::max(p.dilation[0], p.dilation[1]) == 1 &&
                            p.stride[0] <= p.kernel[0] && p.stride[1] <= p.kernel[1];
       const auto out = tconv::output_extents(p, tconv::op_kind::conv_transpose);
       return subconv && (out[1] < p.stride[1] - 1 || out[0] < p.stride[0] - 1);
     }},
};
std::vector<const known_finding*> known;  // --known

// Runs n random problems; each wrong one is shrunk, and the distinct minimal counterexamples are
// listed at the end (at most 10 shrinks, so a library wrong everywhere still ends quickly).
int random_campaign(i64 n, std::uint64_t seed, run_fn run, supports_fn supports) {
  std::uint64_t state = seed * 2862933555777941757ull + 3037000493ull;
  i64 passed = 0, declined = 0, wrong = 0;
  std::set<std::string> minimal;
  std::map<std::string, i64> known_count;
  for (i64 i = 0; i < n; ++i) {
    const problem p = random_problem(state);
    if (trace)
      std::printf("case %lld: %s\n", static_cast<long long>(i), spec_of(p).c_str()),
          std::fflush(stdout);
    const outcome o = run_isolated(case_of(p), run, supports, true);
    if (o == outcome::declined) {
      ++declined;
      continue;
    }
    if (o == outcome::pass) {
      ++passed;
      continue;
    }
    // a wrong case may have corrupted the worker (out-of-bounds writes): later cases get a fresh
    // one
    the_worker->stop();
    const auto k = std::find_if(known.begin(), known.end(),
                                [&](const known_finding* f) { return f->matches(p); });
    if (k != known.end()) {
      ++known_count[(*k)->name];
      continue;
    }
    if (++wrong > 10) continue;
    if (run_isolated(case_of(p), run, supports, true) != outcome::wrong) {
      std::printf("case %lld is wrong after earlier cases, right alone in a fresh process: %s\n",
                  static_cast<long long>(i), spec_of(p).c_str());
      continue;
    }
    const std::string m = spec_of(shrink(p, run, supports));
    if (minimal.insert(m).second)
      std::printf("case %lld is wrong: %s\n  minimal: --problem \"%s\"\n",
                  static_cast<long long>(i), spec_of(p).c_str(), m.c_str());
  }
  std::printf(
      "random campaign, seed %llu: %lld passed, %lld unsupported, %lld wrong (%zu distinct "
      "minimal)\n",
      static_cast<unsigned long long>(seed), static_cast<long long>(passed),
      static_cast<long long>(declined), static_cast<long long>(wrong), minimal.size());
  for (const auto& [name, count] : known_count)
    std::printf("  %lld wrong cases are the known finding %s (docs/findings.md)\n",
                static_cast<long long>(count), name.c_str());
  return wrong == 0 ? 0 : 1;
}

int usage(const char* msg) {
  std::fprintf(stderr,
               "tconv_adapter_check: %s\nusage: tconv_adapter_check --plugin LIB.so [--missing "
               "WHY] [--unsupported a,b] [--wrong c,d] [--list] [--random N [--seed S] [--trace] "
               "[--no-dilation] [--known f,g]] [--problem SPEC]\n",
               msg);
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::string plugin, missing = "plugin not built";
  std::set<std::string> unsupported, known_wrong;
  std::string spec;
  i64 random = 0;
  std::uint64_t seed = 1;
  const auto all = cases();
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--trace" || a == "--no-dilation") {
      (a == "--trace" ? trace : no_dilation) = true;
      continue;
    }
    if (a == "--list") {
      for (const auto& t : all) std::printf("%s\n", t.name.c_str());
      return 0;
    }
    if (i + 1 >= argc) return usage(("missing value after " + a).c_str());
    const std::string v = argv[++i];
    if (a == "--plugin")
      plugin = v;
    else if (a == "--missing")
      missing = v;
    else if (a == "--unsupported")
      unsupported = split(v);
    else if (a == "--wrong")
      known_wrong = split(v);
    else if (a == "--problem")
      spec = v;
    else if (a == "--known") {
      for (const auto& name : split(v)) {
        const auto f = std::find_if(std::begin(known_findings), std::end(known_findings),
                                    [&](const known_finding& k) { return name == k.name; });
        if (f == std::end(known_findings)) return usage(("no known finding named " + name).c_str());
        known.push_back(f);
      }
    } else if (a == "--random" || a == "--seed") {
      try {
        const long long n = std::stoll(v);
        if (n < 0) throw std::invalid_argument("negative");
        if (a == "--random")
          random = n;
        else
          seed = static_cast<std::uint64_t>(n);
      } catch (const std::exception&) {
        return usage((a + " needs a non-negative integer, got '" + v + "'").c_str());
      }
    } else
      return usage(("unknown option " + a).c_str());
  }
  if (plugin.empty()) return usage("--plugin is required");
  for (const auto* names : {&unsupported, &known_wrong})
    for (const auto& n : *names)
      if (std::none_of(all.begin(), all.end(), [&](const test_case& t) { return t.name == n; }))
        return usage(("no case named " + n + " (see --list)").c_str());
  problem replay;
  if (!spec.empty()) try {
      replay = parse_spec(spec);
    } catch (const std::exception& e) {
      return usage(("--problem: " + std::string(e.what())).c_str());
    }
  if (!std::filesystem::exists(plugin)) {
    std::printf("SKIPPED: %s (%s does not exist)\n", missing.c_str(), plugin.c_str());
    return 77;
  }
  void* lib = dlopen(plugin.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (lib == nullptr) {
    std::printf("FAIL: cannot load %s: %s\n", plugin.c_str(), dlerror());
    return 1;
  }
  const auto run = reinterpret_cast<run_fn>(dlsym(lib, "tconv_conv_transpose_f32"));
  const auto supports = reinterpret_cast<supports_fn>(dlsym(lib, "tconv_supports"));
  if (run == nullptr) {
    std::printf("FAIL: %s does not export tconv_conv_transpose_f32\n", plugin.c_str());
    return 1;
  }
  worker w{run, supports};
  the_worker = &w;
  struct stop_at_exit {
    worker& w;
    ~stop_at_exit() { w.stop(); }
  } stopper{w};
  if (!spec.empty()) {
    const outcome o = run_isolated(case_of(replay), run, supports);
    std::printf("%s: %s\n", spec_of(replay).c_str(),
                o == outcome::pass       ? "pass"
                : o == outcome::declined ? "unsupported"
                                         : "WRONG");
    return o == outcome::wrong ? 1 : 0;
  }
  if (random > 0) return random_campaign(random, seed, run, supports);
  int failures = 0, passed = 0, declined = 0, findings = 0;
  for (const auto& t : all) {
    const outcome o = run_isolated(t, run, supports);
    const bool expect_declined = unsupported.count(t.name) > 0;
    const bool expect_wrong = known_wrong.count(t.name) > 0;
    const char* verdict = "";
    if (o == outcome::declined) {
      ++declined;
      verdict = expect_declined ? "unsupported (as documented)"
                                : "FAIL: declined, but the library documents support";
      failures += expect_declined ? 0 : 1;
    } else if (expect_declined) {
      verdict = "FAIL: accepted, but the library documents no support";
      ++failures;
    } else if (o == outcome::wrong) {
      verdict = expect_wrong ? "wrong: known finding reproduced (docs/findings.md)" : "FAIL: wrong";
      if (expect_wrong)
        ++findings;
      else
        ++failures;
    } else if (expect_wrong) {
      verdict = "FAIL: known finding no longer reproduces: re-examine docs/findings.md";
      ++failures;
    } else {
      verdict = "pass";
      ++passed;
    }
    std::printf("%-32s %s\n", t.name.c_str(), verdict);
  }
  std::printf("%s: %d passed, %d unsupported, %d known findings, %d failed (of %zu cases)\n",
              plugin.c_str(), passed, declined, findings, failures, all.size());
  return failures == 0 ? 0 : 1;
}
