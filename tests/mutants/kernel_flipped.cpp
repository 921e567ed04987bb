// Kernel flipped: the classic confusion of convolution with correlation (e.g. a transposed
// convolution written as a full correlation without flipping). The kernel is read back to front.
#include "reference.hpp"

TCONV_MUTANT(kernel_flipped)
