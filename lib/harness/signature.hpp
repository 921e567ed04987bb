#pragma once
// A finding's signature: its kind plus the set of hyperparameter features its shrunk minimal
// problem needs. Two failures belong to the same finding when their kinds match and the later
// problem has every feature of the earlier finding's minimal problem (it "covers" it); a campaign
// reports each distinct signature once and counts the others as its hits.
//
// Features (each a monotone property of a problem, so a minimal problem has the fewest):
//   rank>=2, rank3, batch>1, in_channels>1, >4, >8, >16 and out_channels>1, >4, >8, >16 (per
//   group), groups>1, input>1, kernel>1, output>32 (on some axis), stride>1, dilation>1, padding
//   (some pad > 0), asymmetric_padding, output_padding, bias.
// Text: "wrong_result: groups>1+bias" ("wrong_result: plain" without features); a baseline names
// a structural signature as "features:groups>1+bias".
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/results.hpp"
#include "tconv/problem.hpp"

namespace tconv::harness {

/// The features a signature is made of, one bit each.
enum class feature : std::uint8_t {
  rank2,
  rank3,
  batch,
  in_ch1,
  in_ch4,
  in_ch8,
  in_ch16,
  out_ch1,
  out_ch4,
  out_ch8,
  out_ch16,
  groups,
  input,
  kernel,
  wide_output,
  stride,
  dilation,
  padding,
  asymmetric_padding,
  output_padding,
  bias
};

/// Every feature, in the order signatures list them.
inline constexpr feature all_features[] = {feature::rank2,
                                           feature::rank3,
                                           feature::batch,
                                           feature::in_ch1,
                                           feature::in_ch4,
                                           feature::in_ch8,
                                           feature::in_ch16,
                                           feature::out_ch1,
                                           feature::out_ch4,
                                           feature::out_ch8,
                                           feature::out_ch16,
                                           feature::groups,
                                           feature::input,
                                           feature::kernel,
                                           feature::wide_output,
                                           feature::stride,
                                           feature::dilation,
                                           feature::padding,
                                           feature::asymmetric_padding,
                                           feature::output_padding,
                                           feature::bias};

/// A set of features: bit f is 1 << f.
using feature_set = std::uint32_t;

/// The bit of f.
[[nodiscard]] constexpr feature_set bit(feature f) { return feature_set{1} << static_cast<int>(f); }

/// The feature's name as signatures write it ("stride>1", "asymmetric_padding", ...).
[[nodiscard]] std::string_view name(feature f);

/// The features problem p has.
[[nodiscard]] feature_set features_of(const problem& p);

/// A finding's class: its kind and the features of its minimal problem.
struct signature {
  finding_kind kind = finding_kind::error;
  feature_set features = 0;
  friend bool operator==(const signature&, const signature&) = default;
};

/// The signature of a failure of `kind` on problem p.
[[nodiscard]] signature signature_of(finding_kind kind, const problem& p);

/// Whether a failure (kind, features) belongs to the finding of signature s: same kind and
/// s.features a subset of `features`.
[[nodiscard]] constexpr bool covers(const signature& s, finding_kind kind, feature_set features) {
  return s.kind == kind && (features & s.features) == s.features;
}

/// "groups>1+bias" ("plain" for no feature).
[[nodiscard]] std::string features_text(feature_set f);

/// "wrong_result: groups>1+bias".
[[nodiscard]] std::string to_string(const signature& s);

/// The features of "groups>1+bias" ("plain": none); nullopt when a name is unknown.
[[nodiscard]] std::optional<feature_set> parse_features(std::string_view text);

/// The finding kind named `n` ("wrong_result", ...), nullopt when none is.
[[nodiscard]] std::optional<finding_kind> parse_kind(std::string_view n);

/// A signature known before a campaign, under an id ("corpus:NAME", a baseline id, "NEW").
struct known_signature {
  std::string id;
  signature sig;
};

/// The signatures of the stored cases of a corpus directory (their kind from the stored
/// metadata, "finding"); throws usage_error starting with `what` when the directory or an entry
/// cannot be read.
[[nodiscard]] std::vector<known_signature> corpus_signatures(const std::string& dir,
                                                             const std::string& what);

}  // namespace tconv::harness
