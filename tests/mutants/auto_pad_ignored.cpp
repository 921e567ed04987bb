// auto_pad ignored: microsoft/onnxruntime#4698: with auto_pad=SAME_UPPER, ONNX Runtime assumed
// pads=[0,0] and overrode the auto_pad value, so the output was computed as if unpadded.
// Modelled on resolved pads: asymmetric (auto_pad-derived, odd total) padding is treated as zero.
#include "reference.hpp"

TCONV_MUTANT(auto_pad_ignored)
