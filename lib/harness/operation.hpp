#pragma once
// The operation under test, as a concept. The harness (campaign, judge, shrinker, plugin sandbox,
// case directories) reaches the operation only through these members, so that adding an operation
// (the backward pass, int8, fp16 storage) is adding one model in lib/harness/operations/ and one
// row in operations.hpp, not copying the harness:
//
//   seam                 member                     conv_transpose forward f32 (the one model)
//   ------------------   ------------------------   --------------------------------------------
//   name in reports      name                       "conv_transpose forward f32"
//   ABI call             abi_symbol                 tconv_conv_transpose_f32 (tconv/impl.h)
//   value generator      make_case(p, seed, prec)   values.hpp: x, w, b from a per-case seed
//   valid problems       is_valid(p)                PyTorch's rule (tconv/problem.hpp)
//   output               output_shape(p), output_size(p), output_extents(p)
//   exact reference +    check(c, y, prec, opt)     check::check_output: exact result and the
//     bound / judge                                 rigorous bound of that precision
//   region / coverage    in_region(p, r)            tconv/region.hpp
//   protocol             problem_to_json(p)         problem.json of the directory protocol
#include <concepts>
#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <string_view>
#include <vector>

#include "tconv/check/options.hpp"
#include "tconv/check/precision.hpp"
#include "tconv/check/report.hpp"
#include "tconv/problem.hpp"
#include "tconv/region.hpp"

namespace tconv::harness {

/// An operation the harness can run campaigns on: its case type, generator, reference and judge,
/// ABI entry, protocol form and coverage regions (see the table above).
template <class Op>
concept operation_under_test = requires(const problem& p, const typename Op::case_type& c,
                                        const std::vector<float>& y, std::uint64_t seed,
                                        check::precision prec, const check::options& opt,
                                        region r) {
  { Op::name } -> std::convertible_to<std::string_view>;
  { Op::abi_symbol } -> std::convertible_to<std::string_view>;
  { c.p } -> std::convertible_to<const problem&>;
  { Op::make_case(p, seed, prec) } -> std::same_as<typename Op::case_type>;
  { Op::is_valid(p) } -> std::same_as<bool>;
  { Op::output_shape(p) } -> std::same_as<std::vector<std::int64_t>>;
  { Op::output_size(p) } -> std::same_as<std::int64_t>;
  { Op::output_extents(p) } -> std::same_as<extents>;
  { Op::check(c, y, prec, opt) } -> std::same_as<check::report>;
  { Op::in_region(p, r) } -> std::same_as<bool>;
  { Op::problem_to_json(p) } -> std::same_as<nlohmann::json>;
};

}  // namespace tconv::harness
