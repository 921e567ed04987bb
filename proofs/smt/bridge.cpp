// tconv-smt-bridge: the solver's model against the library, on concrete problems.
//  1. validity: valid_transposed / valid_conv (z3_rules.hpp's transcription of find_fault's
//     per-axis rules) evaluated on numerals agree with tconv::is_valid, for every per-axis setting
//     of a box around the proof box (invalid ones included: every parameter from -1 or 0) and for
//     10,000 boundary probes around the 2^30 caps;
//  2. relations: on every per-axis setting of the compile-time proof box (rank 1, one channel),
//     the library's four formulations run on symbolic x and w use exactly the (o, i, k) triples
//     that the solver's relations (scatter_rel, gather_rel, matrix_rel, zero_insertion_rel) hold
//     for, each with coefficient 1; outside [-1, extent] no index satisfies a relation, because
//     each relation bounds its indices by the loop ranges.
// Exit status 0 when everything agrees, 1 otherwise.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <tuple>

#include "../box.hpp"
#include "z3_rules.hpp"

namespace {

using tconv::axis;
using tconv::op_kind;
using tconv::problem;
using tconv::smt::axis_expr;
using tconv::smt::expr;
using i64 = std::int64_t;

problem line(const axis& a) {
  problem p;
  p.rank = 1;
  p.set_axis(0, a);
  return p;
}

// Numerals for every unknown, through one model, so that each check is an evaluation.
struct evaluator {
  z3::context& ctx;
  axis_expr a;
  expr o, i, k, kc;
  z3::model m;
  explicit evaluator(z3::context& c)
      : ctx(c),
        a{c.int_const("in"), c.int_const("K"),  c.int_const("s"), c.int_const("d"),
          c.int_const("pb"), c.int_const("pe"), c.int_const("op")},
        o(c.int_const("o")),
        i(c.int_const("i")),
        k(c.int_const("k")),
        kc(c.int_const("kc")),
        m(c) {}
  void set(const expr& var, i64 v) {
    z3::func_decl f = var.decl();
    expr val = ctx.int_val(v);
    m.add_const_interp(f, val);
  }
  void set_axis(const axis& x) {
    set(a.input, x.input);
    set(a.kernel, x.kernel);
    set(a.stride, x.stride);
    set(a.dilation, x.dilation);
    set(a.pad_begin, x.pad_begin);
    set(a.pad_end, x.pad_end);
    set(a.output_padding, x.output_padding);
  }
  bool holds(const expr& e) { return m.eval(e, true).is_true(); }
};

// 1. validity: the transcription against tconv::is_valid
int check_validity(z3::context& ctx, long& checked) {
  evaluator ev(ctx);
  const expr vt = tconv::smt::valid_transposed(ev.a, true);
  const expr vx = tconv::smt::valid_transposed(ev.a, false);
  const expr vc = tconv::smt::valid_conv(ev.a);
  int bad = 0;
  auto one = [&](const axis& x) {
    ev.set_axis(x);
    const problem p = line(x);
    const bool t = tconv::is_valid(p, op_kind::conv_transpose);
    const bool e =
        tconv::is_valid(p, op_kind::conv_transpose, tconv::output_padding_rule::extension);
    const bool c = tconv::is_valid(p, op_kind::conv);
    ++checked;
    if (ev.holds(vt) != t || ev.holds(vx) != e || ev.holds(vc) != c) {
      if (++bad <= 5)
        std::printf("validity differs: in=%ld K=%ld s=%ld d=%ld pb=%ld pe=%ld op=%ld\n", x.input,
                    x.kernel, x.stride, x.dilation, x.pad_begin, x.pad_end, x.output_padding);
    }
  };
  for (i64 in = 0; in <= 4; ++in)
    for (i64 kk = 0; kk <= 3; ++kk)
      for (i64 s = 0; s <= 3; ++s)
        for (i64 d = 0; d <= 3; ++d)
          for (i64 pb = -1; pb <= 2; ++pb)
            for (i64 pe = -1; pe <= 2; ++pe)
              for (i64 op = -1; op <= 3; ++op) one({in, kk, s, d, pb, pe, op});
  // boundary probes: every parameter drawn from values around the caps (a fixed LCG, so the
  // run is reproducible)
  const i64 cap = tconv::smt::cap;
  const i64 values[] = {0, 1, 2, 3, cap / 2, cap - 1, cap, cap + 1, -1};
  std::uint64_t state = 0x9e3779b97f4a7c15ULL;
  auto pick = [&]() {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return values[(state >> 33) % (sizeof values / sizeof values[0])];
  };
  for (int n = 0; n < 10000; ++n) one({pick(), pick(), pick(), pick(), pick(), pick(), pick()});
  return bad;
}

using triples = std::map<std::tuple<i64, i64, i64>, i64>;

// the (o, i, k) triples of a rank-1 single-channel symbolic run, with their coefficients
triples triples_of(const tconv::tensor<tconv::bilinear>& y) {
  triples t;
  for (i64 o = 0; o < y.size(); ++o)
    for (const auto& term : y[o].terms) t[{o, term.x, term.w}] += term.c;
  return t;
}

// 2. one box setting: each formulation against its relation
int check_setting(evaluator& ev, const axis& x, const expr* rel, long& checked) {
  const problem p = line(x);
  const auto xs = tconv::symbols(tconv::input_shape(p), true);
  const auto ws = tconv::symbols(tconv::weight_shape(p, op_kind::conv_transpose), false);
  const triples runs[4] = {triples_of(tconv::conv_transpose(p, xs, ws)),
                           triples_of(tconv::conv_transpose_gather(p, xs, ws)),
                           triples_of(tconv::conv_transpose_via_matrix(p, xs, ws)),
                           triples_of(tconv::conv_transpose_zero_insertion(p, xs, ws))};
  ev.set_axis(x);
  const i64 out = tconv::conv_transpose_extent(x);
  int bad = 0;
  for (i64 o = -1; o <= out; ++o)
    for (i64 i = -1; i <= x.input; ++i)
      for (i64 k = -1; k <= x.kernel; ++k) {
        ev.set(ev.o, o);
        ev.set(ev.i, i);
        ev.set(ev.k, k);
        for (int f = 0; f < 4; ++f) {
          bool model = false;
          if (f < 3) {
            model = ev.holds(rel[f]);
          } else {  // zero insertion: some inner tap kc
            for (i64 kc = -1; kc <= x.kernel && !model; ++kc) {
              ev.set(ev.kc, kc);
              model = ev.holds(rel[3]);
            }
          }
          const auto hit = runs[f].find({o, i, k});
          const bool library = hit != runs[f].end();
          ++checked;
          if (model != library || (library && hit->second != 1)) ++bad;
        }
      }
  return bad;
}

}  // namespace

