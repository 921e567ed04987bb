// Each mutant differs from the exact core on a small hand-made problem (its witness) and the
// control equals the core there. Values are dyadic (k/8 + 2^-15 style) so every product and sum is
// exact in double and the control's single rounding to float is the core's exact result rounded:
// equality is exact, no tolerance. (Plain main, no Catch2: a Catch main is the costliest TU
// of a sanitized build.)
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <limits>
#include <thread>
#include <vector>

#include "reference.hpp"
#include "tconv/abi.hpp"
#include "tconv/conv_transpose.hpp"

namespace {

using tconv::mutants::bug;
int failures = 0;

#define CHECK(e) report(e, #e, __LINE__)
#define CHECK_FALSE(e) report(!(e), "!" #e, __LINE__)
void report(bool ok, const char* what, int line) {
  if (ok) return;
  ++failures;
  std::printf("witness.test.cpp:%d: failed: %s\n", line, what);
}

struct layer {
  tconv::problem p;
  tconv::tensor<double> x, w, b;
};

// distinct, sign-mixed, non-flip-symmetric dyadic values; `fine` adds 2^-15 (lost under TF32)
std::vector<double> values(std::int64_t n, std::int64_t salt, bool fine) {
  std::vector<double> v;
  for (std::int64_t i = 0; i < n; ++i) {
    const double base = static_cast<double>((i * 7 + salt * 3) % 13 - 6) / 8.0 + 1.0;
    v.push_back(fine ? base + std::ldexp(1.0, -15) : base);
  }
  return v;
}

layer make(tconv::problem p, bool fine = false) {
  p.has_bias = true;
  layer l{p, {}, {}, {}};
  const auto xs = tconv::input_shape(p),
             ws = tconv::weight_shape(p, tconv::op_kind::conv_transpose);
  l.x = tconv::tensor<double>(xs, values(tconv::checked_size(xs, "x"), 1, fine));
  l.w = tconv::tensor<double>(ws, values(tconv::checked_size(ws, "w"), 2, fine));
  l.b = tconv::tensor<double>({p.out_channels}, values(p.out_channels, 5, false));
  return l;
}

std::vector<float> as_float(const std::vector<double>& v) {
  std::vector<float> r;
  for (double d : v) r.push_back(static_cast<float>(d));
  return r;
}

// true when the plugin's output equals the exact result rounded to float, bit for bit
template <bug B>
bool agrees(const layer& l) {
  const auto exact = tconv::conv_transpose(l.p, l.x, l.w, &l.b);
  const auto abi = tconv::to_abi(l.p);
  const auto x = as_float(l.x.data), w = as_float(l.w.data), b = as_float(l.b.data);
  std::vector<float> y(exact.data.size(), std::numeric_limits<float>::quiet_NaN());
  if (tconv::mutants::conv_transpose<B>(&abi, x.data(), w.data(), b.data(), y.data()) != 0)
    return false;
  for (std::size_t i = 0; i < y.size(); ++i)
    if (!(y[i] == static_cast<float>(exact.data[i]))) return false;
  return true;
}

tconv::problem rank2(std::int64_t in, std::int64_t k, std::int64_t s, std::int64_t d) {
  tconv::problem p;
  p.rank = 2;
  p.batch = 2;
  p.in_channels = 2;
  p.out_channels = 2;
  p.input = {in, in + 1, 1};
  p.kernel = {k, k, 1};
  p.stride = {s, s, 1};
  p.dilation = {d, d, 1};
  return p;
}

}  // namespace

// the control agrees with the exact core on every witness
static void control_agrees() {
  auto p = rank2(3, 3, 2, 2);
  CHECK(agrees<bug::none>(make(p)));
  p.pad_begin = {1, 2, 0};
  p.pad_end = {2, 1, 0};
  p.output_padding = {1, 1, 0};
  p.groups = 2;
  CHECK(agrees<bug::none>(make(p, true)));
  // p's batch, channels and groups, every axis different
  const tconv::problem q{.rank = 3,
                         .batch = p.batch,
                         .in_channels = p.in_channels,
                         .out_channels = p.out_channels,
                         .groups = p.groups,
                         .input = {2, 3, 2},
                         .kernel = {2, 3, 2},
                         .stride = {1, 2, 3},
                         .dilation = {1, 1, 2},
                         .pad_begin = {0, 1, 1},
                         .pad_end = {1, 0, 1},
                         .output_padding = {0, 1, 1}};
  CHECK(agrees<bug::none>(make(q)));
}

