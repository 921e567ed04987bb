// PyTorch (libtorch C++) under test: torch::conv_transpose{1,2,3}d, i.e. at::conv_transpose*d
// (torch:: re-exports the ATen operators; ATen/ATen.h keeps this translation unit small).
// Supported exactly as PyTorch documents ConvTranspose{1,2,3}d: symmetric padding only (the API
// has one `padding` per axis; cropping asymmetric padding by hand would test this adapter, not
// torch), output_padding < max(stride, dilation), any groups and dilation.
#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <c10/core/InferenceMode.h>

#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <vector>

#include "../adapter_common.hpp"

namespace {

using tconv::adapter::well_formed;

// One intra-op thread: campaign cases are tiny, results must not depend on the machine's core
// count, and an OpenMP pool started in a process that later forks can deadlock the child.
// TCONV_TORCH_THREADS=N overrides it (e.g. to verify the threaded paths).
void configure_once() {
  static const bool done = [] {
    int threads = 1;
    if (const char* env = std::getenv("TCONV_TORCH_THREADS")) threads = std::atoi(env);
    if (threads >= 1) at::set_num_threads(threads);
    return true;
  }();
  (void)done;
}

std::vector<std::int64_t> dims(std::int64_t a, std::int64_t b, const std::int64_t* rest,
                               std::int64_t rank) {
  std::vector<std::int64_t> d{a, b};
  d.insert(d.end(), rest, rest + rank);
  return d;
}

}  // namespace

TCONV_EXPORT int tconv_supports(const tconv_problem* p) {
  if (!well_formed(p)) return 0;
  for (std::int64_t a = 0; a < p->rank; ++a) {
    if (p->pad_begin[a] != p->pad_end[a]) return 0;
    if (p->output_padding[a] >= std::max(p->stride[a], p->dilation[a])) return 0;
  }
  return 1;
}

TCONV_EXPORT int tconv_conv_transpose_f32(const tconv_problem* p, const float* x, const float* w,
                                          const float* b, float* y) {
  return tconv::adapter::no_throw("tconv_torch", [&] {
    if (tconv_supports(p) == 0) throw std::invalid_argument("problem not supported");
    if ((p->has_bias != 0) != (b != nullptr))
      throw std::invalid_argument("has_bias and b disagree");
    configure_once();
    c10::InferenceMode inference;
    const auto r = p->rank;
    const auto f32 = at::TensorOptions().dtype(at::kFloat);
    // from_blob never copies nor writes: the harness's buffers stay the harness's
    const at::Tensor xt =
        at::from_blob(const_cast<float*>(x), dims(p->batch, p->in_channels, p->input, r), f32);
    const at::Tensor wt =
        at::from_blob(const_cast<float*>(w),
                      dims(p->in_channels, p->out_channels / p->groups, p->kernel, r), f32);
    const at::Tensor bt =
        b != nullptr ? at::from_blob(const_cast<float*>(b), {p->out_channels}, f32) : at::Tensor();
    const at::IntArrayRef stride(p->stride, static_cast<std::size_t>(r));
    const at::IntArrayRef padding(p->pad_begin, static_cast<std::size_t>(r));
    const at::IntArrayRef output_padding(p->output_padding, static_cast<std::size_t>(r));
    const at::IntArrayRef dilation(p->dilation, static_cast<std::size_t>(r));
    at::Tensor yt;
    if (r == 1)
      yt = at::conv_transpose1d(xt, wt, bt, stride, padding, output_padding, p->groups, dilation);
    else if (r == 2)
      yt = at::conv_transpose2d(xt, wt, bt, stride, padding, output_padding, p->groups, dilation);
    else
      yt = at::conv_transpose3d(xt, wt, bt, stride, padding, output_padding, p->groups, dilation);
    if (yt.sizes() != at::IntArrayRef(dims(p->batch, p->out_channels, p->output, r)))
      throw std::runtime_error(
          "torch returned a tensor of another shape than the harness's output");
    yt = yt.contiguous();
    std::memcpy(y, yt.data_ptr<float>(), static_cast<std::size_t>(yt.numel()) * sizeof(float));
    return 0;
  });
}
