// Effective kernel k+d-1 instead of (k-1)d+1: microsoft/onnxruntime#2518 (fixed by #2688):
// ConvTranspose computed its total padding from the output shape as (in-1)s + k + d - 1 + adj -
// out, wrong whenever stride and dilation are both non-default. Modelled: pad_begin is re-derived
// from the output extent with that formula, which shifts the output by (k-2)(d-1) positions.
#include "reference.hpp"

TCONV_MUTANT(effective_kernel_k_plus_d)
