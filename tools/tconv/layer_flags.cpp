#include "layer_flags.hpp"

#include <string_view>

#include "tconv/conventions.hpp"

namespace tconv::cli {

std::vector<std::int64_t> parse_int_list(const std::string& text, const std::string& flag) {
  std::vector<std::int64_t> v;
  if (text.empty()) throw usage_error(flag + ": empty value (give one integer or a comma list)");
  std::size_t p = 0;
  while (p <= text.size()) {
    const std::size_t q = std::min(text.find(',', p), text.size());
    std::string item = text.substr(p, q - p);
    while (!item.empty() && item.front() == ' ') item.erase(item.begin());
    while (!item.empty() && item.back() == ' ') item.pop_back();
    std::size_t used = 0;
    long long x = 0;
    bool ok = !item.empty();
    if (ok) {
      try {
        x = std::stoll(item, &used);
      } catch (const std::exception&) {
        ok = false;
      }
    }
    if (!ok || used != item.size())
      throw usage_error(flag + ": '" + item + "' is not an integer (in '" + text + "')");
    v.push_back(x);
    p = q + 1;
  }
  return v;
}

std::string shape_text(const std::vector<std::int64_t>& s) {
  std::string t = "[";
  for (std::size_t i = 0; i < s.size(); ++i) t += (i ? ", " : "") + std::to_string(s[i]);
  return t + "]";
}

void layer_flags::add_to(CLI::App& app) {
  app.add_option("--stride", stride,
                 "stride: one integer (every axis) or a comma list (one per axis)")
      ->check(non_empty);
  app.add_option("--padding", padding, "PyTorch's symmetric padding (one integer or a comma list)")
      ->check(non_empty);
  app.add_option("--pads", pads, "ONNX pads: all begins, then all ends (comma list of 2*rank)")
      ->check(non_empty);
  app.add_option("--dilation", dilation, "dilation (one integer or a comma list)")
      ->check(non_empty);
  app.add_option("--output-padding", output_padding, "output_padding (one integer or a comma list)")
      ->check(non_empty);
  app.add_option("--groups", groups, "groups (one integer)")->check(non_empty);
  app.add_option("--auto-pad", auto_pad, "ONNX auto_pad: NOTSET, VALID, SAME_UPPER or SAME_LOWER")
      ->check(non_empty);
  app.add_option("--output-shape", output_shape,
                 "ONNX output_shape: spatial output extents (comma list)")
      ->check(non_empty);
  app.add_option("--op", op, "conv or conv_transpose (default conv_transpose)")->check(non_empty);
}

op_kind layer_flags::kind() const {
  if (op == "conv_transpose") return op_kind::conv_transpose;
  if (op == "conv") return op_kind::conv;
  throw usage_error("--op: '" + op + "' must be conv or conv_transpose");
}

namespace {

// which flag sets the core parameter a validation message starts with
std::string flag_hint(const std::string& msg, bool onnx, const std::string& x_what,
                      const std::string& w_what) {
  const std::string_view m = msg;
  auto starts = [&](std::string_view s) { return m.substr(0, s.size()) == s; };
  if (starts("stride") || starts("strides")) return "--stride";
  if (starts("dilation")) return "--dilation";
  if (starts("pad_") || starts("pads")) return onnx ? "--pads" : "--padding";
  if (starts("output_padding")) return "--output-padding";
  if (starts("output_shape")) return "--output-shape";
  // the output extent (and zero insertion's padded length) grows with stride and dilation too
  if (starts("output"))
    return onnx ? "--pads / --output-shape / --stride / --dilation"
                : "--padding / --stride / --dilation";
  if (starts("groups") || starts("group")) return "--groups";
  if (starts("auto_pad")) return "--auto-pad";
  if (starts("kernel") || starts("out_channels") || starts("W shape")) return w_what;
  return x_what;
}

std::int64_t per_axis(const std::vector<std::int64_t>& v, std::size_t a, std::int64_t def) {
  if (v.empty()) return def;
  return v.size() == 1 ? v[0] : v[a];
}

}  // namespace

problem layer_flags::resolve(const std::vector<std::int64_t>& xs,
                             const std::vector<std::int64_t>& ws, bool has_bias,
                             const std::string& x_what, const std::string& w_what) const {
  const problem p = resolve_layer(xs, ws, has_bias, x_what, w_what);
  try {
    // the rule was checked by resolve_layer; here only the sizes matter
    validate_sizes(p, kind(), max_tensor_elements, output_padding_rule::extension);
  } catch (const invalid_problem& e) {
    throw usage_error(std::string("layer too large: ") + e.what());
  }
  return p;
}

problem layer_flags::resolve_layer(const std::vector<std::int64_t>& xs,
                                   const std::vector<std::int64_t>& ws, bool has_bias,
                                   const std::string& x_what, const std::string& w_what) const {
  const op_kind k = kind();
  if (xs.size() < 3 || xs.size() > 5)
    throw usage_error(x_what + ": shape " + shape_text(xs) +
                      " must be [N, C, D1[, D2[, D3]]] (spatial rank 1 to 3)");
  if (ws.size() != xs.size())
    throw usage_error(w_what + ": shape " + shape_text(ws) + " must have the rank of x's shape " +
                      shape_text(xs));
  const std::size_t rank = xs.size() - 2;
  auto list = [&](const std::string& text, const std::string& flag) {
    if (text.empty()) return std::vector<std::int64_t>{};
    auto v = parse_int_list(text, flag);
    if (v.size() != 1 && v.size() != rank)
      throw usage_error(flag + ": '" + text + "' has " + std::to_string(v.size()) +
                        " values; give 1 (every axis) or " + std::to_string(rank) +
                        " (one per spatial axis)");
    return v;
  };
  const auto st = list(stride, "--stride"), di = list(dilation, "--dilation"),
             op_ = list(output_padding, "--output-padding");
  std::int64_t g = 1;
  if (!groups.empty()) {
    const auto gv = parse_int_list(groups, "--groups");
    if (gv.size() != 1) throw usage_error("--groups: '" + groups + "' must be one integer");
    g = gv[0];
    if (g < 1) throw usage_error("--groups: " + groups + " must be >= 1");
  }
  for (std::size_t i = 0; i < xs.size(); ++i)
    if (xs[i] < 1)
      throw usage_error(x_what + ": shape " + shape_text(xs) + " has an extent below 1");
  for (std::size_t i = 0; i < ws.size(); ++i)
    if (ws[i] < 1)
      throw usage_error(w_what + ": shape " + shape_text(ws) + " has an extent below 1");
  const std::vector<std::int64_t> kernel(ws.begin() + 2, ws.end());
  try {
    if (!onnx()) {
      pytorch_layer l;
      l.input_shape = xs;
      l.kernel_size = kernel;
      l.stride = st, l.dilation = di, l.output_padding = op_;
      l.padding = list(padding, "--padding");
      l.groups = g;
      l.bias = has_bias;
      if (k == op_kind::conv_transpose) {
        if (ws[0] != xs[1])
          throw usage_error(w_what + ": shape " + shape_text(ws) + ": w[0] = " +
                            std::to_string(ws[0]) + " must equal C_in = " + std::to_string(xs[1]) +
                            " (conv_transpose weights are [C_in, C_out/groups, k...])");
        if (ws[1] > (std::int64_t{1} << 30) / g)
          throw usage_error(w_what + ": C_out/groups * groups is too large");
        l.out_channels = ws[1] * g;
      } else {
        if (ws[1] > (std::int64_t{1} << 30) / g || ws[1] * g != xs[1])
          throw usage_error(w_what + ": shape " + shape_text(ws) +
                            ": w[1] * groups = " + std::to_string(ws[1]) + " * " +
                            std::to_string(g) + " must equal C_in = " + std::to_string(xs[1]) +
                            " (conv weights are [C_out, C_in/groups, k...])");
        l.out_channels = ws[0];
      }
      return from_pytorch(l, k);
    }
    if (!padding.empty())
      throw usage_error(
          "--padding: PyTorch's symmetric padding cannot be combined with the ONNX flags "
          "--pads / --auto-pad / --output-shape (use --pads)");
    const auto pd = pads.empty() ? std::vector<std::int64_t>{} : parse_int_list(pads, "--pads");
    if (!pd.empty() && pd.size() != 2 * rank)
      throw usage_error("--pads: '" + pads + "' must hold 2 * rank = " + std::to_string(2 * rank) +
                        " values (all begins, then all ends)");
    const std::string ap = auto_pad.empty() ? "NOTSET" : auto_pad;
    if (ap != "NOTSET" && ap != "VALID" && ap != "SAME_UPPER" && ap != "SAME_LOWER")
      throw usage_error("--auto-pad: '" + auto_pad +
                        "' must be NOTSET, VALID, SAME_UPPER or SAME_LOWER");
    if (k == op_kind::conv_transpose) {
      onnx_conv_transpose o;
      o.x_shape = xs;
      o.w_shape = ws;
      o.auto_pad = ap;
      o.strides = st, o.dilations = di, o.output_padding = op_, o.pads = pd;
      if (!output_shape.empty()) o.output_shape = parse_int_list(output_shape, "--output-shape");
      o.group = g;
      o.has_bias = has_bias;
      if (ws[0] != xs[1])
        throw usage_error(w_what + ": shape " + shape_text(ws) + ": w[0] = " +
                          std::to_string(ws[0]) + " must equal C_in = " + std::to_string(xs[1]));
      return from_onnx(o);
    }
    // ONNX Conv: explicit pads or auto_pad (output = ceil(in / stride) for SAME_*)
    if (!output_shape.empty())
      throw usage_error("--output-shape: applies to --op conv_transpose only");
    if (!op_.empty()) throw usage_error("--output-padding: applies to --op conv_transpose only");
    if (ws[1] > (std::int64_t{1} << 30) / g || ws[1] * g != xs[1])
      throw usage_error(w_what + ": shape " + shape_text(ws) +
                        ": w[1] * groups must equal C_in = " + std::to_string(xs[1]));
    if (!pd.empty() && ap != "NOTSET")
      throw usage_error("--pads: cannot be given together with --auto-pad " + ap);
    problem p;
    p.rank = static_cast<std::int64_t>(rank);
    p.batch = xs[0], p.in_channels = xs[1], p.out_channels = ws[0], p.groups = g,
    p.has_bias = has_bias;
    for (std::size_t a = 0; a < rank; ++a) {
      p.input[a] = xs[a + 2], p.kernel[a] = ws[a + 2];
      p.stride[a] = per_axis(st, a, 1), p.dilation[a] = per_axis(di, a, 1);
      if (!pd.empty()) p.pad_begin[a] = pd[a], p.pad_end[a] = pd[a + rank];
    }
    if (ap == "SAME_UPPER" || ap == "SAME_LOWER") {
      problem loose = p;
      validate(loose, op_kind::conv);  // ranges first: the arithmetic below then cannot overflow
      for (std::size_t a = 0; a < rank; ++a) {
        const std::int64_t out = (p.input[a] + p.stride[a] - 1) / p.stride[a];
        const std::int64_t total = std::max<std::int64_t>(
            0, (out - 1) * p.stride[a] + p.dilation[a] * (p.kernel[a] - 1) + 1 - p.input[a]);
        p.pad_begin[a] = ap == "SAME_UPPER" ? total / 2 : total - total / 2;
        p.pad_end[a] = total - p.pad_begin[a];
      }
    }
    validate(p, op_kind::conv);
    return p;
  } catch (const invalid_problem& e) {
    const std::string msg = e.what();
    throw usage_error("invalid layer: " + msg + " (check " +
                      flag_hint(msg, onnx(), x_what, w_what) + ")");
  }
}

}  // namespace tconv::cli
