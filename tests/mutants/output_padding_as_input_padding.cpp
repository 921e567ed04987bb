// output_padding applied as input padding: apple/coreai-torch#57: output_padding was lowered by
// zero-padding the input, so each extra input position became `stride` output positions and the
// output came out over-long by output_padding*(stride-1). Under the ABI the caller owns the shape,
// so the over-long result is laid into the caller's buffer with the wrong row lengths.
#include "reference.hpp"

TCONV_MUTANT(output_padding_as_input_padding)
