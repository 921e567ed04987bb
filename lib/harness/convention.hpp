#pragma once
// Convention forms (issue 12): one canonical problem posed in an engine's own convention — ONNX
// ConvTranspose's attributes (auto_pad, pads, output_shape, output_padding, kernel_shape given or
// omitted, weights as an input or an initializer) or TensorFlow's conv{2,3}d_transpose arguments
// ('SAME' / 'VALID' / explicit pads and an output shape). The canonical problem stays the truth
// the case's data belong to (x.npy, w.npy, b.npy keep the canonical layouts); the form travels
// next to it in problem.json ("convention") for a --cmd that declares it takes that convention.
//
// Three pure functions make the seam, and nothing else in the harness knows a convention's rules:
//   pose(kind, p, salt)  the problem posed as a form of `kind` (p may be adjusted: SAME_* re-splits
//                        the pads, VALID drops them); nullopt when the kind cannot express p
//   resolve(form, p)     every reading of the form for x/w of p's shapes: the first is tconv's
//                        (tconv/conventions.hpp), the others are where the specification is silent
//                        or contradicts itself (a spec ambiguity, with its references)
//   to_json / form_from_json   the protocol's "convention" object
#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tconv/problem.hpp"

namespace tconv::harness {

/// Which engine convention a form speaks.
enum class convention { onnx, tensorflow };

/// The ways a problem is posed. `*_pads` / `tf_explicit` state the padding explicitly (the plain
/// forms, drawn by every matrix row); the others make the engine resolve it (the conventions row).
enum class form_kind {
  onnx_pads,                  // NOTSET, pads, output_padding, kernel_shape given
  onnx_pads_no_kernel_shape,  // the same, kernel_shape omitted (the engine infers it from W)
  onnx_output_shape,          // NOTSET, output_shape given, pads omitted
  onnx_valid,                 // auto_pad VALID
  onnx_same_upper,            // auto_pad SAME_UPPER, no output_shape
  onnx_same_lower,            // auto_pad SAME_LOWER, no output_shape
  tf_explicit,                // padding = explicit [begin, end] pairs, output shape given
  tf_valid,                   // padding 'VALID', output shape given
  tf_same,                    // padding 'SAME', output shape given
};

/// Stable names: "onnx_pads", ..., "tf_same" (domain.json, problem.json, reports).
[[nodiscard]] std::string_view name(form_kind k);
/// The kind named `s`, nullopt when none is.
[[nodiscard]] std::optional<form_kind> form_kind_named(std::string_view s);
/// onnx_* -> onnx, tf_* -> tensorflow.
[[nodiscard]] convention convention_of(form_kind k);
/// Whether the kind states the padding explicitly (onnx_pads, tf_explicit).
[[nodiscard]] bool is_plain(form_kind k);
/// The auto_pad (ONNX: NOTSET, VALID, SAME_UPPER, SAME_LOWER) or padding (TensorFlow: EXPLICIT,
/// VALID, SAME) a form of kind k carries.
[[nodiscard]] std::string_view padding_mode(form_kind k);

/// ONNX ConvTranspose attributes exactly as the engine receives them (absent: not given).
struct onnx_form {
  std::string auto_pad = "NOTSET";
  std::vector<std::int64_t> strides, dilations;
  std::int64_t group = 1;
  std::optional<std::vector<std::int64_t>> kernel_shape, pads, output_padding, output_shape;
  bool weights_initializer = false;  // W (and B) as graph initializers instead of inputs
};

/// TensorFlow conv{2,3}d_transpose arguments exactly as the engine receives them.
struct tensorflow_form {
  std::string padding = "VALID";  // "SAME", "VALID" or "EXPLICIT"
  std::vector<std::pair<std::int64_t, std::int64_t>> explicit_paddings;  // per spatial axis
  std::vector<std::int64_t> strides, dilations;
  std::vector<std::int64_t> output_shape;  // [N, spatial..., C_out] (NHWC / NDHWC)
};

/// One form: its kind and the attributes of its convention.
struct convention_form {
  form_kind kind = form_kind::onnx_pads;
  onnx_form onnx;              // when convention_of(kind) == onnx
  tensorflow_form tensorflow;  // when convention_of(kind) == tensorflow
};

/// The problem posed as a form of `kind`, and the problem that form resolves to (tconv's reading).
struct posed {
  problem p;
  convention_form form;
};

/// p posed as `kind` (salt picks the free choices: weights as initializer, an output extent among
/// those a SAME form allows); the returned problem may differ from p in its pads, output_padding
/// and output only. nullopt when the kind cannot express p (TensorFlow: groups or dilation > 1,
/// rank 1; VALID: p cannot be made unpadded; ...).
[[nodiscard]] std::optional<posed> pose(form_kind kind, const problem& p, std::uint64_t salt);

/// One way to read a form. `p` is the problem it means; nullopt when this reading rejects the
/// form as invalid.
struct reading {
  std::string name;  // "tconv (ONNX spec formula)", "output = in * stride + output_padding", ...
  std::optional<problem> p;
  std::string rule;  // why (the spec's words, the formula), one line
};

/// Every reading of a form: readings[0] is tconv's; more than one means a spec ambiguity.
struct resolution {
  std::vector<reading> readings;
  std::string ambiguity;   // "" when unambiguous; else a stable id, e.g. "onnx_same_output_padding"
  std::string references;  // the specification text and issues (onnx/onnx#3440, ...), one line
  [[nodiscard]] bool ambiguous() const { return readings.size() > 1; }
};

/// The readings of `f` for the tensors of p (batch, channels, input extents, kernel, bias).
[[nodiscard]] resolution resolve(const convention_form& f, const problem& p);

/// The protocol's "convention" object: {"kind": NAME, ...the attributes, given ones only}.
[[nodiscard]] nlohmann::json to_json(const convention_form& f);
/// The form in problem.json's "convention"; throws usage_error naming the key and the rule.
[[nodiscard]] convention_form form_from_json(const nlohmann::json& j, const std::string& where);

}  // namespace tconv::harness
