// Convention forms (lib/harness/convention.hpp): ONNX examples typed from the ONNX backend test
// cases (onnx/backend/test/case/node/convtranspose.py: shapes and values), the spec ambiguities
// with their readings, pose -> resolve round trips over generated problems for every kind, and
// the JSON reader's refusals. A test-local SAME split with upper and lower swapped must disagree
// with the typed example.
#include "harness/convention.hpp"

#include <catch2/catch.hpp>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "harness/generate.hpp"
#include "harness/usage_error.hpp"
#include "tconv/conv_transpose.hpp"

using namespace tconv;
using namespace tconv::harness;
using Catch::Matchers::Contains;
using nlohmann::json;
using i64 = std::int64_t;

namespace {

// the backend tests' tensors: X [1, 1, 3, 3] = 0..8, W [1, 2, 3, 3] of ones
problem backend_problem() {
  problem p;
  p.rank = 2;
  p.out_channels = 2;
  p.input = {3, 3, 1};
  p.kernel = {3, 3, 1};
  return p;
}

tensor<i64> backend_y(const problem& p) {
  tensor<i64> x(input_shape(p)), w(weight_shape(p, op_kind::conv_transpose));
  for (i64 i = 0; i < x.size(); ++i) x[i] = i;
  for (auto& v : w.data) v = 1;
  return conv_transpose<i64>(p, x, w, nullptr, output_padding_rule::extension);
}

std::vector<i64> row(const tensor<i64>& y, i64 c, i64 h) {
  std::vector<i64> r;
  for (i64 w = 0; w < y.shape[3]; ++w) r.push_back(y.at({0, c, h, w}));
  return r;
}

convention_form onnx(form_kind k, json attributes) {
  attributes["kind"] = std::string(name(k));
  return form_from_json(attributes, "problem.json");
}

problem tconv_reading(const convention_form& f, const problem& p) {
  const resolution r = resolve(f, p);
  REQUIRE(r.readings.at(0).p);
  return *r.readings[0].p;
}

std::string refusal(const json& j) {
  try {
    (void)form_from_json(j, "problem.json");
  } catch (const usage_error& e) {
    return e.what();
  }
  return "(accepted)";
}

}  // namespace

TEST_CASE("ONNX: the backend test cases resolve to their shapes and values", "[conventions]") {
  const problem p = backend_problem();
  // test_convtranspose_pads: strides [3, 2], pads [1, 2, 1, 2] -> Y (1, 2, 7, 3), rows
  // [1, 1, 3], [1, 1, 3], [7, 4, 9], ...
  const auto pads = onnx(form_kind::onnx_pads, {{"strides", {3, 2}}, {"pads", {1, 2, 1, 2}}});
  const problem q = tconv_reading(pads, p);
  CHECK(output_shape(q, op_kind::conv_transpose) == std::vector<i64>{1, 2, 7, 3});
  CHECK(row(backend_y(q), 1, 0) == std::vector<i64>{1, 1, 3});
  CHECK(row(backend_y(q), 0, 2) == std::vector<i64>{7, 4, 9});
  CHECK_FALSE(resolve(pads, p).ambiguous());
  // test_convtranspose_kernel_shape: output_shape [10, 8], kernel_shape [3, 3], output_padding
  // [1, 1]: totals 3*2 + 1 + 3 - 10 = 0 and 2*2 + 1 + 3 - 8 = 0; Y (1, 2, 10, 8), the last row
  // and column 0
  const auto ks = onnx(form_kind::onnx_output_shape, {{"strides", {3, 2}},
                                                      {"output_shape", {10, 8}},
                                                      {"kernel_shape", {3, 3}},
                                                      {"output_padding", {1, 1}}});
  const tensor<i64> y = backend_y(tconv_reading(ks, p));
  CHECK(y.shape == std::vector<i64>{1, 2, 10, 8});
  CHECK(row(y, 0, 0) == std::vector<i64>{0, 0, 1, 1, 3, 2, 2, 0});
  CHECK(row(y, 1, 3) == std::vector<i64>{3, 3, 7, 4, 9, 5, 5, 0});
  CHECK(row(y, 0, 9) == std::vector<i64>(8, 0));
  CHECK_FALSE(resolve(ks, p).ambiguous());
  // test_convtranspose_autopad_same: SAME_UPPER, strides [2, 2] -> Y (1, 2, 6, 6), rows
  // [0, 0, 1, 1, 3, 2] and [3, 3, 8, 5, 12, 7]: total 2*2 + 3 - 6 = 1, the odd one at the end
  const auto same =
      onnx(form_kind::onnx_same_upper, {{"auto_pad", "SAME_UPPER"}, {"strides", {2, 2}}});
  const problem s = tconv_reading(same, p);
  CHECK(s.pad_begin == extents{0, 0, 0});
  CHECK(s.pad_end == extents{1, 1, 0});
  CHECK(row(backend_y(s), 0, 0) == std::vector<i64>{0, 0, 1, 1, 3, 2});
  CHECK(row(backend_y(s), 1, 2) == std::vector<i64>{3, 3, 8, 5, 12, 7});
  // SAME_LOWER (the spec's words: the odd one at the beginning)
  const auto lower =
      onnx(form_kind::onnx_same_lower, {{"auto_pad", "SAME_LOWER"}, {"strides", {2, 2}}});
  CHECK(tconv_reading(lower, p).pad_begin == extents{1, 1, 0});
  CHECK(tconv_reading(lower, p).pad_end == extents{0, 0, 0});
}

