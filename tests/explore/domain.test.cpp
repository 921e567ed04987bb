// Declared domains (lib/harness/domain.hpp): each key's rule on hand-made problems, the
// generator's narrowed bounds, the composition with a caller's keep / tune_space, and the
// declarations refused (key and rule named).
#include "harness/domain.hpp"

#include <catch2/catch.hpp>
#include <string>

#include "harness/campaign.hpp"
#include "harness/generate.hpp"

namespace {

using tconv::problem;
using tconv::harness::contains;
using tconv::harness::declared_domain;
using tconv::harness::parse_domain;

declared_domain parsed(const char* text) { return parse_domain(text, "domain.json"); }

// A rank-2 problem inside every domain that allows rank 2: all hyperparameters 1, no padding.
problem plain2() {
  problem p;
  p.rank = 2;
  return p;
}

}  // namespace

TEST_CASE("declared domain: the empty declaration holds every problem", "[domain]") {
  const declared_domain d = parsed("{}");
  problem p = plain2();
  p.groups = p.in_channels = p.out_channels = 3;
  p.batch = 3;
  p.dilation = {3, 2, 1};
  p.stride = {4, 1, 1};
  p.pad_begin = {2, 0, 0};
  p.output_padding = {2, 0, 0};  // < max(stride 4, dilation 3)
  p.has_bias = true;
  CHECK(contains(d, p));
}

TEST_CASE("declared domain: each key's rule", "[domain]") {
  problem p = plain2();
  CHECK(contains(parsed(R"({"ranks": [2, 3]})"), p));
  CHECK_FALSE(contains(parsed(R"({"ranks": [1, 3]})"), p));
  p.groups = 2;
  CHECK(contains(parsed(R"({"groups": 2})"), p));
  CHECK_FALSE(contains(parsed(R"({"groups": false})"), p));
  p = plain2();
  p.dilation[1] = 2;  // the second axis decides
  CHECK(contains(parsed(R"({"dilation": true})"), p));
  CHECK_FALSE(contains(parsed(R"({"dilation": false})"), p));
  p = plain2();
  p.stride[1] = 3;
  CHECK(contains(parsed(R"({"stride": 3})"), p));
  CHECK_FALSE(contains(parsed(R"({"stride": 2})"), p));
  p = plain2();
  p.batch = 2;
  CHECK_FALSE(contains(parsed(R"({"batch": 1})"), p));
  p = plain2();
  p.has_bias = true;
  CHECK_FALSE(contains(parsed(R"({"bias": false})"), p));
  CHECK(contains(parsed(R"({"bias": true})"), p));
}

TEST_CASE("declared domain: padding and output_padding rules", "[domain]") {
  problem p = plain2();
  p.pad_begin[1] = p.pad_end[1] = 1;
  CHECK(contains(parsed(R"({"padding": "symmetric"})"), p));
  CHECK_FALSE(contains(parsed(R"({"padding": "none"})"), p));
  p.pad_end[1] = 0;
  CHECK_FALSE(contains(parsed(R"({"padding": "symmetric"})"), p));
  CHECK(contains(parsed(R"({"padding": "asymmetric"})"), p));
  p = plain2();
  p.stride[0] = 1;
  p.dilation[0] = 2;
  p.output_padding[0] = 1;  // >= stride 1, < dilation 2: PyTorch's rule only
  CHECK(contains(parsed(R"({"output_padding": "below_stride_or_dilation"})"), p));
  CHECK_FALSE(contains(parsed(R"({"output_padding": "below_stride"})"), p));
  CHECK_FALSE(contains(parsed(R"({"output_padding": "none"})"), p));
}

TEST_CASE("declared domain: the generator's bounds narrow to the declaration", "[domain]") {
  tconv::gen::problem_space s;
  tune(parsed(R"({"ranks": [1, 2], "groups": false, "dilation": 2, "stride": 3, "batch": 1,
                  "padding": "none", "bias": false})"),
       s);
  CHECK(s.max_rank == 2);
  CHECK(s.max_groups == 1);
  CHECK(s.max_dilation == 2);
  CHECK(s.max_stride == 3);
  CHECK(s.max_batch == 1);
  CHECK(s.max_padding == 0);
  CHECK_FALSE(s.allow_bias);
  tconv::gen::problem_space wide;
  tune(parsed(R"({"groups": 99})"), wide);  // a declaration never widens the space
  CHECK(wide.max_groups == tconv::gen::problem_space{}.max_groups);
}

