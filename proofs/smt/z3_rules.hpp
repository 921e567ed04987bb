#pragma once
// The library's index rules (tconv/index_rules.hpp) over Z3's unbounded integers: the traits that
// give solver terms C++'s truncating / and % and its ?:, and the per-formulation relations built
// from those rules. Nothing here restates a rule; it only says over which loop ranges the
// library applies each one.
#include <z3++.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "tconv/index_rules.hpp"

namespace tconv::rules {

// SMT-LIB's div and mod are Euclidean; C++ truncates towards zero and % takes the dividend's sign.
// For a dividend a >= 0 and any divisor b != 0 the two agree (the Euclidean remainder of a >= 0 is
// in [0, |b|)), so a negative dividend is negated around them.
template <>
struct int_ops<z3::expr> {
  [[nodiscard]] static z3::expr div(const z3::expr& a, const z3::expr& b) {
    return z3::ite(a >= 0, a / b, -((-a) / b));
  }
  [[nodiscard]] static z3::expr rem(const z3::expr& a, const z3::expr& b) {
    return z3::ite(a >= 0, z3::mod(a, b), -z3::mod(-a, b));
  }
  [[nodiscard]] static z3::expr select(const z3::expr& c, const z3::expr& t, const z3::expr& e) {
    return z3::ite(c, t, e);
  }
  [[nodiscard]] static z3::expr constant(const z3::expr& like, std::int64_t v) {
    return like.ctx().int_val(v);
  }
};

}  // namespace tconv::rules

namespace tconv::smt {

using z3::expr;
using axis_expr = rules::basic_axis<expr>;

/// Named integer unknowns, kept so that a counterexample can be printed by name.
struct vars {
  z3::context& ctx;
  std::vector<std::pair<std::string, expr>> shown;
  expr operator()(const std::string& name) {
    expr v = ctx.int_const(name.c_str());
    shown.emplace_back(name, v);
    return v;
  }
  axis_expr axis(const std::string& p = "") {
    return {(*this)(p + "in"), (*this)(p + "K"),  (*this)(p + "s"), (*this)(p + "d"),
            (*this)(p + "pb"), (*this)(p + "pe"), (*this)(p + "op")};
  }
};

/// The cap every hyperparameter is held to (detail::max_hyperparameter).
inline constexpr std::int64_t cap = std::int64_t{1} << 30;

[[nodiscard]] inline expr in_range(const expr& v, int lo, const expr& hi_inclusive) {
  return v >= lo && v <= hi_inclusive;
}

/// find_fault's per-axis rules for a transposed convolution (tests/ checks this transcription
/// against tconv::is_valid): `pytorch` adds op < max(s, d); `zi_cap` is the padded-length rule.
[[nodiscard]] inline expr valid_transposed(const axis_expr& a, bool pytorch, bool zi_cap = true,
                                           std::int64_t limit = cap) {
  z3::context& c = a.input.ctx();
  const expr lim = c.int_val(limit);
  expr r = in_range(a.input, 1, lim) && in_range(a.kernel, 1, lim) && in_range(a.stride, 1, lim) &&
           in_range(a.dilation, 1, lim) && in_range(a.pad_begin, 0, lim) &&
           in_range(a.pad_end, 0, lim) && in_range(a.output_padding, 0, lim) &&
           rules::transposed_extent(a) >= 1;
  if (pytorch) r = r && a.output_padding < z3::ite(a.stride > a.dilation, a.stride, a.dilation);
  if (zi_cap) r = r && rules::zi_extent(a) <= lim;
  return r;
}

/// The validity rules without their caps: in, k, s, d >= 1; pb, pe, op >= 0; out >= 1. Every
/// valid problem satisfies them (under either output_padding rule), so a statement proved under
/// this weaker hypothesis holds for every valid problem, and for uncapped integers too.
[[nodiscard]] inline expr domain_transposed(const axis_expr& a) {
  return a.input >= 1 && a.kernel >= 1 && a.stride >= 1 && a.dilation >= 1 && a.pad_begin >= 0 &&
         a.pad_end >= 0 && a.output_padding >= 0 && rules::transposed_extent(a) >= 1;
}

/// find_fault's per-axis rules for a convolution (no output_padding).
[[nodiscard]] inline expr valid_conv(const axis_expr& a, std::int64_t limit = cap) {
  z3::context& c = a.input.ctx();
  const expr lim = c.int_val(limit);
  return in_range(a.input, 1, lim) && in_range(a.kernel, 1, lim) && in_range(a.stride, 1, lim) &&
         in_range(a.dilation, 1, lim) && in_range(a.pad_begin, 0, lim) &&
         in_range(a.pad_end, 0, lim) && a.output_padding == 0 && rules::conv_extent(a) >= 1;
}

// ---- the per-axis relations: which (output o, input i, weight tap k) triples a loop nest uses --

/// conv_transpose.hpp: for i < in, k < K: o = scatter_target(i, k), kept when within(o, out).
[[nodiscard]] inline expr scatter_rel(const axis_expr& a, const expr& o, const expr& i,
                                      const expr& k) {
  const expr t = rules::scatter_target(a.stride, a.dilation, a.pad_begin, i, k);
  return 0 <= i && i < a.input && 0 <= k && k < a.kernel && o == t &&
         rules::within(t, rules::transposed_extent(a));
}

/// conv_transpose_gather.hpp: for o < out, k < K: t = gather_offset(o, k), kept when
/// gather_hits(t), and then i = gather_source(t).
[[nodiscard]] inline expr gather_rel(const axis_expr& a, const expr& o, const expr& i,
                                     const expr& k) {
  const expr t = rules::gather_offset(a.dilation, a.pad_begin, o, k);
  return 0 <= o && o < rules::transposed_extent(a) && 0 <= k && k < a.kernel &&
         rules::gather_hits(a.stride, a.input, t) && i == rules::gather_source(a.stride, t);
}

/// conv_matrix.hpp, conv_transpose_geometry: row i < in, tap k < K: column
/// conv_source(i, k), kept when within(column, out); z = Wᵀ y adds W[i, column] y[i] to z[column].
[[nodiscard]] inline expr matrix_rel(const axis_expr& a, const expr& o, const expr& i,
                                     const expr& k) {
  const expr col = rules::conv_source(a.stride, a.dilation, a.pad_begin, i, k);
  return 0 <= i && i < a.input && 0 <= k && k < a.kernel && o == col &&
         rules::within(col, rules::transposed_extent(a));
}

/// zero_insertion.hpp: x[i] is placed at j = zi_place(i) when within(j, ext); the inner
/// convolution (zi_inner_axis) reads position conv_source(o, kc) through flipped tap kc, whose
/// weight is tap zi_flip(kc). `kc` is the inner tap (a witness where the statement needs one).
[[nodiscard]] inline expr zero_insertion_rel(const axis_expr& a, const expr& o, const expr& i,
                                             const expr& k, const expr& kc) {
  const axis_expr inner = rules::zi_inner_axis(a);
  const expr ext = inner.input;
  const expr j = rules::conv_source(inner.stride, inner.dilation, inner.pad_begin, o, kc);
  const expr place = rules::zi_place(a.stride, rules::zi_before(a), i);
  return 0 <= o && o < rules::conv_extent(inner) && 0 <= kc && kc < inner.kernel &&
         rules::within(j, ext) && 0 <= i && i < a.input && rules::within(place, ext) &&
         j == place && k == rules::zi_flip(a.kernel, kc);
}

}  // namespace tconv::smt
