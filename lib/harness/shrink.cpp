#include "harness/shrink.hpp"

#include <algorithm>
#include <bit>
#include <chrono>
#include <cmath>
#include <cstdlib>

#include "harness/form_case.hpp"
#include "harness/operations.hpp"

namespace tconv::harness {

namespace {

using clock_type = std::chrono::steady_clock;
using ext5 = std::array<std::int64_t, 5>;  // (d0, d1, spatial 0..2) of a tensor

// A tensor's five extents: d0, d1, then the problem's spatial extents e (1 beyond its rank).
ext5 spatial(const problem& r, const extents& e, std::int64_t d0, std::int64_t d1) {
  ext5 s{d0, d1, 1, 1, 1};
  for (std::int64_t a = 0; a < r.rank; ++a) s[static_cast<std::size_t>(a + 2)] = e[a];
  return s;
}

std::int64_t offset(const ext5& i, const ext5& e) {
  return (((i[0] * e[1] + i[1]) * e[2] + i[2]) * e[3] + i[3]) * e[4] + i[4];
}

// Calls f(index) for every index of extents e, in row-major order.
template <class F>
void for_each_index(const ext5& e, F&& f) {
  ext5 i{};
  for (i[0] = 0; i[0] < e[0]; ++i[0])
    for (i[1] = 0; i[1] < e[1]; ++i[1])
      for (i[2] = 0; i[2] < e[2]; ++i[2])
        for (i[3] = 0; i[3] < e[3]; ++i[3])
          for (i[4] = 0; i[4] < e[4]; ++i[4]) f(i);
}

// src (extents src_ext) cut or padded with `fill` to dst_ext, aligned at the start of every axis
// (with from_end: at the end).
std::vector<float> carry(const std::vector<float>& src, const ext5& src_ext, const ext5& dst_ext,
                         bool from_end, float fill = 0.0f) {
  ext5 shift{};
  if (from_end)
    for (std::size_t d = 0; d < 5; ++d)
      shift[d] = std::max<std::int64_t>(0, src_ext[d] - dst_ext[d]);
  std::vector<float> dst(
      static_cast<std::size_t>(dst_ext[0] * dst_ext[1] * dst_ext[2] * dst_ext[3] * dst_ext[4]),
      fill);
  std::size_t f = 0;
  for_each_index(dst_ext, [&](const ext5& i) {
    ext5 s{};
    bool inside = true;
    for (std::size_t d = 0; d < 5; ++d) {
      s[d] = i[d] + shift[d];
      inside = inside && s[d] < src_ext[d];
    }
    if (inside) dst[f] = src[static_cast<std::size_t>(offset(s, src_ext))];
    ++f;
  });
  return dst;
}

// The source axis read by each of the three spatial axes: the mapped ones in q's order, then the
// source axes not kept (read at index 0), then the unused ones.
std::array<std::int64_t, 3> source_axes(const axis_map& axis_of, std::int64_t src_rank) {
  std::array<std::int64_t, 3> src_axis{};
  std::int64_t used = 0;
  for (std::int64_t j = 0; j < max_rank; ++j)
    if (axis_of[j] >= 0 && axis_of[j] < src_rank) src_axis[used++] = axis_of[j];
  for (std::int64_t a = 0; a < src_rank; ++a) {
    bool kept = false;
    for (std::int64_t j = 0; j < used; ++j) kept = kept || src_axis[j] == a;
    if (!kept && used < max_rank) src_axis[used++] = a;
  }
  for (std::int64_t j = used; j < max_rank; ++j) src_axis[j] = j;
  return src_axis;
}

// src (extents se) with its spatial axes in q's order (a permuted copy), so that removing a
// middle axis keeps the others' values; ext receives the permuted extents.
std::vector<float> permuted(const std::vector<float>& src, const ext5& se, const axis_map& axis_of,
                            std::int64_t src_rank, ext5& ext) {
  const auto src_axis = source_axes(axis_of, src_rank);
  ext5 pe = se;
  for (std::int64_t j = 0; j < max_rank; ++j) pe[j + 2] = se[src_axis[j] + 2];
  std::vector<float> dst(src.size());
  std::size_t f = 0;
  for_each_index(pe, [&](const ext5& idx) {
    ext5 si{idx[0], idx[1], 0, 0, 0};
    for (std::int64_t j = 0; j < max_rank; ++j) si[src_axis[j] + 2] = idx[j + 2];
    dst[f++] = src[static_cast<std::size_t>(offset(si, se))];
  });
  ext = pe;
  return dst;
}

// p without spatial axis `drop`, and where each remaining axis came from.
std::pair<problem, axis_map> drop_axis(const problem& p, std::int64_t drop) {
  problem q = p;
  axis_map map{-1, -1, -1};
  std::int64_t j = 0;
  for (std::int64_t a = 0; a < p.rank; ++a) {
    if (a == drop) continue;
    for (auto* f :
         {&q.input, &q.kernel, &q.stride, &q.dilation, &q.pad_begin, &q.pad_end, &q.output_padding})
      (*f)[j] = (*f)[a];
    map[j++] = a;
  }
  q.rank = p.rank - 1;
  for (std::int64_t a = q.rank; a < max_rank; ++a) {
    q.input[a] = q.kernel[a] = q.stride[a] = q.dilation[a] = 1;
    q.pad_begin[a] = q.pad_end[a] = q.output_padding[a] = 0;
  }
  return {q, map};
}

// The shrink of one finding: its budget, its candidates' runs, its progress.
class shrinker {
 public:
  shrinker(counterexample& cx, const shrink_setup& s) : cx_(cx), s_(s), t0_(clock_type::now()) {}

