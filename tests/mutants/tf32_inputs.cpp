// TF32 under an fp32 contract: pytorch/functorch#1050: vmap over conv_transpose on A100 GPUs
// mismatched by up to 0.11 absolute because cuDNN used TF32 (10-bit mantissa) for float32 inputs.
// Modelled: x and w rounded to TF32 before multiplying; accumulation in double as in the control.
#include "reference.hpp"

TCONV_MUTANT(tf32_inputs)
