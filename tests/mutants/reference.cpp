// The control: the correct implementation. The gate must accept it.
#include "reference.hpp"

TCONV_MUTANT(none)
