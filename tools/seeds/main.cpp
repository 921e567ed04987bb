// tconv-seeds: every worked example of the seed documents (SEEDS.md #1-#15), computed by the
// library at run time through every formulation, next to the expected numbers; exit 1 on any
// mismatch, 2 on bad usage or an unexpected error.
#include <cstdint>
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include "seed_examples.hpp"
#include "tconv/tconv.hpp"
#include "tconv/text.hpp"

namespace {

using i64 = std::int64_t;
using tconv::op_kind;
using tconv::tensor;

// [[a,b],[c,d]] for one channel; [[[..]],[[..]]] over channels (batch 1 only, as in the seeds)
std::string show(const std::vector<i64>& shape, const std::vector<i64>& v) {
  // batch x channels slices: for a weight (C_in, C_out/g, kh, kw) every (ci, co) kernel
  const i64 channels = shape[0] * shape[1], rows = shape[2], cols = shape[3];
  std::string s = channels > 1 ? "[" : "";
  for (i64 c = 0; c < channels; ++c) {
    s += c > 0 ? ", [" : "[";
    for (i64 r = 0; r < rows; ++r) {
      s += r > 0 ? ",[" : "[";
      for (i64 q = 0; q < cols; ++q)
        s += (q > 0 ? "," : "") +
             std::to_string(v[static_cast<std::size_t>((c * rows + r) * cols + q)]);
      s += "]";
    }
    s += "]";
  }
  return s + (channels > 1 ? "]" : "");
}
std::string show(const std::vector<i64>& v) { return tconv::shape_text(v, ","); }
std::string show_shape(const std::vector<i64>& shape) {
  return tconv::shape_text(shape, ",", "(", ")");
}

int mismatches = 0;

// one line: what was computed, and whether it is what SEEDS.md says
void line(const char* how, const std::string& got, const std::string& expected) {
  const bool ok = got == expected;
  if (!ok) ++mismatches;
  std::printf("    %-22s %s  %s\n", how, got.c_str(), ok ? "ok" : "MISMATCH");
}

void header(int number, const char* name, const char* seeds, const char* hyper) {
  std::printf("#%d  %s\n    seed files %s; %s\n", number, name, seeds, hyper);
}

void run(const tconv::seeds::example& e) {
  const int before = mismatches;
  header(e.number, e.name, e.seed_files, e.hyperparameters);
  const tensor<i64> x{e.x_shape, e.x}, w{e.w_shape, e.w};
  std::printf("    %-22s X %s = %s\n", e.op == op_kind::conv ? "conv" : "conv_transpose",
              show_shape(e.x_shape).c_str(), show(e.x_shape, e.x).c_str());
  std::printf("    %-22s K %s = %s\n", "", show_shape(e.w_shape).c_str(),
              show(e.w_shape, e.w).c_str());
  const std::string expected = show(e.y_shape, e.y);
  std::printf("    %-22s %s\n", "expected (SEEDS.md)", expected.c_str());
  if (e.op == op_kind::conv) {
    line("direct", show(e.y_shape, tconv::conv(e.p, x, w).data), expected);
    line("matrix (W x)", show(e.y_shape, tconv::conv_via_matrix(e.p, x, w).data), expected);
  } else {
    line("scatter (trans_conv)", show(e.y_shape, tconv::conv_transpose(e.p, x, w).data), expected);
    line("gather", show(e.y_shape, tconv::conv_transpose_gather(e.p, x, w).data), expected);
    line("matrix (W^T y)", show(e.y_shape, tconv::conv_transpose_via_matrix(e.p, x, w).data),
         expected);
    line("zero insertion", show(e.y_shape, tconv::conv_transpose_zero_insertion(e.p, x, w).data),
         expected);
  }
  std::printf("    verdict: %s\n\n", mismatches == before ? "ok" : "MISMATCH");
}

void run12() {
  const int before = mismatches;
  header(12, "kernel2matrix: the convolution as a matrix W, the transposed one as W^T",
         "000, 002, 004", "K = [[1,2],[3,4]] over a 3x3 input: W is 4x9");
  const tconv::problem p = tconv::seeds::layer(3, 3, 2);
  const tensor<i64> k{{1, 1, 2, 2}, {1, 2, 3, 4}};
  const auto w = tconv::conv_matrix_dense(p, k);
  const auto expected_w = tconv::seeds::w12();
  for (i64 r = 0; r < 4; ++r)
    std::printf("    %-22s %s\n", r == 0 ? "expected W (SEEDS.md)" : "",
                show(std::vector<i64>(expected_w.begin() + r * 9, expected_w.begin() + (r + 1) * 9))
                    .c_str());
  for (i64 r = 0; r < 4; ++r)
    line(r == 0 ? "W built by tconv" : "",
         show(std::vector<i64>(w.data.begin() + r * 9, w.data.begin() + (r + 1) * 9)),
         show(std::vector<i64>(expected_w.begin() + r * 9, expected_w.begin() + (r + 1) * 9)));
  const std::vector<i64> y11{27, 37, 57, 67};  // #11's result
  line("W vec(arange(9))", show(tconv::multiply(w, tconv::seeds::arange(9))), show(y11));
  // trans_conv(Y, K) computed by the scatter formulation must equal W^T vec(Y)
  const auto z =
      tconv::conv_transpose(tconv::seeds::layer(2, 2, 2), tensor<i64>{{1, 1, 2, 2}, y11}, k);
  line("W^T vec(#11 result)", show(tconv::multiply_transposed(w, y11)), show(z.data));
  std::printf("    %-22s (= trans_conv(#11 result, K), by the scatter formulation)\n", "");
  std::printf("    verdict: %s\n\n", mismatches == before ? "ok" : "MISMATCH");
}

void run15() {
  const int before = mismatches;
  header(15, "shape inversion (shapes only)", "000-004",
         "Conv2d(10,20,k=5,p=2,s=3) then ConvTranspose2d(20,10,k=5,p=2,s=3)");
  const auto c =
      tconv::from_pytorch({{1, 10, 16, 16}, 20, {5}, {3}, {2}, {}, {}, 1, false}, op_kind::conv);
  const auto t = tconv::from_pytorch({{1, 20, 6, 6}, 10, {5}, {3}, {2}, {}, {}, 1, false},
                                     op_kind::conv_transpose);
  line("conv (1,10,16,16) ->", show_shape(tconv::output_shape(c, op_kind::conv)), "(1,20,6,6)");
  line("conv_transpose ->", show_shape(tconv::output_shape(t, op_kind::conv_transpose)),
       "(1,10,16,16)");
  std::printf("    verdict: %s\n\n", mismatches == before ? "ok" : "MISMATCH");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1) {
    std::fprintf(
        stderr,
        "usage: %s\n  prints every worked example of the seeds (SEEDS.md #1-#15), computed by\n"
        "  the library, with a verdict; exit 0 if all agree, 1 on any mismatch\n",
        argv[0]);
    return 2;
  }
  try {
    std::printf(
        "tconv-seeds: the worked examples of the seed documents, computed by tconv\n"
        "(expected numbers from SEEDS.md, checked there against PyTorch)\n\n");
    auto all = tconv::seeds::examples();
    for (const auto& e : all) {
      if (e.number == 13) run12();
      run(e);
    }
    run15();
    std::printf("%s: %d mismatch%s\n", mismatches == 0 ? "all examples reproduced" : "FAILED",
                mismatches, mismatches == 1 ? "" : "es");
    return mismatches == 0 ? 0 : 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "tconv-seeds: error: %s\n", e.what());
    return 2;
  }
}
