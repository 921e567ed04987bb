/* Test implementations of the tconv plugin ABI (include/tconv/impl.h), one source for all of them.
 * Built once per TCONV_PLUGIN_* variant (tests/plugins/CMakeLists.txt): the correct one, and
 * others that are wrong, crash, hang, write out of bounds or fail on a chosen kind of problem, so
 * that `tconv explore` must find, shrink and report each of them. */
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tconv/impl.h"

static int64_t out_extent(const tconv_problem* p, int a) {
  return (p->input[a] - 1) * p->stride[a] - p->pad_begin[a] - p->pad_end[a] +
         p->dilation[a] * (p->kernel[a] - 1) + p->output_padding[a] + 1;
}

static int64_t ext(const int64_t* e, const tconv_problem* p, int a) {
  return a < p->rank ? e[a] : 1;
}

#if defined(TCONV_PLUGIN_FLUSH_TO_ZERO)
/* flush-to-zero and denormals-are-zero in software (what MXCSR FTZ/DAZ or ARM FZ do): every
 * input, product, partial sum and result below 2^-126 becomes zero */
static float ftz(float v) { return v > -0x1p-126f && v < 0x1p-126f ? 0.0f : v; }
#define FLUSH(v) ftz(v)
#else
#define FLUSH(v) (v)
#endif

#if defined(TCONV_PLUGIN_UNSUPPORTED_ALL)
int tconv_supports(const tconv_problem* p) {
  (void)p;
  return 0;
}
#elif defined(TCONV_PLUGIN_PARTIAL)
/* Declines grouped and rank-3 problems: those must be counted as unsupported, never as failures. */
int tconv_supports(const tconv_problem* p) { return p->groups == 1 && p->rank < 3; }
#endif

int tconv_conv_transpose_f32(const tconv_problem* p, const float* x, const float* w, const float* b,
                             float* y) {
  int64_t in[3], k[3], s[3], d[3], pb[3], out[3];
  for (int a = 0; a < 3; ++a) {
    in[a] = ext(p->input, p, a);
    k[a] = ext(p->kernel, p, a);
    s[a] = ext(p->stride, p, a);
    d[a] = ext(p->dilation, p, a);
    pb[a] = a < p->rank ? p->pad_begin[a] : 0;
    out[a] = a < p->rank ? out_extent(p, a) : 1;
#if defined(TCONV_PLUGIN_SWAPPED_PADS)
    /* bug: crops pad_end at the beginning (invisible while padding is symmetric) */
    if (a < p->rank) pb[a] = p->pad_end[a];
#endif
  }
#if defined(TCONV_PLUGIN_NONZERO_RETURN)
  if (p->has_bias) return 7; /* "fails" on every problem with bias */
#endif
#if defined(TCONV_PLUGIN_CRASH)
  if (p->groups > 1) raise(SIGSEGV); /* crashes on every grouped problem */
#endif
#if defined(TCONV_PLUGIN_ABORT)
  if (p->rank == 2) abort();
#endif
#if defined(TCONV_PLUGIN_HANG)
  if (p->stride[0] > 2)
    for (;;) pause(); /* never returns on stride > 2 */
#endif
  const int64_t cin_g = p->in_channels / p->groups, cout_g = p->out_channels / p->groups;
  const int64_t spatial = out[0] * out[1] * out[2];
  const int64_t count = p->batch * p->out_channels * spatial;
  /* gather: every output element sums its contributions in float, in a fixed order */
  for (int64_t n = 0; n < p->batch; ++n)
    for (int64_t co = 0; co < p->out_channels; ++co) {
      const int64_t g = co / cout_g, c = co % cout_g;
#if defined(TCONV_PLUGIN_WRONG_GROUPS)
      const int64_t gx = (g + 1) % p->groups; /* bug: reads the next group's input channels */
#else
      const int64_t gx = g;
#endif
      for (int64_t o0 = 0; o0 < out[0]; ++o0)
        for (int64_t o1 = 0; o1 < out[1]; ++o1)
          for (int64_t o2 = 0; o2 < out[2]; ++o2) {
#if defined(TCONV_PLUGIN_MISSING_OUTPUT_PADDING) || defined(TCONV_PLUGIN_TWO_BUGS)
            /* bug: never writes the rows that output_padding adds */
            if ((p->rank > 0 && o0 >= out[0] - p->output_padding[0]) ||
                (p->rank > 1 && o1 >= out[1] - p->output_padding[1]) ||
                (p->rank > 2 && o2 >= out[2] - p->output_padding[2]))
              continue;
#endif
            float acc = 0.0f;
            for (int64_t cl = 0; cl < cin_g; ++cl) {
              const int64_t ci = gx * cin_g + cl;
              for (int64_t k0 = 0; k0 < k[0]; ++k0) {
                const int64_t t0 = o0 + pb[0] - k0 * d[0];
                if (t0 < 0 || t0 % s[0] != 0 || t0 / s[0] >= in[0]) continue;
                for (int64_t k1 = 0; k1 < k[1]; ++k1) {
                  const int64_t t1 = o1 + pb[1] - k1 * d[1];
                  if (t1 < 0 || t1 % s[1] != 0 || t1 / s[1] >= in[1]) continue;
                  for (int64_t k2 = 0; k2 < k[2]; ++k2) {
                    const int64_t t2 = o2 + pb[2] - k2 * d[2];
                    if (t2 < 0 || t2 % s[2] != 0 || t2 / s[2] >= in[2]) continue;
                    const int64_t xi =
                        (((n * p->in_channels + ci) * in[0] + t0 / s[0]) * in[1] + t1 / s[1]) *
                            in[2] +
                        t2 / s[2];
#if defined(TCONV_PLUGIN_UNFLIPPED)
                    /* bug: kernel index mirrored (the "missing flip"), invisible on symmetric
                     * kernels */
                    const int64_t kk0 = k[0] - 1 - k0, kk1 = k[1] - 1 - k1, kk2 = k[2] - 1 - k2;
#else
                    const int64_t kk0 = k0, kk1 = k1, kk2 = k2;
#endif
                    const int64_t wi = (((ci * cout_g + c) * k[0] + kk0) * k[1] + kk1) * k[2] + kk2;
#if defined(TCONV_PLUGIN_BF16_PRODUCTS)
                    /* bug: truncates x to bfloat16 before multiplying (passes integer-only data) */
                    float xv = x[xi];
                    uint32_t bits;
                    memcpy(&bits, &xv, sizeof bits);
                    bits &= 0xffff0000u;
                    memcpy(&xv, &bits, sizeof bits);
                    acc += xv * w[wi];
#else
                    acc = FLUSH(acc + FLUSH(FLUSH(x[xi]) * FLUSH(w[wi])));
#endif
                  }
                }
              }
            }
#if defined(TCONV_PLUGIN_TWO_BUGS)
            /* second, independent bug: a grouped problem takes the next group's bias */
            if (b != NULL) acc += b[p->groups > 1 ? (co + cout_g) % p->out_channels : co];
#else
            if (b != NULL) acc = FLUSH(acc + FLUSH(b[co]));
#endif
            y[((n * p->out_channels + co) * out[0] + o0) * out[1] * out[2] + o1 * out[2] + o2] =
                acc;
          }
    }
#if defined(TCONV_PLUGIN_OUT_OF_BOUNDS)
  if (p->dilation[0] > 1) y[count] = 0.0f; /* writes one element past y on dilated problems */
#endif
#if defined(TCONV_PLUGIN_WRITES_INPUT)
  if (p->batch > 1) ((float*)x)[0] = 1.0f; /* writes into its const input */
#endif
  (void)count;
  return 0;
}
