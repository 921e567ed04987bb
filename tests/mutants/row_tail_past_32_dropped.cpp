// A row vectorised in 32s whose tail is dropped: with an output row longer than 32 and not a
// multiple of 32, the positions past the last full 32-block get no taps (only the bias). No single
// public report; the row-wise twin of the channel-tail class of
// https://github.com/bhuman/CompiledNN/issues/16 and
// https://github.com/pytorch/pytorch/issues/21597.
#include "reference.hpp"

TCONV_MUTANT(row_tail_past_32_dropped)
