// A plugin computed by tconv's exact core (float64, then rounded): the driver's control. Built
// with TCONV_MUTANT_STRIDE_SWAP it reads the strides of axes 0 and 1 crossed, a per-axis swap
// the fixed cases must reject.
#include <algorithm>
#include <exception>
#include <vector>

#include "../../adapters/adapter_common.hpp"
#include "tconv/conv_transpose.hpp"

TCONV_EXPORT int tconv_supports(const tconv_problem* p) { return tconv::adapter::well_formed(p); }

TCONV_EXPORT int tconv_conv_transpose_f32(const tconv_problem* c, const float* x, const float* w,
                                          const float* b, float* y) {
  return tconv::adapter::no_throw("reference_plugin", [&] {
    tconv::problem p = tconv::from_abi(*c);
#ifdef TCONV_MUTANT_STRIDE_SWAP
    std::swap(p.stride[0], p.stride[1]);
#endif
    const auto load = [](const std::vector<std::int64_t>& shape, const float* v) {
      return tconv::tensor<double>(shape,
                                   std::vector<double>(v, v + tconv::checked_size(shape, "t")));
    };
    const auto op = tconv::op_kind::conv_transpose;
    const auto xt = load(tconv::input_shape(p), x), wt = load(tconv::weight_shape(p, op), w);
    tconv::tensor<double> yt;
    if (b != nullptr)
      yt = tconv::conv_transpose(p, xt, wt, load(tconv::bias_shape(p), b));
    else
      yt = tconv::conv_transpose(p, xt, wt);
    // the mutant's output may be larger or smaller than the harness's: write what fits
    const auto n = std::min<std::size_t>(yt.data.size(),
                                         static_cast<std::size_t>(tconv::checked_size(
                                             tconv::output_shape(tconv::from_abi(*c), op), "y")));
    for (std::size_t i = 0; i < n; ++i) y[i] = static_cast<float>(yt.data[i]);
    return 0;
  });
}
