// Groups channel mapping: google/XNNPACK#1951: deconvolution with groups=2 disagreed with ONNX
// Runtime (grouped weight/channel layout); apache/tvm#10223: Conv2DTranspose with groups did not
// work (channel bookkeeping ignored groups, fixed in apache/tvm#10235). Modelled: every group reads
// the weight slice of group 0 (the per-group channel offset into w is missing).
#include "reference.hpp"

TCONV_MUTANT(group_weight_mapping)
