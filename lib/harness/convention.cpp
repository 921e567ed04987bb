#include "harness/convention.hpp"

#include <algorithm>
#include <array>
#include <functional>

#include "tconv/conventions.hpp"

namespace tconv::harness {

using i64 = std::int64_t;

namespace {

struct kind_row {
  form_kind kind;
  std::string_view name;
  std::string_view mode;  // the auto_pad (ONNX) or padding (TensorFlow) the kind states
};
constexpr std::array<kind_row, 9> kind_table{{
    {form_kind::onnx_pads, "onnx_pads", "NOTSET"},
    {form_kind::onnx_pads_no_kernel_shape, "onnx_pads_no_kernel_shape", "NOTSET"},
    {form_kind::onnx_output_shape, "onnx_output_shape", "NOTSET"},
    {form_kind::onnx_valid, "onnx_valid", "VALID"},
    {form_kind::onnx_same_upper, "onnx_same_upper", "SAME_UPPER"},
    {form_kind::onnx_same_lower, "onnx_same_lower", "SAME_LOWER"},
    {form_kind::tf_explicit, "tf_explicit", "EXPLICIT"},
    {form_kind::tf_valid, "tf_valid", "VALID"},
    {form_kind::tf_same, "tf_same", "SAME"},
}};

const kind_row& row_of(form_kind k) { return kind_table.at(static_cast<std::size_t>(k)); }

// splitmix64: each free choice of pose reads its own bits of one well-mixed word
constexpr std::uint64_t mix(std::uint64_t z) {
  z += 0x9e3779b97f4a7c15ull;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

std::vector<i64> spatial(const extents& e, i64 rank) {
  return {e.begin(), e.begin() + static_cast<std::ptrdiff_t>(rank)};
}

bool any_nonzero(const std::vector<i64>& v) {
  return std::any_of(v.begin(), v.end(), [](i64 x) { return x != 0; });
}

// The core's ONNX input: the form's attributes, the tensors of p (X, W [C_in, C_out/g, *k], B).
onnx_conv_transpose onnx_attributes(const onnx_form& f, const problem& p) {
  onnx_conv_transpose o;
  o.x_shape = input_shape(p);
  o.w_shape = weight_shape(p, op_kind::conv_transpose);
  o.auto_pad = f.auto_pad;  // a view of f, which outlives o in every caller
  o.kernel_shape = f.kernel_shape.value_or(std::vector<i64>{});
  o.strides = f.strides;
  o.dilations = f.dilations;
  o.pads = f.pads.value_or(std::vector<i64>{});
  o.output_padding = f.output_padding.value_or(std::vector<i64>{});
  o.output_shape = f.output_shape.value_or(std::vector<i64>{});
  o.group = f.group;
  o.has_bias = p.has_bias;
  return o;
}

// The core's TensorFlow input: the form's arguments, p's tensors in NHWC and [*k, C_out, C_in].
tensorflow_conv_transpose tensorflow_attributes(const tensorflow_form& f, const problem& p) {
  tensorflow_conv_transpose t;
  t.input_shape = {p.batch};
  t.filter_shape = spatial(p.kernel, p.rank);
  for (i64 a = 0; a < p.rank; ++a) t.input_shape.push_back(p.input[a]);
  t.input_shape.push_back(p.in_channels);
  t.filter_shape.push_back(p.out_channels);
  t.filter_shape.push_back(p.in_channels);
  t.strides = f.strides;
  t.dilations = f.dilations;
  t.padding = f.padding;
  t.explicit_paddings = f.explicit_paddings;
  t.output_shape = f.output_shape;
  t.has_bias = p.has_bias;
  return t;
}

// p posed in ONNX attributes; the problem they mean comes from the core's from_onnx, so that
// resolve(form, posed.p).readings[0].p == posed.p by construction
std::optional<posed> pose_onnx(form_kind kind, const problem& p, std::uint64_t salt) {
  const std::uint64_t r = mix(salt);
  convention_form f;
  f.kind = kind;
  onnx_form& o = f.onnx;
  o.auto_pad = std::string(row_of(kind).mode);
  o.strides = spatial(p.stride, p.rank);
  o.dilations = spatial(p.dilation, p.rank);
  o.group = p.groups;
  o.weights_initializer = (r & 1) != 0;
  if (kind != form_kind::onnx_pads_no_kernel_shape) o.kernel_shape = spatial(p.kernel, p.rank);
  const std::vector<i64> op = spatial(p.output_padding, p.rank);
  switch (kind) {
    case form_kind::onnx_pads:
    case form_kind::onnx_pads_no_kernel_shape: {
      std::vector<i64> pads = spatial(p.pad_begin, p.rank);
      for (i64 a = 0; a < p.rank; ++a) pads.push_back(p.pad_end[a]);
      o.pads = pads;
      // zeros stated explicitly now and then: "given as 0" and "absent" must mean the same
      if (any_nonzero(op) || ((r >> 1) & 1) != 0) o.output_padding = op;
      break;
    }
    case form_kind::onnx_output_shape:
      // output_padding omitted: output_shape alone fixes the output (its total padding then
      // re-splits p's pads the ONNX way, the odd one at the begin)
      o.output_shape = spatial(output_extents(p, op_kind::conv_transpose), p.rank);
      break;
    case form_kind::onnx_valid:
      if (any_nonzero(op)) o.output_padding = op;
      break;
    default:  // SAME_*: output = in * s; one form in four keeps p's output_padding (ambiguous)
      if (any_nonzero(op) && ((r >> 2) & 3) == 0) o.output_padding = op;
      break;
  }
  try {
    return posed{from_onnx(onnx_attributes(o, p)), f};
  } catch (const invalid_problem&) {
    return std::nullopt;
  }
}

// TensorFlow's output extent for p's axis a under `kind`: explicit and VALID keep p's output
// (VALID without its pads); SAME picks one of the s extents whose ceil(out / s) is the input
i64 tensorflow_output(form_kind kind, const problem& p, i64 a, std::uint64_t r) {
  problem q = p;
  if (kind == form_kind::tf_explicit) return conv_transpose_extent(q.axis_at(a));
  if (kind == form_kind::tf_valid) {
    q.pad_begin[a] = q.pad_end[a] = 0;
    return conv_transpose_extent(q.axis_at(a));
  }
  const auto s = static_cast<std::uint64_t>(p.stride[a]);
  return p.stride[a] * (p.input[a] - 1) + 1 +
         static_cast<i64>(mix(r + static_cast<std::uint64_t>(a)) % s);
}

// p posed as conv{2,3}d_transpose arguments (groups 1, dilation 1: tfjs's transposed API has
// neither); the problem they mean comes from the core's from_tensorflow
std::optional<posed> pose_tensorflow(form_kind kind, const problem& p, std::uint64_t salt) {
  if (p.rank < 2 || p.groups != 1) return std::nullopt;
  for (i64 a = 0; a < p.rank; ++a)
    if (p.dilation[a] != 1) return std::nullopt;
  const std::uint64_t r = mix(salt);
  convention_form f;
  f.kind = kind;
  tensorflow_form& t = f.tensorflow;
  t.padding = std::string(row_of(kind).mode);
  t.strides = spatial(p.stride, p.rank);
  t.dilations = spatial(p.dilation, p.rank);
  t.output_shape = {p.batch};
  for (i64 a = 0; a < p.rank; ++a) {
    if (kind == form_kind::tf_explicit)
      t.explicit_paddings.emplace_back(p.pad_begin[a], p.pad_end[a]);
    t.output_shape.push_back(tensorflow_output(kind, p, a, r));
  }
  t.output_shape.push_back(p.out_channels);
  try {
    return posed{from_tensorflow(tensorflow_attributes(t, p)), f};
  } catch (const invalid_problem&) {
    return std::nullopt;
  }
}

// One reading computed by `mean`; a rejection (invalid_problem) is a reading too.
reading read(std::string name, std::string rule, const std::function<problem()>& mean) {
  try {
    return {std::move(name), mean(), std::move(rule)};
  } catch (const invalid_problem& e) {
    return {std::move(name), std::nullopt, "rejected: " + std::string(e.what())};
  }
}

// ONNX ConvTranspose's total padding on axis a when the output is a target (output_shape, or
// in * s for SAME_*): s(in-1) + output_padding + d(k-1) + 1 - target (the spec's formula);
// nullopt where pads are given instead. p: tconv's reading (the form's strides and dilations)
std::optional<i64> onnx_total_padding(const onnx_form& f, const problem& p, i64 a) {
  const bool same = f.auto_pad == "SAME_UPPER" || f.auto_pad == "SAME_LOWER";
  if (!same && !f.output_shape) return std::nullopt;
  const auto i = static_cast<std::size_t>(a);
  i64 target = p.input[a] * p.stride[a];
  if (f.output_shape) {
    const std::vector<i64>& o = *f.output_shape;  // spatial, or [N, C, *spatial]
    target = o.size() == static_cast<std::size_t>(p.rank) ? o[i] : o[i + 2];
  }
  i64 op = 0;
  if (f.output_padding && !f.output_padding->empty())
    op = (*f.output_padding)[f.output_padding->size() == 1 ? 0 : i];
  return p.stride[a] * (p.input[a] - 1) + op + p.dilation[a] * (p.kernel[a] - 1) + 1 - target;
}

// The spec ambiguities of ONNX ConvTranspose: a stable id and where the two readings come from.
struct ambiguity_row {
  std::string_view id, references;
};
constexpr ambiguity_row same_output_padding{
    "onnx_same_output_padding",
    "ONNX Operators.md ConvTranspose: auto_pad (SAME_* pad so that output_shape[i] = "
    "input_shape[i] * strides[i]) against output_padding (adds elements at the end); "
    "onnx/onnx#4299, microsoft/onnxruntime#11927"};
constexpr ambiguity_row negative_total_padding{
    "onnx_negative_total_padding",
    "ONNX Operators.md ConvTranspose: output_shape's total_padding formula gives pads < 0, which "
    "pads forbid (\"greater than or equal to 0\"); onnx/onnx#4527, onnx/onnx#3440; onnxruntime "
    "conv_transpose_attributes.h ComputeTotalPad (max(0, ...))"};
constexpr ambiguity_row output_padding_bound{
    "onnx_output_padding_bound",
    "ONNX Operators.md ConvTranspose: output_padding \"must be less than the corresponding "
    "stride/dilation dimension\"; onnx/onnx#3187; PyTorch ConvTranspose: output_padding < "
    "max(stride, dilation)"};

// output_padding >= stride on some axis: valid under PyTorch's max(stride, dilation) (and
// tconv's extension), not under "less than the stride"
bool output_padding_reaches_stride(const onnx_form& f, const problem& t) {
  if (!f.output_padding || f.output_padding->empty()) return false;
  const std::vector<i64>& op = *f.output_padding;  // 1 value or one per axis (from_onnx checked)
  for (i64 a = 0; a < t.rank; ++a)
    if (op[op.size() == 1 ? 0 : static_cast<std::size_t>(a)] >= t.stride[a]) return true;
  return false;
}

// SAME_* with output_padding > 0 (no output_shape): is the output in*s, output_padding inside
// the total padding (the spec's formulas; ORT), or in*s + output_padding (output_padding added
// after SAME's padding, as PyTorch's output_padding is)?
reading same_plus_output_padding(const onnx_form& f, const problem& p) {
  return read("output = in * stride + output_padding",
              "SAME_* pads for in * stride without output_padding, which then extends the end "
              "(onnx/onnx#4299's shape inference)",
              [&] {
                onnx_form g = f;
                g.output_shape = spatial(p.input, p.rank);
                for (i64 a = 0; a < p.rank; ++a) {
                  const i64 op = f.output_padding->size() == 1
                                     ? (*f.output_padding)[0]
                                     : (*f.output_padding)[static_cast<std::size_t>(a)];
                  (*g.output_shape)[static_cast<std::size_t>(a)] *= p.stride[a];
                  (*g.output_shape)[static_cast<std::size_t>(a)] += op;
                }
                return from_onnx(onnx_attributes(g, p));
              });
}

// A negative total padding: tconv extends the output's end (readings[0]); the spec's pads
// must be >= 0 (a rejection); ORT clamps the total at 0 and keeps the natural extent.
std::vector<reading> negative_padding_readings(const onnx_form& f, const problem& tconv) {
  std::vector<reading> out;
  out.push_back({"rejected: negative pads", std::nullopt,
                 "total_padding < 0 gives pads < 0, and ONNX pads \"can take any value greater "
                 "than or equal to 0\""});
  out.push_back(read("pads clamped to 0, the natural extent",
                     "total_padding = max(0, ...) and the output keeps (in-1)s + output_padding "
                     "+ d(k-1) + 1 (ORT's ComputeTotalPad without output_shape)",
                     [&] {
                       problem q = tconv;
                       for (i64 a = 0; a < tconv.rank; ++a)
                         if (*onnx_total_padding(f, tconv, a) < 0) {
                           q.pad_begin[a] = q.pad_end[a] = 0;
                           q.output_padding[a] =
                               tconv.output_padding[a] + *onnx_total_padding(f, tconv, a);
                         }
                       return validate(q, op_kind::conv_transpose, output_padding_rule::extension);
                     }));
  return out;
}

// Drops readings that mean what an earlier one means (the form is ambiguous only where the
// readings differ).
void drop_repeated(std::vector<reading>& rs) {
  std::vector<reading> kept;
  for (auto& r : rs)
    if (std::none_of(kept.begin(), kept.end(), [&](const reading& k) { return k.p == r.p; }))
      kept.push_back(std::move(r));
  rs = std::move(kept);
}

resolution resolve_onnx(const onnx_form& f, const problem& p) {
  resolution res;
  res.readings.push_back(read("tconv (ONNX spec formulas)",
                              "the spec's total_padding formula, split as auto_pad says; a "
                              "negative total extends the output's end",
                              [&] { return from_onnx(onnx_attributes(f, p)); }));
  if (!res.readings[0].p) return res;
  // tconv's problem: p's tensors with the form's strides and dilations (a copy: readings grow)
  const problem t = *res.readings[0].p;
  std::vector<const ambiguity_row*> ids;
  const bool same = f.auto_pad == "SAME_UPPER" || f.auto_pad == "SAME_LOWER";
  if (same && !f.output_shape && f.output_padding && any_nonzero(*f.output_padding)) {
    ids.push_back(&same_output_padding);
    res.readings.push_back(same_plus_output_padding(f, t));
  }
  bool negative = false;
  for (i64 a = 0; a < t.rank; ++a)
    negative = negative || onnx_total_padding(f, t, a).value_or(0) < 0;
  if (negative) {
    ids.push_back(&negative_total_padding);
    for (auto& r : negative_padding_readings(f, t)) res.readings.push_back(std::move(r));
  }
  if (output_padding_reaches_stride(f, t)) {
    ids.push_back(&output_padding_bound);
    res.readings.push_back({"rejected: output_padding >= stride", std::nullopt,
                            "output_padding \"must be less than the corresponding "
                            "stride/dilation dimension\", read as: less than the stride"});
  }
  drop_repeated(res.readings);
  if (!res.ambiguous()) return res;
  for (const ambiguity_row* row : ids) {
    res.ambiguity += (res.ambiguity.empty() ? "" : "+") + std::string(row->id);
    res.references += (res.references.empty() ? "" : "; ") + std::string(row->references);
  }
  return res;
}

}  // namespace

std::string_view name(form_kind k) { return row_of(k).name; }

std::optional<form_kind> form_kind_named(std::string_view s) {
  for (const auto& r : kind_table)
    if (r.name == s) return r.kind;
  return std::nullopt;
}

convention convention_of(form_kind k) {
  return row_of(k).name.starts_with("tf_") ? convention::tensorflow : convention::onnx;
}

std::string_view padding_mode(form_kind k) { return row_of(k).mode; }

bool is_plain(form_kind k) { return k == form_kind::onnx_pads || k == form_kind::tf_explicit; }

std::optional<posed> pose(form_kind kind, const problem& p, std::uint64_t salt) {
  if (!is_valid(p, op_kind::conv_transpose, output_padding_rule::extension)) return std::nullopt;
  return convention_of(kind) == convention::onnx ? pose_onnx(kind, p, salt)
                                                 : pose_tensorflow(kind, p, salt);
}

resolution resolve(const convention_form& f, const problem& p) {
  if (convention_of(f.kind) == convention::onnx) return resolve_onnx(f.onnx, p);
  resolution res;
  res.readings.push_back(
      read("tconv (TensorFlow's conv_grad_shape_utils rules)",
           "output_shape's forward convolution must give the input; its pads "
           "are the problem's, the rest of output_shape its output_padding",
           [&] { return from_tensorflow(tensorflow_attributes(f.tensorflow, p)); }));
  return res;
}

}  // namespace tconv::harness