TEST_CASE("ONNX: a SAME split with upper and lower swapped is caught", "[conventions]") {
  // control: the split as ConvTranspose's old text had it (onnx/onnx#1609: the odd pad at the
  // begin for SAME_UPPER) must disagree with test_convtranspose_autopad_same's typed row
  const auto swapped_split = [](i64 total, std::string_view auto_pad) {
    const i64 small = total / 2;
    return auto_pad == "SAME_UPPER" ? std::pair{total - small, small}
                                    : std::pair{small, total - small};
  };
  problem p = backend_problem();
  p.stride = {2, 2, 1};
  const auto [b, e] = swapped_split(1, "SAME_UPPER");
  p.pad_begin = {b, b, 0};
  p.pad_end = {e, e, 0};
  CHECK(row(backend_y(p), 0, 0) != std::vector<i64>{0, 0, 1, 1, 3, 2});
}

TEST_CASE("ONNX ambiguity: a negative total padding", "[conventions][ambiguity]") {
  // test_convtranspose_output_shape: strides [3, 2], output_shape [10, 8], no output_padding:
  // totals 3*2 + 3 - 10 = -1 and 2*2 + 3 - 8 = -1. The backend test's Y extends the end with a
  // zero row and column (as test_convtranspose_pad's output_padding [1, 1] does): tconv's reading
  const problem p = backend_problem();
  const auto f =
      onnx(form_kind::onnx_output_shape, {{"strides", {3, 2}}, {"output_shape", {10, 8}}});
  const resolution r = resolve(f, p);
  REQUIRE(r.ambiguous());
  CHECK(r.ambiguity == "onnx_negative_total_padding");
  CHECK_THAT(r.references, Contains("onnx/onnx#3440") && Contains("total_padding"));
  REQUIRE(r.readings.size() == 3);
  const tensor<i64> y = backend_y(*r.readings[0].p);
  CHECK(y.shape == std::vector<i64>{1, 2, 10, 8});
  CHECK(row(y, 0, 0) == std::vector<i64>{0, 0, 1, 1, 3, 2, 2, 0});
  CHECK(row(y, 1, 9) == std::vector<i64>(8, 0));
  CHECK_FALSE(r.readings[1].p);  // negative pads rejected
  CHECK_THAT(r.readings[1].rule, Contains(">= 0") || Contains("greater than or equal to 0"));
  // clamped at 0: the natural extent (3-1)*3 + 3 = 9 by (3-1)*2 + 3 = 7
  REQUIRE(r.readings[2].p);
  CHECK(output_shape(*r.readings[2].p, op_kind::conv_transpose) == std::vector<i64>{1, 2, 9, 7});
  // every reading keeps the tensors: only pads, output_padding and the output differ
  CHECK(input_shape(*r.readings[2].p) == input_shape(p));
  // SAME_UPPER with stride 3 > d(k-1)+1 = 2: total 2 - 3 = -1, in*s = 6 -> 6 extends, 5 clamps
  problem q;
  q.input = {2, 1, 1};
  q.kernel = {2, 1, 1};
  const auto s3 = onnx(form_kind::onnx_same_upper, {{"auto_pad", "SAME_UPPER"}, {"strides", {3}}});
  const resolution rs = resolve(s3, q);
  CHECK(rs.ambiguity == "onnx_negative_total_padding");
  CHECK(output_shape(*rs.readings[0].p, op_kind::conv_transpose) == std::vector<i64>{1, 1, 6});
  CHECK(output_shape(*rs.readings.back().p, op_kind::conv_transpose) == std::vector<i64>{1, 1, 5});
}

