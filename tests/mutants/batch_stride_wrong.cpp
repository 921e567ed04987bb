// Batch stride wrong: the x batch stride is computed from the first spatial extent only, so every
// batch element after the first reads the wrong (in-bounds) input data.
#include "reference.hpp"

TCONV_MUTANT(batch_stride_wrong)
