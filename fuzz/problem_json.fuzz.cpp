// Fuzzes the subprocess protocol's problem reader: problem.json text -> problem. Malformed JSON,
// missing or mistyped fields and invalid or oversized problems must end in usage_error (exit 2 in
// the CLI); an accepted problem must be valid and survive a write/read round trip unchanged.
#include <cstdlib>
#include <string>

#include "harness/case_dir.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const auto j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return 0;
  try {
    const auto p = tconv::harness::problem_from_json(j, "problem.json");
    if (!tconv::is_valid(p, tconv::op_kind::conv_transpose)) std::abort();
    const auto again =
        tconv::harness::problem_from_json(tconv::harness::problem_to_json(p), "round trip");
    if (!(again == p)) std::abort();
  } catch (const tconv::usage_error&) {
  }
  return 0;
}