int main(int argc, char** argv) {
  // --every N: the relation check visits every N-th box setting (default 6: CI time; 1: all)
  long every = 6;
  if (argc == 3 && std::string(argv[1]) == "--every") every = std::atol(argv[2]);
  if (argc != 1 && !(argc == 3 && every >= 1)) {
    std::fprintf(stderr, "usage: tconv-smt-bridge [--every N], N >= 1\n");
    return 2;
  }
  const auto start = std::chrono::steady_clock::now();
  z3::context ctx;
  long validity_checked = 0, relation_checked = 0, tooth_checked = 0;
  const int validity_bad = check_validity(ctx, validity_checked);
  std::printf("validity: %ld problems, %d disagreements with tconv::is_valid\n", validity_checked,
              validity_bad);
  evaluator ev(ctx);
  const expr rel[4] = {tconv::smt::scatter_rel(ev.a, ev.o, ev.i, ev.k),
                       tconv::smt::gather_rel(ev.a, ev.o, ev.i, ev.k),
                       tconv::smt::matrix_rel(ev.a, ev.o, ev.i, ev.k),
                       tconv::smt::zero_insertion_rel(ev.a, ev.o, ev.i, ev.k, ev.kc)};
  int relation_bad = 0, settings = 0;
  for (std::size_t n = 0; n < tconv::proof::box_axis_list.size();
       n += static_cast<std::size_t>(every)) {
    relation_bad += check_setting(ev, tconv::proof::box_axis_list[n], rel, relation_checked);
    ++settings;
  }
  std::printf(
      "relations: %d of %ld box settings (every %ld-th), %ld (formulation, o, i, k) "
      "checks, %d mismatches\n",
      settings, static_cast<long>(tconv::proof::box_axes), every, relation_checked, relation_bad);
  // the bridge's tooth: a model whose scatter reads pad_end for pad_begin must disagree
  axis_expr wrong = ev.a;
  wrong.pad_begin = ev.a.pad_end;
  const expr mutant[4] = {tconv::smt::scatter_rel(wrong, ev.o, ev.i, ev.k), rel[1], rel[2], rel[3]};
  int tooth_bad = 0;
  for (std::size_t n = 0; n < 200; ++n)
    tooth_bad += check_setting(ev, tconv::proof::box_axis_list[n], mutant, tooth_checked);
  std::printf("tooth (scatter model with pad_end for pad_begin): %d mismatches in %ld checks%s\n",
              tooth_bad, tooth_checked, tooth_bad > 0 ? "" : " -- the bridge cannot fail");
  std::printf("%.1f s\n",
              std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  return validity_bad == 0 && relation_bad == 0 && tooth_bad > 0 ? 0 : 1;
}
