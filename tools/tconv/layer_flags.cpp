#include "layer_flags.hpp"

#include <array>
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

using i64 = std::int64_t;

// Which flag sets a core parameter (problem_fault::parameter): the flag itself, under PyTorch's
// and under ONNX's conventions, or the flag of the x or w tensor; parameters not listed (rank,
// batch, in_channels, input, X shape, ...) are x's.
enum class blame { flag, x, w };
struct parameter_flag {
  std::string_view parameter;
  blame who;
  std::string_view pytorch, onnx;
};
constexpr std::array<parameter_flag, 18> parameter_flags{{
    {"stride", blame::flag, "--stride", "--stride"},
    {"strides", blame::flag, "--stride", "--stride"},
    {"dilation", blame::flag, "--dilation", "--dilation"},
    {"dilations", blame::flag, "--dilation", "--dilation"},
    {"pad_begin", blame::flag, "--padding", "--pads"},
    {"pad_end", blame::flag, "--padding", "--pads"},
    {"pads", blame::flag, "--padding", "--pads"},
    {"output_padding", blame::flag, "--output-padding", "--output-padding"},
    {"output_shape", blame::flag, "--output-shape", "--output-shape"},
    // the output extent (and zero insertion's padded length) grows with stride and dilation too
    {"output", blame::flag, "--padding / --stride / --dilation",
     "--pads / --output-shape / --stride / --dilation"},
    {"groups", blame::flag, "--groups", "--groups"},
    {"group", blame::flag, "--groups", "--groups"},
    {"auto_pad", blame::flag, "--auto-pad", "--auto-pad"},
    {"kernel", blame::w, "", ""},
    {"kernel_shape", blame::w, "", ""},
    {"kernel_size", blame::w, "", ""},
    {"out_channels", blame::w, "", ""},
    {"W shape", blame::w, "", ""},
}};

// What a fault is reported against: the flags as typed and the tensors' flags and shapes.
struct fault_context {
  const layer_flags& flags;
  const std::vector<i64>& w_shape;
  const std::string &x_what, &w_what;
};

// The flag to check for fault f.
std::string flag_of(const problem_fault& f, const fault_context& c) {
  const std::string_view parameter = f.parameter ? f.parameter : "";
  for (const auto& row : parameter_flags) {
    if (row.parameter != parameter) continue;
    if (row.who == blame::w) return c.w_what;
    return std::string(c.flags.onnx() ? row.onnx : row.pytorch);
  }
  return c.x_what;
}

// The ONNX rules a flag breaks on its own, said as the flag was typed (the rule in the core's
// words, the flag's text in the user's).
struct flag_rule {
  std::string_view rule;
  bool conv_only;  // ConvTranspose's pads with auto_pad stay in the core's words
  std::string (*say)(const problem_fault&, const fault_context&);
};
const std::array<flag_rule, 5> flag_rules{{
    {onnx_rule::auto_pad_name, false,
     [](const problem_fault& f, const fault_context& c) {
       return "--auto-pad: '" + c.flags.auto_pad + "' " + f.rule;
     }},
    {onnx_rule::pads_count, false,
     [](const problem_fault& f, const fault_context& c) {
       return "--pads: '" + c.flags.pads + "' must hold 2 * rank = " + std::to_string(f.bound) +
              " values (all begins, then all ends)";
     }},
    {onnx_rule::pads_with_auto_pad, true,
     [](const problem_fault&, const fault_context& c) {
       return "--pads: cannot be given together with --auto-pad " + c.flags.auto_pad;
     }},
    {onnx_rule::w0_is_c_in, false,
     [](const problem_fault& f, const fault_context& c) {
       return c.w_what + ": shape " + shape_text(c.w_shape) +
              ": w[0] = " + std::to_string(f.value) +
              " must equal C_in = " + std::to_string(f.bound);
     }},
    {onnx_rule::w1_times_group_is_c_in, false,
     [](const problem_fault& f, const fault_context& c) {
       return c.w_what + ": shape " + shape_text(c.w_shape) +
              ": w[1] * groups must equal C_in = " + std::to_string(f.bound);
     }},
}};

// The usage error that reports core fault e against the flags.
usage_error blame_flags(const invalid_problem& e, const fault_context& c) {
  const std::string_view rule = e.fault ? e.fault.rule : "";
  for (const auto& row : flag_rules)
    if (row.rule == rule && (!row.conv_only || c.flags.kind() == op_kind::conv))
      return usage_error(row.say(e.fault, c));
  return usage_error("invalid layer: " + std::string(e.what()) + " (check " + flag_of(e.fault, c) +
                     ")");
}

// A per-axis flag's values: none, one (every axis) or one per spatial axis.
std::vector<i64> axis_list(const std::string& text, const std::string& flag, std::size_t rank) {
  if (text.empty()) return {};
  auto v = parse_int_list(text, flag);
  if (v.size() != 1 && v.size() != rank)
    throw usage_error(flag + ": '" + text + "' has " + std::to_string(v.size()) +
                      " values; give 1 (every axis) or " + std::to_string(rank) +
                      " (one per spatial axis)");
  return v;
}

// A plain list flag's values (none when not given).
std::vector<i64> any_list(const std::string& text, const std::string& flag) {
  return text.empty() ? std::vector<i64>{} : parse_int_list(text, flag);
}

