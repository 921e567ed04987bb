// The protocol's "convention" object (problem.json): to_json and its strict reader.
#include <nlohmann/json.hpp>

#include "harness/convention.hpp"
#include "harness/json_reject.hpp"
#include "harness/protocol.hpp"
#include "harness/usage_error.hpp"

namespace tconv::harness {

using nlohmann::json;
using i64 = std::int64_t;

namespace {

constexpr i64 cap = i64{1} << 30;  // every count and extent, as problem.hpp's bound

[[noreturn]] void reject_form(const std::string& where, const std::string& key,
                              const std::string& rule, const json& got) {
  reject_json(where, "\"convention\"." + key, rule, got);
}

i64 integer(const json& v, const std::string& where, const std::string& key, i64 lo) {
  const std::string rule = "must be an integer in [" + std::to_string(lo) + ", 2^30]";
  if (!v.is_number_integer()) reject_form(where, key, rule, v);
  if (v.is_number_unsigned() ? v.get<std::uint64_t>() > static_cast<std::uint64_t>(cap)
                             : v.get<i64>() < lo || v.get<i64>() > cap)
    reject_form(where, key, rule, v);
  return v.get<i64>();
}

// A list of n integers in [lo, 2^30], n in [min_n, max_n]
std::vector<i64> integers(const json& v, const std::string& where, const std::string& key, i64 lo,
                          std::size_t min_n, std::size_t max_n) {
  if (!v.is_array() || v.size() < min_n || v.size() > max_n)
    reject_form(
        where, key,
        "must be a list of " + std::to_string(min_n) + " to " + std::to_string(max_n) + " integers",
        v);
  std::vector<i64> out;
  for (const auto& e : v) out.push_back(integer(e, where, key, lo));
  return out;
}

std::string text(const json& v, const std::string& where, const std::string& key) {
  if (!v.is_string()) reject_form(where, key, "must be a string", v);
  return v.get<std::string>();
}

// Every per-axis list of one form has one value per spatial axis (pads: two); the first list
// read fixes the rank.
struct axis_count {
  std::size_t rank = 0;
  void check(std::size_t n, std::size_t per_axis, const std::string& where, const std::string& key,
             const json& v) {
    if (rank == 0 && n % per_axis == 0) rank = n / per_axis;
    if (n != rank * per_axis)
      reject_form(where, key,
                  "must hold " + std::to_string(per_axis) +
                      " value(s) per spatial axis, as the other "
                      "lists do (rank " +
                      std::to_string(rank) + ")",
                  v);
  }
};

void onnx_key(onnx_form& o, const std::string& key, const json& v, const std::string& where,
              axis_count& axes) {
  if (key == "auto_pad") {
    o.auto_pad = text(v, where, key);
  } else if (key == "strides" || key == "dilations" || key == "kernel_shape") {
    auto list = integers(v, where, key, 1, 1, 3);
    axes.check(list.size(), 1, where, key, v);
    (key == "strides"     ? o.strides
     : key == "dilations" ? o.dilations
                          : o.kernel_shape.emplace()) = std::move(list);
  } else if (key == "group") {
    o.group = integer(v, where, key, 1);
  } else if (key == "pads") {
    o.pads = integers(v, where, key, 0, 2, 6);
    axes.check(o.pads->size(), 2, where, key, v);
  } else if (key == "output_padding") {
    o.output_padding = integers(v, where, key, 0, 1, 3);
    axes.check(o.output_padding->size(), 1, where, key, v);
  } else if (key == "output_shape") {
    o.output_shape = integers(v, where, key, 1, 1, 3);  // spatial extents only
    axes.check(o.output_shape->size(), 1, where, key, v);
  } else if (key == "weights") {
    const std::string w = text(v, where, key);
    if (w != "initializer" && w != "input")
      reject_form(where, key, "must be initializer or input", v);
    o.weights_initializer = w == "initializer";
  } else {
    reject_form(where, key,
                "unknown key (an ONNX form has kind, auto_pad, strides, dilations, group, "
                "kernel_shape, pads, output_padding, output_shape, weights)",
                v);
  }
}

// [[begin, end], ...]: one pair of integers in [0, 2^30] per spatial axis
std::vector<std::pair<i64, i64>> pairs(const json& v, const std::string& where) {
  const std::string key = "explicit_paddings";
  if (!v.is_array() || v.empty() || v.size() > 3)
    reject_form(where, key, "must be a list of 1 to 3 [begin, end] pairs", v);
  std::vector<std::pair<i64, i64>> out;
  for (const auto& e : v) {
    if (!e.is_array() || e.size() != 2)
      reject_form(where, key, "each entry must be [begin, end]", e);
    out.emplace_back(integer(e[0], where, key, 0), integer(e[1], where, key, 0));
  }
  return out;
}

void tensorflow_key(tensorflow_form& t, const std::string& key, const json& v,
                    const std::string& where, axis_count& axes) {
  if (key == "padding") {
    t.padding = text(v, where, key);
  } else if (key == "explicit_paddings") {
    t.explicit_paddings = pairs(v, where);
    axes.check(t.explicit_paddings.size(), 1, where, key, v);
  } else if (key == "strides" || key == "dilations") {
    auto list = integers(v, where, key, 1, 1, 3);
    axes.check(list.size(), 1, where, key, v);
    (key == "strides" ? t.strides : t.dilations) = std::move(list);
  } else if (key == "output_shape") {
    t.output_shape = integers(v, where, key, 1, 3, 5);  // [N, *spatial, C_out]
    axes.check(t.output_shape.size() - 2, 1, where, key, v);
  } else {
    reject_form(where, key,
                "unknown key (a TensorFlow form has kind, padding, explicit_paddings, strides, "
                "dilations, output_shape)",
                v);
  }
}

// The attribute `key` of j: given exactly when `given` says it must be.
void presence(const json& j, const std::string& key, bool given, const std::string& rule,
              const std::string& where) {
  if (j.contains(key) != given) reject_form(where, key, rule, j.contains(key) ? j[key] : json());
}

// What the kind itself states: its auto_pad / padding mode and the attributes it needs or omits.
void check_kind(const convention_form& f, const json& j, const std::string& where) {
  const std::string k(name(f.kind));
  const std::string want(padding_mode(f.kind));
  if (convention_of(f.kind) == convention::tensorflow) {
    presence(j, "padding", true, "is required in a TensorFlow form", where);
    presence(j, "strides", true, "is required in a TensorFlow form", where);
    presence(j, "output_shape", true, "is required in a TensorFlow form", where);
    if (f.tensorflow.padding != want)
      reject_form(where, "padding", "must be " + want + " for kind " + k, j["padding"]);
    presence(j, "explicit_paddings", want == "EXPLICIT",
             "is given with padding EXPLICIT, and only then", where);
    return;
  }
  if (f.onnx.auto_pad != want)
    reject_form(where, "auto_pad", "must be " + want + " for kind " + k + " (absent: NOTSET)",
                j.contains("auto_pad") ? j["auto_pad"] : json());
  if (f.kind == form_kind::onnx_pads_no_kernel_shape)
    presence(j, "kernel_shape", false, "must be absent for kind " + k, where);
  presence(j, "output_shape", f.kind == form_kind::onnx_output_shape,
           "is given with kind onnx_output_shape, and only then", where);
}

}  // namespace

json to_json(const convention_form& f) {
  json j;
  j["kind"] = std::string(name(f.kind));
  if (convention_of(f.kind) == convention::tensorflow) {
    const tensorflow_form& t = f.tensorflow;
    j["padding"] = t.padding;
    if (t.padding == "EXPLICIT") {
      j["explicit_paddings"] = json::array();
      for (auto [b, e] : t.explicit_paddings) j["explicit_paddings"].push_back({b, e});
    }
    j["strides"] = t.strides;
    j["dilations"] = t.dilations;
    j["output_shape"] = t.output_shape;
    return j;
  }
  const onnx_form& o = f.onnx;
  j["auto_pad"] = o.auto_pad;
  if (!o.strides.empty()) j["strides"] = o.strides;
  if (!o.dilations.empty()) j["dilations"] = o.dilations;
  j["group"] = o.group;
  if (o.kernel_shape) j["kernel_shape"] = *o.kernel_shape;
  if (o.pads) j["pads"] = *o.pads;
  if (o.output_padding) j["output_padding"] = *o.output_padding;
  if (o.output_shape) j["output_shape"] = *o.output_shape;
  j["weights"] = o.weights_initializer ? "initializer" : "input";
  return j;
}

convention_form form_from_json(const json& j, const std::string& where) {
  if (!j.is_object())
    throw usage_error(where + ": \"convention\" must be a JSON object (got " +
                      protocol::shown(j.dump(-1, ' ', false, json::error_handler_t::replace)) +
                      ")");
  if (!j.contains("kind")) reject_form(where, "kind", "is required", j);
  const auto kind = form_kind_named(text(j["kind"], where, "kind"));
  if (!kind)
    reject_form(where, "kind",
                "must name a form kind (onnx_pads, onnx_pads_no_kernel_shape, onnx_output_shape, "
                "onnx_valid, onnx_same_upper, onnx_same_lower, tf_explicit, tf_valid, tf_same)",
                j["kind"]);
  convention_form f;
  f.kind = *kind;
  axis_count axes;
  for (const auto& [key, v] : j.items()) {
    if (key == "kind") continue;
    if (convention_of(f.kind) == convention::onnx)
      onnx_key(f.onnx, key, v, where, axes);
    else
      tensorflow_key(f.tensorflow, key, v, where, axes);
  }
  check_kind(f, j, where);
  return f;
}

}  // namespace tconv::harness
