/* tconv plugin ABI: what an implementation under test exports (plain C, stable).
 * Build your transposed convolution as a shared library exporting these symbols, then run
 *   tconv explore --impl ./libmine.so
 * Keep this layout and these names: implementations written against it must keep working. */
#ifndef TCONV_IMPL_H
#define TCONV_IMPL_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define TCONV_MAX_RANK 3
typedef struct tconv_problem {
  int64_t rank; /* spatial rank: 1, 2 or 3 */
  int64_t batch, in_channels, out_channels, groups;
  int64_t input[TCONV_MAX_RANK]; /* spatial extents, first `rank` entries used */
  int64_t kernel[TCONV_MAX_RANK];
  int64_t stride[TCONV_MAX_RANK];
  int64_t dilation[TCONV_MAX_RANK];
  int64_t pad_begin[TCONV_MAX_RANK];
  int64_t pad_end[TCONV_MAX_RANK];
  int64_t output_padding[TCONV_MAX_RANK];
  int64_t output[TCONV_MAX_RANK]; /* spatial output extents, filled in by the harness */
  int64_t has_bias;               /* 0 or 1 */
} tconv_problem;
/* x [N, C_in, *input], w [C_in, C_out/groups, *kernel], b [C_out] or NULL,
   y [N, C_out, *output]: contiguous row-major float32. Returns 0 on success. */
int tconv_conv_transpose_f32(const tconv_problem* p, const float* x, const float* w, const float* b,
                             float* y);
/* Optional: nonzero when the implementation supports p. Absent means it supports everything. */
int tconv_supports(const tconv_problem* p);

#ifdef __cplusplus
}
#endif

#endif /* TCONV_IMPL_H */
