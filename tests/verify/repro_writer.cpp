// Test driver of the reproduction writer (lib/verify/repro.hpp) on a hand-made finding:
//   repro_writer [--form KIND] OUT_DIR LANGUAGE TARGET [ADAPTER [ARG...]]
// writes OUT_DIR/repro/<engine>/cx1/ for a wrong result on a fixed rank-2 problem (asymmetric pads,
// output_padding, dilation, bias): the "implementation" answers the exact result with two elements
// off by 1, and verify's own re-run (run_again) judges it, as it does a real finding. LANGUAGE is
// the engine's ("python", "javascript", "" for a shell script), TARGET its command line, ADAPTER
// and ARGs the adapter module (javascript). --form poses the case in a convention form of KIND
// (harness/convention.hpp; a TensorFlow kind on the problem without dilation and bias). Prints the
// script's path.
#include <cstdio>
#include <iostream>
#include <string>

#include "harness/convention.hpp"
#include "tconv/check/geometry.hpp"
#include "tconv/check/reference.hpp"
#include "verify/cell.hpp"
#include "verify/repro.hpp"

namespace {

using namespace tconv;

// The exact result with y[1] and y[last] off by 1: a wrong result of two elements.
class off_by_one final : public harness::implementation {
 public:
  harness::outcome call(const harness::explore_case& c) override {
    const check::geometry g(c.p, op_kind::conv_transpose);
    harness::outcome o;
    o.y.resize(static_cast<std::size_t>(g.out_count()));
    (void)check::reference_float(g, c.x.data(), c.w.data(), c.p.has_bias ? c.b.data() : nullptr,
                                 o.y.data(), 1);
    o.y[1] += 1.0f;
    o.y.back() -= 1.0f;
    return o;
  }
  [[nodiscard]] std::string replay_flag() const override { return "--cmd off_by_one"; }
};

harness::explore_case fixed_case(const std::string& form) {
  harness::explore_case c;
  problem& p = c.p;
  p.rank = 2;
  p.batch = 1;
  p.in_channels = 2;
  p.out_channels = 3;
  p.input = {3, 2, 1};
  p.kernel = {2, 3, 1};
  p.stride = {2, 1, 1};
  p.dilation = {1, 2, 1};
  p.pad_begin = {1, 0, 0};
  p.pad_end = {0, 1, 0};
  p.output_padding = {1, 0, 0};
  p.has_bias = true;
  // dyadic values: every sum is exact in float32, whatever order an engine adds in
  auto fill = [](std::size_t n, int salt) {
    std::vector<float> v(n);
    for (std::size_t i = 0; i < n; ++i)
      v[i] =
          static_cast<float>(static_cast<int>((i * 7 + static_cast<std::size_t>(salt)) % 9) - 4) /
          8.0f;
    return v;
  };
  c.x = fill(2 * 3 * 2, 1);
  c.w = fill(2 * 3 * 2 * 3, 2);
  c.b = fill(3, 3);
  if (form.empty()) return c;
  const auto kind = harness::form_kind_named(form);
  if (kind && harness::convention_of(*kind) == harness::convention::tensorflow) {
    p.dilation = {1, 1, 1};  // TensorFlow's transposed convolution has neither
    p.has_bias = false;
    c.b.clear();
  }
  const auto posed = kind ? harness::pose(*kind, p, 1) : std::nullopt;
  if (!posed) throw usage_error("--form " + form + ": cannot pose the fixed problem");
  c.p = posed->p;
  c.form = posed->form;
  return c;
}

}  // namespace

int main(int argc, char** argv) {
  std::string form;
  if (argc > 2 && std::string(argv[1]) == "--form") {
    form = argv[2];
    argv += 2;
    argc -= 2;
  }
  if (argc < 4) {
    std::cerr << "usage: repro_writer OUT_DIR LANGUAGE TARGET [ADAPTER [ARG...]]\n";
    return 2;
  }
  verify::impl_entry e{"engine", "command", argv[3], true, true, "", argv[2]};
  if (argc > 4) e.adapter = argv[4];
  for (int i = 5; i < argc; ++i) e.adapter_args.emplace_back(argv[i]);
  verify::finding f;
  f.id = "cx1";
  f.kind = harness::finding_kind::wrong_result;
  f.label = "wrong value";
  f.c = fixed_case(form);
  f.message = "two elements off by 1 (a hand-made finding)";
  f.signature = "wrong_result: hand-made";
  off_by_one impl;
  f.again = verify::run_again(impl, f.c);
  if (f.again->wrong.size() != 2) {
    std::cerr << "the re-run lists " << f.again->wrong.size() << " wrong elements, not 2\n";
    return 1;
  }
  const auto made = verify::write_reproduction(argv[1], e, f, "rank2", ".");
  std::cout << made.dir.string() << "/" << made.script << "\n";
  return 0;
}
