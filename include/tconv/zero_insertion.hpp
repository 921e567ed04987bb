#pragma once
// Formulation 4: zero insertion (the "fractionally strided" view). A transposed convolution is a
// stride-1 convolution of the input with s-1 zeros inserted between elements, padded by d(k-1)-pb
// at the begin and d(k-1)-pe+op at the end (negative: cropped), with the dilated kernel flipped
// in space and its channel roles swapped.
#include "tconv/conv.hpp"

namespace tconv {

/// conv_transpose(x, w) = conv(pad(insert_zeros(x, s-1), d(k-1)-pb, d(k-1)-pe+op), flip(swap(w)), s=1, d).
template <class T>
[[nodiscard]] constexpr tensor<T> conv_transpose_zero_insertion(
    const problem& p, const tensor<T>& x, const tensor<T>& w, const tensor<T>* b = nullptr,
    output_padding_rule rule = output_padding_rule::pytorch) {
  const problem q = detail::prepare(p, op_kind::conv_transpose, x, w, b, rule);
  const std::int64_t cin_g = q.in_channels / q.groups, cout_g = q.out_channels / q.groups;

  // 1. insert s-1 zeros between neighbours and pad/crop each axis, in one pass
  extents before{}, ext{};
  for (std::int64_t a = 0; a < max_rank; ++a) {
    before[a] = q.dilation[a] * (q.kernel[a] - 1) - q.pad_begin[a];
    const std::int64_t after = q.dilation[a] * (q.kernel[a] - 1) - q.pad_end[a] + q.output_padding[a];
    ext[a] = (q.input[a] - 1) * q.stride[a] + 1 + before[a] + after;
  }
  std::vector<std::int64_t> zshape{q.batch, q.in_channels};
  for (std::int64_t a = 0; a < max_rank; ++a) zshape.push_back(ext[a]);
  tensor<T> z(zshape);
  for (std::int64_t n = 0; n < q.batch; ++n)
    for (std::int64_t c = 0; c < q.in_channels; ++c)
      for (std::int64_t i0 = 0; i0 < q.input[0]; ++i0)
        for (std::int64_t i1 = 0; i1 < q.input[1]; ++i1)
          for (std::int64_t i2 = 0; i2 < q.input[2]; ++i2) {
            const std::int64_t j0 = i0 * q.stride[0] + before[0];
            const std::int64_t j1 = i1 * q.stride[1] + before[1];
            const std::int64_t j2 = i2 * q.stride[2] + before[2];
            if (j0 < 0 || j0 >= ext[0] || j1 < 0 || j1 >= ext[1] || j2 < 0 || j2 >= ext[2]) continue;
            z[detail::at5(n, c, q.in_channels, ext, j0, j1, j2)] =
                x[detail::at5(n, c, q.in_channels, q.input, i0, i1, i2)];
          }

  // 2. flipped, channel-swapped kernel: wc[g*C_out/g + c, cl, k] = w[g*C_in/g + cl, c, K-1-k]
  tensor<T> wc(std::vector<std::int64_t>{q.out_channels, cin_g, q.kernel[0], q.kernel[1], q.kernel[2]});
  for (std::int64_t g = 0; g < q.groups; ++g)
    for (std::int64_t c = 0; c < cout_g; ++c)
      for (std::int64_t cl = 0; cl < cin_g; ++cl)
        for (std::int64_t k0 = 0; k0 < q.kernel[0]; ++k0)
          for (std::int64_t k1 = 0; k1 < q.kernel[1]; ++k1)
            for (std::int64_t k2 = 0; k2 < q.kernel[2]; ++k2)
              wc[detail::at5(g * cout_g + c, cl, cin_g, q.kernel, k0, k1, k2)] =
                  w[detail::at5(g * cin_g + cl, c, cout_g, q.kernel, q.kernel[0] - 1 - k0,
                                q.kernel[1] - 1 - k1, q.kernel[2] - 1 - k2)];

  // 3. stride-1 dilated convolution, no padding
  problem c = q;
  c.rank = max_rank;
  c.input = ext;
  c.stride = {1, 1, 1};
  c.pad_begin = c.pad_end = c.output_padding = {0, 0, 0};
  tensor<T> y = conv(c, z, wc, b);
  y.shape = output_shape(p, op_kind::conv_transpose);
  return y;
}

/// conv_transpose_zero_insertion with bias b [C_out].
template <class T>
[[nodiscard]] constexpr tensor<T> conv_transpose_zero_insertion(
    const problem& p, const tensor<T>& x, const tensor<T>& w, const tensor<T>& b,
    output_padding_rule rule = output_padding_rule::pytorch) {
  return conv_transpose_zero_insertion(p, x, w, &b, rule);
}

}  // namespace tconv