TEST_CASE("ONNX ambiguity: SAME_* with output_padding", "[conventions][ambiguity]") {
  // onnx/onnx#4299: strides [2, 2], SAME_UPPER, output_padding [1, 1], X [1, 2, 3, 3],
  // W [2, 1, 3, 3]. Spec formulas (output_padding inside total_padding): out = 3*2 = 6, total
  // 2*2 + 1 + 3 - 6 = 2 -> pads 1, 1. The other reading: 6 + 1 = 7, total 1 -> 0 before, 1 after
  problem p;
  p.rank = 2;
  p.in_channels = 2;
  p.input = {3, 3, 1};
  p.kernel = {3, 3, 1};
  const auto f =
      onnx(form_kind::onnx_same_upper,
           {{"auto_pad", "SAME_UPPER"}, {"strides", {2, 2}}, {"output_padding", {1, 1}}});
  const resolution r = resolve(f, p);
  REQUIRE(r.ambiguous());
  CHECK(r.ambiguity == "onnx_same_output_padding");
  CHECK_THAT(r.references, Contains("onnx/onnx#4299"));
  REQUIRE(r.readings.size() == 2);
  CHECK(output_shape(*r.readings[0].p, op_kind::conv_transpose) == std::vector<i64>{1, 1, 6, 6});
  CHECK(r.readings[0].p->pad_begin == extents{1, 1, 0});
  CHECK(output_shape(*r.readings[1].p, op_kind::conv_transpose) == std::vector<i64>{1, 1, 7, 7});
  CHECK(r.readings[1].p->pad_begin == extents{0, 0, 0});
  CHECK(r.readings[1].p->pad_end == extents{1, 1, 0});
  // without output_padding the same form is unambiguous
  CHECK_FALSE(
      resolve(onnx(form_kind::onnx_same_upper, {{"auto_pad", "SAME_UPPER"}, {"strides", {2, 2}}}),
              p)
          .ambiguous());
}

TEST_CASE("ONNX ambiguity: output_padding at or past the stride", "[conventions][ambiguity]") {
  // stride 1, dilation 2, output_padding 1: PyTorch's rule (op < max(stride, dilation) = 2)
  // accepts it, "less than the corresponding stride" does not (onnx/onnx#3187)
  problem p;
  p.input = {3, 1, 1};
  p.kernel = {2, 1, 1};
  const auto f =
      onnx(form_kind::onnx_pads, {{"dilations", {2}}, {"pads", {0, 0}}, {"output_padding", {1}}});
  const resolution r = resolve(f, p);
  CHECK(r.ambiguity == "onnx_output_padding_bound");
  CHECK_THAT(r.references, Contains("onnx/onnx#3187"));
  REQUIRE(r.readings.size() == 2);
  // (3-1)*1 + 2*(2-1) + 1 + 1 = 6
  CHECK(output_shape(*r.readings[0].p, op_kind::conv_transpose) == std::vector<i64>{1, 1, 6});
  CHECK_FALSE(r.readings[1].p);
  // below the stride: one reading
  CHECK_FALSE(resolve(onnx(form_kind::onnx_pads,
                           {{"strides", {2}}, {"pads", {0, 0}}, {"output_padding", {1}}}),
                      p)
                  .ambiguous());
}

