#include "harness/signature.hpp"

#include <algorithm>
#include <filesystem>
#include <system_error>

#include "harness/case_dir.hpp"
#include "harness/usage_error.hpp"

namespace tconv::harness {

namespace fs = std::filesystem;

namespace {

bool any_axis(const problem& p, auto pred) {
  for (std::int64_t a = 0; a < p.rank; ++a)
    if (pred(static_cast<std::size_t>(a))) return true;
  return false;
}

// The per-group channel features of c channels: > 1, > 4, > 8, > 16 (the block tails).
feature_set channel_features(std::int64_t c, feature one, feature four, feature eight,
                             feature sixteen) {
  return (c > 1 ? bit(one) : 0) | (c > 4 ? bit(four) : 0) | (c > 8 ? bit(eight) : 0) |
         (c > 16 ? bit(sixteen) : 0);
}

// The features of p's spatial axes.
feature_set axis_features(const problem& p) {
  const auto out = output_extents(p, op_kind::conv_transpose);
  feature_set f = 0;
  auto set = [&](feature g, auto pred) {
    if (any_axis(p, pred)) f |= bit(g);
  };
  set(feature::input, [&](std::size_t a) { return p.input[a] > 1; });
  set(feature::kernel, [&](std::size_t a) { return p.kernel[a] > 1; });
  set(feature::wide_output, [&](std::size_t a) { return out[a] > 32; });
  set(feature::stride, [&](std::size_t a) { return p.stride[a] > 1; });
  set(feature::dilation, [&](std::size_t a) { return p.dilation[a] > 1; });
  set(feature::padding, [&](std::size_t a) { return p.pad_begin[a] > 0 || p.pad_end[a] > 0; });
  set(feature::asymmetric_padding, [&](std::size_t a) { return p.pad_begin[a] != p.pad_end[a]; });
  set(feature::output_padding, [&](std::size_t a) { return p.output_padding[a] > 0; });
  return f;
}

}  // namespace

std::string_view name(feature f) {
  static constexpr std::string_view names[] = {"rank>=2",
                                               "rank3",
                                               "batch>1",
                                               "in_channels>1",
                                               "in_channels>4",
                                               "in_channels>8",
                                               "in_channels>16",
                                               "out_channels>1",
                                               "out_channels>4",
                                               "out_channels>8",
                                               "out_channels>16",
                                               "groups>1",
                                               "input>1",
                                               "kernel>1",
                                               "output>32",
                                               "stride>1",
                                               "dilation>1",
                                               "padding",
                                               "asymmetric_padding",
                                               "output_padding",
                                               "bias"};
  return names[static_cast<std::size_t>(f)];
}

feature_set features_of(const problem& p) {
  feature_set f = axis_features(p);
  if (p.rank >= 2) f |= bit(feature::rank2);
  if (p.rank >= 3) f |= bit(feature::rank3);
  if (p.batch > 1) f |= bit(feature::batch);
  if (p.groups > 1) f |= bit(feature::groups);
  if (p.has_bias) f |= bit(feature::bias);
  const std::int64_t g = std::max<std::int64_t>(1, p.groups);
  f |= channel_features(p.in_channels / g, feature::in_ch1, feature::in_ch4, feature::in_ch8,
                        feature::in_ch16);
  f |= channel_features(p.out_channels / g, feature::out_ch1, feature::out_ch4, feature::out_ch8,
                        feature::out_ch16);
  return f;
}

signature signature_of(finding_kind kind, const problem& p) { return {kind, features_of(p)}; }

std::string features_text(feature_set f) {
  std::string s;
  for (const feature g : all_features)
    if ((f & bit(g)) != 0) s += (s.empty() ? "" : "+") + std::string(name(g));
  return s.empty() ? "plain" : s;
}

std::string to_string(const signature& s) {
  return std::string(name(s.kind)) + ": " + features_text(s.features);
}

std::optional<feature_set> parse_features(std::string_view text) {
  if (text == "plain") return feature_set{0};
  feature_set f = 0;
  while (true) {
    const auto plus = text.find('+');
    const std::string_view word = text.substr(0, plus);
    const auto* it = std::find_if(std::begin(all_features), std::end(all_features),
                                  [&](feature g) { return name(g) == word; });
    if (it == std::end(all_features)) return std::nullopt;
    f |= bit(*it);
    if (plus == std::string_view::npos) return f;
    text.remove_prefix(plus + 1);
  }
}

std::optional<finding_kind> parse_kind(std::string_view n) {
  for (const finding_kind k :
       {finding_kind::wrong_result, finding_kind::crash, finding_kind::timeout,
        finding_kind::out_of_bounds_write, finding_kind::input_modified,
        finding_kind::nonzero_return, finding_kind::error, finding_kind::wrong_shape})
    if (n == name(k)) return k;
  return std::nullopt;
}

std::vector<known_signature> corpus_signatures(const std::string& dir, const std::string& what) {
  std::vector<fs::path> entries;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string nm = it->path().filename().string();
    if (!nm.empty() && nm[0] != '.' && fs::exists(it->path() / "problem.json"))
      entries.push_back(it->path());
  }
  if (ec) throw usage_error(what + ": cannot list (" + ec.message() + ")");
  std::sort(entries.begin(), entries.end());
  std::vector<known_signature> known;
  for (const auto& e : entries) {
    const std::string at = what + ": entry " + e.filename().string();
    explore_case c;
    nlohmann::json meta;
    try {
      c = read_case_dir(e);
      meta = read_case_meta(e);
    } catch (const std::exception& ex) {
      throw usage_error(at + ": " + ex.what());
    }
    const auto kind = meta.is_object() && meta.contains("finding") && meta["finding"].is_string()
                          ? parse_kind(meta["finding"].get<std::string>())
                          : std::nullopt;
    if (!kind) throw usage_error(at + ": no finding kind (\"finding\") in its problem.json");
    known.push_back({"corpus:" + e.filename().string(), signature_of(*kind, c.p)});
  }
  return known;
}

}  // namespace tconv::harness
