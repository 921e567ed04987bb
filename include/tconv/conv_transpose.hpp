#pragma once
// Formulation 1: scatter, the seeds' trans_conv generalised. Each input element adds its
// kernel-sized patch, stride apart, into the output; padding crops the output's borders.
#include "tconv/detail/layout.hpp"

namespace tconv {

/// y[n, g*C_out/g + c, i*s + k*d - pb] += x[n, ci, i] * w[ci, c, k] (then + b);
/// y is [N, C_out, (in-1)s - pb - pe + d(k-1) + op + 1 per axis].
template <class T>
[[nodiscard]] constexpr tensor<T> conv_transpose(
    const problem& p, const tensor<T>& x, const tensor<T>& w, const tensor<T>* b = nullptr,
    output_padding_rule rule = output_padding_rule::pytorch) {
  const problem q = detail::prepare(p, op_kind::conv_transpose, x, w, b, rule);
  const extents out = output_extents(q, op_kind::conv_transpose);
  tensor<T> y(output_shape(p, op_kind::conv_transpose));
  const std::int64_t cin_g = q.in_channels / q.groups, cout_g = q.out_channels / q.groups;
  for (std::int64_t n = 0; n < q.batch; ++n)
    for (std::int64_t ci = 0; ci < q.in_channels; ++ci) {
      for (std::int64_t i0 = 0; i0 < q.input[0]; ++i0)
        for (std::int64_t i1 = 0; i1 < q.input[1]; ++i1)
          for (std::int64_t i2 = 0; i2 < q.input[2]; ++i2) {
            const T& xv = x[detail::at5(n, ci, q.in_channels, q.input, i0, i1, i2)];
            for (std::int64_t c = 0; c < cout_g; ++c) {
              const std::int64_t co = rules::scatter_out_channel(ci, c, cin_g, cout_g);
              for (std::int64_t k0 = 0; k0 < q.kernel[0]; ++k0) {
                const std::int64_t o0 =
                    rules::scatter_target(q.stride[0], q.dilation[0], q.pad_begin[0], i0, k0);
                if (!rules::within(o0, out[0])) continue;
                for (std::int64_t k1 = 0; k1 < q.kernel[1]; ++k1) {
                  const std::int64_t o1 =
                      rules::scatter_target(q.stride[1], q.dilation[1], q.pad_begin[1], i1, k1);
                  if (!rules::within(o1, out[1])) continue;
                  for (std::int64_t k2 = 0; k2 < q.kernel[2]; ++k2) {
                    const std::int64_t o2 =
                        rules::scatter_target(q.stride[2], q.dilation[2], q.pad_begin[2], i2, k2);
                    if (!rules::within(o2, out[2])) continue;
                    y[detail::at5(n, co, q.out_channels, out, o0, o1, o2)] +=
                        xv * w[detail::at5(ci, c, cout_g, q.kernel, k0, k1, k2)];
                  }
                }
              }
            }
          }
    }
  if (b != nullptr)
    for (std::int64_t f = 0; f < y.size(); ++f) {
      const std::int64_t spatial = out[0] * out[1] * out[2];
      y[f] += (*b)[(f / spatial) % q.out_channels];
    }
  return y;
}

/// conv_transpose with bias b [C_out].
template <class T>
[[nodiscard]] constexpr tensor<T> conv_transpose(
    const problem& p, const tensor<T>& x, const tensor<T>& w, const tensor<T>& b,
    output_padding_rule rule = output_padding_rule::pytorch) {
  return conv_transpose(p, x, w, &b, rule);
}

}  // namespace tconv