TEST_CASE("convention forms: pose -> resolve over generated problems", "[conventions]") {
  // a few thousand problems of the laws' space (fixed seed), every kind; every other one without
  // dilation and groups, which TensorFlow's forms cannot pose
  gen::problem_space plain;
  plain.max_dilation = plain.max_groups = 1;
  const auto problems = gen::valid_problem(), tf_problems = gen::valid_problem(plain);
  std::map<form_kind, int> posed_count, ambiguous_count;
  std::set<std::string> pads_ambiguity_ids;
  for (std::uint64_t i = 0; i < 1500; ++i) {
    const problem p =
        (i % 2 ? tf_problems : problems)(rc::Random(0x5eed + i), static_cast<int>(i % 101)).value();
    for (const auto& k :
         {form_kind::onnx_pads, form_kind::onnx_pads_no_kernel_shape, form_kind::onnx_output_shape,
          form_kind::onnx_valid, form_kind::onnx_same_upper, form_kind::onnx_same_lower,
          form_kind::tf_explicit, form_kind::tf_valid, form_kind::tf_same}) {
      const auto posed_form = pose(k, p, i * 7 + 3);
      if (!posed_form) continue;
      ++posed_count[k];
      const problem& q = posed_form->p;
      REQUIRE(is_valid(q, op_kind::conv_transpose, output_padding_rule::extension));
      // only pads, output_padding and the output may move
      CHECK((input_shape(q) == input_shape(p) &&
             weight_shape(q, op_kind::conv_transpose) == weight_shape(p, op_kind::conv_transpose) &&
             q.stride == p.stride && q.dilation == p.dilation && q.has_bias == p.has_bias));
      const resolution r = resolve(posed_form->form, q);
      REQUIRE(r.readings.at(0).p);
      CHECK(*r.readings[0].p == q);
      if (r.ambiguous()) ++ambiguous_count[k];
      if (r.ambiguous() && k == form_kind::onnx_pads) pads_ambiguity_ids.insert(r.ambiguity);
      for (const auto& other : r.readings)
        if (other.p) CHECK(input_shape(*other.p) == input_shape(q));
      // the JSON round trip keeps the form exactly
      const json j = to_json(posed_form->form);
      CHECK(to_json(form_from_json(json::parse(j.dump()), "problem.json")) == j);
      CHECK(j["kind"] == std::string(name(k)));
    }
  }
  for (const auto& [k, n] : posed_count) INFO(name(k) << " posed " << n);
  // every kind poses a good part of the draws (TensorFlow: rank >= 2, groups 1, dilation 1 only)
  CHECK(posed_count[form_kind::onnx_pads] == 1500);
  CHECK(posed_count[form_kind::onnx_same_upper] == 1500);
  CHECK(posed_count[form_kind::onnx_output_shape] == 1500);
  CHECK(posed_count[form_kind::tf_same] > 300);
  CHECK(posed_count[form_kind::tf_explicit] > 300);
  CHECK(posed_count[form_kind::tf_valid] > 300);
  // the campaign meets the ambiguities: some SAME forms keep an output_padding, or go negative
  CHECK(ambiguous_count[form_kind::onnx_same_upper] > 0);
  CHECK(ambiguous_count[form_kind::onnx_same_lower] > 0);
  // explicit pads are ambiguous only where output_padding reaches the stride (dilation > stride)
  CHECK(ambiguous_count[form_kind::onnx_pads] > 0);
  CHECK(pads_ambiguity_ids == std::set<std::string>{"onnx_output_padding_bound"});
}