  void run(rc::Shrinkable<problem> start, std::uint64_t value_seed) {
    const bool hang = cx_.kind == finding_kind::timeout && s_.set_timeout &&
                      s_.short_timeout_s > 0 && s_.short_timeout_s < s_.full_timeout_s;
    if (hang) {
      history_.push_back({cx_.c, cx_.message, cx_.report});
      s_.set_timeout(s_.short_timeout_s);
    }
    if (!jump()) shrink_problem(std::move(start), value_seed);
    for (bool progress = true; progress && !out_of_budget();) {
      progress = shrink_values();
      progress = shrink_structure() || progress;
    }
    if (hang) confirm();
    cx_.shrink.seconds = seconds();
  }

 private:
  double seconds() const { return std::chrono::duration<double>(clock_type::now() - t0_).count(); }
  bool out_of_budget() const { return seconds() > s_.time_s; }
  bool kept(const problem& q) const { return !s_.keep || s_.keep(q); }

  // Runs cand; when it still fails the same way it becomes the finding. A case posed in a form
  // keeps its kind and salt: cand is re-posed, and one the kind cannot pose is no candidate.
  bool still_fails(explore_case cand) {
    if (cx_.c.form && !repose(cand, cx_.c.form->kind, cx_.c.form_salt)) return false;
    ++cx_.shrink.attempts;
    auto o = s_.same_failure(cand);
    if (!o) return false;
    cx_.c = cand;
    cx_.message = std::move(o->message);
    cx_.report = std::move(o->report);
    cx_.detail = o->detail;
    ++cx_.shrink.steps;
    if (!history_.empty()) history_.push_back({cx_.c, cx_.message, cx_.report});
    return true;
  }

  // Tries the candidates q (their values carried over, aligned at the start, then at the end);
  // true at the first that still fails.
  bool first_failing(const std::vector<std::pair<problem, axis_map>>& qs) {
    for (const auto& [q, map] : qs) {
      if (out_of_budget()) return false;
      if (!kept(q)) continue;
      // new elements 0, aligned at the start or the end; then at the end with new elements 1, so
      // that a longer row or a wider kernel still reaches the element the finding needs
      if (still_fails(project(cx_.c, q, false, map)) || still_fails(project(cx_.c, q, true, map)) ||
          still_fails(project(cx_.c, q, true, map, 1.0f)))
        return true;
    }
    return false;
  }

  // One bold step before RapidCheck's tree: a hang or a one-feature bug is minimal at once.
  bool jump() { return first_failing(plainer(cx_.c.p)); }

  // The minimum of a hang, found with short attempts, confirmed with the full timeout; when it
  // does not hang that long, the latest accepted step that does (the campaign's own case at worst,
  // already seen to hang with the full timeout). Not bounded by the budget: it must end confirmed.
  void confirm() {
    s_.set_timeout(s_.full_timeout_s);
    for (; history_.size() > 1; history_.pop_back()) {
      ++cx_.shrink.attempts;
      if (auto o = s_.same_failure(history_.back().c)) {
        cx_.c = history_.back().c;
        cx_.message = std::move(o->message);
        cx_.report = std::move(o->report);
        return;
      }
    }
    cx_.c = history_.front().c;
    cx_.message = history_.front().message;
    cx_.report = history_.front().report;
  }

