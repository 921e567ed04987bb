// output_padding dropped from the size: pytorch/pytorch#98129: the TorchScript shape function for
// transposed convolution omitted output_padding from the output size. Modelled: the implementation
// sizes its loops without output_padding and never writes the last output_padding rows per axis.
#include "reference.hpp"

TCONV_MUTANT(output_padding_dropped)