TEST_CASE("convention forms: the forms posed follow each convention's rule", "[conventions]") {
  // independent restatements of the rules (the brief's formulas), per axis, over generated
  // problems: ONNX SAME_* unambiguous -> out = in * s; TF SAME -> ceil(out / s) = in; TF VALID ->
  // ceil((out - k + 1) / s) = in; TF explicit -> floor((out + b + e - k) / s) + 1 = in
  gen::problem_space plain;
  plain.max_dilation = plain.max_groups = 1;
  const auto problems = gen::valid_problem(plain);
  for (std::uint64_t i = 0; i < 500; ++i) {
    const problem p = problems(rc::Random(0xfeed + i), static_cast<int>(i % 101)).value();
    for (const auto& k : {form_kind::onnx_same_upper, form_kind::tf_same, form_kind::tf_valid,
                          form_kind::tf_explicit}) {
      const auto f = pose(k, p, i);
      if (!f || resolve(f->form, f->p).ambiguous()) continue;
      const auto out = output_extents(f->p, op_kind::conv_transpose);
      for (i64 a = 0; a < p.rank; ++a) {
        const i64 in = p.input[a], s = p.stride[a], kk = p.kernel[a], o = out[a];
        const auto u = static_cast<std::size_t>(a);
        if (k == form_kind::onnx_same_upper) CHECK(o == in * s);
        if (k == form_kind::tf_same) CHECK((o + s - 1) / s == in);
        if (k == form_kind::tf_valid) CHECK((o - kk + 1 + s - 1) / s == in);
        if (k == form_kind::tf_explicit) {
          const auto [b, e] = f->form.tensorflow.explicit_paddings[u];
          CHECK((o + b + e - kk) / s + 1 == in);
        }
        if (convention_of(k) == convention::tensorflow)
          CHECK(f->form.tensorflow.output_shape[u + 1] == o);
      }
    }
  }
}

TEST_CASE("convention forms: names, conventions, plain kinds", "[conventions]") {
  for (const char* n : {"onnx_pads", "onnx_pads_no_kernel_shape", "onnx_output_shape", "onnx_valid",
                        "onnx_same_upper", "onnx_same_lower", "tf_explicit", "tf_valid", "tf_same"})
    CHECK(name(*form_kind_named(n)) == n);
  CHECK_FALSE(form_kind_named("onnx_same"));
  CHECK(convention_of(form_kind::tf_same) == convention::tensorflow);
  CHECK(convention_of(form_kind::onnx_valid) == convention::onnx);
  CHECK(is_plain(form_kind::onnx_pads));
  CHECK(is_plain(form_kind::tf_explicit));
  CHECK_FALSE(is_plain(form_kind::onnx_pads_no_kernel_shape));
  CHECK_FALSE(is_plain(form_kind::tf_same));
  // TensorFlow cannot pose rank 1, groups or dilation
  problem p;
  CHECK_FALSE(pose(form_kind::tf_same, p, 0));
  p.rank = 2;
  CHECK(pose(form_kind::tf_same, p, 0));
  p.dilation = {2, 1, 1};
  CHECK_FALSE(pose(form_kind::tf_valid, p, 0));
}

