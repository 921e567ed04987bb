// The remainder of a 4-wide input-channel block added twice: with C_in/g > 4 and not a multiple
// of 4, the tail channels are accumulated by the vector loop and again by the scalar remainder
// loop. bhuman/CompiledNN#16: "DConv2D does not work for channel numbers that are not multiples
// of 4 or do not fit into SSE registers" (https://github.com/bhuman/CompiledNN/issues/16).
#include "reference.hpp"

TCONV_MUTANT(in_block4_tail_twice)