  // RapidCheck's shrink tree (smallest rank, extents, channels first), fresh values each step.
  void shrink_problem(rc::Shrinkable<problem> cur, std::uint64_t value_seed) {
    for (bool progress = true; progress && !out_of_budget();) {
      progress = false;
      auto seq = cur.shrinks();
      while (auto next = seq.next()) {
        if (out_of_budget()) break;
        if (!kept(next->value())) continue;
        if (still_fails(tested_operation::make_case(next->value(), value_seed, s_.prec))) {
          cur = std::move(*next);
          progress = true;
          break;
        }
      }
    }
  }

  static std::vector<float>& tensor(explore_case& c, int t) {
    return t == 0 ? c.x : t == 1 ? c.w : c.b;
  }

  // Zeroes chunks of tensor t, halving the chunk size down to single elements.
  void zero_chunks(int t) {
    const std::size_t n = tensor(cx_.c, t).size();
    for (std::size_t chunk = n; chunk >= 1 && !out_of_budget(); chunk /= 2)
      for (std::size_t start = 0; start < n && !out_of_budget(); start += chunk) {
        explore_case cand = cx_.c;
        auto& v = tensor(cand, t);
        bool any = false;
        for (std::size_t k = start; k < std::min(n, start + chunk); ++k) {
          any = any || v[k] != 0.0f || std::signbit(v[k]);
          v[k] = 0.0f;
        }
        if (any) still_fails(cand);
      }
  }

  // Replaces each non-zero value of tensor t by its simplest stand-in that still fails.
  void simplify_values(int t) {
    const std::size_t n = tensor(cx_.c, t).size();
    for (std::size_t k = 0; k < n && !out_of_budget(); ++k) {
      const float v = tensor(cx_.c, t)[k];
      if (v == 0.0f) continue;
      for (const float s : simpler(v)) {
        explore_case cand = cx_.c;
        tensor(cand, t)[k] = s;
        if (still_fails(cand)) break;
      }
    }
  }

  bool shrink_values() {
    const std::uint64_t before = cx_.shrink.steps;
    for (int t = 0; t < 3; ++t) {
      zero_chunks(t);
      simplify_values(t);
    }
    return cx_.shrink.steps != before;
  }

  // RapidCheck's tree never revisits a field once it moved past it, so after the values are
  // simple the problem is shrunk again greedily, carrying those values over
  bool shrink_structure() {
    bool any = false;
    while (!out_of_budget()) {
      auto qs = plainer(cx_.c.p);
      auto ss = smaller(cx_.c.p);
      qs.insert(qs.end(), ss.begin(), ss.end());
      if (!first_failing(qs)) break;
      any = true;
    }
    return any;
  }

  // a case accepted while shrinking a hang, with what its attempt said
  struct step {
    explore_case c;
    std::string message;
    std::optional<check::report> report;
  };

