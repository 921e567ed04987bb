#pragma once
// Formulation 4: zero insertion (the "fractionally strided" view). A transposed convolution is a
// stride-1 convolution of the input with s-1 zeros inserted between elements, padded by d(k-1)-pb
// at the begin and d(k-1)-pe+op at the end (negative: cropped), with the dilated kernel flipped
// in space and its channel roles swapped.
#include "tconv/conv.hpp"

namespace tconv {

/// conv_transpose(x, w) = conv(pad(insert_zeros(x, s-1), d(k-1)-pb, d(k-1)-pe+op), flip(swap(w)),
/// s=1, d).
template <class T>
[[nodiscard]] constexpr tensor<T> conv_transpose_zero_insertion(
    const problem& p, const tensor<T>& x, const tensor<T>& w, const tensor<T>* b = nullptr,
    output_padding_rule rule = output_padding_rule::pytorch) {
  const problem q = detail::prepare(p, op_kind::conv_transpose, x, w, b, rule);
  const std::int64_t cin_g = q.in_channels / q.groups, cout_g = q.out_channels / q.groups;

  // 1. insert s-1 zeros between neighbours and pad/crop each axis, in one pass
  extents before{}, ext{};
  for (std::int64_t a = 0; a < max_rank; ++a) {
    before[a] = rules::zi_before(q.axis_at(a));
    ext[a] = rules::zi_extent(q.axis_at(a));
  }
  std::vector<std::int64_t> zshape{q.batch, q.in_channels};
  for (std::int64_t a = 0; a < max_rank; ++a) zshape.push_back(ext[a]);
  tensor<T> z(zshape);
  for (std::int64_t n = 0; n < q.batch; ++n)
    for (std::int64_t c = 0; c < q.in_channels; ++c)
      for (std::int64_t i0 = 0; i0 < q.input[0]; ++i0)
        for (std::int64_t i1 = 0; i1 < q.input[1]; ++i1)
          for (std::int64_t i2 = 0; i2 < q.input[2]; ++i2) {
            const std::int64_t j0 = rules::zi_place(q.stride[0], before[0], i0);
            const std::int64_t j1 = rules::zi_place(q.stride[1], before[1], i1);
            const std::int64_t j2 = rules::zi_place(q.stride[2], before[2], i2);
            if (!(rules::within(j0, ext[0]) && rules::within(j1, ext[1]) &&
                  rules::within(j2, ext[2])))
              continue;
            z[detail::at5(n, c, q.in_channels, ext, j0, j1, j2)] =
                x[detail::at5(n, c, q.in_channels, q.input, i0, i1, i2)];
          }

  // 2. flipped, channel-swapped kernel: wc[g*C_out/g + c, cl, k] = w[g*C_in/g + cl, c, K-1-k]
  tensor<T> wc(
      std::vector<std::int64_t>{q.out_channels, cin_g, q.kernel[0], q.kernel[1], q.kernel[2]});
  for (std::int64_t g = 0; g < q.groups; ++g)
    for (std::int64_t c = 0; c < cout_g; ++c)
      for (std::int64_t cl = 0; cl < cin_g; ++cl)
        for (std::int64_t k0 = 0; k0 < q.kernel[0]; ++k0)
          for (std::int64_t k1 = 0; k1 < q.kernel[1]; ++k1)
            for (std::int64_t k2 = 0; k2 < q.kernel[2]; ++k2)
              wc[detail::at5(rules::flatten(g, cout_g, c), cl, cin_g, q.kernel, k0, k1, k2)] =
                  w[detail::at5(rules::flatten(g, cin_g, cl), c, cout_g, q.kernel,
                                rules::zi_flip(q.kernel[0], k0), rules::zi_flip(q.kernel[1], k1),
                                rules::zi_flip(q.kernel[2], k2))];

  // 3. stride-1 dilated convolution, no padding
  problem c = q;
  c.rank = max_rank;
  for (std::int64_t a = 0; a < max_rank; ++a) c.set_axis(a, rules::zi_inner_axis(q.axis_at(a)));
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
