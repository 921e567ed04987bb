#pragma once
// The progress line of a campaign on a terminal (stderr only when it is one): cases done, rate,
// findings, unsupported; rewritten in place at most every 100 ms.
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <ostream>
#include <string>

namespace tconv::harness {

/// `\rtconv explore: 120/3000 cases  11000 cases/s  0 findings  3 unsupported`, on a tty only.
class progress_line {
 public:
  explicit progress_line(std::ostream& err) : err_(err), tty_(::isatty(2) != 0) {}

  /// Shows the counts (at most every 100 ms unless forced).
  void update(std::uint64_t done, std::uint64_t total, double rate, std::size_t findings,
              std::uint64_t unsupported, bool force = false) {
    if (!tty_) return;
    const auto now = std::chrono::steady_clock::now();
    if (!force && now - last_ < std::chrono::milliseconds(100)) return;
    last_ = now;
    char buf[200];
    std::snprintf(
        buf, sizeof buf,
        "\rtconv explore: %llu/%llu cases  %.0f cases/s  %zu findings  %llu unsupported\x1b[K",
        static_cast<unsigned long long>(done), static_cast<unsigned long long>(total), rate,
        findings, static_cast<unsigned long long>(unsupported));
    err_ << buf << std::flush;
    shown_ = true;
  }
  /// Shows a status text instead ("corpus NAME", "case 12: crash; shrinking...").
  void status(const std::string& s) {
    if (!tty_) return;
    err_ << "\rtconv explore: " << s << "\x1b[K" << std::flush;
    shown_ = true;
  }
  /// Erases the line.
  void clear() {
    if (tty_ && shown_) err_ << "\r\x1b[K" << std::flush;
    shown_ = false;
  }

 private:
  std::ostream& err_;
  bool tty_;
  bool shown_ = false;
  std::chrono::steady_clock::time_point last_{};
};

}  // namespace tconv::harness
