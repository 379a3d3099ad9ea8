// A VkBuffer with its own memory, destroyed with it. Host-visible allocations stay mapped.
#pragma once

#include <cstddef>
#include <utility>

#include "loader.hpp"

namespace llmhost::vk {

class Allocation {
 public:
  Allocation() = default;
  Allocation(VkDevice device, VkBuffer buffer, VkDeviceMemory memory, size_t size, void* mapped)
      : device_(device), buffer_(buffer), memory_(memory), size_(size), mapped_(mapped) {}
  Allocation(Allocation&& o) noexcept { *this = std::move(o); }
  Allocation& operator=(Allocation&& o) noexcept {
    if (this != &o) {
      reset();
      device_ = std::exchange(o.device_, VK_NULL_HANDLE);
      buffer_ = std::exchange(o.buffer_, VK_NULL_HANDLE);
      memory_ = std::exchange(o.memory_, VK_NULL_HANDLE);
      size_ = std::exchange(o.size_, 0);
      mapped_ = std::exchange(o.mapped_, nullptr);
    }
    return *this;
  }
  Allocation(const Allocation&) = delete;
  Allocation& operator=(const Allocation&) = delete;
  ~Allocation() { reset(); }

  void reset() {
    if (device_ == VK_NULL_HANDLE) return;
    if (mapped_) vkUnmapMemory(device_, memory_);
    if (buffer_ != VK_NULL_HANDLE) vkDestroyBuffer(device_, buffer_, nullptr);
    if (memory_ != VK_NULL_HANDLE) vkFreeMemory(device_, memory_, nullptr);
    device_ = VK_NULL_HANDLE;
    buffer_ = VK_NULL_HANDLE;
    memory_ = VK_NULL_HANDLE;
    size_ = 0;
    mapped_ = nullptr;
  }

  VkBuffer buffer() const { return buffer_; }
  size_t size() const { return size_; }
  void* mapped() const { return mapped_; }
  explicit operator bool() const { return buffer_ != VK_NULL_HANDLE; }

 private:
  VkDevice device_ = VK_NULL_HANDLE;
  VkBuffer buffer_ = VK_NULL_HANDLE;
  VkDeviceMemory memory_ = VK_NULL_HANDLE;
  size_t size_ = 0;
  void* mapped_ = nullptr;
};

} // namespace llmhost::vk
