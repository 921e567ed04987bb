#pragma once
// Framework conventions resolved into one canonical problem: PyTorch's ConvTranspose/Conv
// arguments, ONNX's ConvTranspose attributes (auto_pad, pads, output_shape, ...), ONNX's Conv
// attributes (auto_pad, pads) and TensorFlow's conv{1,2,3}d_transpose arguments ('SAME', 'VALID'
// or explicit padding and an output shape, NHWC / NDHWC).
#include <optional>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "tconv/problem.hpp"

namespace tconv {

/// A PyTorch layer: nn.ConvTranspose{1,2,3}d / nn.Conv{1,2,3}d arguments plus the input shape.
/// Per-axis lists hold one value (every axis) or one per axis; empty means the default.
struct pytorch_layer {
  std::vector<std::int64_t> input_shape;  // [N, C_in, *spatial]
  std::int64_t out_channels = 1;
  std::vector<std::int64_t> kernel_size, stride, padding, output_padding, dilation;
  std::int64_t groups = 1;
  bool bias = false;
};

/// ONNX ConvTranspose attributes (opset 11+ semantics), plus the input and weight shapes.
struct onnx_conv_transpose {
  std::vector<std::int64_t> x_shape;     // [N, C_in, *spatial]
  std::vector<std::int64_t> w_shape;     // [C_in, C_out/group, *kernel]
  std::string_view auto_pad = "NOTSET";  // NOTSET, VALID, SAME_UPPER, SAME_LOWER
  std::vector<std::int64_t> kernel_shape, strides, dilations, pads, output_padding, output_shape;
  std::int64_t group = 1;
  bool has_bias = false;
};

/// ONNX Conv attributes (opset 11+ semantics), plus the input and weight shapes.
struct onnx_conv {
  std::vector<std::int64_t> x_shape;     // [N, C_in, *spatial]
  std::vector<std::int64_t> w_shape;     // [C_out, C_in/group, *kernel]
  std::string_view auto_pad = "NOTSET";  // NOTSET, VALID, SAME_UPPER, SAME_LOWER
  std::vector<std::int64_t> kernel_shape, strides, dilations, pads;
  std::int64_t group = 1;
  bool has_bias = false;
};

/// TensorFlow tf.nn.conv{1,2,3}d_transpose (Conv{2,3}DBackpropInput) arguments in the NHWC /
/// NDHWC data format. Per-axis lists hold one value or one per spatial axis; empty means 1.
struct tensorflow_conv_transpose {
  std::vector<std::int64_t> input_shape;         // [N, *spatial, C_in]: the forward conv's output
  std::vector<std::int64_t> filter_shape;        // [*kernel, C_out, C_in]
  std::vector<std::int64_t> strides, dilations;  // spatial only
  std::string_view padding = "VALID";            // SAME, VALID or EXPLICIT
  std::vector<std::pair<std::int64_t, std::int64_t>> explicit_paddings;  // EXPLICIT: per axis
  std::vector<std::int64_t> output_shape;  // [N, *spatial, C_out]: the forward conv's input
  bool has_bias = false;
};

/// The rules the ONNX conventions name in problem_fault::rule, for callers that speak of them in
/// words of their own (the CLI names its flags).
namespace onnx_rule {
inline constexpr std::string_view auto_pad_name = "must be NOTSET, VALID, SAME_UPPER or SAME_LOWER";
inline constexpr std::string_view pads_count = "must hold 2 * rank =";
inline constexpr std::string_view pads_with_auto_pad = "cannot be given together with auto_pad";
inline constexpr std::string_view w0_is_c_in = "W[0] must equal C_in =";
inline constexpr std::string_view w1_times_group_is_c_in = "W[1] * group must equal C_in =";
}  // namespace onnx_rule

namespace detail {
// value of a per-axis list at axis a: default when empty, broadcast when one value
constexpr std::int64_t per_axis(const std::vector<std::int64_t>& v, std::int64_t rank,
                                std::int64_t a, std::int64_t def, const char* name) {
  if (v.empty()) return def;
  if (v.size() == 1) return v[0];
  const auto n = static_cast<std::int64_t>(v.size());
  if (n != rank)
    throw invalid_problem(std::string(name) + ": " + to_string(v) + " has " + to_string(n) +
                              " values; give 1 or one per spatial axis (" + to_string(rank) + ")",
                          {name, -1, n, "give 1 or one per spatial axis", rank});
  return v[static_cast<std::size_t>(a)];
}
constexpr std::int64_t spatial_rank(const std::vector<std::int64_t>& shape, const char* name) {
  const auto r = static_cast<std::int64_t>(shape.size()) - 2;
  if (r < 1 || r > max_rank)
    throw invalid_problem(std::string(name) + ": " + to_string(shape) +
                              " must be [N, C, D1[, D2[, D3]]] (spatial rank 1 to 3)",
                          {name, -1, r, "the spatial rank must be 1, 2 or 3"});
  return r;
}

// The checks both ONNX operators share, in the order the CLI has always reported them: X and W
// of one rank, pads of 2 * rank values, a known auto_pad, group >= 1. Returns the spatial rank.
template <class Onnx>
constexpr std::int64_t onnx_rank(const Onnx& o) {
  const std::int64_t r = spatial_rank(o.x_shape, "X shape");
  if (spatial_rank(o.w_shape, "W shape") != r)
    throw invalid_problem("W shape: " + to_string(o.w_shape) + " and X shape " +
                              to_string(o.x_shape) + " must have the same rank",
                          {"W shape", -1, r, "must have the rank of X shape"});
  const auto pads = static_cast<std::int64_t>(o.pads.size());
  if (pads != 0 && pads != 2 * r)
    throw invalid_problem("pads: " + to_string(o.pads) + " must hold 2 * rank = " +
                              to_string(2 * r) + " values (all begins, then all ends)",
                          {"pads", -1, pads, onnx_rule::pads_count.data(), 2 * r});
  const std::string_view ap = o.auto_pad;
  if (ap != "NOTSET" && ap != "VALID" && ap != "SAME_UPPER" && ap != "SAME_LOWER")
    throw invalid_problem(
        "auto_pad = " + std::string(ap) + ": " + std::string(onnx_rule::auto_pad_name),
        {"auto_pad", -1, 0, onnx_rule::auto_pad_name.data()});
  if (o.group < 1)
    throw invalid_problem("group = " + to_string(o.group) + ": must be >= 1",
                          {"group", -1, o.group, "must be >= 1"});
  return r;
}

// explicit pads and auto_pad exclude each other (the spec: pads "cannot be used simultaneously
// with auto_pad"); ConvTranspose's output_shape overrides pads, so it lifts the rule
template <class Onnx>
constexpr void onnx_pads_alone(const Onnx& o, bool output_shape_given) {
  if (!o.pads.empty() && o.auto_pad != "NOTSET" && !output_shape_given)
    throw invalid_problem(
        "pads: cannot be given together with auto_pad = " + std::string(o.auto_pad),
        {"pads", -1, static_cast<std::int64_t>(o.pads.size()),
         onnx_rule::pads_with_auto_pad.data()});
}

// The per-axis fields both ONNX operators share: input, kernel (which kernel_shape must repeat),
// strides, dilations and explicit pads (all begins, then all ends).
template <class Onnx>
constexpr void onnx_axes(const Onnx& o, problem& p) {
  for (std::int64_t a = 0; a < p.rank; ++a) {
    const auto i = static_cast<std::size_t>(a);
    p.input[a] = o.x_shape[i + 2];
    p.kernel[a] = o.w_shape[i + 2];
    if (!o.kernel_shape.empty() &&
        per_axis(o.kernel_shape, p.rank, a, p.kernel[a], "kernel_shape") != p.kernel[a])
      throw invalid_problem("kernel_shape: " + to_string(o.kernel_shape) +
                                " disagrees with W shape " + to_string(o.w_shape),
                            {"kernel_shape", a, o.kernel_shape[o.kernel_shape.size() == 1 ? 0 : i],
                             "must equal W shape's kernel extent", p.kernel[a]});
    p.stride[a] = per_axis(o.strides, p.rank, a, 1, "strides");
    p.dilation[a] = per_axis(o.dilations, p.rank, a, 1, "dilations");
    if (!o.pads.empty()) {
      p.pad_begin[a] = o.pads[i];
      p.pad_end[a] = o.pads[i + static_cast<std::size_t>(p.rank)];
    }
  }
}

/// Splits total padding t over axis a: SAME_UPPER puts the odd one at the end (t/2, t - t/2);
/// SAME_LOWER (and ConvTranspose's NOTSET with output_shape) at the begin (t - t/2, t/2).
constexpr void split_padding(problem& p, std::int64_t a, std::int64_t total,
                             std::string_view auto_pad) {
  const std::int64_t small = total / 2;
  p.pad_begin[a] = auto_pad == "SAME_UPPER" ? small : total - small;
  p.pad_end[a] = total - p.pad_begin[a];
}

// ConvTranspose's channels: W[0] is C_in, C_out = W[1] * group (in range)
constexpr void onnx_transpose_channels(const onnx_conv_transpose& o, problem& p) {
  if (o.w_shape[0] != o.x_shape[1])
    throw invalid_problem(
        "W shape: " + to_string(o.w_shape) + ": W[0] must equal C_in = " + to_string(o.x_shape[1]),
        {"W shape", 0, o.w_shape[0], onnx_rule::w0_is_c_in.data(), o.x_shape[1]});
  std::int64_t oc = 0;
  if (!mul_ok(o.w_shape[1], o.group, oc))
    throw invalid_problem("W shape: C_out/group * group overflows",
                          {"W shape", 1, o.w_shape[1], "C_out/group * group must fit in int64"});
  p.out_channels = oc;
}

// output_shape holds the spatial extents, or the full [N, C, D..] shape
constexpr void onnx_output_shape_count(const onnx_conv_transpose& o, std::int64_t rank) {
  const auto n = static_cast<std::int64_t>(o.output_shape.size());
  if (n != 0 && n != rank && n != rank + 2)
    throw invalid_problem("output_shape: " + to_string(o.output_shape) +
                              " must hold the spatial extents (" + to_string(rank) + " values)",
                          {"output_shape", -1, n, "must hold the spatial extents", rank});
}

// ConvTranspose with output_shape (or SAME_*: out = in*s): the total padding
// s(in-1) + op + d(k-1) + 1 - out is split begin/end; a negative total extends the output's end,
// as output_padding does
constexpr void onnx_transpose_padding(const onnx_conv_transpose& o, problem& p) {
  const std::size_t skip = o.output_shape.size() == static_cast<std::size_t>(p.rank) ? 0 : 2;
  for (std::int64_t a = 0; a < p.rank; ++a) {
    const std::int64_t target = !o.output_shape.empty()
                                    ? o.output_shape[static_cast<std::size_t>(a) + skip]
                                    : p.input[a] * p.stride[a];
    if (target < 1 || target > max_hyperparameter)
      throw invalid_problem(
          "output_shape[" + to_string(a) + "] = " + to_string(target) + ": must be in [1, 2^30]",
          {"output_shape", a, target, "must be in [1, 2^30]"});
    const std::int64_t total = p.stride[a] * (p.input[a] - 1) + p.output_padding[a] +
                               (p.kernel[a] - 1) * p.dilation[a] + 1 - target;
    if (total < 0) {
      // ONNX would need negative pads; the output simply extends past the last tap
      p.pad_begin[a] = p.pad_end[a] = 0;
      p.output_padding[a] += -total;
    } else {
      split_padding(p, a, total, o.auto_pad);
    }
  }
}

// every value in range (pads aside) before any padding arithmetic can be trusted
constexpr void validate_without_pads(problem p, op_kind op) {
  p.pad_begin = p.pad_end = {0, 0, 0};
  validate(p, op, output_padding_rule::extension);
}

}  // namespace detail

/// PyTorch (symmetric padding, output_padding) -> canonical problem, validated as `op`.
[[nodiscard]] constexpr problem from_pytorch(const pytorch_layer& l, op_kind op) {
  problem p;
  p.rank = detail::spatial_rank(l.input_shape, "input_shape");
  p.batch = l.input_shape[0];
  p.in_channels = l.input_shape[1];
  p.out_channels = l.out_channels;
  p.groups = l.groups;
  p.has_bias = l.bias;
  if (l.kernel_size.empty())
    throw invalid_problem("kernel_size: required", {"kernel_size", -1, 0, "required"});
  for (std::int64_t a = 0; a < p.rank; ++a) {
    p.input[a] = l.input_shape[static_cast<std::size_t>(a + 2)];
    p.kernel[a] = detail::per_axis(l.kernel_size, p.rank, a, 1, "kernel_size");
    p.stride[a] = detail::per_axis(l.stride, p.rank, a, 1, "stride");
    p.dilation[a] = detail::per_axis(l.dilation, p.rank, a, 1, "dilation");
    p.pad_begin[a] = p.pad_end[a] = detail::per_axis(l.padding, p.rank, a, 0, "padding");
    p.output_padding[a] = detail::per_axis(l.output_padding, p.rank, a, 0, "output_padding");
  }
  validate(p, op, output_padding_rule::pytorch);
  return p;
}

namespace detail {
// What both ONNX operators read alike: rank, batch, input channels, group and bias.
template <class Attributes>
[[nodiscard]] constexpr problem onnx_layer(const Attributes& o) {
  problem p;
  p.rank = onnx_rank(o);
  p.batch = o.x_shape[0];
  p.in_channels = o.x_shape[1];
  p.groups = o.group;
  p.has_bias = o.has_bias;
  return p;
}
}  // namespace detail

/// ONNX ConvTranspose -> canonical problem. With output_shape (or SAME_*: output = in*s), the
/// total padding s(in-1) + op + d(k-1) + 1 - out is split begin/end (SAME_UPPER: the odd one at
/// the end; SAME_LOWER and NOTSET: at the begin); pads are then ignored, as the spec says; a
/// negative total extends the output's end, as output_padding does.
[[nodiscard]] constexpr problem from_onnx(const onnx_conv_transpose& o) {
  problem p = detail::onnx_layer(o);
  detail::onnx_transpose_channels(o, p);
  detail::onnx_pads_alone(o, !o.output_shape.empty());
  detail::onnx_output_shape_count(o, p.rank);
  detail::onnx_axes(o, p);
  for (std::int64_t a = 0; a < p.rank; ++a)
    p.output_padding[a] = detail::per_axis(o.output_padding, p.rank, a, 0, "output_padding");
  detail::validate_without_pads(p, op_kind::conv_transpose);
  if (o.auto_pad == "SAME_UPPER" || o.auto_pad == "SAME_LOWER" || !o.output_shape.empty())
    detail::onnx_transpose_padding(o, p);
  validate(p, op_kind::conv_transpose, output_padding_rule::extension);
  return p;
}

/// ONNX Conv -> canonical problem. VALID: no padding; NOTSET: pads as given; SAME_UPPER and
/// SAME_LOWER: out = ceil(in / s) and the total padding max(0, (out-1)s + d(k-1) + 1 - in) is split
/// begin/end, the odd one at the end (SAME_UPPER) or at the begin (SAME_LOWER).
[[nodiscard]] constexpr problem from_onnx(const onnx_conv& o) {
  problem p = detail::onnx_layer(o);
  p.out_channels = o.w_shape[0];
  const std::int64_t w1 = o.w_shape[1];
  if (w1 < 1 || w1 > detail::max_hyperparameter / o.group || w1 * o.group != o.x_shape[1])
    throw invalid_problem(
        "W shape: " + detail::to_string(o.w_shape) +
            ": W[1] * group must equal C_in = " + detail::to_string(o.x_shape[1]),
        {"W shape", 1, w1, onnx_rule::w1_times_group_is_c_in.data(), o.x_shape[1]});
  detail::onnx_pads_alone(o, false);
  detail::onnx_axes(o, p);
  // every value in range, so the arithmetic below cannot overflow; SAME_* too must have an
  // output without its padding (the CLI has always asked so)
  validate(p, op_kind::conv);
  if (o.auto_pad != "SAME_UPPER" && o.auto_pad != "SAME_LOWER") return p;
  for (std::int64_t a = 0; a < p.rank; ++a) {
    const std::int64_t out = (p.input[a] + p.stride[a] - 1) / p.stride[a];
    const std::int64_t span = p.dilation[a] * (p.kernel[a] - 1) + 1;
    detail::split_padding(
        p, a, std::max<std::int64_t>(0, (out - 1) * p.stride[a] + span - p.input[a]), o.auto_pad);
  }
  validate(p, op_kind::conv);
  return p;
}

namespace detail {
// TensorFlow's shapes: [N, *spatial, C] tensors and a [*kernel, C_out, C_in] filter, all of one
// rank; the output's batch and channels must be the input's batch and the filter's C_out, and the
// filter's C_in the input's channels (ConvBackpropComputeDimensionsV2's checks, ungrouped: TF's
// kernel also takes an output depth that is a multiple of the filter's, which tfjs's
// conv2DBackpropInput does not, so these forms have groups 1). Returns the spatial rank.
constexpr std::int64_t tensorflow_rank(const tensorflow_conv_transpose& t) {
  const auto n = static_cast<std::int64_t>(t.input_shape.size());
  if (n < 3 || n > max_rank + 2)
    throw invalid_problem("input_shape: " + to_string(t.input_shape) +
                              " must be [N, D1[, D2[, D3]], C] (spatial rank 1 to 3)",
                          {"input_shape", -1, n - 2, "the spatial rank must be 1, 2 or 3"});
  const std::int64_t r = n - 2;
  const std::pair<const std::vector<std::int64_t>*, const char*> same_rank[] = {
      {&t.filter_shape, "filter_shape"}, {&t.output_shape, "output_shape"}};
  for (auto [v, name] : same_rank)
    if (static_cast<std::int64_t>(v->size()) != n)
      throw invalid_problem(
          std::string(name) + ": " + to_string(*v) + " must hold rank + 2 = " + to_string(n) +
              " values, as input_shape does",
          {name, -1, static_cast<std::int64_t>(v->size()), "must hold spatial rank + 2 values", n});
  const auto u = static_cast<std::size_t>(r);
  const std::tuple<std::int64_t, std::int64_t, const char*, std::int64_t, const char*> agree[] = {
      {t.output_shape[0], t.input_shape[0], "output_shape", 0,
       "the batch must equal input_shape's"},
      {t.output_shape[u + 1], t.filter_shape[u], "output_shape", r + 1,
       "the channels must equal filter_shape's C_out (filter [*k, C_out, C_in])"},
      {t.filter_shape[u + 1], t.input_shape[u + 1], "filter_shape", r + 1,
       "C_in must equal input_shape's channels (filter [*k, C_out, C_in])"}};
  for (auto [got, want, name, at, rule] : agree)
    if (got != want)
      throw invalid_problem(std::string(name) + "[" + to_string(at) + "] = " + to_string(got) +
                                ": " + rule + " = " + to_string(want),
                            {name, at, got, rule, want});
  return r;
}

// The padding mode and the explicit pads that go with it (one [begin, end] pair per axis, each
// in [0, 2^30], with EXPLICIT only).
constexpr void tensorflow_padding_mode(const tensorflow_conv_transpose& t, std::int64_t rank) {
  const std::string_view m = t.padding;
  if (m != "SAME" && m != "VALID" && m != "EXPLICIT")
    throw invalid_problem("padding = " + std::string(m) + ": must be SAME, VALID or EXPLICIT",
                          {"padding", -1, 0, "must be SAME, VALID or EXPLICIT"});
  const auto pairs = static_cast<std::int64_t>(t.explicit_paddings.size());
  const std::int64_t want = m == "EXPLICIT" ? rank : 0;
  if (pairs != want)
    throw invalid_problem("explicit_paddings: " + to_string(pairs) +
                              " pairs; padding = " + std::string(m) + " needs " + to_string(want),
                          {"explicit_paddings", -1, pairs,
                           "must hold one [begin, end] pair per spatial axis with EXPLICIT "
                           "padding, none otherwise",
                           want});
  for (std::int64_t a = 0; a < pairs; ++a) {
    const auto [b, e] = t.explicit_paddings[static_cast<std::size_t>(a)];
    if (b < 0 || e < 0 || b > max_hyperparameter || e > max_hyperparameter)
      throw invalid_problem("explicit_paddings[" + to_string(a) + "]: must be in [0, 2^30]",
                            {"explicit_paddings", a, b < 0 || b > max_hyperparameter ? b : e,
                             "must be in [0, 2^30]"});
  }
}

/// TensorFlow's forward output extent of `in` (GetWindowedOutputSizeVerbose in
/// tensorflow/core/framework/kernel_shape_util.cc), with the pads it uses: VALID
/// (in - dk + s) / s, pads 0; EXPLICIT (in + b + e - dk + s) / s; SAME ceil(in / s) with the total
/// max(0, (out-1)s + dk - in) split floor(total / 2) before, the rest after (dk = d(k-1) + 1;
/// C++'s truncating division, as TensorFlow's).
struct tensorflow_window {
  std::int64_t out, pad_begin, pad_end;
};
[[nodiscard]] constexpr tensorflow_window tensorflow_windowed_output(
    std::int64_t in, std::int64_t k, std::int64_t d, std::int64_t s, std::string_view padding,
    std::pair<std::int64_t, std::int64_t> explicit_pads) {
  const std::int64_t dk = (k - 1) * d + 1;
  if (padding == "VALID") return {(in - dk + s) / s, 0, 0};
  if (padding == "EXPLICIT") {
    const auto [b, e] = explicit_pads;
    return {(in + b + e - dk + s) / s, b, e};
  }
  const std::int64_t out = (in + s - 1) / s;
  const std::int64_t total = std::max<std::int64_t>(0, (out - 1) * s + dk - in);
  return {out, total / 2, total - total / 2};
}
}  // namespace detail

/// TensorFlow conv{1,2,3}d_transpose -> canonical problem. The op is the gradient of the forward
/// convolution w.r.t. its input, so output_shape is that convolution's input and must be
/// consistent: the forward convolution of each output extent (tensorflow_windowed_output) must
/// be the input's extent (ConvBackpropComputeDimensionsV2 in
/// tensorflow/core/kernels/conv_grad_shape_utils.cc; tfjs: conv2DBackpropInput and
/// computeConv2DInfo / getPadAndOutInfo in tfjs-core/src/ops/conv_util.ts). The canonical problem
/// takes the forward pads, and output_padding = out - (s(in-1) + d(k-1) + 1 - b - e), in [0, s-1].
[[nodiscard]] constexpr problem from_tensorflow(const tensorflow_conv_transpose& t) {
  problem p;
  p.rank = detail::tensorflow_rank(t);
  detail::tensorflow_padding_mode(t, p.rank);
  const auto u = static_cast<std::size_t>(p.rank);
  p.batch = t.input_shape[0];
  p.in_channels = t.input_shape[u + 1];
  p.out_channels = t.filter_shape[u];
  p.has_bias = t.has_bias;
  for (std::int64_t a = 0; a < p.rank; ++a) {
    const auto i = static_cast<std::size_t>(a);
    p.input[a] = t.input_shape[i + 1];
    p.kernel[a] = t.filter_shape[i];
    p.stride[a] = detail::per_axis(t.strides, p.rank, a, 1, "strides");
    p.dilation[a] = detail::per_axis(t.dilations, p.rank, a, 1, "dilations");
  }
  detail::validate_without_pads(p, op_kind::conv_transpose);
  for (std::int64_t a = 0; a < p.rank; ++a) {
    const std::int64_t out = t.output_shape[static_cast<std::size_t>(a) + 1];
    if (out < 1 || out > detail::max_hyperparameter)
      throw invalid_problem("output_shape[" + detail::to_string(a + 1) +
                                "] = " + detail::to_string(out) + ": must be in [1, 2^30]",
                            {"output_shape", a + 1, out, "must be in [1, 2^30]"});
    const auto w = detail::tensorflow_windowed_output(
        out, p.kernel[a], p.dilation[a], p.stride[a], t.padding,
        t.explicit_paddings.empty() ? std::pair<std::int64_t, std::int64_t>{0, 0}
                                    : t.explicit_paddings[static_cast<std::size_t>(a)]);
    if (w.out != p.input[a])
      throw invalid_problem(
          "output_shape[" + detail::to_string(a + 1) + "] = " + detail::to_string(out) +
              ": its forward convolution (padding " + std::string(t.padding) + ") has extent " +
              detail::to_string(w.out) + ", but input_shape's is " + detail::to_string(p.input[a]),
          {"output_shape", a + 1, out,
           "the forward convolution of it must give input_shape's extent =", p.input[a]});
    p.pad_begin[a] = w.pad_begin;
    p.pad_end[a] = w.pad_end;
    const std::int64_t natural =
        p.stride[a] * (p.input[a] - 1) + p.dilation[a] * (p.kernel[a] - 1) + 1;
    p.output_padding[a] = out - (natural - w.pad_begin - w.pad_end);
  }
  validate(p, op_kind::conv_transpose, output_padding_rule::extension);
  return p;
}

}  // namespace tconv
