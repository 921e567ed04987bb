#pragma once
// The case directory: problem.json (the ABI fields) + x.npy, w.npy and, with bias, b.npy.
// The same layout is sent to --cmd implementations and stored in the --corpus directory.
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "harness/implementation.hpp"
#include "harness/usage_error.hpp"

namespace tconv::harness {

/// {"rank":2,"batch":1,...,"input":[3,4],...,"output":[7,9],"has_bias":0}: arrays hold `rank`
/// entries.
[[nodiscard]] nlohmann::json problem_to_json(const problem& p);
/// The problem in problem.json; throws usage_error naming the field and the rule it breaks.
[[nodiscard]] problem problem_from_json(const nlohmann::json& j, const std::string& where);

/// j as JSON text; bytes that are not UTF-8 (an adapter's message, a path) become U+FFFD.
[[nodiscard]] std::string dump_json(const nlohmann::json& j, int indent);

/// Writes problem.json (plus "tconv_case": meta when meta is an object) and the .npy files, each
/// complete or absent (`durable`: on disk before it is renamed into place); throws usage_error.
void write_case_dir(const std::filesystem::path& dir, const explore_case& c,
                    const nlohmann::json& meta = nlohmann::json(), bool durable = false);
/// Stores a corpus entry root/name whole or not at all: written in a temporary directory, then
/// renamed into place, so concurrent shards and a kill never leave half an entry. An intact entry
/// of that name is kept (names are fingerprints: same name, same case); a damaged one is replaced.
std::filesystem::path store_case(const std::filesystem::path& root, const std::string& name,
                                 const explore_case& c, const nlohmann::json& meta);
/// Reads a case directory (or the directory of a problem.json); throws usage_error when malformed.
[[nodiscard]] explore_case read_case_dir(const std::filesystem::path& dir);
/// The "tconv_case" metadata of a stored case (null when absent).
[[nodiscard]] nlohmann::json read_case_meta(const std::filesystem::path& dir);

/// A float32 .npy file: writes C-order little-endian '<f4'.
void write_npy_f32(const std::filesystem::path& file, const std::vector<std::int64_t>& shape,
                   const std::vector<float>& data, bool durable = false);
/// A .npy refused because it holds more than `max_elements` values (its header's shape kept).
struct npy_too_large_error : usage_error {
  npy_too_large_error(const std::string& what, std::vector<std::int64_t> s)
      : usage_error(what), shape(std::move(s)) {}
  std::vector<std::int64_t> shape;
};

/// Reads a float32 .npy (C order, version 1-3); throws usage_error naming the file and the problem
/// (npy_too_large_error when it holds more than max_elements values).
/// At most `max_elements` values are accepted, so a lying header cannot force a huge allocation.
[[nodiscard]] std::vector<float> read_npy_f32(const std::filesystem::path& file,
                                              std::vector<std::int64_t>& shape,
                                              std::int64_t max_elements);

}  // namespace tconv::harness