  counterexample& cx_;
  const shrink_setup& s_;
  clock_type::time_point t0_;
  std::vector<step> history_;  // hangs only: the campaign's case, then every accepted step
};

}  // namespace

namespace {

// (significant bits + |binary exponent|, significant bits, sign bit): the order simpler() descends
// in, so 1 + 2^-11 (12) is simpler than FLT_MIN (1 + 126); non-finite values come last.
std::array<int, 3> value_order(float v) {
  if (!std::isfinite(v)) return {999, 0, 0};
  if (v == 0.0f) return {0, 0, std::signbit(v) ? 1 : 0};
  int e = 0;
  const auto mant = static_cast<std::uint32_t>(std::ldexp(std::fabs(std::frexp(v, &e)), 24));
  const int bits = 24 - std::countr_zero(mant);
  return {bits + std::abs(e - 1), bits, std::signbit(v) ? 1 : 0};
}

}  // namespace

std::vector<float> simpler(float v) {
  std::vector<float> out;
  const auto order = value_order(v);
  auto add = [&](float c) {
    if (value_order(c) < order && std::find(out.begin(), out.end(), c) == out.end())
      out.push_back(c);
  };
  add(1.0f);
  add(std::copysign(1.0f, v));
  if (std::fabs(v) >= 2.0f) add(std::copysign(2.0f, v));
  add(std::copysign(std::exp2(std::floor(std::log2(std::fabs(v)))), v));
  if (std::fabs(v) >= 1.0f) add(std::trunc(v));
  // exact in float32, not in bf16 (8 significand bits) or, for k = 11, fp16 (11): a value that only
  // a low-precision accumulator gets wrong, still short to read
  for (int k = 8; k <= 11; ++k) add(1.0f + std::ldexp(1.0f, -k));
  if (v < 0)
    for (int k = 8; k <= 11; ++k) add(-1.0f - std::ldexp(1.0f, -k));
  // keep 8 significand bits: still inexact in bf16-like formats, but readable
  int e = 0;
  const float m = std::frexp(v, &e);
  add(std::ldexp(std::round(m * 256.0f) / 256.0f, e));
  return out;
}

explore_case project(const explore_case& from, const problem& q, bool from_end, axis_map axis_of,
                     float fill) {
  explore_case c;
  c.p = q;
  const problem& o = from.p;
  ext5 xe{}, we{};
  const auto px =
      permuted(from.x, spatial(o, o.input, o.batch, o.in_channels), axis_of, o.rank, xe);
  const auto pw = permuted(from.w, spatial(o, o.kernel, o.in_channels, o.out_channels / o.groups),
                           axis_of, o.rank, we);
  c.x = carry(px, xe, spatial(q, q.input, q.batch, q.in_channels), from_end, fill);
  c.w =
      carry(pw, we, spatial(q, q.kernel, q.in_channels, q.out_channels / q.groups), from_end, fill);
  if (q.has_bias) {
    if (o.has_bias)
      c.b =
          carry(from.b, {o.out_channels, 1, 1, 1, 1}, {q.out_channels, 1, 1, 1, 1}, from_end, fill);
    else
      c.b.assign(static_cast<std::size_t>(q.out_channels), fill);
  }
  return c;
}

std::vector<std::pair<problem, axis_map>> smaller(const problem& p) {
  std::vector<std::pair<problem, axis_map>> out;
  auto add = [&](const problem& q, axis_map map = {0, 1, 2}) {
    const bool seen =
        std::any_of(out.begin(), out.end(), [&](const auto& o) { return o.first == q; });
    if (q != p && !seen && tested_operation::is_valid(q)) out.emplace_back(q, map);
  };
  for (std::int64_t drop = 0; drop < p.rank && p.rank > 1; ++drop) {
    const auto [q, map] = drop_axis(p, drop);
    add(q, map);
  }
  auto lower = [&](auto setter, std::int64_t v, std::int64_t lo) {
    if (v <= lo) return;
    // the minimum, halfway there (a channel count of 17 reaches a block of 8 plus one), one less
    for (const std::int64_t to : {lo, (v + lo) / 2, v - 1}) {
      problem q = p;
      setter(q, to);
      add(q);
    }
  };
  lower([](problem& q, std::int64_t v) { q.batch = v; }, p.batch, 1);
  {
    problem q = p;  // one group, channels per group kept
    q.groups = 1;
    q.in_channels = p.in_channels / p.groups;
    q.out_channels = p.out_channels / p.groups;
    add(q);
  }
  lower([&](problem& q, std::int64_t v) { q.in_channels = v * p.groups; }, p.in_channels / p.groups,
        1);
  lower([&](problem& q, std::int64_t v) { q.out_channels = v * p.groups; },
        p.out_channels / p.groups, 1);
  for (std::int64_t a = 0; a < p.rank; ++a) {
    lower([a](problem& q, std::int64_t v) { q.input[a] = v; }, p.input[a], 1);
    lower([a](problem& q, std::int64_t v) { q.kernel[a] = v; }, p.kernel[a], 1);
    lower([a](problem& q, std::int64_t v) { q.stride[a] = v; }, p.stride[a], 1);
    lower([a](problem& q, std::int64_t v) { q.dilation[a] = v; }, p.dilation[a], 1);
    lower([a](problem& q, std::int64_t v) { q.pad_begin[a] = v; }, p.pad_begin[a], 0);
    lower([a](problem& q, std::int64_t v) { q.pad_end[a] = v; }, p.pad_end[a], 0);
    lower([a](problem& q, std::int64_t v) { q.output_padding[a] = v; }, p.output_padding[a], 0);
  }
  if (p.has_bias) {
    problem q = p;
    q.has_bias = false;
    add(q);
  }
  return out;
}

namespace {

// p's features kept one at a time on the minimum (problem{}: rank 1, every count 1, 1x1, no bias).
void one_feature_minima(const problem& p, std::vector<std::pair<problem, axis_map>>& out) {
  auto add = [&](const problem& q, axis_map map = {0, -1, -1}) { out.emplace_back(q, map); };
  problem q;
  add(q);
  q.has_bias = p.has_bias;
  add(q);
  q = problem{};
  q.batch = p.batch;
  add(q);
  q = problem{};
  q.in_channels = p.in_channels / p.groups;
  add(q);
  q = problem{};
  q.out_channels = p.out_channels / p.groups;
  add(q);
  q = problem{};
  q.groups = q.in_channels = q.out_channels = p.groups;
  add(q);
  for (std::int64_t a = 0; a < p.rank; ++a) {
    const axis x = p.axis_at(a);
    const axis kept[] = {
        {.stride = x.stride},
        {.kernel = x.kernel},
        {.input = x.input},
        {.kernel = x.kernel, .dilation = x.dilation},
        {.stride = x.stride, .dilation = x.dilation, .output_padding = x.output_padding},
        {x.input, x.kernel, x.stride, x.dilation, x.pad_begin, 0, 0},
        {x.input, x.kernel, x.stride, x.dilation, 0, x.pad_end, 0},
        x};
    for (const axis& k : kept) {
      q = problem{};
      q.set_axis(0, k);
      add(q, {a, -1, -1});
    }
  }
}

// A plain axis (no padding, output_padding or dilation) with output extent `out`: stride 1
// (in = out, k = 1), or `stride` (in = (out - 1) / s + 1, k = out - (in - 1) * s, in [1, s]).
axis plain_axis(std::int64_t out, std::int64_t stride) {
  axis r;
  r.stride = stride;
  r.input = (out - 1) / r.stride + 1;
  r.kernel = out - (r.input - 1) * r.stride;
  return r;
}

// Axis x made plain with the same output extent, keeping its stride or with stride 1.
axis plain_axis(const axis& x, bool keep_stride) {
  return plain_axis(conv_transpose_extent(x), keep_stride ? x.stride : 1);
}

// p's plain shapes: all axes made plain, then each axis alone (only axes with something to drop).
void plain_shapes(const problem& p, std::vector<std::pair<problem, axis_map>>& out) {
  auto fancy = [&](std::int64_t a) {
    return p.pad_begin[a] + p.pad_end[a] + p.output_padding[a] + p.dilation[a] - 1 > 0;
  };
  for (const bool keep_stride : {false, true}) {
    problem all = p;
    for (std::int64_t a = 0; a < p.rank; ++a)
      if (fancy(a)) all.set_axis(a, plain_axis(p.axis_at(a), keep_stride));
    out.emplace_back(all, axis_map{0, 1, 2});
  }
  for (std::int64_t a = 0; a < p.rank && p.rank > 1; ++a)
    for (const bool keep_stride : {false, true})
      if (fancy(a)) {
        problem one = p;
        one.set_axis(a, plain_axis(p.axis_at(a), keep_stride));
        out.emplace_back(one, axis_map{0, 1, 2});
      }
  // one output element fewer: a row whose tail past a block breaks (out = k*b + 1) is reached
  // from a longer row whose input, stride and kernel no single field's step shortens by one
  for (std::int64_t a = 0; a < p.rank; ++a)
    if (const axis x = p.axis_at(a); conv_transpose_extent(x) > 1)
      for (const std::int64_t s : {std::int64_t{1}, x.stride}) {
        problem one = p;
        one.set_axis(a, plain_axis(conv_transpose_extent(x) - 1, s));
        out.emplace_back(one, axis_map{0, 1, 2});
      }
}

// (rank, padding + output_padding + dilation - 1, spatial output elements, everything): the order
// of simpler_than; every step of smaller() descends in it too, so shrinking ends.
std::array<std::int64_t, 4> complexity(const problem& p) {
  std::int64_t fancy = 0, outputs = 1,
               sum = p.batch + p.in_channels + p.out_channels + p.groups + p.has_bias;
  for (std::int64_t a = 0; a < p.rank; ++a) {
    fancy += p.pad_begin[a] + p.pad_end[a] + p.output_padding[a] + p.dilation[a] - 1;
    outputs *= conv_transpose_extent(p.axis_at(a));
    sum += p.input[a] + p.kernel[a] + p.stride[a];
  }
  return {p.rank, fancy, outputs, fancy + sum};
}

}  // namespace

bool simpler_than(const problem& q, const problem& p) { return complexity(q) < complexity(p); }

std::vector<std::pair<problem, axis_map>> plainer(const problem& p) {
  std::vector<std::pair<problem, axis_map>> all, out;
  one_feature_minima(p, all);
  plain_shapes(p, all);
  for (auto& c : all) {
    const bool seen =
        std::any_of(out.begin(), out.end(), [&](const auto& o) { return o.first == c.first; });
    if (!seen && simpler_than(c.first, p) && tested_operation::is_valid(c.first))
      out.push_back(std::move(c));
  }
  return out;
}

void shrink(counterexample& cx, rc::Shrinkable<problem> start, std::uint64_t value_seed,
            const shrink_setup& s) {
  shrinker(cx, s).run(std::move(start), value_seed);
}

}  // namespace tconv::harness
