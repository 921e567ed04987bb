#pragma once
// A symbolic scalar for proofs over all inputs. Every formulation is bilinear in (x, w), so its
// output is a sum of monomials c * x_i * w_j. Running a formulation on symbols x_i and w_j yields
// those coefficients exactly; two formulations agree for all inputs iff their monomials agree.
#include <algorithm>
#include <cstdint>
#include <vector>

#include "tconv/tensor.hpp"

namespace tconv {

/// A sparse polynomial of degree <= 2: sum of c * x_i * w_j (i or j = -1 means absent).
struct bilinear {
  struct term {
    std::int32_t x = -1, w = -1;
    std::int64_t c = 0;
    friend constexpr bool operator==(const term&, const term&) = default;
  };
  std::vector<term> terms;  // sorted by (x, w), no zero coefficients

  constexpr bilinear() = default;
  /// The constant 0 or 1 only (other constants are never needed: formulations add and multiply).
  constexpr bilinear(int v) {
    if (v != 0) terms.push_back({-1, -1, v});
  }
  [[nodiscard]] static constexpr bilinear x_symbol(std::int64_t i) {
    bilinear b;
    b.terms.push_back({static_cast<std::int32_t>(i), -1, 1});
    return b;
  }
  [[nodiscard]] static constexpr bilinear w_symbol(std::int64_t j) {
    bilinear b;
    b.terms.push_back({-1, static_cast<std::int32_t>(j), 1});
    return b;
  }

  constexpr bilinear& operator+=(const bilinear& o) {
    if (o.terms.empty()) return *this;
    std::vector<term> r;
    r.reserve(terms.size() + o.terms.size());
    auto less = [](const term& a, const term& b) { return a.x != b.x ? a.x < b.x : a.w < b.w; };
    std::size_t i = 0, j = 0;
    while (i < terms.size() || j < o.terms.size()) {
      if (j == o.terms.size() || (i < terms.size() && less(terms[i], o.terms[j]))) {
        r.push_back(terms[i++]);
      } else if (i == terms.size() || less(o.terms[j], terms[i])) {
        r.push_back(o.terms[j++]);
      } else {
        term t = terms[i++];
        t.c += o.terms[j++].c;
        if (t.c != 0) r.push_back(t);
      }
    }
    terms = std::move(r);
    return *this;
  }
  friend constexpr bilinear operator+(bilinear a, const bilinear& b) { return a += b; }
  friend constexpr bilinear operator*(const bilinear& a, const bilinear& b) {
    bilinear r;
    for (const auto& s : a.terms)
      for (const auto& t : b.terms) {
        // a product of two x's or two w's would not be bilinear: no formulation may form one
        if ((s.x >= 0 && t.x >= 0) || (s.w >= 0 && t.w >= 0))
          throw "bilinear: degree > 1 in x or w";
        bilinear m;
        m.terms.push_back({std::max(s.x, t.x), std::max(s.w, t.w), s.c * t.c});
        r += m;
      }
    return r;
  }
  friend constexpr bool operator==(const bilinear&, const bilinear&) = default;
};

/// The tensor of symbols x_0, x_1, ... (or w_0, ...) with the given shape.
[[nodiscard]] constexpr tensor<bilinear> symbols(const std::vector<std::int64_t>& shape,
                                                 bool of_x) {
  tensor<bilinear> t(shape);
  // if/else, not `?:` on two vector-holding prvalues: GCC 12 miscompiles that in constant
  // evaluation
  for (std::int64_t i = 0; i < t.size(); ++i) {
    if (of_x)
      t[i] = bilinear::x_symbol(i);
    else
      t[i] = bilinear::w_symbol(i);
  }
  return t;
}

}  // namespace tconv
