#pragma once
// One float32 transposed convolution written against the plugin ABI (include/tconv/impl.h), with
// one switch per real bug class. Every mutant plugin is this file plus TCONV_MUTANT(bug::x): the
// bug is the only difference between a mutant and the control (bug::none), so a gate that
// accepts the control and rejects a mutant has detected exactly that bug.
//
// The reference scatters into a double accumulator and rounds once at the end, which is far more
// accurate than any float32 bound a checker may apply: the control must be accepted.
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

#include "tconv/impl.h"

namespace tconv::mutants {

enum class bug {
  none,
  same_split_swapped,               // odd total padding: begin/end halves exchanged
  auto_pad_ignored,                 // asymmetric (auto_pad-derived) padding treated as zero
  effective_kernel_k_plus_d,        // total padding computed with k+d-1 instead of (k-1)d+1
  dilation_ignored,                 // taps placed as if dilation were 1
  output_padding_dropped,           // the output_padding rows at the end never written
  output_padding_zero_fill,         // the output_padding rows written as zeros
  output_padding_as_input_padding,  // input padded by output_padding: over-long output
  stride_gaps_unwritten,            // positions no tap reaches (stride gaps) never written
  dilation_stride_offset,  // with stride>1 and dilation>1 taps land one late, clamped at the end
  axis_padding_swapped,    // padding of axes 0 and 1 exchanged
  depth_padding_typo,      // rank 3: depth's end crop computed from the height's padding
  group_weight_mapping,    // every group reads group 0's weight slice
  group0_bias,             // every group adds group 0's bias values
  tf32_inputs,             // x and w rounded to TF32 (10-bit mantissa) before multiplying
  kernel_flipped,          // kernel read back to front (conv vs correlation confusion)
  batch_stride_wrong,      // x batch stride from the first spatial extent only
  element_never_written,   // the last output element is never stored
  hang_on_stride4,         // never returns when a stride is 4
  fp16_accumulate,         // products summed in an fp16 accumulator (rounded after every add)
  // SIMD block tails (channels per group, the output row)
  out_block8_tail,       // C_out/g > 8, not a multiple of 8: the tail lanes read the weights 8 back
  in_block4_tail_twice,  // C_in/g > 4, not a multiple of 4: the tail channels are added twice
  in_channels_past_16_dropped,  // input channels past 16 of a group are never read
  row_tail_past_32_dropped,     // output row > 32, not a multiple of 32: the tail gets no taps
  input_rows_past_end,          // input rows guarded by the kernel extent: reads past x when k > in
};

namespace detail {

// TF32 keeps float32's exponent and 10 of its 23 mantissa bits (round to nearest even).
inline float to_tf32(float f) {
  std::uint32_t u = 0;
  std::memcpy(&u, &f, sizeof u);
  if ((u & 0x7f800000u) == 0x7f800000u) return f;  // inf / NaN unchanged
  u += 0x0fffu + ((u >> 13) & 1u);
  u &= ~0x1fffu;
  std::memcpy(&f, &u, sizeof f);
  return f;
}

// f rounded to IEEE binary16 (to nearest even): 11 significant bits, a quantum of 2^-24 below
// the normal range, infinity beyond 65504.
inline float to_fp16(float f) {
  if (!std::isfinite(f) || f == 0.0f) return f;
  int e = 0;
  (void)std::frexp(f, &e);  // |f| in [2^(e-1), 2^e)
  const int q = std::max(e - 11, -24);
  const float r = std::ldexp(std::nearbyint(std::ldexp(f, -q)), q);
  return std::fabs(r) > 65504.0f ? std::copysign(INFINITY, f) : r;
}

// What a kernel stuck in a loop does: never returns (pause() keeps the core idle meanwhile).
[[noreturn]] inline void hang() {
  for (;;) pause();
}

}  // namespace detail

/// y = conv_transpose(x, w) + b per the plugin ABI, with bug B injected (bug::none: correct).
template <bug B>
int conv_transpose(const tconv_problem* p, const float* x, const float* w, const float* b,
                   float* y) {
  if (p == nullptr || p->rank < 1 || p->rank > TCONV_MAX_RANK || p->groups < 1) return 1;
  const std::int64_t rank = p->rank;
  // axes past the rank behave as extent 1, so one 3-d loop nest serves every rank
  std::int64_t in[3], k[3], s[3], d[3], pb[3], pe[3], op[3], out[3];
  for (std::int64_t a = 0; a < 3; ++a) {
    const bool used = a < rank;
    in[a] = used ? p->input[a] : 1;
    k[a] = used ? p->kernel[a] : 1;
    s[a] = used ? p->stride[a] : 1;
    d[a] = used ? p->dilation[a] : 1;
    pb[a] = used ? p->pad_begin[a] : 0;
    pe[a] = used ? p->pad_end[a] : 0;
    op[a] = used ? p->output_padding[a] : 0;
    out[a] = used ? p->output[a] : 1;
  }
  [[maybe_unused]] const std::int64_t true_pb1 = pb[1];
  if constexpr (B == bug::hang_on_stride4)
    for (std::int64_t a = 0; a < rank; ++a)
      if (s[a] == 4) detail::hang();
  std::int64_t ext[3] = {out[0], out[1], out[2]};  // the extents this implementation computes

  for (std::int64_t a = 0; a < rank; ++a) {
    if constexpr (B == bug::same_split_swapped)
      if (pb[a] - pe[a] == 1 || pe[a] - pb[a] == 1) std::swap(pb[a], pe[a]);
    if constexpr (B == bug::auto_pad_ignored)
      if (pb[a] != pe[a]) pb[a] = pe[a] = 0;
    if constexpr (B == bug::effective_kernel_k_plus_d)
      pb[a] = (in[a] - 1) * s[a] + op[a] + (k[a] + d[a] - 1) - out[a] - pe[a];
    if constexpr (B == bug::dilation_ignored) d[a] = 1;
    if constexpr (B == bug::output_padding_as_input_padding) ext[a] = out[a] + op[a] * (s[a] - 1);
  }
  if constexpr (B == bug::axis_padding_swapped)
    if (rank >= 2) {
      std::swap(pb[0], pb[1]);
      std::swap(pe[0], pe[1]);
    }

  const std::int64_t n_batch = p->batch, c_in = p->in_channels, c_out = p->out_channels;
  const std::int64_t cin_g = c_in / p->groups, cout_g = c_out / p->groups;
  const std::int64_t in_sp = in[0] * in[1] * in[2], ext_sp = ext[0] * ext[1] * ext[2];
  const std::int64_t out_sp = out[0] * out[1] * out[2], k_sp = k[0] * k[1] * k[2];
  std::int64_t x_batch = c_in * in_sp;
  if constexpr (B == bug::batch_stride_wrong) x_batch = c_in * in[0];

  std::vector<double> acc(static_cast<std::size_t>(n_batch * c_out * ext_sp), 0.0);
  [[maybe_unused]] std::vector<unsigned char> touched;
  if constexpr (B == bug::stride_gaps_unwritten) touched.assign(acc.size(), 0);

  for (std::int64_t n = 0; n < n_batch; ++n)
    for (std::int64_t ci = 0; ci < c_in; ++ci) {
      const std::int64_t g = ci / cin_g;
      std::int64_t w_ci = ci;
      if constexpr (B == bug::group_weight_mapping) w_ci = ci - g * cin_g;
      [[maybe_unused]] const std::int64_t lane = ci - g * cin_g;  // channel within its group
      if constexpr (B == bug::in_channels_past_16_dropped)
        if (lane >= 16) continue;
      [[maybe_unused]] double times = 1.0;
      if constexpr (B == bug::in_block4_tail_twice)
        if (cin_g > 4 && cin_g % 4 != 0 && lane >= cin_g / 4 * 4) times = 2.0;
      std::int64_t rows = in[0];
      if constexpr (B == bug::input_rows_past_end) rows = std::max(in[0], k[0]);
      for (std::int64_t i0 = 0; i0 < rows; ++i0)
        for (std::int64_t i1 = 0; i1 < in[1]; ++i1)
          for (std::int64_t i2 = 0; i2 < in[2]; ++i2) {
            float xv = x[n * x_batch + ci * in_sp + (i0 * in[1] + i1) * in[2] + i2];
            if constexpr (B == bug::tf32_inputs) xv = detail::to_tf32(xv);
            for (std::int64_t c = 0; c < cout_g; ++c) {
              const std::int64_t co = g * cout_g + c;
              std::int64_t w_c = c;
              if constexpr (B == bug::out_block8_tail)
                if (cout_g > 8 && cout_g % 8 != 0 && c >= cout_g / 8 * 8) w_c = c - 8;
              for (std::int64_t k0 = 0; k0 < k[0]; ++k0)
                for (std::int64_t k1 = 0; k1 < k[1]; ++k1)
                  for (std::int64_t k2 = 0; k2 < k[2]; ++k2) {
                    const std::int64_t i[3] = {i0, i1, i2}, kk[3] = {k0, k1, k2};
                    std::int64_t o[3];
                    bool inside = true;
                    for (std::int64_t a = 0; a < 3; ++a) {
                      o[a] = i[a] * s[a] + kk[a] * d[a] - pb[a];
                      if constexpr (B == bug::dilation_stride_offset)
                        if (s[a] > 1 && d[a] > 1) o[a] = std::min(o[a] + 1, ext[a] - 1);
                      inside = inside && o[a] >= 0 && o[a] < ext[a];
                    }
                    if constexpr (B == bug::row_tail_past_32_dropped) {
                      const std::int64_t row = ext[rank - 1];
                      if (row > 32 && row % 32 != 0 && o[rank - 1] >= row / 32 * 32) continue;
                    }
                    if (!inside) continue;
                    std::int64_t r[3] = {k0, k1, k2};
                    if constexpr (B == bug::kernel_flipped)
                      for (std::int64_t a = 0; a < 3; ++a) r[a] = k[a] - 1 - kk[a];
                    float wv = w[(w_ci * cout_g + w_c) * k_sp + (r[0] * k[1] + r[1]) * k[2] + r[2]];
                    if constexpr (B == bug::tf32_inputs) wv = detail::to_tf32(wv);
                    const auto f = static_cast<std::size_t>((n * c_out + co) * ext_sp +
                                                            (o[0] * ext[1] + o[1]) * ext[2] + o[2]);
                    if constexpr (B == bug::fp16_accumulate)
                      acc[f] = detail::to_fp16(static_cast<float>(acc[f]) + xv * wv);
                    else
                      acc[f] += times * static_cast<double>(xv) * static_cast<double>(wv);
                    if constexpr (B == bug::stride_gaps_unwritten) touched[f] = 1;
                  }
            }
          }
    }

  if (b != nullptr && p->has_bias)
    for (std::int64_t n = 0; n < n_batch; ++n)
      for (std::int64_t co = 0; co < c_out; ++co) {
        std::int64_t bc = co;
        if constexpr (B == bug::group0_bias) bc = co % cout_g;
        for (std::int64_t f = 0; f < ext_sp; ++f)
          acc[static_cast<std::size_t>((n * c_out + co) * ext_sp + f)] += b[bc];
      }

  if constexpr (B == bug::output_padding_as_input_padding) {
    // the caller's buffer is read as if it had this implementation's (longer) shape
    const std::int64_t total = n_batch * c_out * out_sp;
    for (std::int64_t f = 0; f < total; ++f)
      y[f] = static_cast<float>(acc[static_cast<std::size_t>(f)]);
    return 0;
  }

  // rank 3 only: depth keeps out + pb[0] - pb[1] rows (end crop from the height's padding)
  [[maybe_unused]] std::int64_t depth_rows = out[0];
  if constexpr (B == bug::depth_padding_typo)
    if (rank == 3) depth_rows = std::min(out[0], out[0] + pb[0] - true_pb1);

  const std::int64_t total = n_batch * c_out * out_sp;
  for (std::int64_t nc = 0; nc < n_batch * c_out; ++nc)
    for (std::int64_t o0 = 0; o0 < out[0]; ++o0)
      for (std::int64_t o1 = 0; o1 < out[1]; ++o1)
        for (std::int64_t o2 = 0; o2 < out[2]; ++o2) {
          const std::int64_t f = nc * out_sp + (o0 * out[1] + o1) * out[2] + o2;
          [[maybe_unused]] const bool in_op_tail = (rank > 0 && o0 >= out[0] - op[0]) ||
                                                   (rank > 1 && o1 >= out[1] - op[1]) ||
                                                   (rank > 2 && o2 >= out[2] - op[2]);
          if constexpr (B == bug::output_padding_dropped)
            if (in_op_tail) continue;
          if constexpr (B == bug::stride_gaps_unwritten)
            if (!touched[static_cast<std::size_t>(f)]) continue;
          if constexpr (B == bug::depth_padding_typo)
            if (o0 >= depth_rows) continue;
          if constexpr (B == bug::element_never_written)
            if (f == total - 1) continue;
          float v = static_cast<float>(acc[static_cast<std::size_t>(f)]);
          if constexpr (B == bug::output_padding_zero_fill)
            if (in_op_tail) v = 0.0f;
          y[f] = v;
        }
  return 0;
}

}  // namespace tconv::mutants

/// Defines the plugin's exported entry point as conv_transpose<bug::NAME>.
#define TCONV_MUTANT(NAME)                                                                \
  extern "C" __attribute__((visibility("default"))) int tconv_conv_transpose_f32(         \
      const tconv_problem* p, const float* x, const float* w, const float* b, float* y) { \
    return tconv::mutants::conv_transpose<tconv::mutants::bug::NAME>(p, x, w, b, y);      \
  }
