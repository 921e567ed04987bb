// Dilation with stride offset: apache/mxnet#11203: Conv2DTranspose with stride 2 and dilation 2
// (non-MKLDNN CPU path, mshadow pack_col2patch) put the taps one position late, "offset at top and
// left sides, and then clusters on bottom and right sides". Modelled: when stride>1 and
// dilation>1, taps land at o+1, clamped into the last row.
#include "reference.hpp"

TCONV_MUTANT(dilation_stride_offset)
