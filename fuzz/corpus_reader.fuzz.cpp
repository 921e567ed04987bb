// Fuzzes the corpus reader: a stored case directory (problem.json, x.npy, w.npy and, with bias,
// b.npy) with arbitrary contents, files missing or empty. Each damaged entry must end in
// usage_error naming what is wrong (the campaign then skips and reports it); an accepted entry
// must hold tensors of exactly the problem's shapes and survive a write/read round trip
// bit for bit. Input: the files' contents separated by the line "#tconv-file#" (in that order).
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include "harness/case_dir.hpp"

namespace {

namespace fs = std::filesystem;

bool same_bits(const std::vector<float>& a, const std::vector<float>& b) {
  return a.size() == b.size() &&
         (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0);
}

std::int64_t count(const std::vector<std::int64_t>& shape) {
  std::int64_t n = 1;
  for (const auto e : shape) n *= e;
  return n;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // one scratch directory per process keeps parallel fuzzing jobs apart
  static const fs::path root =
      fs::temp_directory_path() / ("tconv-fuzz-corpus-" + std::to_string(getpid()));
  static const bool cleanup = std::atexit([] {
                                std::error_code ec;
                                fs::remove_all(root, ec);
                              }) == 0;
  (void)cleanup;
  const fs::path entry = root / "entry", again = root / "again";
  std::error_code ec;
  fs::remove_all(root, ec);
  fs::create_directories(entry);
  static constexpr const char* names[] = {"problem.json", "x.npy", "w.npy", "b.npy"};
  static constexpr std::string_view separator = "\n#tconv-file#\n";
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::size_t start = 0;
  for (const char* name : names) {
    if (start > text.size()) break;  // this file and the later ones are missing
    const std::size_t end = std::min(text.find(separator, start), text.size());
    std::ofstream(entry / name, std::ios::binary)
        .write(text.data() + start, static_cast<std::streamsize>(end - start));
    start = end + separator.size();
  }
  tconv::harness::explore_case c;
  try {
    c = tconv::harness::read_case_dir(entry);
    (void)tconv::harness::read_case_meta(entry);
  } catch (const tconv::usage_error&) {
    return 0;  // damaged: named and skipped
  }
  using tconv::op_kind;
  if (!tconv::is_valid(c.p, op_kind::conv_transpose)) std::abort();
  if (count(tconv::input_shape(c.p)) != static_cast<std::int64_t>(c.x.size())) std::abort();
  if (count(tconv::weight_shape(c.p, op_kind::conv_transpose)) !=
      static_cast<std::int64_t>(c.w.size()))
    std::abort();
  if (c.p.has_bias ? count(tconv::bias_shape(c.p)) != static_cast<std::int64_t>(c.b.size())
                   : !c.b.empty())
    std::abort();
  tconv::harness::write_case_dir(again, c);
  const auto back = tconv::harness::read_case_dir(again);
  if (!(back.p == c.p) || !same_bits(back.x, c.x) || !same_bits(back.w, c.w) ||
      !same_bits(back.b, c.b))
    std::abort();
  return 0;
}
