#pragma once
// Reading a small input file (problem.json, a baseline) whole. Only a regular file is read: a
// directory, a FIFO or a device is refused by name, and opening never blocks (O_NONBLOCK), so
// a FIFO without a writer cannot hang the caller.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <string>

namespace tconv::io {

/// An input file could not be read: the message is "FILE: what is wrong".
struct read_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// "a directory", "a FIFO (named pipe)", ... for a stat mode that is not a regular file.
[[nodiscard]] inline std::string file_kind(unsigned mode) {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISFIFO(mode)) return "a FIFO (named pipe)";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a regular file";
}

/// The contents of the regular file `path` (at most max_bytes); throws read_error otherwise.
[[nodiscard]] inline std::string read_regular_file(const std::filesystem::path& path,
                                                   std::int64_t max_bytes) {
  const std::string shown = path.string();
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) throw read_error(shown + ": cannot open (" + std::strerror(errno) + ")");
  struct closer {
    int fd;
    ~closer() { ::close(fd); }
  } close_at_exit{fd};
  struct stat st {};
  if (::fstat(fd, &st) != 0)
    throw read_error(shown + ": cannot open (" + std::strerror(errno) + ")");
  if (!S_ISREG(st.st_mode))
    throw read_error(shown + ": is " + file_kind(st.st_mode) + ", not a regular file");
  if (st.st_size > max_bytes)
    throw read_error(shown + ": " + std::to_string(st.st_size) + " bytes, more than the " +
                     std::to_string(max_bytes) + " expected");
  std::string text(static_cast<std::size_t>(st.st_size), '\0');
  std::size_t got = 0;
  while (got < text.size()) {
    const ssize_t r = ::read(fd, text.data() + got, text.size() - got);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) throw read_error(shown + ": cannot read (" + std::strerror(errno) + ")");
    if (r == 0) break;  // shrank while reading
    got += static_cast<std::size_t>(r);
  }
  text.resize(got);
  return text;
}

}  // namespace tconv::io
