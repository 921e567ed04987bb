#pragma once
// A convolution / transposed-convolution layer: channels, groups and per-axis hyperparameters.
// Field names and order mirror the C plugin ABI (include/tconv/impl.h) so conversion is trivial.
#include <algorithm>
#include <array>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "tconv/detail/checked.hpp"
#include "tconv/index_rules.hpp"

namespace tconv {

inline constexpr std::int64_t max_rank = 3;

using extents = std::array<std::int64_t, max_rank>;

/// One spatial axis: the hyperparameters that shape arithmetic needs.
struct axis {
  std::int64_t input = 1, kernel = 1, stride = 1, dilation = 1;
  std::int64_t pad_begin = 0, pad_end = 0, output_padding = 0;
};

/// A layer. For conv, weight is [out_channels, in_channels/groups, *kernel]; for conv_transpose,
/// weight is [in_channels, out_channels/groups, *kernel]. x is [batch, in_channels, *input].
struct problem {
  std::int64_t rank = 1;
  std::int64_t batch = 1, in_channels = 1, out_channels = 1, groups = 1;
  extents input{1, 1, 1};
  extents kernel{1, 1, 1};
  extents stride{1, 1, 1};
  extents dilation{1, 1, 1};
  extents pad_begin{0, 0, 0};
  extents pad_end{0, 0, 0};
  extents output_padding{0, 0, 0};
  bool has_bias = false;

