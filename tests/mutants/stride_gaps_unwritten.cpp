// Stride gaps mishandled: pytorch/pytorch#82711 (cited by issue 7; its text was not available to
// us, so this models the class, not that report): when stride exceeds the dilated kernel, output
// positions that no tap reaches are never written (the implementation only scatters, relying on
// a zeroed output and adding bias per tap), instead of holding 0 + bias.
#include "reference.hpp"

TCONV_MUTANT(stride_gaps_unwritten)
