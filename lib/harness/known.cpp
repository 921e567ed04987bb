#include "harness/known.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>

#include "harness/signature.hpp"
#include "harness/usage_error.hpp"
#include "tconv/check/check.hpp"
#include "tconv/io/read_file.hpp"

namespace tconv::harness {

using nlohmann::json;

namespace {

// F1: XNNPACK's subconv2d path (stride > 1, dilation 1, stride <= kernel) with an output
// narrower than stride - 1 on some axis: a superset (docs/findings.md).
bool subconv_narrow_output(const problem& p) {
  if (p.rank != 2) return false;
  const bool subconv = std::max(p.stride[0], p.stride[1]) > 1 &&
                       std::max(p.dilation[0], p.dilation[1]) == 1 && p.stride[0] <= p.kernel[0] &&
                       p.stride[1] <= p.kernel[1];
  const auto out = output_extents(p, op_kind::conv_transpose);
  return subconv && (out[1] < p.stride[1] - 1 || out[0] < p.stride[0] - 1);
}

// F4: OpenCV's is1x1() (kernel, stride and dilation 1) ignores padding.
bool kernel1_stride1_padding(const problem& p) {
  const feature_set f = features_of(p);
  const feature_set not_one = bit(feature::kernel) | bit(feature::stride) | bit(feature::dilation);
  return (f & not_one) == 0 && (f & bit(feature::padding)) != 0;
}

// F5/F6: the output passes the checker under the flush-to-zero precision policy (the exact flush
// term of check/bound.hpp): whatever is wrong is what flushing subnormals can cost.
bool flush_to_zero(const explore_case& c, finding_kind kind, const std::vector<float>& y) {
  if (kind != finding_kind::wrong_result || y.empty()) return false;
  check::options opt;
  opt.threads = 1;
  opt.flush_subnormals = true;
  return check::check_output(c.p, op_kind::conv_transpose, c.x.data(), c.w.data(),
                             c.p.has_bias ? c.b.data() : nullptr, y.data(),
                             static_cast<std::int64_t>(y.size()), check::precision::fp32, opt)
      .ok;
}

// F7: an ONNX form whose output_shape is smaller than the input on some axis (onnxruntime-web's
// session creation fails in ONNX's shape inference, docs/findings.md).
bool onnx_output_shape_below_input(const explore_case& c) {
  if (!c.form || convention_of(c.form->kind) != convention::onnx || !c.form->onnx.output_shape)
    return false;
  const auto& out = *c.form->onnx.output_shape;
  for (std::size_t a = 0; a < out.size() && a < static_cast<std::size_t>(c.p.rank); ++a)
    if (out[a] < c.p.input[a]) return true;
  return false;
}

// F8: a rank-3 TensorFlow 'SAME' form whose total padding (in-1)s + k - out is negative on some
// axis (tfjs's get3DPadAndOutInfo lacks the max(0, ...) of the 2-D rule, docs/findings.md).
bool tf_same_3d_negative_padding(const explore_case& c) {
  if (!c.form || c.form->kind != form_kind::tf_same || c.p.rank != 3) return false;
  const auto out = output_extents(c.p, op_kind::conv_transpose);
  for (std::size_t a = 0; a < 3; ++a)
    if ((c.p.input[a] - 1) * c.p.stride[a] + c.p.kernel[a] < out[a]) return true;
  return false;
}

constexpr std::string_view structural_prefix = "features:";

std::vector<std::string> strings(const json& j, const std::string& where) {
  std::vector<std::string> v;
  if (j.is_null()) return v;
  if (!j.is_array()) throw usage_error(where + ": must be an array of strings");
  for (const auto& e : j) {
    if (!e.is_string()) throw usage_error(where + ": must be an array of strings");
    v.push_back(e.get<std::string>());
  }
  return v;
}

}  // namespace

const std::vector<std::string>& signature_names() {
  static const std::vector<std::string> names{"any",
                                              "dilation",
                                              "kernel1_stride1_padding",
                                              "xnnpack_subconv_narrow_output",
                                              "flush_to_zero",
                                              "onnx_output_shape_below_input",
                                              "tf_same_3d_negative_padding"};
  return names;
}

bool signature_matches(const std::string& sig, const explore_case& c, finding_kind kind,
                       const std::vector<float>& y) {
  const problem& p = c.p;
  if (sig == "any") return true;
  if (sig == "dilation") return (features_of(p) & bit(feature::dilation)) != 0;
  if (sig == "kernel1_stride1_padding") return kernel1_stride1_padding(p);
  if (sig == "xnnpack_subconv_narrow_output") return subconv_narrow_output(p);
  if (sig == "flush_to_zero") return flush_to_zero(c, kind, y);
  if (sig == "onnx_output_shape_below_input") return onnx_output_shape_below_input(c);
  if (sig == "tf_same_3d_negative_padding") return tf_same_3d_negative_padding(c);
  if (sig.starts_with(structural_prefix))
    if (const auto f = parse_features(std::string_view(sig).substr(structural_prefix.size())))
      return covers({kind, *f}, kind, features_of(p));
  return false;
}

std::string classify(const baseline& b, const std::string& impl, const explore_case& c,
                     finding_kind kind, const std::vector<float>& y) {
  for (const auto& k : b.findings) {
    if (impl != "*" && k.implementation != impl) continue;
    if (!k.kinds.empty() && std::find(k.kinds.begin(), k.kinds.end(), name(kind)) == k.kinds.end())
      continue;
    if (signature_matches(k.signature, c, kind, y)) return k.id;
  }
  return "";
}

namespace {

// The file's JSON; a FIFO or a directory is refused, never waited on.
json read_baseline_json(const std::string& file, const std::string& flag) {
  std::string text;
  try {
    text = io::read_regular_file(file, std::int64_t{16} << 20);
  } catch (const io::read_error& e) {
    throw usage_error(flag + " " + std::string(e.what()));
  }
  try {
    return json::parse(text);
  } catch (const json::exception& e) {
    throw usage_error(flag + " " + file + ": not valid JSON (" + e.what() + ")");
  }
}

// "campaign": the seed and budgets the baseline's cells were recorded with.
void read_campaign(const json& c, const std::string& at, baseline& b) {
  auto num = [&](const char* key) -> std::uint64_t {
    if (!c.contains(key) || !c[key].is_number_unsigned())
      throw usage_error(at + ": \"campaign\".\"" + key + "\" must be a non-negative integer");
    return c[key].get<std::uint64_t>();
  };
  b.seed = num("seed");
  b.cases_per_cell = num("cases_per_cell");
  b.cmd_cases_per_cell = num("cmd_cases_per_cell");
}

// findings[i]: id, implementation, a known signature, title, kinds, cells.
known_finding read_known(const json& e, const std::string& where) {
  auto str = [&](const char* key, bool required) -> std::string {
    if (!e.contains(key)) {
      if (required) throw usage_error(where + ": \"" + key + "\" is missing");
      return "";
    }
    if (!e[key].is_string() || e[key].get<std::string>().empty())
      throw usage_error(where + ": \"" + key + "\" must be a non-empty string");
    return e[key].get<std::string>();
  };
  if (!e.is_object()) throw usage_error(where + ": must be an object");
  known_finding k;
  k.id = str("id", true);
  k.implementation = str("implementation", true);
  k.signature = str("signature", true);
  k.title = str("title", false);
  const auto& sigs = signature_names();
  const bool structural =
      k.signature.starts_with(structural_prefix) &&
      parse_features(std::string_view(k.signature).substr(structural_prefix.size()));
  if (!structural && std::find(sigs.begin(), sigs.end(), k.signature) == sigs.end())
    throw usage_error(where + ": unknown signature \"" + k.signature +
                      "\" (known: any, dilation, "
                      "kernel1_stride1_padding, xnnpack_subconv_narrow_output, flush_to_zero, "
                      "onnx_output_shape_below_input, tf_same_3d_negative_padding, "
                      "features:F+G with F, G of " +
                      features_text(~feature_set{0} >> (32 - std::size(all_features))) + ")");
  k.finding_class = str("class", false);
  if (k.finding_class.empty())
    k.finding_class = k.signature == "flush_to_zero" ? "precision" : "semantic";
  if (k.finding_class != "semantic" && k.finding_class != "precision")
    throw usage_error(where + ": \"class\" must be \"semantic\" or \"precision\"");
  k.kinds = strings(e.value("kinds", json()), where + ".kinds");
  k.cells = strings(e.value("cells", json()), where + ".cells");
  return k;
}

}  // namespace

baseline load_baseline(const std::string& file, const std::string& flag) {
  const json j = read_baseline_json(file, flag);
  const std::string at = flag + " " + file;
  if (!j.is_object() || !j.contains("findings") || !j["findings"].is_array())
    throw usage_error(at + ": expected an object with a \"findings\" array");
  baseline b;
  b.file = file;
  if (j.contains("campaign")) read_campaign(j["campaign"], at, b);
  for (std::size_t i = 0; i < j["findings"].size(); ++i)
    b.findings.push_back(
        read_known(j["findings"][i], at + ": findings[" + std::to_string(i) + "]"));
  return b;
}

}  // namespace tconv::harness
