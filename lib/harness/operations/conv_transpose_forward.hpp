#pragma once
// The one operation under test today: conv_transpose forward, float32 data, at the precision the
// implementation claims. A model of harness::operation_under_test (harness/operation.hpp).
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string_view>
#include <vector>

#include "harness/case_dir.hpp"
#include "harness/operation.hpp"
#include "harness/results.hpp"
#include "harness/values.hpp"
#include "tconv/check/check.hpp"
#include "tconv/problem.hpp"
#include "tconv/region.hpp"

namespace tconv::harness::operations {

/// y = conv_transpose(x, w) + b over float32 tensors (tconv/impl.h: tconv_conv_transpose_f32).
struct conv_transpose_forward_f32 {
  using case_type = explore_case;
  static constexpr std::string_view name = "conv_transpose forward f32";
  static constexpr std::string_view abi_symbol = "tconv_conv_transpose_f32";
  static constexpr op_kind kind = op_kind::conv_transpose;

  /// The case for p: x, w, b drawn from `seed` inside prec's range; w never flip-symmetric.
  [[nodiscard]] static case_type make_case(const problem& p, std::uint64_t seed,
                                           check::precision prec) {
    return harness::make_case(p, seed, prec);
  }
  /// Whether p is a valid problem of this operation (PyTorch's rule).
  [[nodiscard]] static bool is_valid(const problem& p) { return tconv::is_valid(p, kind); }
  /// Output extents per spatial axis: (in-1)*s - pb - pe + d*(k-1) + op + 1.
  [[nodiscard]] static extents output_extents(const problem& p) {
    return tconv::output_extents(p, kind);
  }
  /// The shape of y: [N, C_out, output extents...].
  [[nodiscard]] static std::vector<std::int64_t> output_shape(const problem& p) {
    return tconv::output_shape(p, kind);
  }
  /// Elements of y: N * C_out * prod(output extents).
  [[nodiscard]] static std::int64_t output_size(const problem& p) {
    return checked_size(output_shape(p), "y");
  }
  /// The checker's verdict on y against the exact result of c, with prec's rigorous bound.
  [[nodiscard]] static check::report check(const case_type& c, const std::vector<float>& y,
                                           check::precision prec, const check::options& opt) {
    return check::check_output(c.p, kind, c.x.data(), c.w.data(),
                               c.p.has_bias ? c.b.data() : nullptr, y.data(),
                               static_cast<std::int64_t>(y.size()), prec, opt);
  }
  /// Whether p exercises region r (coverage).
  [[nodiscard]] static bool in_region(const problem& p, region r) { return tconv::in_region(p, r); }
  /// p as the directory protocol's problem.json.
  [[nodiscard]] static nlohmann::json problem_to_json(const problem& p) {
    return harness::problem_to_json(p);
  }
};

static_assert(operation_under_test<conv_transpose_forward_f32>);

}  // namespace tconv::harness::operations
