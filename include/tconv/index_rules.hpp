#pragma once
// The per-axis index rules of every formulation, written once over the integer type. The library
// instantiates them with std::int64_t (in constant expressions too); proofs/smt instantiates the
// very same templates with solver integers (z3::expr), so the theorem proved for every shape is
// about the code that runs, not about a transcription of it.
//
// A rule uses only +, -, *, comparisons, !, && and || directly; C++'s truncating / and % and its
// ?: go through int_ops<I>, which a solver specialises (its own / and % are Euclidean).
#include <cstdint>
#include <type_traits>

namespace tconv::rules {

/// C++'s integer semantics for the rules: a / b and a % b truncate towards zero; select is c ? t :
/// e.
template <class I>
struct int_ops {
  [[nodiscard]] static constexpr I div(const I& a, const I& b) { return a / b; }
  [[nodiscard]] static constexpr I rem(const I& a, const I& b) { return a % b; }
  template <class B>
  [[nodiscard]] static constexpr I select(const B& c, const I& t, const I& e) {
    return c ? t : e;
  }
  /// The constant v, in the same domain as `like` (a solver needs its context).
  [[nodiscard]] static constexpr I constant(const I& /*like*/, std::int64_t v) { return I(v); }
};

/// One spatial axis over any integer type (tconv::axis has the same fields, for std::int64_t).
template <class I>
struct basic_axis {
  I input, kernel, stride, dilation, pad_begin, pad_end, output_padding;
};

template <class A>
using int_of = std::remove_cvref_t<decltype(A::input)>;

// ---- extents --------------------------------------------------------------------------------

/// Transposed-convolution output extent: (in-1)s - pb - pe + d(k-1) + op + 1.
template <class A>
[[nodiscard]] constexpr auto transposed_extent(const A& a) {
  return (a.input - 1) * a.stride - a.pad_begin - a.pad_end + a.dilation * (a.kernel - 1) +
         a.output_padding + 1;
}

/// Convolution output extent: floor((in + pb + pe - d(k-1) - 1) / s) + 1 (may be <= 0: invalid).
template <class A>
[[nodiscard]] constexpr auto conv_extent(const A& a) {
  using ops = int_ops<int_of<A>>;
  const auto span = a.input + a.pad_begin + a.pad_end - a.dilation * (a.kernel - 1) - 1;
  // floor division: a negative span must not round towards zero into a valid-looking extent
  return ops::select(span >= 0, ops::div(span, a.stride),
                     -ops::div(-span + a.stride - 1, a.stride)) +
         1;
}

/// True when 0 <= v < n: the guard every formulation applies to a computed index.
template <class I>
[[nodiscard]] constexpr auto within(const I& v, const I& n) {
  return !(v < 0 || v >= n);
}

// ---- scatter, the convolution matrix and gather ------------------------------------------------

/// Scatter: input i through tap k lands on output i*s + k*d - pb.
template <class I>
[[nodiscard]] constexpr I scatter_target(const I& s, const I& d, const I& pb, const I& i,
                                         const I& k) {
  return i * s + k * d - pb;
}

/// Convolution (and row o of its matrix W): tap k of output o reads input o*s - pb + k*d.
template <class I>
[[nodiscard]] constexpr I conv_source(const I& s, const I& d, const I& pb, const I& o, const I& k) {
  return o * s - pb + k * d;
}

/// Gather: output o through tap k comes from input offset t = o + pb - k*d (when s divides it).
template <class I>
[[nodiscard]] constexpr I gather_offset(const I& d, const I& pb, const I& o, const I& k) {
  return o + pb - k * d;
}

/// Gather keeps offset t when t >= 0, s | t and t/s < in.
template <class I>
[[nodiscard]] constexpr auto gather_hits(const I& s, const I& in, const I& t) {
  using ops = int_ops<I>;
  return !(t < 0 || ops::rem(t, s) != 0 || ops::div(t, s) >= in);
}

/// Gather's input index for a kept offset: t / s.
template <class I>
[[nodiscard]] constexpr I gather_source(const I& s, const I& t) {
  return int_ops<I>::div(t, s);
}

// ---- zero insertion ---------------------------------------------------------------------------

/// Zero insertion pads each axis by d(k-1) - pb at the begin (negative: crops).
template <class A>
[[nodiscard]] constexpr auto zi_before(const A& a) {
  return a.dilation * (a.kernel - 1) - a.pad_begin;
}

/// ... and by d(k-1) - pe + op at the end.
template <class A>
[[nodiscard]] constexpr auto zi_after(const A& a) {
  return a.dilation * (a.kernel - 1) - a.pad_end + a.output_padding;
}

/// Extent of the zero-inserted, padded input: (in-1)s + 1 + before + after.
template <class A>
[[nodiscard]] constexpr auto zi_extent(const A& a) {
  return (a.input - 1) * a.stride + 1 + zi_before(a) + zi_after(a);
}

/// The zero-inserted, padded input holds x[i] at i*s + before.
template <class I>
[[nodiscard]] constexpr I zi_place(const I& s, const I& before, const I& i) {
  return i * s + before;
}

/// Zero insertion convolves with the flipped kernel: its tap kc is the weight's tap k-1-kc.
template <class I>
[[nodiscard]] constexpr I zi_flip(const I& kernel, const I& kc) {
  return kernel - 1 - kc;
}

/// The inner convolution of zero insertion: input zi_extent(a), kernel k, stride 1, dilation d.
template <class A>
[[nodiscard]] constexpr A zi_inner_axis(const A& a) {
  using ops = int_ops<int_of<A>>;
  const auto zero = ops::constant(a.kernel, 0);
  return {zi_extent(a), a.kernel, ops::constant(a.kernel, 1), a.dilation, zero, zero, zero};
}

// ---- channels and flattening --------------------------------------------------------------------

/// The group of channel c when each group has `per_group` channels: c / per_group.
template <class I>
[[nodiscard]] constexpr I group_of(const I& c, const I& per_group) {
  return int_ops<I>::div(c, per_group);
}

/// Channel `local` of group g: g * per_group + local (also one step of row-major flattening).
template <class I>
[[nodiscard]] constexpr I flatten(const I& outer, const I& extent, const I& inner) {
  return outer * extent + inner;
}

/// Scatter (and W's rows): input channel ci, weight column c -> output channel (ci/cin_g)*cout_g +
/// c.
template <class I>
[[nodiscard]] constexpr I scatter_out_channel(const I& ci, const I& c, const I& cin_g,
                                              const I& cout_g) {
  return flatten(group_of(ci, cin_g), cout_g, c);
}

/// Gather (and convolution): output channel co, local input cl -> input channel (co/cout_g)*cin_g +
/// cl.
template <class I>
[[nodiscard]] constexpr I gather_in_channel(const I& co, const I& cl, const I& cin_g,
                                            const I& cout_g) {
  return flatten(group_of(co, cout_g), cin_g, cl);
}

/// Gather's weight column for output channel co: co % cout_g.
template <class I>
[[nodiscard]] constexpr I weight_column(const I& co, const I& cout_g) {
  return int_ops<I>::rem(co, cout_g);
}

}  // namespace tconv::rules
