// Law 10: ONNX and PyTorch descriptions of one layer resolve to one canonical problem.
#include "laws.hpp"
#include "prop.hpp"

TEST_CASE("law 10: ONNX and PyTorch conventions agree", "[property][conventions]") {
  tconv::prop("from_pytorch == from_onnx (pads, output_shape, SAME_*), same output",
              tconv::laws::conventions(),
              tconv::laws::required({"asymmetric_padding"},
                                    {"SAME_UPPER", "SAME_LOWER", "onnx_output_shape_only", "int64",
                                     "cpp_int", "cpp_rational"}));
}
