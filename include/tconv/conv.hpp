#pragma once
// Formulation 5: direct convolution (cross-correlation), the forward operator.
#include "tconv/detail/layout.hpp"

namespace tconv {

/// y[n,co,o] = b[co] + sum_{ci in group(co), k} x[n, ci, o*s - pb + k*d] * w[co, ci mod C_in/g, k];
/// y is [N, C_out, floor((in + pb + pe - d(k-1) - 1)/s) + 1 per axis].
template <class T>
[[nodiscard]] constexpr tensor<T> conv(const problem& p, const tensor<T>& x, const tensor<T>& w,
                                       const tensor<T>* b = nullptr) {
  const problem q = detail::prepare(p, op_kind::conv, x, w, b, output_padding_rule::pytorch);
  const extents out = output_extents(q, op_kind::conv);
  tensor<T> y(output_shape(p, op_kind::conv));
  const std::int64_t cin_g = q.in_channels / q.groups, cout_g = q.out_channels / q.groups;
  for (std::int64_t n = 0; n < q.batch; ++n)
    for (std::int64_t co = 0; co < q.out_channels; ++co) {
      for (std::int64_t o0 = 0; o0 < out[0]; ++o0)
        for (std::int64_t o1 = 0; o1 < out[1]; ++o1)
          for (std::int64_t o2 = 0; o2 < out[2]; ++o2) {
            T acc{};
            if (b != nullptr) acc = (*b)[co];
            for (std::int64_t cl = 0; cl < cin_g; ++cl) {
              const std::int64_t ci = rules::gather_in_channel(co, cl, cin_g, cout_g);
              for (std::int64_t k0 = 0; k0 < q.kernel[0]; ++k0) {
                const std::int64_t i0 =
                    rules::conv_source(q.stride[0], q.dilation[0], q.pad_begin[0], o0, k0);
                if (!rules::within(i0, q.input[0])) continue;
                for (std::int64_t k1 = 0; k1 < q.kernel[1]; ++k1) {
                  const std::int64_t i1 =
                      rules::conv_source(q.stride[1], q.dilation[1], q.pad_begin[1], o1, k1);
                  if (!rules::within(i1, q.input[1])) continue;
                  for (std::int64_t k2 = 0; k2 < q.kernel[2]; ++k2) {
                    const std::int64_t i2 =
                        rules::conv_source(q.stride[2], q.dilation[2], q.pad_begin[2], o2, k2);
                    if (!rules::within(i2, q.input[2])) continue;
                    acc += x[detail::at5(n, ci, q.in_channels, q.input, i0, i1, i2)] *
                           w[detail::at5(co, cl, cin_g, q.kernel, k0, k1, k2)];
                  }
                }
              }
            }
            y[detail::at5(n, co, q.out_channels, out, o0, o1, o2)] = acc;
          }
    }
  return y;
}

/// conv with bias b [C_out].
template <class T>
[[nodiscard]] constexpr tensor<T> conv(const problem& p, const tensor<T>& x, const tensor<T>& w,
                                       const tensor<T>& b) {
  return conv(p, x, w, &b);
}

}  // namespace tconv
