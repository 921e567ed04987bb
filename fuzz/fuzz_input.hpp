#pragma once
// Structured fuzzing: turns the fuzzer's bytes into small integers, lists and choices, biased
// towards the values that matter (0, 1, small, negative, huge, overflow edges).
#include <cstdint>
#include <cstring>
#include <limits>
#include <vector>

namespace tconv::fuzz {

class input {
 public:
  input(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}

  [[nodiscard]] std::uint8_t byte() { return pos_ < size_ ? data_[pos_++] : 0; }

  /// One integer: usually in [-4, 27], sometimes an edge of int64 or a raw 64-bit value.
  [[nodiscard]] std::int64_t integer() {
    const std::uint8_t tag = byte();
    if (tag < 224) return static_cast<std::int64_t>(tag % 32) - 4;
    switch (tag % 8) {
      case 0:
        return std::numeric_limits<std::int64_t>::max();
      case 1:
        return std::numeric_limits<std::int64_t>::min();
      case 2:
        return std::int64_t{1} << 30;
      case 3:
        return (std::int64_t{1} << 30) + 1;
      case 4:
        return std::int64_t{1} << 31;
      case 5:
        return -(std::int64_t{1} << 40);
      default: {
        std::uint64_t u = 0;
        for (int i = 0; i < 8; ++i) u = (u << 8) | byte();
        std::int64_t v = 0;
        std::memcpy(&v, &u, sizeof v);
        return v;
      }
    }
  }

  /// A list of 0 to `max_len` integers.
  [[nodiscard]] std::vector<std::int64_t> list(std::size_t max_len) {
    std::vector<std::int64_t> v(byte() % (max_len + 1));
    for (auto& e : v) e = integer();
    return v;
  }

 private:
  const std::uint8_t* data_;
  std::size_t size_, pos_ = 0;
};

}  // namespace tconv::fuzz
