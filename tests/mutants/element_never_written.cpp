// An element never written: an off-by-one store loop leaves the last output element untouched.
#include "reference.hpp"

TCONV_MUTANT(element_never_written)
