// fp16 accumulation under an fp32 contract: OpenVINO's GPU convolutions accumulated f16 in f16
// (openvinotoolkit/openvino#19782), oneDNN's GPU convolution likewise on some paths
// (uxlfoundation/oneDNN#5041). Modelled: float32 products summed in an fp16 accumulator, rounded
// after every add; a single product not exact in fp16 is already wrong.
#include "reference.hpp"

TCONV_MUTANT(fp16_accumulate)
