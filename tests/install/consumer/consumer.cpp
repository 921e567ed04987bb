// Uses the installed core and checker: the seeds' first worked example (2x2 input, 2x2 kernel,
// stride 1: [[0,0,1],[0,4,6],[4,12,9]]) computed exactly, then a float output judged by the
// checker, once right and once wrong.
#include <cstdio>
#include <vector>

#include "tconv/check/check.hpp"
#include "tconv/tconv.hpp"

int main() {
  tconv::pytorch_layer l;
  l.input_shape = {1, 1, 2, 2};
  l.kernel_size = {2, 2};
  const auto p = tconv::from_pytorch(l, tconv::op_kind::conv_transpose);
  const tconv::tensor<long long> x({1, 1, 2, 2}, {0, 1, 2, 3});
  const auto y = tconv::conv_transpose(p, x, x);
  const std::vector<long long> want{0, 0, 1, 0, 4, 6, 4, 12, 9};
  if (y.data != want) return std::puts("consumer: wrong exact result"), 1;
  const std::vector<float> xf{0, 1, 2, 3};
  std::vector<float> yf{0, 0, 1, 0, 4, 6, 4, 12, 9};
  using tconv::check::precision;
  const auto judge = [&] {
    return tconv::check::check_output(p, tconv::op_kind::conv_transpose, xf.data(), xf.data(),
                                      nullptr, yf.data(), 9, precision::fp32)
        .ok;
  };
  if (!judge()) return std::puts("consumer: the checker rejected the exact output"), 1;
  yf[4] = 5;
  if (judge()) return std::puts("consumer: the checker accepted a wrong output"), 1;
  std::puts("consumer: ok");
}