// The flags every convention shares, parsed and checked against the rank.
struct common_values {
  std::vector<i64> stride, dilation, output_padding;
  i64 groups = 1;
  bool bias = false;
};
common_values parse_common(const layer_flags& l, std::size_t rank, bool bias) {
  common_values v{axis_list(l.stride, "--stride", rank), axis_list(l.dilation, "--dilation", rank),
                  axis_list(l.output_padding, "--output-padding", rank), 1, bias};
  if (l.groups.empty()) return v;
  const auto g = parse_int_list(l.groups, "--groups");
  if (g.size() != 1) throw usage_error("--groups: '" + l.groups + "' must be one integer");
  if (g[0] < 1) throw usage_error("--groups: " + l.groups + " must be >= 1");
  v.groups = g[0];
  return v;
}

// x and w: spatial rank 1 to 3, one rank, every extent >= 1.
void check_shapes(const std::vector<i64>& xs, const std::vector<i64>& ws, const std::string& x_what,
                  const std::string& w_what) {
  if (xs.size() < 3 || xs.size() > 5)
    throw usage_error(x_what + ": shape " + shape_text(xs) +
                      " must be [N, C, D1[, D2[, D3]]] (spatial rank 1 to 3)");
  if (ws.size() != xs.size())
    throw usage_error(w_what + ": shape " + shape_text(ws) + " must have the rank of x's shape " +
                      shape_text(xs));
}
void check_extents(const std::vector<i64>& s, const std::string& what) {
  for (const i64 e : s)
    if (e < 1) throw usage_error(what + ": shape " + shape_text(s) + " has an extent below 1");
}

// PyTorch's layer: C_out read from w, whose layout depends on the operator.
pytorch_layer pytorch_of(const layer_flags& l, const common_values& v, const std::vector<i64>& xs,
                         const std::vector<i64>& ws, const std::string& w_what) {
  pytorch_layer p{xs,
                  1,
                  {ws.begin() + 2, ws.end()},
                  v.stride,
                  axis_list(l.padding, "--padding", xs.size() - 2),
                  v.output_padding,
                  v.dilation,
                  v.groups,
                  v.bias};
  const i64 g = v.groups;
  if (l.kind() == op_kind::conv_transpose) {
    if (ws[0] != xs[1])
      throw usage_error(w_what + ": shape " + shape_text(ws) + ": w[0] = " + std::to_string(ws[0]) +
                        " must equal C_in = " + std::to_string(xs[1]) +
                        " (conv_transpose weights are [C_in, C_out/groups, k...])");
    if (ws[1] > (i64{1} << 30) / g)
      throw usage_error(w_what + ": C_out/groups * groups is too large");
    p.out_channels = ws[1] * g;
  } else {
    if (ws[1] > (i64{1} << 30) / g || ws[1] * g != xs[1])
      throw usage_error(w_what + ": shape " + shape_text(ws) +
                        ": w[1] * groups = " + std::to_string(ws[1]) + " * " + std::to_string(g) +
                        " must equal C_in = " + std::to_string(xs[1]) +
                        " (conv weights are [C_out, C_in/groups, k...])");
    p.out_channels = ws[0];
  }
  return p;
}

// ONNX's operator: ConvTranspose, or Conv (which has no output_shape or output_padding).
problem from_onnx_flags(const layer_flags& l, const common_values& v, const std::vector<i64>& xs,
                        const std::vector<i64>& ws) {
  if (!l.padding.empty())
    throw usage_error(
        "--padding: PyTorch's symmetric padding cannot be combined with the ONNX flags "
        "--pads / --auto-pad / --output-shape (use --pads)");
  const auto pads = any_list(l.pads, "--pads");
  // (both sides string_view: a std::string side would make the view dangle)
  const std::string_view auto_pad =
      l.auto_pad.empty() ? std::string_view("NOTSET") : std::string_view(l.auto_pad);
  if (l.kind() == op_kind::conv_transpose)
    return from_onnx(onnx_conv_transpose{xs,
                                         ws,
                                         auto_pad,
                                         {},
                                         v.stride,
                                         v.dilation,
                                         pads,
                                         v.output_padding,
                                         any_list(l.output_shape, "--output-shape"),
                                         v.groups,
                                         v.bias});
  if (!l.output_shape.empty())
    throw usage_error("--output-shape: applies to --op conv_transpose only");
  if (!v.output_padding.empty())
    throw usage_error("--output-padding: applies to --op conv_transpose only");
  return from_onnx(onnx_conv{xs, ws, auto_pad, {}, v.stride, v.dilation, pads, v.groups, v.bias});
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
  check_shapes(xs, ws, x_what, w_what);
  const common_values v = parse_common(*this, xs.size() - 2, has_bias);
  check_extents(xs, x_what);
  check_extents(ws, w_what);
  try {
    return onnx() ? from_onnx_flags(*this, v, xs, ws)
                  : from_pytorch(pytorch_of(*this, v, xs, ws, w_what), k);
  } catch (const invalid_problem& e) {
    throw blame_flags(e, {*this, ws, x_what, w_what});
  }
}

}  // namespace tconv::cli
