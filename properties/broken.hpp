#pragma once
// TEST-ONLY: deliberately wrong transposed convolutions. The teeth test (teeth.prop.cpp) checks
// that the laws reject each of them with a shrunk counterexample. Never use outside tests.
#include <cstdint>

#include "tconv/tconv.hpp"
#include "tensor_ops.hpp"

namespace tconv::broken {

/// The one mistake a broken scatter makes.
enum class bug {
  output_padding_ignored,   // computes the op = 0 output, then zero-extends it to the full shape
  padding_swapped,          // crops pad_end at the begin (o = i s + k d - pe)
  groups_interleaved,       // writes group g's channel c to c * groups + g instead of g C_out/g + c
  stride_dilation_swapped,  // o = i d + k s - pb
  bias_twice,               // adds the bias twice
};

/// A scatter transposed convolution (written anew, sharing nothing with the core's) with bug B.
template <bug B, class T>
[[nodiscard]] tensor<T> scatter(const problem& p, const tensor<T>& x, const tensor<T>& w,
                                const tensor<T>* b) {
  const problem q = tconv::detail::as_rank3(p);
  problem computed = q;
  if constexpr (B == bug::output_padding_ignored) computed.output_padding = {0, 0, 0};
  const extents out = output_extents(computed, op_kind::conv_transpose);
  const extents full = output_extents(q, op_kind::conv_transpose);
  tensor<T> y(output_shape(p, op_kind::conv_transpose));
  const std::int64_t cin_g = q.in_channels / q.groups, cout_g = q.out_channels / q.groups;
  auto land = [&](std::size_t a, std::int64_t i, std::int64_t k) {
    if constexpr (B == bug::padding_swapped)
      return i * q.stride[a] + k * q.dilation[a] - q.pad_end[a];
    if constexpr (B == bug::stride_dilation_swapped)
      return i * q.dilation[a] + k * q.stride[a] - q.pad_begin[a];
    return i * q.stride[a] + k * q.dilation[a] - q.pad_begin[a];
  };
  for (std::int64_t n = 0; n < q.batch; ++n)
    for (std::int64_t ci = 0; ci < q.in_channels; ++ci)
      for (std::int64_t c = 0; c < cout_g; ++c) {
        const std::int64_t g = ci / cin_g;
        std::int64_t co = g * cout_g + c;
        if constexpr (B == bug::groups_interleaved) co = c * q.groups + g;
        for (std::int64_t i0 = 0; i0 < q.input[0]; ++i0)
          for (std::int64_t i1 = 0; i1 < q.input[1]; ++i1)
            for (std::int64_t i2 = 0; i2 < q.input[2]; ++i2)
              for (std::int64_t k0 = 0; k0 < q.kernel[0]; ++k0)
                for (std::int64_t k1 = 0; k1 < q.kernel[1]; ++k1)
                  for (std::int64_t k2 = 0; k2 < q.kernel[2]; ++k2) {
                    const std::int64_t o0 = land(0, i0, k0), o1 = land(1, i1, k1),
                                       o2 = land(2, i2, k2);
                    if (o0 < 0 || o0 >= out[0] || o1 < 0 || o1 >= out[1] || o2 < 0 || o2 >= out[2])
                      continue;
                    y[tconv::detail::at5(n, co, q.out_channels, full, o0, o1, o2)] +=
                        x[tconv::detail::at5(n, ci, q.in_channels, q.input, i0, i1, i2)] *
                        w[tconv::detail::at5(ci, c, cout_g, q.kernel, k0, k1, k2)];
                  }
      }
  if (b != nullptr) {
    const int times = B == bug::bias_twice ? 2 : 1;
    for (std::int64_t n = 0; n < q.batch; ++n)
      for (std::int64_t co = 0; co < q.out_channels; ++co)
        for (std::int64_t o0 = 0; o0 < out[0]; ++o0)
          for (std::int64_t o1 = 0; o1 < out[1]; ++o1)
            for (std::int64_t o2 = 0; o2 < out[2]; ++o2)
              for (int t = 0; t < times; ++t)
                y[tconv::detail::at5(n, co, q.out_channels, full, o0, o1, o2)] += (*b)[co];
  }
  return y;
}

/// The callable form of scatter<B> (a formulation, as the laws take it).
template <bug B>
inline constexpr auto formulation = [](const problem& p, const auto& x, const auto& w,
                                       const auto* b) { return scatter<B>(p, x, w, b); };

/// Zero insertion that forgets to flip the kernel: the core's zero insertion on a pre-flipped
/// kernel (flipping twice is the identity).
inline constexpr auto zero_insertion_unflipped = [](const problem& p, const auto& x, const auto& w,
                                                    const auto* b) {
  return tconv::conv_transpose_zero_insertion(p, x, ops::flip_spatial(w), b);
};

/// The transposed extent without output_padding: (in-1)s - pb - pe + d(k-1) + 1.
inline constexpr auto extent_without_output_padding = [](const axis& a) {
  return (a.input - 1) * a.stride - a.pad_begin - a.pad_end + a.dilation * (a.kernel - 1) + 1;
};

}  // namespace tconv::broken
