// Per-axis padding swapped: tensorflow/tensorflow#24151: TFLite transpose_conv did not handle
// non-square padding: height and width padding were exchanged. Padding of axes 0 and 1 swapped.
#include "reference.hpp"

TCONV_MUTANT(axis_padding_swapped)
