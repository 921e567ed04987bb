#pragma once
// Framework conventions resolved into one canonical problem: PyTorch's ConvTranspose/Conv
// arguments and ONNX's ConvTranspose attributes (auto_pad, pads, output_shape, ...).
#include <optional>
#include <string_view>
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

namespace detail {
// value of a per-axis list at axis a: default when empty, broadcast when one value
constexpr std::int64_t per_axis(const std::vector<std::int64_t>& v, std::int64_t rank,
                                std::int64_t a, std::int64_t def, const char* name) {
  if (v.empty()) return def;
  if (v.size() == 1) return v[0];
  if (static_cast<std::int64_t>(v.size()) != rank)
    throw invalid_problem(std::string(name) + ": " + to_string(v) + " has " +
                          to_string(static_cast<std::int64_t>(v.size())) +
                          " values; give 1 or one per spatial axis (" + to_string(rank) + ")");
  return v[static_cast<std::size_t>(a)];
}
constexpr std::int64_t spatial_rank(const std::vector<std::int64_t>& shape, const char* name) {
  const auto r = static_cast<std::int64_t>(shape.size()) - 2;
  if (r < 1 || r > max_rank)
    throw invalid_problem(std::string(name) + ": " + to_string(shape) +
                          " must be [N, C, D1[, D2[, D3]]] (spatial rank 1 to 3)");
  return r;
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
  if (l.kernel_size.empty()) throw invalid_problem("kernel_size: required");
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

/// ONNX ConvTranspose -> canonical problem. With output_shape (or SAME_*: output = in*s), the
/// total padding s(in-1) + op + d(k-1) + 1 - out is split begin/end (SAME_UPPER: the odd one at
/// the end; SAME_LOWER and NOTSET: at the begin); pads are then ignored, as the spec says; a
/// negative total extends the output's end, as output_padding does.
[[nodiscard]] constexpr problem from_onnx(const onnx_conv_transpose& o) {
  problem p;
  p.rank = detail::spatial_rank(o.x_shape, "X shape");
  if (detail::spatial_rank(o.w_shape, "W shape") != p.rank)
    throw invalid_problem("W shape: " + detail::to_string(o.w_shape) + " and X shape " +
                          detail::to_string(o.x_shape) + " must have the same rank");
  p.batch = o.x_shape[0];
  p.in_channels = o.x_shape[1];
  p.groups = o.group;
  if (o.group < 1)
    throw invalid_problem("group = " + detail::to_string(o.group) + ": must be >= 1");
  if (o.w_shape[0] != o.x_shape[1])
    throw invalid_problem("W shape: " + detail::to_string(o.w_shape) +
                          ": W[0] must equal C_in = " + detail::to_string(o.x_shape[1]));
  std::int64_t oc = 0;
  if (!detail::mul_ok(o.w_shape[1], o.group, oc))
    throw invalid_problem("W shape: C_out/group * group overflows");
  p.out_channels = oc;
  p.has_bias = o.has_bias;
  const std::string_view ap = o.auto_pad;
  if (ap != "NOTSET" && ap != "VALID" && ap != "SAME_UPPER" && ap != "SAME_LOWER")
    throw invalid_problem(std::string("auto_pad = ") + std::string(ap) +
                          ": must be NOTSET, VALID, SAME_UPPER or SAME_LOWER");
  if (!o.pads.empty() && static_cast<std::int64_t>(o.pads.size()) != 2 * p.rank)
    throw invalid_problem("pads: " + detail::to_string(o.pads) + " must hold 2 * rank = " +
                          detail::to_string(2 * p.rank) + " values (all begins, then all ends)");
  if (!o.pads.empty() && ap != "NOTSET" && o.output_shape.empty())
    throw invalid_problem("pads: cannot be given together with auto_pad = " + std::string(ap));
  if (!o.output_shape.empty() && static_cast<std::int64_t>(o.output_shape.size()) != p.rank &&
      static_cast<std::int64_t>(o.output_shape.size()) != p.rank + 2)
    throw invalid_problem("output_shape: " + detail::to_string(o.output_shape) +
                          " must hold the spatial extents (" + detail::to_string(p.rank) +
                          " values)");
  for (std::int64_t a = 0; a < p.rank; ++a) {
    const auto i = static_cast<std::size_t>(a);
    p.input[a] = o.x_shape[i + 2];
    p.kernel[a] = o.w_shape[i + 2];
    if (!o.kernel_shape.empty() &&
        detail::per_axis(o.kernel_shape, p.rank, a, p.kernel[a], "kernel_shape") != p.kernel[a])
      throw invalid_problem("kernel_shape: " + detail::to_string(o.kernel_shape) +
                            " disagrees with W shape " + detail::to_string(o.w_shape));
    p.stride[a] = detail::per_axis(o.strides, p.rank, a, 1, "strides");
    p.dilation[a] = detail::per_axis(o.dilations, p.rank, a, 1, "dilations");
    p.output_padding[a] = detail::per_axis(o.output_padding, p.rank, a, 0, "output_padding");
    if (!o.pads.empty()) {
      p.pad_begin[a] = o.pads[i];
      p.pad_end[a] = o.pads[i + static_cast<std::size_t>(p.rank)];
    }
  }
  // every value must be in range before the padding arithmetic below can be trusted
  {
    problem loose = p;
    loose.pad_begin = loose.pad_end = {0, 0, 0};
    validate(loose, op_kind::conv_transpose, output_padding_rule::extension);
  }
  const bool same = ap == "SAME_UPPER" || ap == "SAME_LOWER";
  if (same || !o.output_shape.empty()) {
    const std::size_t skip = o.output_shape.size() == static_cast<std::size_t>(p.rank) ? 0 : 2;
    for (std::int64_t a = 0; a < p.rank; ++a) {
      const std::int64_t target = !o.output_shape.empty()
                                      ? o.output_shape[static_cast<std::size_t>(a) + skip]
                                      : p.input[a] * p.stride[a];
      if (target < 1 || target > detail::max_hyperparameter)
        throw invalid_problem("output_shape[" + detail::to_string(a) +
                              "] = " + detail::to_string(target) + ": must be in [1, 2^30]");
      const std::int64_t total = p.stride[a] * (p.input[a] - 1) + p.output_padding[a] +
                                 (p.kernel[a] - 1) * p.dilation[a] + 1 - target;
      if (total < 0) {
        // ONNX would need negative pads; the output simply extends past the last tap
        p.pad_begin[a] = p.pad_end[a] = 0;
        p.output_padding[a] += -total;
      } else if (ap == "SAME_UPPER") {
        p.pad_begin[a] = total / 2;
        p.pad_end[a] = total - total / 2;
      } else {  // SAME_LOWER, and NOTSET with output_shape: the spec's "else" split
        p.pad_begin[a] = total - total / 2;
        p.pad_end[a] = total / 2;
      }
    }
  }
  validate(p, op_kind::conv_transpose, output_padding_rule::extension);
  return p;
}

}  // namespace tconv
