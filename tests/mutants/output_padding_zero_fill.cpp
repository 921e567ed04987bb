// output_padding as zero fill: apache/tvm#5758: TVM's conv_transpose output_padding padded the
// output shape with zeros instead of extending the computed region; llvm/torch-mlir#2026: the
// StableHLO lowering padded zeros for output_padding. The extra rows get zeros instead of taps and
// bias.
#include "reference.hpp"

TCONV_MUTANT(output_padding_zero_fill)