// every mutant is rejected on its witness
static void mutants_rejected() {
  auto base = rank2(3, 3, 2, 1);
  auto asym = base;
  asym.pad_begin = {1, 2, 0};
  asym.pad_end = {2, 1, 0};
  CHECK_FALSE(agrees<bug::same_split_swapped>(make(asym)));
  CHECK_FALSE(agrees<bug::auto_pad_ignored>(make(asym)));
  CHECK_FALSE(agrees<bug::axis_padding_swapped>(make(asym)));

  auto dil = rank2(3, 3, 2, 2);
  dil.pad_begin = dil.pad_end = {2, 2, 0};
  CHECK_FALSE(agrees<bug::effective_kernel_k_plus_d>(make(dil)));
  CHECK_FALSE(agrees<bug::dilation_ignored>(make(dil)));
  CHECK_FALSE(agrees<bug::dilation_stride_offset>(make(dil)));

  auto op = base;
  op.pad_begin = op.pad_end = {1, 1, 0};
  op.output_padding = {1, 1, 0};
  CHECK_FALSE(agrees<bug::output_padding_dropped>(make(op)));
  CHECK_FALSE(agrees<bug::output_padding_zero_fill>(make(op)));
  CHECK_FALSE(agrees<bug::output_padding_as_input_padding>(make(op)));

  auto gaps = rank2(3, 2, 3, 1);
  CHECK_FALSE(agrees<bug::stride_gaps_unwritten>(make(gaps)));

  const tconv::problem d3{.rank = 3,
                          .input = {2, 2, 2},
                          .kernel = {2, 2, 2},
                          .stride = {2, 2, 2},
                          .pad_begin = {0, 1, 0},
                          .pad_end = {0, 1, 0}};
  CHECK_FALSE(agrees<bug::depth_padding_typo>(make(d3)));

  auto grouped = base;
  grouped.in_channels = grouped.out_channels = 4;
  grouped.groups = 2;
  CHECK_FALSE(agrees<bug::group_weight_mapping>(make(grouped)));
  CHECK_FALSE(agrees<bug::group0_bias>(make(grouped)));

  CHECK_FALSE(agrees<bug::tf32_inputs>(make(base, true)));
  CHECK_FALSE(agrees<bug::kernel_flipped>(make(base)));
  CHECK_FALSE(agrees<bug::batch_stride_wrong>(make(base)));
  CHECK_FALSE(agrees<bug::element_never_written>(make(base)));
}

