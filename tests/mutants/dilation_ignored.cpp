// Dilation ignored: pytorch/pytorch#1565: ConvTranspose1d with dilation 2 produced the undilated
// result (no handling of transposed dilated convolutions); tensorflow/tensorflow#21598: dilation
// of keras Conv2DTranspose "does not do anything". Taps are placed as if dilation were 1.
#include "reference.hpp"

TCONV_MUTANT(dilation_ignored)
