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
// asymmetric padding, output_padding, bias) until N of them are ones the plugin supports, and
// shrinks the first wrong one to a minimal SPEC that --problem replays. Every call runs in the
// harness's plugin sandbox (lib/harness: a contained worker process, restarted after a crash, a
// hang or a wrong case) and random problems come from the harness's generator (gen::valid_problem)
// and shrink along its shrink tree; what is this driver's own is the fixed-case table and the
// integer-exactness comparison. Exit status: 0 pass, 1 a failed case, 2 usage error, 77 plugin not
// built (skip).
#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "harness/generate.hpp"
#include "harness/implementation.hpp"
#include "tconv/conv_transpose.hpp"

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

enum class outcome { pass = 0, wrong = 1, declined = 2 };

// The exact output of t in int64; false (and why, unless quiet) when a value is not a float32.
bool exact_output(const test_case& t, tconv::tensor<i64>& y, bool quiet) {
  const tconv::tensor<i64> x(tconv::input_shape(t.p), t.x),
      w(tconv::weight_shape(t.p, tconv::op_kind::conv_transpose), t.w);
  if (t.p.has_bias)
    y = tconv::conv_transpose(t.p, x, w, tconv::tensor<i64>(tconv::bias_shape(t.p), t.b));
  else
    y = tconv::conv_transpose(t.p, x, w);
  for (auto v : y.data)
    if (v > (i64{1} << 24) || v < -(i64{1} << 24)) {
      if (!quiet)
        std::printf("  %s: exact value %lld is not representable in float32: bad case\n",
                    t.name.c_str(), static_cast<long long>(v));
      return false;
    }
  return true;
}

