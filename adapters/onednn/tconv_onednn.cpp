// oneDNN under test: the deconvolution_forward primitive, algorithm::deconvolution_direct,
// forward_inference, f32, with the layouts the primitive itself prefers (format_tag::any) and
// oneDNN reorders from and to the harness's plain layouts, as a oneDNN user would write it.
// Conventions: oneDNN dilation is 0-based (d - 1); padding is padding_l / padding_r per axis;
// output_padding has no parameter: the destination dims carry it and padding_r = pad_end -
// output_padding, which oneDNN accepts down to 1 - stride (see tconv_supports).
#include <cstring>
#include <oneapi/dnnl/dnnl.hpp>
#include <stdexcept>
#include <unordered_map>

#include "../adapter_common.hpp"

namespace {

using dnnl::memory;
using tconv::adapter::well_formed;

dnnl::engine& cpu_engine() {
  static dnnl::engine engine(dnnl::engine::kind::cpu, 0);
  return engine;
}

memory::dims dims(std::int64_t a, std::int64_t b, const std::int64_t* rest, std::int64_t rank) {
  memory::dims d{a, b};
  d.insert(d.end(), rest, rest + rank);
  return d;
}

memory::format_tag plain_tag(std::int64_t rank) {
  if (rank == 1) return memory::format_tag::ncw;
  if (rank == 2) return memory::format_tag::nchw;
  return memory::format_tag::ncdhw;
}

// PyTorch's weight [C_in, C_out/g, *k] seen as oneDNN's [g, C_out/g, C_in/g, *k] (or [C_out, C_in,
// *k]) through strides: no copy, and every element stays where the harness put it.
memory::desc torch_weights(const tconv_problem& p) {
  const std::int64_t g = p.groups, icg = p.in_channels / g, ocg = p.out_channels / g;
  const std::int64_t k = tconv::adapter::volume(p.kernel, p.rank);
  memory::dims d{g, ocg, icg}, s{icg * ocg * k, k, ocg * k};
  if (g == 1) d = {ocg, icg}, s = {k, ocg * k};  // ungrouped weights have no group dimension
  for (std::int64_t a = 0; a < p.rank; ++a) {
    d.push_back(p.kernel[a]);
    s.push_back(tconv::adapter::volume(p.kernel + a + 1, p.rank - a - 1));
  }
  return memory::desc(d, memory::data_type::f32, s);
}

}  // namespace

TCONV_EXPORT int tconv_supports(const tconv_problem* p) {
  if (!well_formed(p)) return 0;
  // oneDNN's shape rule (src/common/deconvolution.cpp, conv_desc_init): padding_r > -stride
  for (std::int64_t a = 0; a < p->rank; ++a)
    if (p->pad_end[a] - p->output_padding[a] <= -p->stride[a]) return 0;
  return 1;
}

TCONV_EXPORT int tconv_conv_transpose_f32(const tconv_problem* p, const float* x, const float* w,
                                          const float* b, float* y) {
  return tconv::adapter::no_throw("tconv_onednn", [&] {
    if (tconv_supports(p) == 0) throw std::invalid_argument("problem not supported");
    if ((p->has_bias != 0) != (b != nullptr))
      throw std::invalid_argument("has_bias and b disagree");
    const auto r = p->rank;
    auto& eng = cpu_engine();
    dnnl::stream strm(eng);
    const auto f32 = memory::data_type::f32;
    const memory::desc src_plain(dims(p->batch, p->in_channels, p->input, r), f32, plain_tag(r));
    const memory::desc dst_plain(dims(p->batch, p->out_channels, p->output, r), f32, plain_tag(r));
    const memory::desc wei_torch = torch_weights(*p);
    memory::dims strides(p->stride, p->stride + r), dilates, pad_l(p->pad_begin, p->pad_begin + r),
        pad_r;
    for (std::int64_t a = 0; a < r; ++a) {
      dilates.push_back(p->dilation[a] - 1);
      pad_r.push_back(p->pad_end[a] - p->output_padding[a]);
    }
    const memory::desc any_src(src_plain.dims(), f32, memory::format_tag::any);
    const memory::desc any_dst(dst_plain.dims(), f32, memory::format_tag::any);
    const memory::desc any_wei(wei_torch.dims(), f32, memory::format_tag::any);
    const memory::desc bias_md =
        b != nullptr ? memory::desc({p->out_channels}, f32, memory::format_tag::x) : memory::desc();
    const dnnl::deconvolution_forward::desc desc(
        dnnl::prop_kind::forward_inference, dnnl::algorithm::deconvolution_direct, any_src, any_wei,
        bias_md, any_dst, strides, dilates, pad_l, pad_r);
    const dnnl::deconvolution_forward::primitive_desc pd(desc, eng);

    // the harness's buffers are read-only to us: oneDNN only reads src/weights/bias
    memory src_user(src_plain, eng, const_cast<float*>(x));
    memory wei_user(wei_torch, eng, const_cast<float*>(w));
    memory dst_user(dst_plain, eng, y);
    memory src = src_user, wei = wei_user, dst = dst_user;
    if (pd.src_desc() != src_plain) {
      src = memory(pd.src_desc(), eng);
      dnnl::reorder(src_user, src).execute(strm, src_user, src);
    }
    if (pd.weights_desc() != wei_torch) {
      wei = memory(pd.weights_desc(), eng);
      dnnl::reorder(wei_user, wei).execute(strm, wei_user, wei);
    }
    if (pd.dst_desc() != dst_plain) dst = memory(pd.dst_desc(), eng);
    std::unordered_map<int, memory> args{
        {DNNL_ARG_SRC, src}, {DNNL_ARG_WEIGHTS, wei}, {DNNL_ARG_DST, dst}};
    if (b != nullptr) args.insert({DNNL_ARG_BIAS, memory(bias_md, eng, const_cast<float*>(b))});
    dnnl::deconvolution_forward(pd).execute(strm, args);
    if (pd.dst_desc() != dst_plain) dnnl::reorder(dst, dst_user).execute(strm, dst, dst_user);
    strm.wait();
    return 0;
  });
}
