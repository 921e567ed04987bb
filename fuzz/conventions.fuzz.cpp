// Fuzzes the framework conventions: PyTorch layer arguments, ONNX ConvTranspose attributes
// (auto_pad, pads, output_shape, ...) and ONNX Conv attributes -> canonical problem. Invalid input
// must be rejected with invalid_problem (any other exception escapes and aborts); accepted input
// must be a valid problem whose output extents are the ones the convention promises.
#include "tconv/conventions.hpp"

#include <cstdlib>
#include <string_view>

#include "fuzz_input.hpp"

namespace {

void require(bool ok) {
  if (!ok) std::abort();
}

void pytorch(tconv::fuzz::input& in, tconv::op_kind op) {
  tconv::pytorch_layer l;
  l.input_shape = in.list(6);
  l.out_channels = in.integer();
  l.kernel_size = in.list(4);
  l.stride = in.list(4);
  l.padding = in.list(4);
  l.output_padding = in.list(4);
  l.dilation = in.list(4);
  l.groups = in.integer();
  l.bias = (in.byte() & 1) != 0;
  try {
    const auto p = tconv::from_pytorch(l, op);
    require(tconv::is_valid(p, op, tconv::output_padding_rule::pytorch));
    require(p.pad_begin == p.pad_end);  // PyTorch padding is symmetric
  } catch (const tconv::invalid_problem&) {
  }
}

// The attributes ONNX Conv and ConvTranspose share, drawn in the same order for both (so a
// corpus input means the same layer to either).
template <class Attributes>
void draw_onnx_shared(tconv::fuzz::input& in, Attributes& o) {
  static constexpr std::string_view pads[] = {"NOTSET",     "VALID",      "SAME_UPPER",
                                              "SAME_LOWER", "same_upper", ""};
  o.x_shape = in.list(6);
  o.w_shape = in.list(6);
  o.auto_pad = pads[in.byte() % 6];
  o.kernel_shape = in.list(4);
  o.strides = in.list(4);
  o.dilations = in.list(4);
  o.pads = in.list(7);
}

void onnx(tconv::fuzz::input& in) {
  tconv::onnx_conv_transpose o;
  draw_onnx_shared(in, o);
  o.output_padding = in.list(4);
  o.output_shape = in.list(6);
  o.group = in.integer();
  o.has_bias = (in.byte() & 1) != 0;
  try {
    const auto p = tconv::from_onnx(o);
    require(
        tconv::is_valid(p, tconv::op_kind::conv_transpose, tconv::output_padding_rule::extension));
    const auto out = tconv::output_extents(p, tconv::op_kind::conv_transpose);
    const bool same = o.auto_pad == "SAME_UPPER" || o.auto_pad == "SAME_LOWER";
    if (!o.output_shape.empty()) {
      // the requested spatial extents are met exactly (given as [D..] or [N, C, D..])
      const std::size_t skip = o.output_shape.size() == static_cast<std::size_t>(p.rank) ? 0 : 2;
      for (std::int64_t a = 0; a < p.rank; ++a)
        require(out[a] == o.output_shape[static_cast<std::size_t>(a) + skip]);
    } else if (same) {
      for (std::int64_t a = 0; a < p.rank; ++a) require(out[a] == p.input[a] * p.stride[a]);
    }
    if (same || !o.output_shape.empty())
      for (std::int64_t a = 0; a < p.rank; ++a) {
        const std::int64_t diff = p.pad_begin[a] - p.pad_end[a];
        require(diff >= -1 && diff <= 1);  // the total padding is split in halves
        if (o.auto_pad == "SAME_UPPER")
          require(diff <= 0);
        else
          require(diff >= 0);
      }
  } catch (const tconv::invalid_problem&) {
  }
}

void onnx_conv(tconv::fuzz::input& in) {
  tconv::onnx_conv o;
  draw_onnx_shared(in, o);
  o.group = in.integer();
  o.has_bias = (in.byte() & 1) != 0;
  try {
    const auto p = tconv::from_onnx(o);
    require(tconv::is_valid(p, tconv::op_kind::conv));
    const auto out = tconv::output_extents(p, tconv::op_kind::conv);
    if (o.auto_pad != "SAME_UPPER" && o.auto_pad != "SAME_LOWER") return;
    for (std::int64_t a = 0; a < p.rank; ++a) {
      // the spec's promise: out = ceil(in / s), the total padding split in halves
      require(out[a] == (p.input[a] + p.stride[a] - 1) / p.stride[a]);
      const std::int64_t diff = p.pad_begin[a] - p.pad_end[a];
      require(o.auto_pad == "SAME_UPPER" ? (diff == 0 || diff == -1) : (diff == 0 || diff == 1));
    }
  } catch (const tconv::invalid_problem&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  tconv::fuzz::input in(data, size);
  switch (in.byte() % 3) {
    case 0:
      pytorch(in, tconv::op_kind::conv_transpose);
      break;
    case 1:
      pytorch(in, tconv::op_kind::conv);
      break;
    default: {
      // the same attributes read again as ONNX Conv: the corpus keeps its meaning and gains it
      tconv::fuzz::input again(data, size);
      (void)again.byte();
      onnx(in);
      onnx_conv(again);
      break;
    }
  }
  return 0;
}
