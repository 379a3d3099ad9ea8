// Host <-> device copies through a staging buffer, one at a time (serialised by a mutex).
#pragma once

#include <functional>
#include <mutex>

#include "allocation.hpp"
#include "llmhost/status.hpp"

namespace llmhost::vk {

class VulkanDevice;

class Transfer {
 public:
  explicit Transfer(VulkanDevice& device) : device_(device) {}
  ~Transfer();
  Transfer(const Transfer&) = delete;
  Transfer& operator=(const Transfer&) = delete;

  Status upload(VkBuffer dst, size_t offset, const void* data, size_t bytes);
  Status download(VkBuffer src, size_t offset, void* data, size_t bytes);
  Status fill_zero(VkBuffer dst, size_t bytes);

 private:
  Status prepare();
  Status run(const std::function<void(VkCommandBuffer)>& record);

  VulkanDevice& device_;
  std::mutex mutex_;
  VkCommandPool pool_ = VK_NULL_HANDLE;
  VkCommandBuffer cmd_ = VK_NULL_HANDLE;
  VkFence fence_ = VK_NULL_HANDLE;
  Allocation staging_;
};

} // namespace llmhost::vk
