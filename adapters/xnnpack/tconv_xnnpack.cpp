// XNNPACK under test: xnn_create/setup_deconvolution2d_nhwc_f32 (the 2022 operator API), run on
// the calling thread (no pthreadpool), clamps -inf/+inf (no activation).
// Conventions: NHWC data; the four "output_padding_*" arguments are crop pads in the order top,
// right, bottom, left; adjustment_height/width (at setup) is PyTorch's output_padding and must be
// smaller than the stride (setup_deconvolution2d_nhwc rejects it otherwise); weights are
// [groups][group_output_channels][kh][kw][group_input_channels].
#include <xnnpack.h>

#include <cmath>
#include <limits>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "../adapter_common.hpp"

namespace {

using tconv::adapter::well_formed;

void check(xnn_status s, const char* what) {
  if (s != xnn_status_success)
    throw std::runtime_error(std::string(what) + " returned xnn_status " +
                             std::to_string(static_cast<int>(s)));
}

struct op_deleter {
  void operator()(xnn_operator_t op) const { xnn_delete_operator(op); }
};

}  // namespace

TCONV_EXPORT int tconv_supports(const tconv_problem* p) {
  if (!well_formed(p) || p->rank != 2) return 0;
  for (std::int64_t a = 0; a < 2; ++a)
    if (p->output_padding[a] >= p->stride[a]) return 0;
  // the API takes uint32_t hyperparameters
  constexpr std::int64_t u32 = std::numeric_limits<std::uint32_t>::max();
  for (std::int64_t a = 0; a < 2; ++a)
    if (p->pad_begin[a] > u32 || p->pad_end[a] > u32 || p->kernel[a] > u32) return 0;
  return 1;
}

TCONV_EXPORT int tconv_conv_transpose_f32(const tconv_problem* p, const float* x, const float* w,
                                          const float* b, float* y) {
  return tconv::adapter::no_throw("tconv_xnnpack", [&] {
    if (tconv_supports(p) == 0) throw std::invalid_argument("problem not supported");
    if ((p->has_bias != 0) != (b != nullptr))
      throw std::invalid_argument("has_bias and b disagree");
    static const xnn_status init = xnn_initialize(nullptr);
    check(init, "xnn_initialize");
    const std::int64_t n = p->batch, g = p->groups, icg = p->in_channels / g,
                       ocg = p->out_channels / g, ih = p->input[0], iw = p->input[1],
                       kh = p->kernel[0], kw = p->kernel[1], oh = p->output[0], ow = p->output[1],
                       ic = p->in_channels, oc = p->out_channels;
    const auto u = [](std::int64_t v) { return static_cast<std::uint32_t>(v); };
    const auto z = [](std::int64_t v) { return static_cast<std::size_t>(v); };
    // weights: PyTorch [g*icg + i][o][h][w] -> XNNPACK [g][o][h][w][i]
    // XNN_EXTRA_BYTES: XNNPACK may read (never write) that far past the end of every array
    constexpr std::size_t slack = XNN_EXTRA_BYTES / sizeof(float);
    std::vector<float> wx(z(ic * ocg * kh * kw) + slack);
    for (std::int64_t gi = 0; gi < g; ++gi)
      for (std::int64_t i = 0; i < icg; ++i)
        for (std::int64_t o = 0; o < ocg; ++o)
          for (std::int64_t h = 0; h < kh; ++h)
            for (std::int64_t v = 0; v < kw; ++v)
              wx[z((((gi * ocg + o) * kh + h) * kw + v) * icg + i)] =
                  w[z((((gi * icg + i) * ocg + o) * kh + h) * kw + v)];
    // yn is XNNPACK's output: guard regions around it catch writes out of bounds, which the
    // harness's own guards cannot see once the values are copied out
    constexpr std::size_t guard = 64;
    constexpr float sentinel = -9.87654e29f;
    const std::size_t ny = z(n * oh * ow * oc);
    std::vector<float> xn(z(n * ih * iw * ic) + slack), ynb(guard + ny + guard, sentinel), bx;
    float* const yn = ynb.data() + guard;
    if (b != nullptr) bx.assign(b, b + oc), bx.resize(z(oc) + slack);
    for (std::int64_t b0 = 0; b0 < n; ++b0)
      for (std::int64_t c = 0; c < ic; ++c)
        for (std::int64_t h = 0; h < ih; ++h)
          for (std::int64_t v = 0; v < iw; ++v)
            xn[z(((b0 * ih + h) * iw + v) * ic + c)] = x[z(((b0 * ic + c) * ih + h) * iw + v)];
    xnn_operator_t raw = nullptr;
    check(xnn_create_deconvolution2d_nhwc_f32(
              u(p->pad_begin[0]), u(p->pad_end[1]), u(p->pad_end[0]), u(p->pad_begin[1]), u(kh),
              u(kw), u(p->stride[0]), u(p->stride[1]), u(p->dilation[0]), u(p->dilation[1]), u(g),
              z(icg), z(ocg), z(ic), z(oc), wx.data(), b != nullptr ? bx.data() : nullptr,
              -INFINITY, +INFINITY, 0, &raw),
          "xnn_create_deconvolution2d_nhwc_f32");
    const std::unique_ptr<xnn_operator, op_deleter> op(raw);
    check(xnn_setup_deconvolution2d_nhwc_f32(op.get(), z(n), z(ih), z(iw), u(p->output_padding[0]),
                                             u(p->output_padding[1]), xn.data(), yn, nullptr),
          "xnn_setup_deconvolution2d_nhwc_f32");
    check(xnn_run_operator(op.get(), nullptr), "xnn_run_operator");
    for (std::size_t i = 0; i < guard; ++i)
      if (ynb[i] != sentinel || ynb[guard + ny + i] != sentinel)
        throw std::runtime_error("XNNPACK wrote outside its output tensor");
    for (std::int64_t b0 = 0; b0 < n; ++b0)
      for (std::int64_t c = 0; c < oc; ++c)
        for (std::int64_t h = 0; h < oh; ++h)
          for (std::int64_t v = 0; v < ow; ++v)
            y[z(((b0 * oc + c) * oh + h) * ow + v)] = yn[z(((b0 * oh + h) * ow + v) * oc + c)];
    return 0;
  });
}