TEST_CASE("declared domain: a declaration ANDs with the caller's keep and tune_space", "[domain]") {
  const declared_domain d = parsed(R"({"ranks": [1, 2]})");
  tconv::harness::options o;
  o.keep = [](const problem& p) { return p.batch == 1; };
  o.tune_space = [](tconv::gen::problem_space& s) { s.max_groups = 1; };
  apply_domain(o, d, "where");
  problem p;  // rank 1, batch 1
  CHECK(o.keep(p));
  p.batch = 2;
  CHECK_FALSE(o.keep(p));  // the caller's filter still holds
  p.batch = 1;
  p.rank = 3;
  CHECK_FALSE(o.keep(p));  // and the declaration's
  tconv::gen::problem_space s;
  o.tune_space(s);
  CHECK(s.max_groups == 1);
  CHECK(s.max_rank == 2);
  CHECK(o.domain == &d);
  tconv::harness::options rank1;
  rank1.max_rank = 1;
  CHECK_THROWS_WITH(apply_domain(rank1, parsed(R"({"ranks": [3]})"), "where"),
                    Catch::Contains("\"ranks\"") && Catch::Contains("--max-rank 1"));
}

TEST_CASE("declared domain: bad declarations name the key and the rule", "[domain]") {
  using Catch::Contains;
  CHECK_THROWS_WITH(parsed("{\"ranks\": [1"), Contains("not valid JSON"));
  CHECK_THROWS_WITH(parsed("[1]"), Contains("must be a JSON object"));
  CHECK_THROWS_WITH(parsed(R"({"rank": [1]})"), Contains("\"rank\": unknown key"));
  CHECK_THROWS_WITH(parsed(R"({"ranks": []})"), Contains("\"ranks\": must be a non-empty list"));
  CHECK_THROWS_WITH(parsed(R"({"ranks": [1, 1]})"), Contains("distinct"));
  CHECK_THROWS_WITH(parsed(R"({"ranks": [4]})"), Contains("\"ranks\""));
  CHECK_THROWS_WITH(parsed(R"({"groups": 0})"), Contains("\"groups\": must be true"));
  CHECK_THROWS_WITH(parsed(R"({"batch": -2})"), Contains("\"batch\": must be true"));
  CHECK_THROWS_WITH(parsed(R"({"stride": 1.5})"), Contains("\"stride\": must be true"));
  CHECK_THROWS_WITH(parsed(R"({"padding": true})"), Contains("\"padding\": must be one of"));
  CHECK_THROWS_WITH(parsed(R"({"output_padding": "any"})"),
                    Contains("\"output_padding\": must be one of none, below_stride"));
  CHECK_THROWS_WITH(parsed(R"({"bias": 1})"), Contains("\"bias\": must be true or false"));
  CHECK_THROWS_WITH(parse_domain(std::string(70000, ' '), "d"), Contains("64 KiB"));
}

TEST_CASE("declared domain: the reported domain lists every key", "[domain]") {
  CHECK(domain_json(parsed(R"({"ranks": [3, 1], "groups": 4, "dilation": false})")) ==
        R"({"batch":true,"bias":true,"dilation":false,"groups":4,)"
        R"("output_padding":"below_stride_or_dilation","padding":"asymmetric","ranks":[1,3],)"
        R"("stride":true})");
}

TEST_CASE("declared domain: conventions are read strictly and decide contains", "[domain]") {
  using Catch::Contains;
  using tconv::harness::form_kind;
  for (const char* bad : {R"({"conventions": []})", R"({"conventions": "onnx_pads"})",
                          R"({"conventions": ["onnx_same"]})", R"({"conventions": [1]})",
                          R"({"conventions": ["tf_same", "tf_same"]})"})
    CHECK_THROWS_WITH(parsed(bad), Contains("\"conventions\": must be a non-empty list"));
  const declared_domain d = parsed(R"({"conventions": ["tf_same", "onnx_valid"]})");
  REQUIRE(d.conventions == std::vector<form_kind>{form_kind::tf_same, form_kind::onnx_valid});
  CHECK(domain_json(d).find(R"("conventions":["tf_same","onnx_valid"])") != std::string::npos);
  CHECK(domain_json(parsed("{}")).find("conventions") == std::string::npos);
  // rank 1: TensorFlow's transposed ops start at rank 2 (onnx_valid poses it, unpadded)
  problem p;
  CHECK(contains(d, p));
  CHECK_FALSE(contains(parsed(R"({"conventions": ["tf_same", "tf_valid"]})"), p));
  CHECK(contains(parsed(R"({"conventions": ["tf_same"]})"), plain2()));
  const auto only_tf = [](form_kind k) { return k == form_kind::tf_same; };
  CHECK(tconv::harness::posing_kinds(d, plain2(), only_tf) ==
        std::vector<form_kind>{form_kind::tf_same});
}