TEST_CASE("convention forms: form_from_json refuses bad forms", "[conventions][json]") {
  const json ok = {{"kind", "onnx_pads"}, {"auto_pad", "NOTSET"}, {"strides", {2}},
                   {"pads", {0, 1}},      {"group", 1},           {"weights", "input"}};
  CHECK(refusal(ok) == "(accepted)");
  const auto with = [&](const char* key, json v) {
    json j = ok;
    j[key] = std::move(v);
    return refusal(j);
  };
  CHECK_THAT(refusal(json::array()), Contains("must be a JSON object"));
  CHECK_THAT(refusal({{"strides", {1}}}), Contains("\"convention\".kind: is required"));
  CHECK_THAT(with("kind", "onnx_same"), Contains("kind: must name a form kind"));
  CHECK_THAT(with("kind", 3), Contains("kind: must be a string"));
  CHECK_THAT(with("padding", "SAME"), Contains("padding: unknown key"));
  CHECK_THAT(with("strides", "2"), Contains("strides: must be a list of 1 to 3 integers"));
  CHECK_THAT(with("strides", {1, 1, 1, 1}), Contains("strides: must be a list of 1 to 3"));
  CHECK_THAT(with("strides", {0}), Contains("strides: must be an integer in [1, 2^30]"));
  CHECK_THAT(with("strides", {1.5}), Contains("strides: must be an integer"));
  CHECK_THAT(with("strides", {std::uint64_t{1} << 63}), Contains("strides: must be an integer in"));
  CHECK_THAT(with("pads", {0, -1}), Contains("pads: must be an integer in [0, 2^30]"));
  CHECK_THAT(with("pads", {0, 1, 1}), Contains("pads: must be a list of 2 to 6") ||
                                          Contains("pads: must hold 2 value(s) per spatial axis"));
  // lists of different ranks: the one read later is named (keys are read in name order)
  CHECK_THAT(with("pads", {0, 1, 0, 1}),
             Contains("strides: must hold 1 value(s) per spatial axis"));
  CHECK_THAT(with("dilations", {1, 1}), Contains("pads: must hold 2 value(s) per spatial axis"));
  CHECK_THAT(with("group", 0), Contains("group: must be an integer in [1, 2^30]"));
  CHECK_THAT(with("group", i64{1} << 31), Contains("group: must be an integer in [1, 2^30]"));
  CHECK_THAT(with("weights", "constant"), Contains("weights: must be initializer or input"));
  CHECK_THAT(with("auto_pad", "SAME_UPPER"),
             Contains("auto_pad: must be NOTSET for kind onnx_pads"));
  CHECK_THAT(with("output_shape", {5}),
             Contains("output_shape: is given with kind onnx_output_shape"));
  json nk = ok;
  nk["kind"] = "onnx_pads_no_kernel_shape";
  nk["kernel_shape"] = {3};
  CHECK_THAT(refusal(nk), Contains("kernel_shape: must be absent"));
  const json tf = {{"kind", "tf_same"},
                   {"padding", "SAME"},
                   {"strides", {2, 2}},
                   {"dilations", {1, 1}},
                   {"output_shape", {1, 10, 10, 1}}};
  CHECK(refusal(tf) == "(accepted)");
  json bad = tf;
  bad.erase("padding");
  CHECK_THAT(refusal(bad), Contains("padding: is required"));
  bad = tf;
  bad["padding"] = "VALID";
  CHECK_THAT(refusal(bad), Contains("padding: must be SAME for kind tf_same"));
  bad = tf;
  bad["explicit_paddings"] = {{0, 1}, {0, 1}};
  CHECK_THAT(refusal(bad), Contains("explicit_paddings: is given with padding EXPLICIT"));
  bad = tf;
  bad["kind"] = "tf_explicit";
  bad["padding"] = "EXPLICIT";
  bad["explicit_paddings"] = {{0, 1, 2}, {0, 1}};
  CHECK_THAT(refusal(bad), Contains("each entry must be [begin, end]"));
  bad["explicit_paddings"] = {{0, 1}};
  CHECK_THAT(refusal(bad), Contains("explicit_paddings: must hold 1 value(s) per spatial axis"));
  bad = tf;
  bad["output_shape"] = {1, 10, 10, 10, 10, 1};
  CHECK_THAT(refusal(bad), Contains("output_shape: must be a list of 3 to 5"));
  bad = tf;
  bad["auto_pad"] = "SAME_UPPER";
  CHECK_THAT(refusal(bad), Contains("auto_pad: unknown key"));
}