// true when the call still runs after 0.2 s (run in a child process, killed then)
template <bug B>
bool hangs(const layer& l) {
  std::fflush(nullptr);
  const pid_t pid = ::fork();
  if (pid == 0) {
    const auto abi = tconv::to_abi(l.p);
    const auto x = as_float(l.x.data), w = as_float(l.w.data), b = as_float(l.b.data);
    std::vector<float> y(static_cast<std::size_t>(
        tconv::checked_size(tconv::output_shape(l.p, tconv::op_kind::conv_transpose), "y")));
    (void)tconv::mutants::conv_transpose<B>(&abi, x.data(), w.data(), b.data(), y.data());
    ::_exit(0);
  }
  for (int i = 0; i < 20; ++i) {
    if (::waitpid(pid, nullptr, WNOHANG) == pid) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ::kill(pid, SIGKILL);
  ::waitpid(pid, nullptr, 0);
  return true;
}

// the hang and the fp16 accumulator: a hang on stride 4 only, a product not exact in fp16
static void hang_and_fp16_rejected() {
  CHECK(hangs<bug::hang_on_stride4>(make(rank2(2, 1, 4, 1))));
  CHECK_FALSE(hangs<bug::hang_on_stride4>(make(rank2(2, 2, 3, 1))));
  CHECK(agrees<bug::hang_on_stride4>(make(rank2(2, 2, 3, 1))));
  CHECK_FALSE(hangs<bug::none>(make(rank2(2, 1, 4, 1))));
  CHECK_FALSE(agrees<bug::fp16_accumulate>(make(rank2(3, 3, 2, 1), true)));
  // one product exact in fp16 (1.5 * 1.25) comes out right: only rounding tells them apart
  tconv::problem one;
  one.has_bias = true;
  layer l{one, {}, {}, {}};
  l.x = tconv::tensor<double>(tconv::input_shape(one), {1.5});
  l.w = tconv::tensor<double>(tconv::weight_shape(one, tconv::op_kind::conv_transpose), {1.25});
  l.b = tconv::tensor<double>({1}, {0.0});
  CHECK(agrees<bug::fp16_accumulate>(l));
  l.w = tconv::tensor<double>(tconv::weight_shape(one, tconv::op_kind::conv_transpose),
                              {1.0 + std::ldexp(1.0, -11)});
  CHECK_FALSE(agrees<bug::fp16_accumulate>(l));
}

// SIMD block tails: each mutant is rejected at one block plus one and agrees at one full block;
// the control agrees on both
static void block_tails() {
  tconv::problem p{.rank = 1, .input = {3, 1, 1}, .kernel = {2, 1, 1}};
  auto with = [&p](std::int64_t ci, std::int64_t co) {
    tconv::problem q = p;
    q.in_channels = ci;
    q.out_channels = co;
    return make(q);
  };
  CHECK(agrees<bug::none>(with(17, 9)));
  CHECK_FALSE(agrees<bug::out_block8_tail>(with(1, 9)));
  CHECK(agrees<bug::out_block8_tail>(with(1, 8)));
  CHECK_FALSE(agrees<bug::in_block4_tail_twice>(with(5, 1)));
  CHECK(agrees<bug::in_block4_tail_twice>(with(4, 1)));
  CHECK_FALSE(agrees<bug::in_channels_past_16_dropped>(with(17, 1)));
  CHECK(agrees<bug::in_channels_past_16_dropped>(with(16, 1)));
  // rows of 33 (one 32-block plus one) and 32
  p.input = {33, 1, 1};
  p.kernel = {1, 1, 1};
  CHECK(agrees<bug::none>(with(1, 1)));
  CHECK_FALSE(agrees<bug::row_tail_past_32_dropped>(with(1, 1)));
  p.input = {32, 1, 1};
  CHECK(agrees<bug::row_tail_past_32_dropped>(with(1, 1)));
}

// input_rows_past_end reads x past its end when the kernel is taller than the input: x is given
// with trailing elements (a value the exact result never sees) so that the read stays in memory
void reads_past_input_rejected() {
  tconv::problem p;
  p.rank = 1, p.input = {1, 1, 1}, p.kernel = {2, 1, 1}, p.has_bias = false;
  const auto abi = tconv::to_abi(p);
  const float x[2] = {0.5f, 3.0f}, w[2] = {1.0f, 2.0f};
  float y[2] = {0, 0};  // exact: x0 w0 = 0.5, x0 w1 = 1
  CHECK(tconv::mutants::conv_transpose<bug::none>(&abi, x, w, nullptr, y) == 0);
  CHECK(y[0] == 0.5f && y[1] == 1.0f);
  CHECK(tconv::mutants::conv_transpose<bug::input_rows_past_end>(&abi, x, w, nullptr, y) == 0);
  CHECK_FALSE(y[0] == 0.5f && y[1] == 1.0f);  // y[1] = x0 w1 + x[1] w0 = 4
}

int main() {
  control_agrees();
  mutants_rejected();
  hang_and_fp16_rejected();
  block_tails();
  reads_past_input_rejected();
  std::printf("%d witness checks failed\n", failures);
  return failures == 0 ? 0 : 1;
}
