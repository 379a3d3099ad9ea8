#include "transfer.hpp"

#include <algorithm>
#include <cstring>

#include "device.hpp"

namespace llmhost::vk {
namespace {
constexpr size_t kStagingBytes = 16u << 20; // copies larger than this go in pieces
}

Transfer::~Transfer() {
  VkDevice d = device_.handle();
  if (fence_ != VK_NULL_HANDLE) vkDestroyFence(d, fence_, nullptr);
  if (pool_ != VK_NULL_HANDLE) vkDestroyCommandPool(d, pool_, nullptr);
}

Status Transfer::prepare() {
  VkDevice d = device_.handle();
  if (pool_ == VK_NULL_HANDLE) {
    auto pi = vk_struct<VkCommandPoolCreateInfo>(VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO);
    pi.flags = VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT;
    pi.queueFamilyIndex = device_.queue_family();
    if (VkResult r = vkCreateCommandPool(d, &pi, nullptr, &pool_); r != VK_SUCCESS) return vk_error("vkCreateCommandPool", r);
    auto ai = vk_struct<VkCommandBufferAllocateInfo>(VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO);
    ai.commandPool = pool_;
    ai.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
    ai.commandBufferCount = 1;
    if (VkResult r = vkAllocateCommandBuffers(d, &ai, &cmd_); r != VK_SUCCESS) return vk_error("vkAllocateCommandBuffers", r);
    auto fi = vk_struct<VkFenceCreateInfo>(VK_STRUCTURE_TYPE_FENCE_CREATE_INFO);
    if (VkResult r = vkCreateFence(d, &fi, nullptr, &fence_); r != VK_SUCCESS) return vk_error("vkCreateFence", r);
  }
  if (!staging_) {
    auto s = device_.create_staging_buffer(kStagingBytes);
    if (!s) return s.status();
    staging_ = std::move(s.value());
  }
  return Status::success();
}

Status Transfer::run(const std::function<void(VkCommandBuffer)>& record) {
  vkResetCommandBuffer(cmd_, 0);
  auto bi = vk_struct<VkCommandBufferBeginInfo>(VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO);
  bi.flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT;
  if (VkResult r = vkBeginCommandBuffer(cmd_, &bi); r != VK_SUCCESS) return vk_error("vkBeginCommandBuffer", r);
  // Earlier compute work may still be writing what we copy (or reading what we overwrite).
  auto mb = vk_struct<VkMemoryBarrier>(VK_STRUCTURE_TYPE_MEMORY_BARRIER);
  mb.srcAccessMask = VK_ACCESS_SHADER_WRITE_BIT | VK_ACCESS_TRANSFER_WRITE_BIT;
  mb.dstAccessMask = VK_ACCESS_TRANSFER_READ_BIT | VK_ACCESS_TRANSFER_WRITE_BIT;
  vkCmdPipelineBarrier(cmd_, VK_PIPELINE_STAGE_ALL_COMMANDS_BIT, VK_PIPELINE_STAGE_TRANSFER_BIT, 0, 1, &mb, 0,
                       nullptr, 0, nullptr);
  record(cmd_);
  mb.srcAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT;
  mb.dstAccessMask = VK_ACCESS_HOST_READ_BIT | VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT;
  vkCmdPipelineBarrier(cmd_, VK_PIPELINE_STAGE_TRANSFER_BIT,
                       VK_PIPELINE_STAGE_HOST_BIT | VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, 0, 1, &mb, 0, nullptr,
                       0, nullptr);
  if (VkResult r = vkEndCommandBuffer(cmd_); r != VK_SUCCESS) return vk_error("vkEndCommandBuffer", r);
  return device_.submit_and_wait(cmd_, fence_);
}

Status Transfer::upload(VkBuffer dst, size_t offset, const void* data, size_t bytes) {
  std::lock_guard lock(mutex_);
  if (Status s = prepare(); !s) return s;
  const auto* src = static_cast<const std::byte*>(data);
  for (size_t done = 0; done < bytes;) {
    size_t n = std::min(bytes - done, staging_.size());
    std::memcpy(staging_.mapped(), src + done, n);
    VkBufferCopy region{0, offset + done, n};
    if (Status s = run([&](VkCommandBuffer c) { vkCmdCopyBuffer(c, staging_.buffer(), dst, 1, &region); }); !s) return s;
    done += n;
  }
  return Status::success();
}

Status Transfer::download(VkBuffer src, size_t offset, void* data, size_t bytes) {
  std::lock_guard lock(mutex_);
  if (Status s = prepare(); !s) return s;
  auto* dst = static_cast<std::byte*>(data);
  for (size_t done = 0; done < bytes;) {
    size_t n = std::min(bytes - done, staging_.size());
    VkBufferCopy region{offset + done, 0, n};
    if (Status s = run([&](VkCommandBuffer c) { vkCmdCopyBuffer(c, src, staging_.buffer(), 1, &region); }); !s) return s;
    std::memcpy(dst + done, staging_.mapped(), n);
    done += n;
  }
  return Status::success();
}

Status Transfer::fill_zero(VkBuffer dst, size_t bytes) {
  std::lock_guard lock(mutex_);
  if (Status s = prepare(); !s) return s;
  return run([&](VkCommandBuffer c) { vkCmdFillBuffer(c, dst, 0, bytes & ~size_t{3}, 0); });
}

} // namespace llmhost::vk
