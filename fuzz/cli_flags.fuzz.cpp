// Fuzzes the CLI's hyperparameter flags as typed on a command line: --x-shape, --w-shape, --stride,
// --padding, --pads, --dilation, --output-padding, --groups, --auto-pad, --output-shape, --op
// -> parse_int_list -> from_pytorch / from_onnx. Bad text must end in usage_error or
// invalid_problem (exit 2 with a message); any other exception escapes and aborts. An accepted
// layer must be a valid problem.
#include <cstdlib>
#include <string>
#include <vector>

#include "layer_flags.hpp"
#include "tconv/conventions.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // one flag value per line: x-shape, w-shape, then the layer flags in declaration order
  std::vector<std::string> v(13);
  std::size_t field = 0;
  for (std::size_t i = 0; i < size && field < v.size(); ++i) {
    if (data[i] == '\n')
      ++field;
    else
      v[field] += static_cast<char>(data[i]);
  }
  tconv::cli::layer_flags f;
  f.stride = v[2];
  f.padding = v[3];
  f.pads = v[4];
  f.dilation = v[5];
  f.output_padding = v[6];
  f.groups = v[7];
  f.auto_pad = v[8];
  f.output_shape = v[9];
  if (!v[10].empty()) f.op = v[10];
  const bool bias = !v[11].empty();
  try {
    const auto xs = tconv::cli::parse_int_list(v[0], "--x-shape");
    const auto ws = tconv::cli::parse_int_list(v[1], "--w-shape");
    const auto p = f.resolve(xs, ws, bias, "--x-shape", "--w-shape");
    if (tconv::find_fault(p, f.kind(), tconv::output_padding_rule::extension)) std::abort();
  } catch (const tconv::cli::usage_error&) {
  } catch (const tconv::invalid_problem&) {
  }
  return 0;
}
