// A hang on one hyperparameter: a kernel whose loop never ends when a stride is 4 (no public report
// found; modelled on the engine of issue 11, whose hang explore shrank to a rank-2 case with
// dilation, padding and output_padding while the minimum is rank 1, input 1, kernel 1, stride 4).
#include "reference.hpp"

TCONV_MUTANT(hang_on_stride4)
