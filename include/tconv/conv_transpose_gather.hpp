#pragma once
// Formulation 2: gather. Each output element sums exactly the (input, kernel) pairs that reach
// it: o = i*s + k*d - pb  <=>  i = (o + pb - k*d) / s, when that division is exact and in range.
#include "tconv/detail/layout.hpp"

namespace tconv {

/// y[n,co,o] = b[co] + sum_{ci in group(co), k : s | (o+pb-kd)} x[n,ci,(o+pb-kd)/s] * w[ci, co mod
/// C_out/g, k].
template <class T>
[[nodiscard]] constexpr tensor<T> conv_transpose_gather(
    const problem& p, const tensor<T>& x, const tensor<T>& w, const tensor<T>* b = nullptr,
    output_padding_rule rule = output_padding_rule::pytorch) {
  const problem q = detail::prepare(p, op_kind::conv_transpose, x, w, b, rule);
  const extents out = output_extents(q, op_kind::conv_transpose);
  tensor<T> y(output_shape(p, op_kind::conv_transpose));
  const std::int64_t cin_g = q.in_channels / q.groups, cout_g = q.out_channels / q.groups;
  // source index along one axis, or -1 when no input element lands on o through kernel tap k
  auto source = [&q](std::int64_t a, std::int64_t o, std::int64_t k) -> std::int64_t {
    const std::int64_t t = rules::gather_offset(q.dilation[a], q.pad_begin[a], o, k);
    if (!rules::gather_hits(q.stride[a], q.input[a], t)) return -1;
    return rules::gather_source(q.stride[a], t);
  };
  for (std::int64_t n = 0; n < q.batch; ++n)
    for (std::int64_t co = 0; co < q.out_channels; ++co) {
      const std::int64_t c = rules::weight_column(co, cout_g);
      for (std::int64_t o0 = 0; o0 < out[0]; ++o0)
        for (std::int64_t o1 = 0; o1 < out[1]; ++o1)
          for (std::int64_t o2 = 0; o2 < out[2]; ++o2) {
            T acc{};
            if (b != nullptr) acc = (*b)[co];
            for (std::int64_t cl = 0; cl < cin_g; ++cl) {
              const std::int64_t ci = rules::gather_in_channel(co, cl, cin_g, cout_g);
              for (std::int64_t k0 = 0; k0 < q.kernel[0]; ++k0) {
                const std::int64_t i0 = source(0, o0, k0);
                if (i0 < 0) continue;
                for (std::int64_t k1 = 0; k1 < q.kernel[1]; ++k1) {
                  const std::int64_t i1 = source(1, o1, k1);
                  if (i1 < 0) continue;
                  for (std::int64_t k2 = 0; k2 < q.kernel[2]; ++k2) {
                    const std::int64_t i2 = source(2, o2, k2);
                    if (i2 < 0) continue;
                    acc += x[detail::at5(n, ci, q.in_channels, q.input, i0, i1, i2)] *
                           w[detail::at5(ci, c, cout_g, q.kernel, k0, k1, k2)];
                  }
                }
              }
            }
            y[detail::at5(n, co, q.out_channels, out, o0, o1, o2)] = acc;
          }
    }
  return y;
}

/// conv_transpose_gather with bias b [C_out].
template <class T>
[[nodiscard]] constexpr tensor<T> conv_transpose_gather(
    const problem& p, const tensor<T>& x, const tensor<T>& w, const tensor<T>& b,
    output_padding_rule rule = output_padding_rule::pytorch) {
  return conv_transpose_gather(p, x, w, &b, rule);
}

}  // namespace tconv
