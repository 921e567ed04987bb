// Fixed-case check of one adapter plugin (the C ABI of include/tconv/impl.h), exact comparison.
//
//   tconv_adapter_check --plugin LIB.so [--missing "why"] [--unsupported a,b] [--wrong c,d] [--list]
//
// Every case holds small integers, so float32 arithmetic is exact in any summation order and
// the expected output, computed by tconv's exact core in int64, must match bit for bit.
// --unsupported lists the cases the plugin must decline through tconv_supports (its declared
// contract is checked both ways); --wrong lists known library findings (docs/findings.md): those
// cases must still come out wrong, so a fixed library makes the test fail until the finding is
// re-examined. Exit status: 0 pass, 1 a failed case, 2 usage error, 77 plugin not built (skip).
#include <dlfcn.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
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
      {"seed7_two_channels", make(2, 2, 1, 1, {2, 2, 1}, {2, 2, 1}), {0, 1, 2, 3, 4, 5, 7, 8},
       {0, 1, 2, 3, 4, 5, 2, 3}, {}},
      {"seed8", seed(1, 0), x01, x01, {}},
      {"seed9_padding", seed(1, 1), x01, x01, {}},
      {"seed10_stride2", seed(2, 0), x01, x01, {}},
      {"seed14_3x3", make(2, 1, 1, 1, {2, 2, 1}, {3, 3, 1}), {258, 294, 402, 438},
       {0, 1, 2, 3, 4, 5, 6, 7, 8}, {}},
      // rank 1
      {"r1_basic", make(1, 2, 3, 1, {5, 1, 1}, {3, 1, 1}, {2, 1, 1}, {1, 1, 1}, {1, 0, 0},
                        {1, 0, 0}, {0, 0, 0}, true), {}, {}, {}},
      {"r1_dilation", make(1, 1, 2, 1, {4, 1, 1}, {3, 1, 1}, {1, 1, 1}, {2, 1, 1}), {}, {}, {}},
      {"r1_output_padding", make(1, 2, 1, 1, {3, 1, 1}, {2, 1, 1}, {3, 1, 1}, {1, 1, 1},
                                 {1, 0, 0}, {1, 0, 0}, {2, 0, 0}), {}, {}, {}},
      // rank 2
      {"r2_nonsquare", make(2, 1, 1, 1, {3, 5, 1}, {2, 4, 1}, {1, 3, 1}), {}, {}, {}},
      {"r2_stride_gaps", make(2, 1, 2, 1, {2, 3, 1}, {2, 2, 1}, {3, 4, 1}), {}, {}, {}},
      {"r2_dilation", make(2, 1, 1, 1, {3, 3, 1}, {3, 2, 1}, {1, 2, 1}, {2, 3, 1}), {}, {}, {}},
      {"r2_dilation_stride", make(2, 2, 2, 1, {3, 2, 1}, {2, 2, 1}, {2, 2, 1}, {2, 2, 1},
                                  {1, 0, 0}, {1, 0, 0}), {}, {}, {}},
      {"r2_groups_bias", make(2, 4, 6, 2, {3, 2, 1}, {2, 3, 1}, {2, 1, 1}, {1, 1, 1}, {0, 1, 0},
                              {0, 1, 0}, {0, 0, 0}, true), {}, {}, {}},
      {"r2_depthwise", make(2, 3, 3, 3, {3, 3, 1}, {3, 3, 1}, {2, 2, 1}, {1, 1, 1}, {1, 1, 0},
                            {1, 1, 0}), {}, {}, {}},
      {"r2_batch_bias", make(2, 2, 3, 1, {2, 3, 1}, {3, 2, 1}, {2, 1, 1}, {1, 1, 1}, {0, 0, 0},
                             {0, 0, 0}, {0, 0, 0}, true, 3), {}, {}, {}},
      {"r2_output_padding", make(2, 1, 2, 1, {3, 2, 1}, {3, 2, 1}, {3, 2, 1}, {1, 1, 1},
                                 {1, 0, 0}, {1, 0, 0}, {2, 1, 0}), {}, {}, {}},
      {"r2_output_padding_no_pad", make(2, 2, 1, 1, {2, 2, 1}, {2, 3, 1}, {2, 2, 1}, {1, 1, 1},
                                        {0, 0, 0}, {0, 0, 0}, {1, 1, 0}), {}, {}, {}},
      // output_padding >= stride, allowed by PyTorch's rule op < max(stride, dilation)
      {"r2_output_padding_dilation", make(2, 1, 1, 1, {3, 2, 1}, {2, 2, 1}, {1, 1, 1},
                                          {3, 1, 1}, {0, 0, 0}, {0, 0, 0}, {2, 0, 0}), {}, {}, {}},
      {"r2_asymmetric", make(2, 1, 2, 1, {3, 3, 1}, {3, 3, 1}, {2, 2, 1}, {1, 1, 1}, {1, 0, 0},
                             {0, 2, 0}), {}, {}, {}},
      {"r2_asymmetric_output_padding",
       make(2, 2, 2, 1, {2, 3, 1}, {3, 2, 1}, {2, 2, 1}, {1, 1, 1}, {0, 1, 0}, {2, 1, 0},
            {1, 0, 0}), {}, {}, {}},
      // rank 3
      {"r3_basic", make(3, 2, 2, 1, {2, 3, 2}, {2, 2, 3}, {2, 1, 2}, {1, 1, 1}, {1, 0, 1},
                        {1, 0, 1}, {0, 0, 0}, true), {}, {}, {}},
      {"r3_groups_dilation", make(3, 2, 4, 2, {2, 2, 2}, {2, 2, 2}, {1, 2, 1}, {2, 1, 2},
                                  {0, 0, 0}, {0, 0, 0}, {0, 1, 0}), {}, {}, {}},
  };
  for (auto& t : c) {
    const auto fill_if_empty = [&](std::vector<i64>& v, const char* what, const std::vector<i64>& shape) {
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

enum class outcome { pass, wrong, declined };

// Runs one case; prints why it is wrong when it is.
outcome run_case(const test_case& t, run_fn run, supports_fn supports) {
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
    std::printf("  %s: the plugin returned %d (error) on a problem it declared supported\n",
                t.name.c_str(), rc);
    return outcome::wrong;
  }
  bool ok = true;
  if (!y.guards_intact(n) || !xg.guards_intact(xf.size()) || !wg.guards_intact(wf.size())) {
    std::printf("  %s: the plugin wrote outside the output tensor\n", t.name.c_str());
    ok = false;
  }
  if (!std::equal(xf.begin(), xf.end(), xg.data()) || !std::equal(wf.begin(), wf.end(), wg.data()) ||
      !std::equal(bf.begin(), bf.end(), bg.data())) {
    std::printf("  %s: the plugin modified its inputs\n", t.name.c_str());
    ok = false;
  }
  std::size_t wrong = 0, first = n;
  for (std::size_t i = 0; i < n; ++i)
    if (!(y.data()[i] == static_cast<float>(expected.data[i]))) {
      if (wrong++ == 0) first = i;
    }
  if (wrong > 0) {
    std::printf("  %s: %zu of %zu elements wrong; first at flat index %zu: got %.9g, exact %lld\n",
                t.name.c_str(), wrong, n, first, static_cast<double>(y.data()[first]),
                static_cast<long long>(expected.data[first]));
    ok = false;
  }
  return ok ? outcome::pass : outcome::wrong;
}

int usage(const char* msg) {
  std::fprintf(stderr,
               "tconv_adapter_check: %s\nusage: tconv_adapter_check --plugin LIB.so [--missing "
               "WHY] [--unsupported a,b] [--wrong c,d] [--list]\n",
               msg);
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::string plugin, missing = "plugin not built";
  std::set<std::string> unsupported, known_wrong;
  const auto all = cases();
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--list") {
      for (const auto& t : all) std::printf("%s\n", t.name.c_str());
      return 0;
    }
    if (i + 1 >= argc) return usage(("missing value after " + a).c_str());
    const std::string v = argv[++i];
    if (a == "--plugin") plugin = v;
    else if (a == "--missing") missing = v;
    else if (a == "--unsupported") unsupported = split(v);
    else if (a == "--wrong") known_wrong = split(v);
    else return usage(("unknown option " + a).c_str());
  }
  if (plugin.empty()) return usage("--plugin is required");
  for (const auto* names : {&unsupported, &known_wrong})
    for (const auto& n : *names)
      if (std::none_of(all.begin(), all.end(), [&](const test_case& t) { return t.name == n; }))
        return usage(("no case named " + n + " (see --list)").c_str());
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
  int failures = 0, passed = 0, declined = 0, findings = 0;
  for (const auto& t : all) {
    const outcome o = run_case(t, run, supports);
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
      if (expect_wrong) ++findings;
      else ++failures;
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
