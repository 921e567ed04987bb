// An 8-wide output-channel block whose tail is mishandled: the lanes past the last full block of
// 8 read the weights of the block before. Channel blocking bugs of this class:
// https://github.com/pytorch/pytorch/issues/21597 (wrong results once the channel count is not a
// multiple of the vector block), https://github.com/bhuman/CompiledNN/issues/16.
#include "reference.hpp"

TCONV_MUTANT(out_block8_tail)
