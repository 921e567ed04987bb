// The statements of the theorem for every shape (see statements.hpp and SOUNDNESS.md).
// Every rule below is the library's own template from tconv/index_rules.hpp; a tooth changes
// one thing (named in its claim) and must be refuted.
#include "statements.hpp"

#include <set>

namespace tconv::smt {
namespace {

// ---- per-axis relations -----------------------------------------------------------------------

struct triple {
  expr o, i, k;
};
triple indices(vars& v) { return {v("o"), v("i"), v("k")}; }

// the extension rule (any output_padding >= 0, ONNX output_shape) is the weaker hypothesis
expr relations_agree(vars& v,
                     expr (*rel)(const axis_expr&, const expr&, const expr&, const expr&)) {
  const axis_expr a = v.axis();
  const auto [o, i, k] = indices(v);
  return domain_transposed(a) && (scatter_rel(a, o, i, k) != rel(a, o, i, k));
}
expr scatter_gather(vars& v) { return relations_agree(v, gather_rel); }
expr scatter_matrix(vars& v) { return relations_agree(v, matrix_rel); }

// tooth: gather rounding (o + pb - kd)/s instead of requiring s to divide it
expr gather_no_divisibility(const axis_expr& a, const expr& o, const expr& i, const expr& k) {
  const expr t = rules::gather_offset(a.dilation, a.pad_begin, o, k);
  const expr q = rules::int_ops<expr>::div(t, a.stride);
  return 0 <= o && o < rules::transposed_extent(a) && 0 <= k && k < a.kernel && t >= 0 &&
         q < a.input && i == q;
}
expr tooth_gather(vars& v) { return relations_agree(v, gather_no_divisibility); }
// tooth: W's column o*s + pb + k*d (the padding's sign flipped)
expr matrix_pad_sign(const axis_expr& a, const expr& o, const expr& i, const expr& k) {
  axis_expr m = a;
  m.pad_begin = -a.pad_begin;
  const expr col = rules::conv_source(m.stride, m.dilation, m.pad_begin, i, k);
  return 0 <= i && i < a.input && 0 <= k && k < a.kernel && o == col &&
         rules::within(col, rules::transposed_extent(a));
}
expr tooth_matrix(vars& v) { return relations_agree(v, matrix_pad_sign); }

// ---- multiplicity one ---------------------------------------------------------------------------

// two input indices reach output o through the same tap (gather picks one i per (o, k))
expr two_inputs(vars& v, bool wrong) {
  const axis_expr a = v.axis();
  const auto [o, i, k] = indices(v);
  const expr i2 = v("i2");
  axis_expr r = a;
  if (wrong) r.stride = a.stride - 1;  // tooth: stride off by one (0 when s = 1)
  return domain_transposed(a) && scatter_rel(r, o, i, k) && scatter_rel(r, o, i2, k) && i != i2;
}
expr unique_input(vars& v) { return two_inputs(v, false); }
expr tooth_unique_input(vars& v) { return two_inputs(v, true); }

// two taps join the same (output, input) pair (the dense W assigns, so one would be lost)
expr two_taps(vars& v, bool wrong) {
  const axis_expr a = v.axis();
  const auto [o, i, k] = indices(v);
  const expr k2 = v("k2");
  axis_expr r = a;
  if (wrong) r.dilation = a.dilation - 1;  // tooth: dilation off by one
  return domain_transposed(a) && matrix_rel(r, o, i, k) && matrix_rel(r, o, i, k2) && k != k2;
}
expr unique_tap(vars& v) { return two_taps(v, false); }
expr tooth_unique_tap(vars& v) { return two_taps(v, true); }

// two inputs placed on one slot of the zero-inserted input (one would be overwritten)
expr two_slots(vars& v, bool wrong) {
  const axis_expr a = v.axis();
  const expr i = v("i"), i2 = v("i2");
  const expr s = wrong ? a.stride - 1 : a.stride;
  const expr b = rules::zi_before(a);
  return domain_transposed(a) && 0 <= i && i < a.input && 0 <= i2 && i2 < a.input && i != i2 &&
         rules::zi_place(s, b, i) == rules::zi_place(s, b, i2);
}
expr unique_slot(vars& v) { return two_slots(v, false); }
expr tooth_unique_slot(vars& v) { return two_slots(v, true); }

// ---- zero insertion -----------------------------------------------------------------------------

// c0: the inner convolution's output extent is out (for every axis of the domain) ...
expr inner_extent(vars& v) {
  const axis_expr a = v.axis();
  const axis_expr inner = rules::zi_inner_axis(a);
  return domain_transposed(a) &&
         !(inner.input >= 1 && rules::conv_extent(inner) == rules::transposed_extent(a));
}
// ... and under the caps it is a valid convolution, so zero insertion accepts every valid problem
// (with the lemma zi-inner-extent as a hypothesis)
expr inner_conv(vars& v, bool zi_cap) {
  const axis_expr a = v.axis();
  const axis_expr inner = rules::zi_inner_axis(a);
  return valid_transposed(a, false, zi_cap) && inner.input >= 1 &&
         rules::conv_extent(inner) == rules::transposed_extent(a) && !valid_conv(inner);
}
expr inner_conv_valid(vars& v) { return inner_conv(v, true); }
// tooth: the validation before the fix (no cap on zero insertion's padded length)
expr tooth_inner_conv(vars& v) { return inner_conv(v, false); }

// zero insertion's triples, with the lemma zi-inner-extent (proved above) as a hypothesis
expr zi_domain(const axis_expr& a) {
  const axis_expr inner = rules::zi_inner_axis(a);
  return domain_transposed(a) && inner.input >= 1 &&
         rules::conv_extent(inner) == rules::transposed_extent(a);
}
// the weight tap k is a function of the inner tap kc (k = zi_flip(kc)), so it is not a free unknown
expr zero_insertion_to_scatter(vars& v, bool flip) {
  const axis_expr a = v.axis();
  const expr o = v("o"), i = v("i"), kc = v("kc");
  const expr k = rules::zi_flip(a.kernel, kc);
  // tooth (flip = false): the inner tap kc taken as the weight's tap, as if not flipped
  const expr weight_tap = flip ? k : kc;
  return zi_domain(a) && zero_insertion_rel(a, o, i, k, kc) && !scatter_rel(a, o, i, weight_tap);
}
expr zi_to_scatter(vars& v) { return zero_insertion_to_scatter(v, true); }
expr tooth_zi_no_flip(vars& v) { return zero_insertion_to_scatter(v, false); }

// lemma: 0 <= k < K and d >= 1 give 0 <= k*d and k*d + d <= K*d (monotonicity of the products)
expr tap_bounds(const expr& k, const expr& kernel, const expr& d) {
  return 0 <= k * d && k * d + d <= kernel * d;
}
expr tap_lemma(vars& v, bool wrong) {
  const expr k = v("k"), kernel = v("K"), d = v("d");
  // tooth: d >= -1 (a negative dilation makes k*d negative)
  return 0 <= k && k < kernel && (wrong ? d >= -1 : d >= 1) && !tap_bounds(k, kernel, d);
}
expr tap_products(vars& v) { return tap_lemma(v, false); }
expr tooth_tap_products(vars& v) { return tap_lemma(v, true); }

// the witness: inner tap kc = K - 1 - k (the flip is an involution); lemma tap-products for k

expr scatter_to_zi(vars& v) {
  const axis_expr a = v.axis();
  const auto [o, i, k] = indices(v);
  const expr kc = rules::zi_flip(a.kernel, k);
  return zi_domain(a) && tap_bounds(kc, a.kernel, a.dilation) && scatter_rel(a, o, i, k) &&
         !zero_insertion_rel(a, o, i, k, kc);
}

// ---- shape inversion and the adjoint's matrix
// -----------------------------------------------------

axis_expr adjoint(const axis_expr& a) {
  return {rules::transposed_extent(a),
          a.kernel,
          a.stride,
          a.dilation,
          a.pad_begin,
          a.pad_end,
          rules::int_ops<expr>::constant(a.input, 0)};
}
expr inverts(vars& v, bool general, bool small_op) {
  const axis_expr a = v.axis();
  const expr back = rules::conv_extent(adjoint(a));
  const expr want =
      general ? a.input + rules::int_ops<expr>::div(a.output_padding, a.stride) : a.input;
  // op < max(s, d) (PyTorch's rule) for the tooth: the claim fails even for valid problems
  expr hyp = domain_transposed(a);
  if (!general && !small_op)
    hyp = hyp && a.output_padding < z3::ite(a.stride > a.dilation, a.stride, a.dilation);
  if (small_op) hyp = hyp && a.output_padding < a.stride;
  return hyp && back != want;
}
expr inverts_small_op(vars& v) { return inverts(v, false, true); }
expr inverts_general(vars& v) { return inverts(v, true, false); }
// tooth: "conv(conv_transpose) restores in" for every valid output_padding (fails when op >= s)
expr tooth_inverts(vars& v) { return inverts(v, false, false); }

// adjoint_conv(p) is a valid convolution: its input is p's output, which the padded-length cap
// keeps <= 2^30
expr adjoint_conv_valid(vars& v, bool zi_cap) {
  const axis_expr a = v.axis();
  return valid_transposed(a, true, zi_cap) && !valid_conv(adjoint(a));
}
expr adjoint_valid(vars& v) { return adjoint_conv_valid(v, true); }
// tooth: the validation before the fix (out itself could exceed 2^30)
expr tooth_adjoint_valid(vars& v) { return adjoint_conv_valid(v, false); }

// the convolution matrix of adjoint_conv(p) (conv_geometry) against p's own
// (conv_transpose_geometry)
expr adjoint_matrix(vars& v, bool small_op) {
  const axis_expr a = v.axis();
  const auto [o, i, k] = indices(v);
  const axis_expr c = adjoint(a);
  const expr col = rules::conv_source(c.stride, c.dilation, c.pad_begin, i, k);
  const expr rel = 0 <= i && i < rules::conv_extent(c) && 0 <= k && k < c.kernel && o == col &&
                   rules::within(col, c.input);
  expr hyp = domain_transposed(a) &&
             a.output_padding < z3::ite(a.stride > a.dilation, a.stride, a.dilation);
  if (small_op) hyp = hyp && a.output_padding < a.stride;
  return hyp && (rel != matrix_rel(a, o, i, k));
}
expr adjoint_is_transpose(vars& v) { return adjoint_matrix(v, true); }
// tooth: the same for every valid output_padding (W then has in + floor(op/s) rows)
expr tooth_adjoint(vars& v) { return adjoint_matrix(v, false); }

// ---- shape inversion from the convolution's side -----------------------------------------------

axis_expr conv_axis(vars& v) {
  axis_expr c = v.axis();
  c.output_padding = rules::int_ops<expr>::constant(c.input, 0);
  return c;
}
expr span_of(const axis_expr& c) {
  return c.input + c.pad_begin + c.pad_end - c.dilation * (c.kernel - 1) - 1;
}
// op = span % s makes the transposed convolution map the conv's output back to `in`; op = 0
// does iff s divides span. Hypotheses: the conv's output O is a valid input (<= 2^30), and
// zero insertion's cap holds (in + d(k-1) <= 2^30).
expr conv_side(vars& v, bool wrong) {
  const axis_expr c = conv_axis(v);
  const expr span = span_of(c);
  axis_expr t = c;
  t.input = rules::conv_extent(c);
  t.output_padding = wrong ? rules::int_ops<expr>::constant(c.input, 0)  // tooth: op = 0 always
                           : rules::int_ops<expr>::rem(span, c.stride);
  axis_expr t0 = t;
  t0.output_padding = rules::int_ops<expr>::constant(c.input, 0);
  const expr claim = valid_transposed(t, true) && rules::transposed_extent(t) == c.input &&
                     ((rules::transposed_extent(t0) == c.input) ==
                      (rules::int_ops<expr>::rem(span, c.stride) == 0));
  const expr lim = c.input.ctx().int_val(cap);
  return valid_conv(c) && t.input <= lim && rules::zi_extent(t) <= lim && !claim;
}
expr conv_side_inverts(vars& v) { return conv_side(v, false); }
expr tooth_conv_side(vars& v) { return conv_side(v, true); }

// a kernel reaching past the padded input gives extent <= 0 (rejected), never a valid-looking one
expr negative_span(vars& v, bool truncate) {
  const axis_expr c = conv_axis(v);
  const expr lim = c.input.ctx().int_val(cap);
  // tooth: C++'s truncating division alone, span / s + 1 (rounds -1/2 up to 0, extent 1)
  const expr ext =
      truncate ? rules::int_ops<expr>::div(span_of(c), c.stride) + 1 : rules::conv_extent(c);
  return in_range(c.input, 1, lim) && in_range(c.kernel, 1, lim) && in_range(c.stride, 1, lim) &&
         in_range(c.dilation, 1, lim) && in_range(c.pad_begin, 0, lim) &&
         in_range(c.pad_end, 0, lim) && span_of(c) < 0 && ext >= 1;
}
expr negative_span_rejected(vars& v) { return negative_span(v, false); }
expr tooth_negative_span(vars& v) { return negative_span(v, true); }

// ---- division
// ------------------------------------------------------------------------------------

// (q*n + r) / n = q and (q*n + r) % n = r for q >= 0, 0 <= r < n: the channel statements use
// instances of this lemma as hypotheses
expr division_instance(const expr& q, const expr& n, const expr& r) {
  const expr f = rules::flatten(q, n, r);
  return rules::int_ops<expr>::div(f, n) == q && rules::int_ops<expr>::rem(f, n) == r;
}
// from lemmas euclid (at q*n + r) and flatten-injective (defined with it below)
expr injective_instance(const expr& a, const expr& n, const expr& b, const expr& a2,
                        const expr& b2) {
  return !(0 <= b && b < n && 0 <= b2 && b2 < n &&
           rules::flatten(a, n, b) == rules::flatten(a2, n, b2)) ||
         (a == a2 && b == b2);
}
expr euclid_instance(const expr& a, const expr& n);
expr division(vars& v, bool wrong) {
  const expr q = v("q"), n = v("n"), r = v("r");
  // tooth: r allowed to reach n
  const expr r_ok = wrong ? r <= n : r < n;
  const expr f = rules::flatten(q, n, r);
  const expr lemmas = euclid_instance(f, n) && injective_instance(q, n, r, rules::group_of(f, n),
                                                                  rules::weight_column(f, n));
  return q >= 0 && n >= 1 && 0 <= r && r_ok && lemmas && !division_instance(q, n, r);
}
expr division_unique(vars& v) { return division(v, false); }
expr tooth_division(vars& v) { return division(v, true); }

// a >= 0, n >= 1: a = (a/n)*n + a%n with a/n >= 0 and 0 <= a%n < n
expr euclid_instance(const expr& a, const expr& n) {
  const expr q = rules::group_of(a, n), r = rules::weight_column(a, n);
  return a == rules::flatten(q, n, r) && q >= 0 && 0 <= r && r < n;
}
expr euclid(vars& v, bool wrong) {
  const expr a = v("a"), n = v("n");
  // tooth: a negative dividend allowed (C++'s % is then negative)
  return (wrong ? a >= -1 : a >= 0) && n >= 1 && !euclid_instance(a, n);
}
expr euclid_holds(vars& v) { return euclid(v, false); }
expr tooth_euclid(vars& v) { return euclid(v, true); }

// 0 <= b < n and 0 <= a*n + b < m*n give 0 <= a < m
expr outer_instance(const expr& a, const expr& n, const expr& b, const expr& m) {
  return !(0 <= b && b < n && 0 <= rules::flatten(a, n, b) && rules::flatten(a, n, b) < m * n) ||
         (0 <= a && a < m);
}
expr outer(vars& v, bool wrong) {
  const expr a = v("a"), n = v("n"), b = v("b"), m = v("m");
  // tooth: b <= n allowed
  const expr hyp = 0 <= b && (wrong ? b <= n : b < n) && 0 <= rules::flatten(a, n, b) &&
                   rules::flatten(a, n, b) < m * n;
  return n >= 1 && hyp && !(0 <= a && a < m);
}
expr outer_holds(vars& v) { return outer(v, false); }
expr tooth_outer(vars& v) { return outer(v, true); }

// ---- channels and groups (explicit witnesses instead of "there is a local channel")
// --------------

struct groups_expr {
  expr g, cin_g, cout_g, cin, cout;
};
groups_expr group_layout(vars& v) {
  const expr g = v("groups"), cin_g = v("cin_g"), cout_g = v("cout_g");
  return {g, cin_g, cout_g, g * cin_g, g * cout_g};
}
expr valid_groups(const groups_expr& l, std::int64_t limit = cap) {
  const expr lim = l.g.ctx().int_val(limit);
  return in_range(l.g, 1, lim) && in_range(l.cin_g, 1, lim) && in_range(l.cout_g, 1, lim) &&
         l.cin <= lim && l.cout <= lim;
}
// scatter (and W's rows, the same rule over the same ranges): channel ci, weight column c
expr scatter_channels(const groups_expr& l, const expr& ci, const expr& co, const expr& c) {
  return 0 <= ci && ci < l.cin && 0 <= c && c < l.cout_g &&
         co == rules::scatter_out_channel(ci, c, l.cin_g, l.cout_g);
}
// gather (and the convolution inside zero insertion): output channel co, local input cl
expr gather_channels(const groups_expr& l, const expr& ci, const expr& co, const expr& c,
                     const expr& cl, bool wrong) {
  // tooth: weight column co / cout_g instead of co % cout_g
  const expr col = wrong ? rules::group_of(co, l.cout_g) : rules::weight_column(co, l.cout_g);
  return 0 <= co && co < l.cout && 0 <= cl && cl < l.cin_g &&
         ci == rules::gather_in_channel(co, cl, l.cin_g, l.cout_g) && c == col;
}
// lemmas euclid, flatten-outer, flatten-in-range and division, instantiated at g = co / cout_g
expr gather_to_scatter_channels(vars& v, bool wrong) {
  const groups_expr l = group_layout(v);
  const expr ci = v("ci"), co = v("co"), c = v("c"), cl = v("cl");
  const expr g = rules::group_of(co, l.cout_g), r = rules::weight_column(co, l.cout_g);
  const expr lemmas = euclid_instance(co, l.cout_g) && outer_instance(g, l.cout_g, r, l.g) &&
                      rules::flatten(g, l.cin_g, cl) < l.cin && division_instance(g, l.cin_g, cl);
  return valid_groups(l) && gather_channels(l, ci, co, c, cl, wrong) && lemmas &&
         !scatter_channels(l, ci, co, c);
}
expr channels_gather_scatter(vars& v) { return gather_to_scatter_channels(v, false); }
expr tooth_channels(vars& v) { return gather_to_scatter_channels(v, true); }
// witness: cl = ci % cin_g
expr channels_scatter_gather(vars& v) {
  const groups_expr l = group_layout(v);
  const expr ci = v("ci"), co = v("co"), c = v("c");
  const expr cl = rules::int_ops<expr>::rem(ci, l.cin_g);
  const expr g = rules::group_of(ci, l.cin_g);
  const expr lemmas = euclid_instance(ci, l.cin_g) && outer_instance(g, l.cin_g, cl, l.g) &&
                      (g >= l.g || rules::flatten(g, l.cout_g, c) < l.cout) &&
                      division_instance(g, l.cout_g, c);
  return valid_groups(l) && scatter_channels(l, ci, co, c) && lemmas &&
         !gather_channels(l, ci, co, c, cl, false);
}
// zero insertion: wc[flatten(g, cout_g, c2), cl] = w[flatten(g, cin_g, cl), c2] for g < G,
// c2 < cout_g, cl < cin_g; its inner convolution reads x channel gather_in_channel(co, cl) with
// wc[co, cl]. Claim: the x channel read is the weight's row, and the triple is gather's.
expr zi_channels(const groups_expr& l, const expr& xc, const expr& co, const expr& wrow,
                 const expr& c, const expr& cl, const expr& g, const expr& c2) {
  return 0 <= co && co < l.cout && 0 <= cl && cl < l.cin_g &&
         xc == rules::gather_in_channel(co, cl, l.cin_g, l.cout_g) && 0 <= g && g < l.g &&
         0 <= c2 && c2 < l.cout_g && co == rules::flatten(g, l.cout_g, c2) &&
         wrow == rules::flatten(g, l.cin_g, cl) && c == c2;
}
expr channels_zi_gather(vars& v) {
  const groups_expr l = group_layout(v);
  const expr xc = v("x_channel"), co = v("co"), wrow = v("w_row"), c = v("c"), cl = v("cl"),
             g = v("g"), c2 = v("c2");
  return valid_groups(l) && zi_channels(l, xc, co, wrow, c, cl, g, c2) &&
         division_instance(g, l.cout_g, c2) &&
         !(xc == wrow && gather_channels(l, xc, co, c, cl, false));
}
// witnesses: g = co / cout_g, c2 = co % cout_g
expr channels_gather_zi(vars& v) {
  const groups_expr l = group_layout(v);
  const expr ci = v("ci"), co = v("co"), c = v("c"), cl = v("cl");
  const expr g = rules::group_of(co, l.cout_g), c2 = rules::weight_column(co, l.cout_g);
  return valid_groups(l) && gather_channels(l, ci, co, c, cl, false) &&
         !zi_channels(l, ci, co, ci, c, cl, g, c2);
}

// ---- flattening (detail::at5 is four steps of rules::flatten)
// ------------------------------------

expr flatten_injective(vars& v, bool wrong) {
  const expr a = v("a"), b = v("b"), a2 = v("a2"), b2 = v("b2"), n = v("extent");
  const expr e = wrong ? n - 1 : n;  // tooth: one step with the extent off by one
  return 0 <= b && b < n && 0 <= b2 && b2 < n &&
         rules::flatten(a, e, b) == rules::flatten(a2, e, b2) && !(a == a2 && b == b2);
}
expr flatten_is_injective(vars& v) { return flatten_injective(v, false); }
expr tooth_flatten(vars& v) { return flatten_injective(v, true); }
expr flatten_in_range(vars& v) {
  const expr a = v("a"), b = v("b"), m = v("outer_extent"), n = v("extent");
  const expr f = rules::flatten(a, n, b);
  return 0 <= a && a < m && 0 <= b && b < n && !(0 <= f && f < m * n);
}

// ---- no int64 overflow
// ------------------------------------------------------------------------------

// every integer subterm of e: exactly the intermediates the int64 instantiation computes (plus
// the traits' |a| and Euclidean quotients, which are no larger)
void subterms(const expr& e, std::set<unsigned>& seen, std::vector<expr>& out) {
  if (!seen.insert(e.id()).second) return;
  if (e.is_int()) out.push_back(e);
  if (e.is_app())
    for (unsigned n = 0; n < e.num_args(); ++n) subterms(e.arg(n), seen, out);
}
// every rule applied where the library applies it, under the caps (`limit`)
expr rule_terms(vars& v, std::int64_t limit, std::vector<expr>& terms) {
  const axis_expr a = v.axis(), c = conv_axis(v);
  const expr i = v("i"), k = v("k"), o = v("o"), oc = v("o_conv"), oa = v("o_adjoint");
  const groups_expr l = group_layout(v);
  const expr ci = v("ci"), co = v("co"), cw = v("c"), cl = v("cl");
  const expr out = rules::transposed_extent(a);
  const axis_expr inner = rules::zi_inner_axis(a), adj = adjoint(a);
  const expr t = rules::gather_offset(a.dilation, a.pad_begin, o, k);
  const std::vector<expr> rules_used = {
      out,
      rules::scatter_target(a.stride, a.dilation, a.pad_begin, i, k),
      rules::conv_source(a.stride, a.dilation, a.pad_begin, i, k),
      z3::ite(rules::gather_hits(a.stride, a.input, t), rules::gather_source(a.stride, t), t),
      rules::zi_place(a.stride, rules::zi_before(a), i),
      rules::zi_after(a),
      rules::conv_extent(inner),
      rules::zi_flip(a.kernel, k),
      rules::conv_source(inner.stride, inner.dilation, inner.pad_begin, o, k),
      rules::conv_extent(adj),
      rules::conv_source(adj.stride, adj.dilation, adj.pad_begin, oa, k),
      rules::conv_extent(c),
      rules::conv_source(c.stride, c.dilation, c.pad_begin, oc, k),
      rules::scatter_out_channel(ci, cw, l.cin_g, l.cout_g),
      rules::gather_in_channel(co, cl, l.cin_g, l.cout_g),
      rules::weight_column(co, l.cout_g)};
  std::set<unsigned> seen;
  for (const expr& r : rules_used) subterms(r, seen, terms);
  return valid_transposed(a, false, true, limit) && valid_conv(c, limit) &&
         valid_groups(l, limit) && 0 <= i && i < a.input && 0 <= k && k < a.kernel && 0 <= o &&
         o < out && 0 <= oa && oa < rules::conv_extent(adj) && 0 <= oc &&
         oc < rules::conv_extent(c) && 0 <= ci && ci < l.cin && 0 <= cw && cw < l.cout_g &&
         0 <= co && co < l.cout && 0 <= cl && cl < l.cin_g;
}
expr overflow(vars& v, std::int64_t lo, std::int64_t hi) {
  std::vector<expr> terms;
  const expr hyp = rule_terms(v, cap, terms);
  z3::expr_vector escapes(v.ctx);
  for (const expr& t : terms) escapes.push_back(t > v.ctx.int_val(hi) || t < v.ctx.int_val(lo));
  return hyp && z3::mk_or(escapes);
}
expr no_overflow(vars& v) { return overflow(v, INT64_MIN, INT64_MAX); }
// tooth: the same rules computed in int32
expr tooth_overflow(vars& v) { return overflow(v, INT32_MIN, INT32_MAX); }

}  // namespace

const std::vector<statement>& all_statements() {
  static const std::vector<statement> list = {
      {"scatter=gather", "scatter and gather use the same (output, input, tap) triples", false,
       scatter_gather},
      {"tooth:gather-no-divisibility", "... with gather rounding instead of requiring s | t", true,
       tooth_gather},
      {"scatter=matrix", "W^T (conv_transpose_geometry) uses scatter's triples", false,
       scatter_matrix},
      {"tooth:matrix-pad-sign", "... with W's column o*s + pb + k*d", true, tooth_matrix},
      {"unique-input", "one input index per (output, tap): gather misses none", false,
       unique_input},
      {"tooth:unique-input", "... with the stride off by one", true, tooth_unique_input},
      {"unique-tap", "one tap per (output, input): the dense W loses none", false, unique_tap},
      {"tooth:unique-tap", "... with the dilation off by one", true, tooth_unique_tap},
      {"unique-slot", "one input per slot of the zero-inserted input", false, unique_slot},
      {"tooth:unique-slot", "... with the stride off by one", true, tooth_unique_slot},
      {"zi-inner-extent", "zero insertion's inner convolution has output extent out", false,
       inner_extent},
      {"zi-inner-valid", "valid problem: zero insertion's inner convolution is valid", false,
       inner_conv_valid},
      {"tooth:zi-uncapped", "... under the validation before the fix (no padded-length cap)", true,
       tooth_inner_conv},
      {"zi=>scatter", "every zero-insertion triple is a scatter triple (lemma zi-inner-extent)",
       false, zi_to_scatter},
      {"tooth:zi-no-flip", "... with the kernel not flipped", true, tooth_zi_no_flip},
      {"tap-products", "0 <= k < K, d >= 1: 0 <= k*d and k*d + d <= K*d", false, tap_products},
      {"tooth:tap-products", "... for d >= -1", true, tooth_tap_products},
      {"scatter=>zi",
       "every scatter triple is a zero-insertion triple (inner tap K-1-k; lemmas zi-inner-extent, "
       "tap-products)",
       false, scatter_to_zi},
      {"inverts(op<s)", "op < s: conv of the transposed output extent gives back in", false,
       inverts_small_op},
      {"inverts(all op)", "any op >= 0: conv gives back in + floor(op/s)", false, inverts_general},
      {"tooth:inverts", "... 'gives back in' for every valid op", true, tooth_inverts},
      {"adjoint-valid", "valid problem: adjoint_conv(p) is a valid convolution", false,
       adjoint_valid},
      {"tooth:adjoint-uncapped", "... under the validation before the fix", true,
       tooth_adjoint_valid},
      {"adjoint-matrix", "op < s: W of adjoint_conv(p) is W of p (same entries)", false,
       adjoint_is_transpose},
      {"tooth:adjoint-matrix", "... for every valid op", true, tooth_adjoint},
      {"conv-side-inverts",
       "conv in -> O: op = span % s is valid and maps O back to in; op = 0 does iff s | span",
       false, conv_side_inverts},
      {"tooth:conv-side", "... with op = 0 always", true, tooth_conv_side},
      {"negative-span", "a kernel past the padded input gives conv extent <= 0", false,
       negative_span_rejected},
      {"tooth:negative-span", "... with truncating division", true, tooth_negative_span},
      {"division",
       "q >= 0, 0 <= r < n: (q*n + r) / n = q, (q*n + r) % n = r (lemmas euclid, "
       "flatten-injective)",
       false, division_unique},
      {"tooth:division", "... for 0 <= r <= n", true, tooth_division},
      {"euclid", "a >= 0, n >= 1: a = (a/n)*n + a%n, a/n >= 0, 0 <= a%n < n", false, euclid_holds},
      {"tooth:euclid", "... for a >= -1", true, tooth_euclid},
      {"flatten-outer", "0 <= b < n, 0 <= a*n + b < m*n: 0 <= a < m", false, outer_holds},
      {"tooth:flatten-outer", "... for b <= n", true, tooth_outer},
      {"channels:gather=>scatter",
       "gather's (x, y, w) channel triples are scatter's (lemmas euclid, flatten-*, division)",
       false, channels_gather_scatter},
      {"tooth:channels", "... with weight column co / cout_g", true, tooth_channels},
      {"channels:scatter=>gather",
       "scatter's channel triples are gather's (cl = ci % cin_g; lemmas euclid, flatten-*, "
       "division)",
       false, channels_scatter_gather},
      {"channels:zi=>gather",
       "zero insertion reads x and w on one channel, gather's triple (lemma division)", false,
       channels_zi_gather},
      {"channels:gather=>zi", "gather's triples are zero insertion's (g = co / cout_g)", false,
       channels_gather_zi},
      {"flatten-injective", "a*n + b, 0 <= b < n, is injective", false, flatten_is_injective},
      {"tooth:flatten", "... with the extent off by one", true, tooth_flatten},
      {"flatten-in-range", "0 <= a < m, 0 <= b < n: 0 <= a*n + b < m*n", false, flatten_in_range},
      {"no-overflow", "every intermediate of every rule fits in int64 under the 2^30 caps", false,
       no_overflow},
      {"tooth:overflow", "... in int32 instead of int64", true, tooth_overflow},
  };
  return list;
}

}  // namespace tconv::smt
