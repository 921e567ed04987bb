// SAME_UPPER/SAME_LOWER swapped: with odd total padding, the extra pad goes to the wrong end.
// microsoft/onnxruntime#12537 (dup of #5368, reported as #9370): ConvTranspose put the larger half
// of an odd total padding at the head for SAME_UPPER, the opposite of the ONNX definition and of
// every other ONNX operator. onnx/onnx#3440 is cited by issue 7 for the same class (its text was
// not available to us). The ABI carries resolved pads, so the bug shows as pad_begin/pad_end
// exchanged when they differ by 1.
#include "reference.hpp"

TCONV_MUTANT(same_split_swapped)
