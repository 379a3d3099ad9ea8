// Byte offsets for a step's tensors inside one arena buffer: first-fit over freed blocks, so
// intermediates whose last reader has run give their space to later ones.
#pragma once

#include <cstddef>
#include <map>

namespace llmhost::vk {

class ArenaPlan {
 public:
  explicit ArenaPlan(size_t align) : align_(align) {}
  size_t allocate(size_t bytes);
  void release(size_t offset, size_t bytes);
  size_t high_water() const { return end_; }

 private:
  size_t round(size_t v) const { return (v + align_ - 1) / align_ * align_; }
  size_t align_;
  size_t end_ = 0;
  std::map<size_t, size_t> free_; // offset -> bytes
};

inline size_t ArenaPlan::allocate(size_t bytes) {
  bytes = round(bytes == 0 ? 1 : bytes);
  for (auto it = free_.begin(); it != free_.end(); ++it) {
    if (it->second < bytes) continue;
    size_t at = it->first, left = it->second - bytes;
    free_.erase(it);
    if (left) free_.emplace(at + bytes, left);
    return at;
  }
  size_t at = end_;
  end_ += bytes;
  return at;
}

inline void ArenaPlan::release(size_t offset, size_t bytes) {
  bytes = round(bytes == 0 ? 1 : bytes);
  auto [it, inserted] = free_.emplace(offset, bytes);
  if (!inserted) return;
  if (auto next = std::next(it); next != free_.end() && it->first + it->second == next->first) {
    it->second += next->second;
    free_.erase(next);
  }
  if (it != free_.begin()) {
    auto prev = std::prev(it);
    if (prev->first + prev->second == it->first) {
      prev->second += it->second;
      free_.erase(it);
    }
  }
}

} // namespace llmhost::vk
