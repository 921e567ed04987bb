// An out-of-bounds read: the input rows a tap may read are guarded by the kernel's extent instead
// of the input's, so when the kernel is taller than the input the kernel reads rows past the end of
// x (the next channel's rows, or past the buffer at the last one) and adds them to y. Modeled on
// nntrainer's conv2d_transpose im2col_transpose, which compared input coordinates against
// k_height / k_width: https://github.com/nntrainer/nntrainer/issues/4335 (item F1).
#include "reference.hpp"

TCONV_MUTANT(input_rows_past_end)
