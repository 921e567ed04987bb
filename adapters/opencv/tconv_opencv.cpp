// OpenCV DNN under test: a one-layer cv::dnn::Net holding a "Deconvolution" layer built from
// LayerParams, run on the OpenCV backend and the CPU target (the library's default path).
// Declared support follows what the layer accepts: rank 2 only (supportBackend: the OpenCV
// backend takes 2-D kernels only), symmetric padding (finalize: "Unsupported asymmetric padding
// in deconvolution layer"), adj < stride (the constructor asserts adjust_pads[i] < strides[i]),
// any groups; dilation is a parsed, validated parameter, so it is declared supported.
#include <cstring>
#include <opencv2/core/utils/logger.hpp>
#include <opencv2/dnn.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "../adapter_common.hpp"
#include "tconv/text.hpp"

namespace {

using tconv::adapter::well_formed;

std::vector<int> ints(const std::int64_t* v, std::int64_t n) { return std::vector<int>(v, v + n); }

cv::dnn::DictValue array(const std::vector<int>& v) {
  return cv::dnn::DictValue::arrayInt(v.begin(), static_cast<int>(v.size()));
}

}  // namespace

TCONV_EXPORT int tconv_supports(const tconv_problem* p) {
  if (!well_formed(p) || p->rank != 2) return 0;
  for (std::int64_t a = 0; a < p->rank; ++a) {
    if (p->pad_begin[a] != p->pad_end[a]) return 0;
    if (p->output_padding[a] >= p->stride[a]) return 0;
  }
  return 1;
}

TCONV_EXPORT int tconv_conv_transpose_f32(const tconv_problem* p, const float* x, const float* w,
                                          const float* b, float* y) {
  return tconv::adapter::no_throw("tconv_opencv", [&] {
    if (tconv_supports(p) == 0) throw std::invalid_argument("problem not supported");
    if ((p->has_bias != 0) != (b != nullptr))
      throw std::invalid_argument("has_bias and b disagree");
    static const bool quiet = [] {
      cv::utils::logging::setLogLevel(cv::utils::logging::LOG_LEVEL_SILENT);
      return true;
    }();
    (void)quiet;
    const auto r = p->rank;
    cv::dnn::LayerParams lp;
    lp.name = "deconv";
    lp.type = "Deconvolution";
    lp.set("kernel_size", array(ints(p->kernel, r)));
    lp.set("stride", array(ints(p->stride, r)));
    lp.set("dilation", array(ints(p->dilation, r)));
    lp.set("adj", array(ints(p->output_padding, r)));
    std::vector<int> pads = ints(p->pad_begin, r);  // begins, then ends
    pads.insert(pads.end(), p->pad_end, p->pad_end + r);
    lp.set("pad", array(pads));
    lp.set("group", static_cast<int>(p->groups));
    lp.set("num_output", static_cast<int>(p->out_channels));
    lp.set("bias_term", b != nullptr);
    std::vector<int> wshape{static_cast<int>(p->in_channels),
                            static_cast<int>(p->out_channels / p->groups)};
    for (std::int64_t a = 0; a < r; ++a) wshape.push_back(static_cast<int>(p->kernel[a]));
    // blobs are copied: the layer may transform its weights in place (fusion)
    lp.blobs.push_back(cv::Mat(wshape, CV_32F, const_cast<float*>(w)).clone());
    if (b != nullptr)
      lp.blobs.push_back(cv::Mat(std::vector<int>{1, static_cast<int>(p->out_channels)}, CV_32F,
                                 const_cast<float*>(b))
                             .clone());
    cv::dnn::Net net;
    net.addLayerToPrev(lp.name, lp.type, lp);
    net.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
    net.setPreferableTarget(cv::dnn::DNN_TARGET_CPU);
    std::vector<int> xshape{static_cast<int>(p->batch), static_cast<int>(p->in_channels)};
    for (std::int64_t a = 0; a < r; ++a) xshape.push_back(static_cast<int>(p->input[a]));
    net.setInput(cv::Mat(xshape, CV_32F, const_cast<float*>(x)).clone());
    const cv::Mat out = net.forward();
    std::vector<int> yshape{static_cast<int>(p->batch), static_cast<int>(p->out_channels)};
    for (std::int64_t a = 0; a < r; ++a) yshape.push_back(static_cast<int>(p->output[a]));
    if (out.type() != CV_32F || out.dims != static_cast<int>(yshape.size()) ||
        !std::equal(yshape.begin(), yshape.end(), out.size.p) || !out.isContinuous())
      throw std::runtime_error(
          "the layer returned shape " +
          tconv::shape_text(std::vector<int>(out.size.p, out.size.p + out.dims)) + ", expected " +
          tconv::shape_text(yshape));
    std::memcpy(y, out.ptr<float>(), out.total() * sizeof(float));
    return 0;
  });
}