// Runs one case in the sandbox; prints why it is wrong when it is (unless quiet). The sandbox
// judges the call itself (crash, hang, writes out of bounds, modified inputs, non-zero return);
// this compares an answer bit for bit with the exact integers.
outcome run_case(tconv::harness::implementation& impl, const test_case& t, bool quiet = false) {
  tconv::tensor<i64> expected;
  if (!exact_output(t, expected, quiet)) return outcome::wrong;
  const auto as_float = [](const std::vector<i64>& v) {
    return std::vector<float>(v.begin(), v.end());
  };
  const auto r = impl.call({t.p, as_float(t.x), as_float(t.w), as_float(t.b)});
  using status = tconv::harness::outcome::status;
  if (r.state == status::unsupported) return outcome::declined;
  if (r.state == status::failed) {
    if (!quiet)
      std::printf("  %s: %s: %s\n", t.name.c_str(), tconv::harness::name(r.kind),
                  r.message.c_str());
    return outcome::wrong;
  }
  const std::size_t n = expected.data.size();
  std::size_t wrong = 0, first = n;
  for (std::size_t i = 0; i < n; ++i)
    if (!(r.y[i] == static_cast<float>(expected.data[i])) && wrong++ == 0) first = i;
  if (wrong == 0) return outcome::pass;
  if (!quiet)
    std::printf("  %s: %zu of %zu elements wrong; first at flat index %zu: got %.9g, exact %lld\n",
                t.name.c_str(), wrong, n, first, static_cast<double>(r.y[first]),
                static_cast<long long>(expected.data[first]));
  return outcome::wrong;
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

test_case case_of(const problem& p) {
  test_case t{spec_of(p), p, {}, {}, {}};
  t.x = fill(t.name, "x", tconv::checked_size(tconv::input_shape(p), "x"));
  t.w = fill(t.name, "w",
             tconv::checked_size(tconv::weight_shape(p, tconv::op_kind::conv_transpose), "w"));
  if (p.has_bias) t.b = fill(t.name, "b", p.out_channels);
  return t;
}

// --no-dilation: random problems keep dilation 1 (to look past a known dilation finding).
bool no_dilation = false;

// The harness's generator, bounded as this driver always drew: extents up to 5 (3 at rank 3),
// kernels and strides up to 4, pads up to 2, up to 3 groups of 1-2 channels, batch 1-2.
tconv::gen::problem_space space() {
  tconv::gen::problem_space s;
  s.max_extent = 5;
  s.max_input_elements = 27;
  s.max_kernel_elements = 64;
  s.max_padding = 2;
  s.max_batch = 2;
  s.max_dilation = no_dilation ? 1 : 3;
  return s;
}

// Shrinks along the generator's shrink tree (every candidate valid by construction): the first
// candidate still wrong becomes the problem, until none is. A wrong probe restarts the worker.
problem shrink(rc::Shrinkable<problem> cur, tconv::harness::implementation& impl) {
  for (bool progress = true; progress;) {
    progress = false;
    auto seq = cur.shrinks();
    while (auto next = seq.next()) {
      const bool wrong = run_case(impl, case_of(next->value()), true) == outcome::wrong;
      if (!wrong) continue;
      impl.reset();
      cur = std::move(*next);
      progress = true;
      break;
    }
  }
  return cur.value();
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

i64 known_total(const std::map<std::string, i64>& counts) {
  i64 t = 0;
  for (const auto& [name, c] : counts) t += c;
  return t;
}

// Runs n random problems the plugin supports; each wrong one is shrunk, and the distinct minimal
// counterexamples are listed at the end (at most 10 shrinks, so a library wrong everywhere still
// ends quickly).
int random_campaign(i64 n, std::uint64_t seed, tconv::harness::implementation& impl) {
  const auto problems = tconv::gen::valid_problem(space());
  i64 passed = 0, declined = 0, wrong = 0;
  std::set<std::string> minimal;
  std::map<std::string, i64> known_count;
  // n cases the plugin supports: a declined draw is replaced by the next one (up to 20 n draws),
  // so a library with a narrow domain is not tested on a handful of cases
  for (i64 i = 0; passed + wrong + known_total(known_count) < n && i < 20 * n; ++i) {
    // case i: its own seed, and sizes cycling as in tconv explore
    const auto drawn =
        problems(rc::Random(seed * 2862933555777941757ull + static_cast<std::uint64_t>(i)),
                 static_cast<int>(i % 101));
    const problem p = drawn.value();
    if (trace)
      std::printf("case %lld: %s\n", static_cast<long long>(i), spec_of(p).c_str()),
          std::fflush(stdout);
    const outcome o = run_case(impl, case_of(p), true);
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
    impl.reset();
    const auto k = std::find_if(known.begin(), known.end(),
                                [&](const known_finding* f) { return f->matches(p); });
    if (k != known.end()) {
      ++known_count[(*k)->name];
      continue;
    }
    if (++wrong > 10) continue;
    if (run_case(impl, case_of(p), true) != outcome::wrong) {
      std::printf("case %lld is wrong after earlier cases, right alone in a fresh process: %s\n",
                  static_cast<long long>(i), spec_of(p).c_str());
      continue;
    }
    impl.reset();
    const std::string m = spec_of(shrink(drawn, impl));
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
  std::unique_ptr<tconv::harness::implementation> impl;
  try {
    // absolute: a bare name would be looked up on the library search path, not in this folder
    impl = tconv::harness::make_plugin(std::filesystem::absolute(plugin).string(), 20.0);
  } catch (const std::exception& e) {
    std::printf("FAIL: %s\n", e.what());
    return 1;
  }
  if (!spec.empty()) {
    const outcome o = run_case(*impl, case_of(replay));
    std::printf("%s: %s\n", spec_of(replay).c_str(),
                o == outcome::pass       ? "pass"
                : o == outcome::declined ? "unsupported"
                                         : "WRONG");
    return o == outcome::wrong ? 1 : 0;
  }
  if (random > 0) return random_campaign(random, seed, *impl);
  int failures = 0, passed = 0, declined = 0, findings = 0;
  for (const auto& t : all) {
    const outcome o = run_case(*impl, t);
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
