// tconv formula: output elements written out as sums of products, y[...] = x[...]*w[...] + ...
// The whole output comes from running the core's own formulation on symbols (tconv::bilinear);
// a single element (--at) from the checker's index geometry (the two are tested to agree).
#include <cstdio>

#include "commands.hpp"
#include "layer_flags.hpp"
#include "symbols.hpp"
#include "tconv/check/reference.hpp"
#include "tconv/conv.hpp"
#include "tconv/conv_transpose.hpp"
#include "tconv/symbolic.hpp"

namespace tconv::cli {
namespace {

struct formula_flags {
  std::string x_shape, w_shape, at;
  layer_flags layer;
  bool bias = false;
};

constexpr std::int64_t max_products = 200'000;

int formula_body(const formula_flags& f) {
  const auto xs = parse_int_list(f.x_shape, "--x-shape"),
             ws = parse_int_list(f.w_shape, "--w-shape");
  // the bias is printed here, not carried through the symbolic formulation
  const problem p = f.layer.resolve(xs, ws, false, "--x-shape", "--w-shape");
  const op_kind k = f.layer.kind();
  const auto xshape = input_shape(p), wshape = weight_shape(p, k), yshape = output_shape(p, k);
  const check::geometry g(p, k);
  auto bias_term = [&](std::int64_t flat) {
    return f.bias ? " + " + element_name("b", g.channel(flat), {p.out_channels}) : std::string();
  };
  if (!f.at.empty()) {
    const auto idx = parse_int_list(f.at, "--at");
    if (idx.size() != yshape.size())
      throw usage_error("--at: '" + f.at + "' must give " + std::to_string(yshape.size()) +
                        " indices, one per axis of y " + shape_text(yshape));
    std::int64_t flat = 0;
    for (std::size_t a = 0; a < idx.size(); ++a) {
      if (idx[a] < 0 || idx[a] >= yshape[a])
        throw usage_error("--at: index " + std::to_string(idx[a]) + " on axis " +
                          std::to_string(a) + " is outside y " + shape_text(yshape));
      flat = flat * yshape[a] + idx[a];
    }
    // the geometry enumerates channel-major, then kernel taps: sort by x then w as bilinear does
    std::vector<std::pair<std::int64_t, std::int64_t>> terms;
    g.for_each_term(flat, [&](std::int64_t xi, std::int64_t wi) { terms.emplace_back(xi, wi); });
    std::sort(terms.begin(), terms.end());
    std::string line = element_name("y", flat, yshape) + " =";
    if (terms.empty() && !f.bias) line += " 0";
    for (std::size_t i = 0; i < terms.size(); ++i)
      line += (i ? " + " : " ") + element_name("x", terms[i].first, xshape) + "*" +
              element_name("w", terms[i].second, wshape);
    if (terms.empty() && f.bias)
      line += " " + element_name("b", g.channel(flat), {p.out_channels});
    else
      line += bias_term(flat);
    std::puts(line.c_str());
    return 0;
  }
  double products = 0;
  for (std::int64_t fl = 0; fl < g.out_count(); ++fl) products += static_cast<double>(g.terms(fl));
  if (products > max_products)
    throw usage_error("--x-shape / --w-shape: the layer has " +
                      std::to_string(static_cast<long long>(products)) +
                      " products in all (more than " + std::to_string(max_products) +
                      "); print one element with --at");
  const auto xsym = symbols(xshape, true), wsym = symbols(wshape, false);
  tensor<bilinear> y;
  if (k == op_kind::conv)
    y = conv(p, xsym, wsym);
  else
    y = conv_transpose(p, xsym, wsym, static_cast<const tensor<bilinear>*>(nullptr),
                       output_padding_rule::extension);
  for (std::int64_t fl = 0; fl < y.size(); ++fl) {
    std::string line = element_name("y", fl, yshape) + " =";
    const auto& terms = y[fl].terms;
    if (terms.empty() && !f.bias) line += " 0";
    for (std::size_t i = 0; i < terms.size(); ++i) {
      line += i ? " + " : " ";
      if (terms[i].c != 1) line += std::to_string(terms[i].c) + "*";
      line += element_name("x", terms[i].x, xshape) + "*" + element_name("w", terms[i].w, wshape);
    }
    if (terms.empty() && f.bias)
      line += " " + element_name("b", g.channel(fl), {p.out_channels});
    else
      line += bias_term(fl);
    std::puts(line.c_str());
  }
  return 0;
}

command add_formula(CLI::App& root) {
  auto flags = std::make_shared<formula_flags>();
  CLI::App* app = root.add_subcommand(
      "formula", "Print output elements symbolically: y[...] = x[...]*w[...] + ...");
  app->add_option("--x-shape", flags->x_shape, "N,C,D1[,D2[,D3]]")->required();
  app->add_option("--w-shape", flags->w_shape, "the weight tensor's shape")->required();
  app->add_option("--at", flags->at, "one output element, e.g. 0,0,1,1 (full index)");
  app->add_flag("--bias", flags->bias, "the layer has a bias: append + b[c]");
  flags->layer.add_to(*app);
  return {app, [flags] { return formula_body(*flags); }};
}

TCONV_COMMAND(50, add_formula);

}  // namespace
}  // namespace tconv::cli
