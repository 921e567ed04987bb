#pragma once
// Large buffers backed by 2 MiB pages. On the virtual machines tconv runs on, the first touch of
// fresh memory costs a page fault per 4 KiB page, and those faults were the largest single cost of
// `tconv check` (see docs/performance.md); with transparent huge pages requested (the kernel's
// "madvise" mode), one fault maps 2 MiB.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <new>
#include <vector>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace tconv::check {

/// Asks for 2 MiB pages on the 2 MiB-aligned interior of [p, p + bytes) (a hint: ignored where
/// unsupported).
inline void advise_huge_pages(void* p, std::size_t bytes) {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  constexpr std::uintptr_t huge = std::uintptr_t{1} << 21;
  const auto begin = (reinterpret_cast<std::uintptr_t>(p) + huge - 1) & ~(huge - 1);
  const auto end = (reinterpret_cast<std::uintptr_t>(p) + bytes) & ~(huge - 1);
  if (end > begin) (void)madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
#else
  (void)p, (void)bytes;
#endif
}

/// v resized to n values equal to `value`, its new storage advised for huge pages before the first
/// touch: only its 2 MiB-aligned interior, so the part before and after is faulted in 4 KiB at a
/// time (a vector of 2-4 MiB mostly); huge_vector has none of that.
template <class T>
void resize_on_huge_pages(std::vector<T>& v, std::size_t n, T value = T{}) {
  if (n > v.capacity()) {
    std::vector<T> fresh;
    fresh.reserve(n);
    advise_huge_pages(fresh.data(), n * sizeof(T));
    v.swap(fresh);
  }
  v.assign(n, value);
}

namespace detail {
// free() for the buffers aligned_alloc gave
struct free_deleter {
  void operator()(void* p) const { std::free(p); }
};

// From 64 KiB on, whole 2 MiB pages aligned and advised before the first touch: a buffer advised
// only on its aligned interior (a 2 MiB buffer has none) is faulted in 4 KiB at a time, about 3 ms
// per MB here against 0.1 ms per MB for huge pages (docs/performance.md).
inline void* allocate_on_huge_pages(std::size_t bytes) {
  constexpr std::size_t huge = std::size_t{1} << 21, small = std::size_t{1} << 16;
  bytes = std::max<std::size_t>(bytes, 1);
  const std::size_t align = bytes >= small ? huge : 64;
  const std::size_t rounded = (bytes + align - 1) / align * align;
  void* p = std::aligned_alloc(align, rounded);
  if (p == nullptr) throw std::bad_alloc();
  if (align == huge) advise_huge_pages(p, rounded);
  return p;
}
}  // namespace detail

/// The allocator of huge_vector: detail::allocate_on_huge_pages.
template <class T>
struct huge_page_allocator {
  using value_type = T;
  huge_page_allocator() = default;
  template <class U>
  constexpr huge_page_allocator(const huge_page_allocator<U>&) noexcept {}
  [[nodiscard]] T* allocate(std::size_t n) {
    if (n > std::size_t(-1) / sizeof(T)) throw std::bad_array_new_length();
    return static_cast<T*>(detail::allocate_on_huge_pages(n * sizeof(T)));
  }
  void deallocate(T* p, std::size_t) noexcept { std::free(p); }
  template <class U>
  bool operator==(const huge_page_allocator<U>&) const noexcept {
    return true;
  }
};

/// A std::vector whose storage from 64 KiB on is whole 2 MiB pages.
template <class T>
using huge_vector = std::vector<T, huge_page_allocator<T>>;

/// A scratch buffer of n values left uninitialised (every value is written before it is read): no
/// zero-filling pass over memory the kernel has just cleared. From 64 KiB on it is whole 2 MiB
/// pages (detail::allocate_on_huge_pages).
template <class T>
class scratch_buffer {
 public:
  explicit scratch_buffer(std::size_t n)
      : v_(static_cast<T*>(detail::allocate_on_huge_pages(n * sizeof(T)))), n_(n) {}
  [[nodiscard]] T* data() { return v_.get(); }
  [[nodiscard]] const T* data() const { return v_.get(); }
  [[nodiscard]] std::size_t size() const { return n_; }
  T& operator[](std::size_t i) { return v_[i]; }

 private:
  std::unique_ptr<T[], detail::free_deleter> v_;
  std::size_t n_;
};

}  // namespace tconv::check
