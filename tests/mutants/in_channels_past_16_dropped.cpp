// Input channels past 16 of a group never read. fujitsu/oneDNN#43: "When stride_w>1, ic>16, and
// iw < 17, the calculation result may be incorrect (BWD_D)", the data-gradient convolution that
// is the transposed convolution (https://github.com/fujitsu/oneDNN/issues/43).
#include "reference.hpp"

TCONV_MUTANT(in_channels_past_16_dropped)
