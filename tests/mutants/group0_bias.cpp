// Group 0's bias for every group: robertknight/rten#1408: col2im indexed the bias by the output
// channel's position within its group but was given the bias of all channels, so every group used
// the bias values of the first group.
#include "reference.hpp"

TCONV_MUTANT(group0_bias)
