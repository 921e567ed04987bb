// tconv shape: the resolved layer and its output shape, from shapes alone.
#include <cstdio>

#include "commands.hpp"
#include "layer_flags.hpp"

namespace tconv::cli {
namespace {

struct shape_flags {
  std::string x_shape, w_shape;
  layer_flags layer;
  bool bias = false;
};

int shape_body(const shape_flags& f) {
  const auto xs = parse_int_list(f.x_shape, "--x-shape"),
             ws = parse_int_list(f.w_shape, "--w-shape");
  const problem p = f.layer.resolve(xs, ws, f.bias, "--x-shape", "--w-shape");
  const op_kind k = f.layer.kind();
  std::printf("op: %s (%s conventions)\n", k == op_kind::conv ? "conv" : "conv_transpose",
              f.layer.onnx() ? "ONNX" : "PyTorch");
  std::printf("x: %s\nw: %s\n", shape_text(input_shape(p)).c_str(),
              shape_text(weight_shape(p, k)).c_str());
  if (f.bias) std::printf("b: %s\n", shape_text(bias_shape(p)).c_str());
  std::printf("y: %s\n", shape_text(output_shape(p, k)).c_str());
  std::printf("groups: %lld\n", static_cast<long long>(p.groups));
  const auto out = output_extents(p, k);
  for (std::int64_t a = 0; a < p.rank; ++a)
    std::printf(
        "axis %lld: input %lld, kernel %lld, stride %lld, dilation %lld, pad_begin %lld, pad_end "
        "%lld, "
        "output_padding %lld -> output %lld\n",
        static_cast<long long>(a), static_cast<long long>(p.input[a]),
        static_cast<long long>(p.kernel[a]), static_cast<long long>(p.stride[a]),
        static_cast<long long>(p.dilation[a]), static_cast<long long>(p.pad_begin[a]),
        static_cast<long long>(p.pad_end[a]), static_cast<long long>(p.output_padding[a]),
        static_cast<long long>(out[a]));
  return 0;
}

command add_shape(CLI::App& root) {
  auto flags = std::make_shared<shape_flags>();
  CLI::App* app =
      root.add_subcommand("shape", "Print the resolved layer and its output shape (no data files)");
  app->add_option("--x-shape", flags->x_shape, "N,C,D1[,D2[,D3]]")->required();
  app->add_option("--w-shape", flags->w_shape, "A,B,K1[,K2[,K3]] (the weight tensor's shape)")
      ->required();
  app->add_flag("--bias", flags->bias, "the layer has a bias");
  flags->layer.add_to(*app);
  return {app, [flags] { return shape_body(*flags); }};
}

TCONV_COMMAND(30, add_shape);

}  // namespace
}  // namespace tconv::cli
