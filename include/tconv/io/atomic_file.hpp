#pragma once
// Output files that are complete or absent. A regular file (or a new one) is written to a
// temporary file in the same directory, flushed, checked, then renamed over the target: a full
// disk, an unwritable directory or a kill leaves the old file as it was. Anything that is not a
// regular file (a terminal, /dev/stdout, /dev/full, a FIFO with a reader) is written in place,
// every write checked. Every failure throws write_error naming the file and the reason.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <functional>
#include <ostream>
#include <stdexcept>
#include <streambuf>
#include <string>
#include <string_view>

namespace tconv::io {

/// A file could not be written: the message is "FILE: what went wrong (reason)".
struct write_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

namespace detail {

[[nodiscard]] inline std::string reason(int err) { return std::strerror(err); }

// A stream buffer over a file descriptor that remembers the first failed write.
class fd_buffer final : public std::streambuf {
 public:
  explicit fd_buffer(int fd) : fd_(fd) { setp(buf_, buf_ + sizeof buf_); }
  [[nodiscard]] int error() const { return error_; }

 protected:
  int_type overflow(int_type c) override {
    if (sync() != 0) return traits_type::eof();
    if (!traits_type::eq_int_type(c, traits_type::eof())) {
      *pptr() = traits_type::to_char_type(c);
      pbump(1);
    }
    return traits_type::not_eof(c);
  }
  std::streamsize xsputn(const char* s, std::streamsize n) override {
    if (n < static_cast<std::streamsize>(sizeof buf_)) return std::streambuf::xsputn(s, n);
    // large blocks (tensor data) go straight to the file
    if (sync() != 0 || !write_all(s, n)) return 0;
    return n;
  }
  int sync() override {
    const auto n = pptr() - pbase();
    setp(buf_, buf_ + sizeof buf_);
    return write_all(buf_, n) ? 0 : -1;
  }

 private:
  bool write_all(const char* p, std::streamsize n) {
    while (n > 0 && error_ == 0) {
      const ssize_t w = ::write(fd_, p, static_cast<std::size_t>(n));
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0) {
        error_ = w < 0 ? errno : EIO;
        break;
      }
      p += w;
      n -= w;
    }
    return error_ == 0;
  }

  int fd_;
  int error_ = 0;
  char buf_[1 << 16];
};

// Runs fill on fd; returns 0 or the errno of the first failed write.
inline int fill_fd(int fd, const std::function<void(std::ostream&)>& fill) {
  fd_buffer buf(fd);
  std::ostream os(&buf);
  fill(os);
  os.flush();
  if (buf.error() != 0) return buf.error();
  return os ? 0 : EIO;
}

// Something that exists and is not a regular file: written in place (never replaced).
inline void write_in_place(const std::string& shown, const std::filesystem::path& path,
                           const std::function<void(std::ostream&)>& fill) {
  // O_NONBLOCK: a FIFO without a reader fails (ENXIO) instead of waiting for one forever
  const int fd = ::open(path.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) {
    const int e = errno;
    throw write_error(shown + ": cannot open for writing (" +
                      (e == ENXIO ? std::string("a FIFO with no reader") : reason(e)) + ")");
  }
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
  int err = 0;
  try {
    err = fill_fd(fd, fill);
  } catch (...) {
    ::close(fd);
    throw;
  }
  if (::close(fd) != 0 && err == 0) err = errno;
  if (err != 0) throw write_error(shown + ": cannot write (" + reason(err) + ")");
}

// A new, exclusive temporary file next to `target`: ".NAME.tmp-PID-N".
inline int create_temporary(const std::filesystem::path& target, std::filesystem::path& tmp,
                            int& err) {
  static std::atomic<unsigned> counter{0};
  const std::filesystem::path dir = target.has_parent_path() ? target.parent_path() : ".";
  for (int attempt = 0; attempt < 100; ++attempt) {
    tmp = dir / ("." + target.filename().string() + ".tmp-" + std::to_string(::getpid()) + "-" +
                 std::to_string(counter++));
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOCTTY, 0666);
    if (fd >= 0) return fd;
    err = errno;
    if (err != EEXIST) break;
  }
  return -1;
}

}  // namespace detail

/// Writes what fill puts on the stream to `path`, all of it or nothing (see the file comment);
/// with `durable`, the data reach the disk (fsync) before the rename. Throws write_error.
inline void write_atomically(const std::filesystem::path& path,
                             const std::function<void(std::ostream&)>& fill, bool durable = true) {
  namespace fs = std::filesystem;
  const std::string shown = path.string();
  if (path.empty()) throw write_error("(empty path): cannot write to a file with no name");
  struct stat st {};
  const bool exists = ::stat(path.c_str(), &st) == 0;
  if (exists && S_ISDIR(st.st_mode)) throw write_error(shown + ": is a directory, not a file");
  if (exists && !S_ISREG(st.st_mode)) return detail::write_in_place(shown, path, fill);
  // a symbolic link keeps pointing where it did: its target (existing or not) is what gets replaced
  std::error_code ec;
  fs::path target = path;
  for (int hops = 0; hops < 40 && fs::is_symlink(target, ec); ++hops) {
    const fs::path next = fs::read_symlink(target, ec);
    if (ec) break;
    target = next.is_absolute() ? next : target.parent_path() / next;
  }
  if (target.filename().empty()) throw write_error(shown + ": names a directory, not a file");
  fs::path tmp;
  int err = 0;
  const int fd = detail::create_temporary(target, tmp, err);
  if (fd < 0)
    throw write_error(
        shown + ": cannot create a file in " +
        (target.has_parent_path() ? target.parent_path().string() : std::string(".")) + " (" +
        detail::reason(err) + ")");
  if (exists) ::fchmod(fd, st.st_mode & 07777);
  try {
    err = detail::fill_fd(fd, fill);
  } catch (...) {
    ::close(fd);
    ::unlink(tmp.c_str());
    throw;
  }
  if (err == 0 && durable && ::fsync(fd) != 0) err = errno;
  if (::close(fd) != 0 && err == 0) err = errno;
  if (err == 0 && ::rename(tmp.c_str(), target.c_str()) != 0) err = errno;
  if (err != 0) {
    ::unlink(tmp.c_str());
    throw write_error(shown + ": cannot write (" + detail::reason(err) + "); " +
                      (exists ? "the old file is unchanged" : "nothing was written"));
  }
}

/// Writes `bytes` to `path`, all of them or nothing (write_atomically).
inline void write_atomically(const std::filesystem::path& path, std::string_view bytes,
                             bool durable = true) {
  write_atomically(
      path,
      [bytes](std::ostream& os) {
        os.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
      },
      durable);
}

}  // namespace tconv::io