  [[nodiscard]] constexpr axis axis_at(std::int64_t a) const {
    return {input[a],     kernel[a],  stride[a],        dilation[a],
            pad_begin[a], pad_end[a], output_padding[a]};
  }
  /// Sets axis a to x (the inverse of axis_at).
  constexpr void set_axis(std::int64_t a, const axis& x) {
    input[a] = x.input;
    kernel[a] = x.kernel;
    stride[a] = x.stride;
    dilation[a] = x.dilation;
    pad_begin[a] = x.pad_begin;
    pad_end[a] = x.pad_end;
    output_padding[a] = x.output_padding;
  }
  friend constexpr bool operator==(const problem&, const problem&) = default;
};

/// Which operator a problem describes.
enum class op_kind { conv, conv_transpose };

/// How large output_padding may be: PyTorch's rule, or any extension (ONNX output_shape).
enum class output_padding_rule { pytorch, extension };

/// Convolution output extent: floor((in + pb + pe - d(k-1) - 1) / s) + 1 (may be <= 0: invalid).
[[nodiscard]] constexpr std::int64_t conv_extent(const axis& a) { return rules::conv_extent(a); }

/// Transposed-convolution output extent: (in-1)s - pb - pe + d(k-1) + op + 1.
[[nodiscard]] constexpr std::int64_t conv_transpose_extent(const axis& a) {
  return rules::transposed_extent(a);
}

namespace detail {

// Values beyond this are rejected before any arithmetic: it keeps every product of two
// validated quantities (and their sums) far inside int64.
inline constexpr std::int64_t max_hyperparameter = std::int64_t{1} << 30;

}  // namespace detail

/// The first rule a problem breaks: which parameter, on which axis, its value and the rule.
/// A literal type, so that validity can be decided in constant expressions (concepts).
struct problem_fault {
  const char* parameter = nullptr;  // nullptr: no fault
  std::int64_t axis = -1;           // -1: not a per-axis parameter
  std::int64_t value = 0;
  const char* rule = "";
  std::int64_t bound = 0;  // the number the rule names, where it names one
  [[nodiscard]] constexpr explicit operator bool() const { return parameter != nullptr; }
};

/// The first rule p breaks as `op`, or an empty fault when p is valid. Never overflows.
[[nodiscard]] constexpr problem_fault find_fault(
    const problem& p, op_kind op, output_padding_rule rule = output_padding_rule::pytorch) {
  constexpr auto lim = detail::max_hyperparameter;
  if (p.rank < 1 || p.rank > max_rank)
    return {"rank", -1, p.rank, "the spatial rank must be 1, 2 or 3"};
  const std::pair<std::int64_t, const char*> counts[] = {{p.batch, "batch"},
                                                         {p.in_channels, "in_channels"},
                                                         {p.out_channels, "out_channels"},
                                                         {p.groups, "groups"}};
  for (auto [v, name] : counts)
    if (v < 1 || v > lim) return {name, -1, v, "must be in [1, 2^30]"};
  if (p.in_channels % p.groups != 0)
    return {"groups", -1, p.groups, "must divide in_channels =", p.in_channels};
  if (p.out_channels % p.groups != 0)
    return {"groups", -1, p.groups, "must divide out_channels =", p.out_channels};
  for (std::int64_t a = 0; a < p.rank; ++a) {
    const std::pair<std::int64_t, const char*> positive[] = {{p.input[a], "input"},
                                                             {p.kernel[a], "kernel"},
                                                             {p.stride[a], "stride"},
                                                             {p.dilation[a], "dilation"}};
    for (auto [v, name] : positive)
      if (v < 1 || v > lim) return {name, a, v, "must be in [1, 2^30]"};
    const std::pair<std::int64_t, const char*> nonnegative[] = {
        {p.pad_begin[a], "pad_begin"},
        {p.pad_end[a], "pad_end"},
        {p.output_padding[a], "output_padding"}};
    for (auto [v, name] : nonnegative)
      if (v < 0 || v > lim) return {name, a, v, "must be in [0, 2^30]"};
    if (op == op_kind::conv && p.output_padding[a] != 0)
      return {"output_padding", a, p.output_padding[a],
              "must be 0 for a convolution (it only applies to conv_transpose)"};
    if (op == op_kind::conv_transpose && rule == output_padding_rule::pytorch &&
        p.output_padding[a] >= std::max(p.stride[a], p.dilation[a]))
      return {"output_padding", a, p.output_padding[a],
              "must be < max(stride, dilation) =", std::max(p.stride[a], p.dilation[a])};
    const auto ax = p.axis_at(a);
    const auto out = op == op_kind::conv ? conv_extent(ax) : conv_transpose_extent(ax);
    if (out < 1)
      return {"output", a, out,
              "the output extent must be >= 1 (padding removes more than the layer produces)"};
    // zero insertion convolves over out + d(k-1) positions: every formulation must accept the
    // same problems, so that length is held to the cap here rather than failing inside one of them
    if (op == op_kind::conv_transpose && rules::zi_extent(ax) > lim)
      return {"output", a, out,
              "plus dilation*(kernel-1), zero insertion's padded input, must be <= 2^30; it is =",
              rules::zi_extent(ax)};
  }
  return {};
}

/// True when p is a valid `op` (usable in concepts and static_assert).
[[nodiscard]] constexpr bool is_valid(const problem& p, op_kind op,
                                      output_padding_rule rule = output_padding_rule::pytorch) {
  return !find_fault(p, op, rule);
}

/// "stride[1] = 0: must be in [1, 2^30]", or "" for no fault.
[[nodiscard]] constexpr std::string describe(const problem_fault& f) {
  // appends only: GCC 12 at -O3 reports a false -Wrestrict on chained operator+ here
  std::string s;
  if (!f) return s;
  s += f.parameter;
  if (f.axis >= 0) {
    s += '[';
    s += detail::to_string(f.axis);
    s += ']';
  }
  s += " = ";
  s += detail::to_string(f.value);
  s += ": ";
  s += f.rule;
  if (!s.empty() && s.back() == '=') {
    s += ' ';
    s += detail::to_string(f.bound);
  }
  return s;
}

/// The error every validation throws: what() names the parameter and the rule it breaks, and
/// `fault` carries them as data (its parameter is nullptr where no parameter is to blame).
struct invalid_problem : std::invalid_argument {
  problem_fault fault;
  /// what() = describe(f).
  explicit invalid_problem(const problem_fault& f) : std::invalid_argument(describe(f)), fault(f) {}
  /// what() = message, which says what `f` says in words of its own.
  explicit invalid_problem(const std::string& message, const problem_fault& f = {})
      : std::invalid_argument(message), fault(f) {}
};

/// Throws invalid_problem naming the parameter and the rule, unless p is a valid `op`.
constexpr const problem& validate(const problem& p, op_kind op,
                                  output_padding_rule rule = output_padding_rule::pytorch) {
  if (const auto f = find_fault(p, op, rule)) throw invalid_problem(f);
  return p;
}

/// Spatial output extents of op on p (entries past the rank are 1).
[[nodiscard]] constexpr extents output_extents(const problem& p, op_kind op) {
  extents out{1, 1, 1};
  for (std::int64_t a = 0; a < p.rank; ++a)
    out[a] = op == op_kind::conv ? conv_extent(p.axis_at(a)) : conv_transpose_extent(p.axis_at(a));
  return out;
}

/// Tensor shapes of a problem: x, w, b, y as full index lists (batch and channels first).
[[nodiscard]] constexpr std::vector<std::int64_t> input_shape(const problem& p) {
  std::vector<std::int64_t> s{p.batch, p.in_channels};
  for (std::int64_t a = 0; a < p.rank; ++a) s.push_back(p.input[a]);
  return s;
}
/// conv: [C_out, C_in/g, *k]; conv_transpose: [C_in, C_out/g, *k].
[[nodiscard]] constexpr std::vector<std::int64_t> weight_shape(const problem& p, op_kind op) {
  // (no `cond ? vector : vector` here: GCC 12 miscompiles it in constant evaluation)
  std::vector<std::int64_t> s{p.in_channels, p.out_channels / p.groups};
  if (op == op_kind::conv) s = {p.out_channels, p.in_channels / p.groups};
  for (std::int64_t a = 0; a < p.rank; ++a) s.push_back(p.kernel[a]);
  return s;
}
/// [C_out]
[[nodiscard]] constexpr std::vector<std::int64_t> bias_shape(const problem& p) {
  return {p.out_channels};
}
/// [N, C_out, *out]
[[nodiscard]] constexpr std::vector<std::int64_t> output_shape(const problem& p, op_kind op) {
  std::vector<std::int64_t> s{p.batch, p.out_channels};
  const auto out = output_extents(p, op);
  for (std::int64_t a = 0; a < p.rank; ++a) s.push_back(out[a]);
  return s;
}

/// Number of elements of a shape; throws invalid_problem when it exceeds `limit` (or int64).
constexpr std::int64_t checked_size(const std::vector<std::int64_t>& shape, const char* what,
                                    std::int64_t limit = std::int64_t{1} << 62) {
  std::int64_t n = 1;
  for (auto e : shape) {
    if (!detail::mul_ok(n, e, n) || n > limit)
      throw invalid_problem(std::string(what) + ": " + detail::to_string(shape) +
                            " has more than " + detail::to_string(limit) + " elements");
  }
  return n;
}

/// Validates p as `op` and checks that x, w and y fit in `limit` elements each.
constexpr void validate_sizes(const problem& p, op_kind op,
                              std::int64_t limit = std::int64_t{1} << 62,
                              output_padding_rule rule = output_padding_rule::pytorch) {
  validate(p, op, rule);
  checked_size(input_shape(p), "input shape", limit);
  checked_size(weight_shape(p, op), "weight shape", limit);
  checked_size(output_shape(p, op), "output shape", limit);
}

/// The convolution whose transpose p is: same hyperparameters, channels swapped, input = p's
/// output. (Its own output extent equals p.input exactly when shape inversion holds; see
/// shape.hpp.)
[[nodiscard]] constexpr problem adjoint_conv(const problem& p) {
  problem c = p;
  c.in_channels = p.out_channels;
  c.out_channels = p.in_channels;
  c.input = output_extents(p, op_kind::conv_transpose);
  c.output_padding = {0, 0, 0};
  return c;
}

}  // namespace tconv
