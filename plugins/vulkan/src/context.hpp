// One stream of work: plans where a step's tensors live in a reusable device arena, records the
// whole graph into one command buffer (input upload, dispatches, output copy-back), submits once
// and waits on a fence.
#pragma once

#include <map>
#include <memory>
#include <vector>

#include "allocation.hpp"
#include "llmhost/backend.hpp"
#include "op_dispatch.hpp"

namespace llmhost::vk {

class VulkanDevice;

class VulkanContext final : public ExecutionContext {
 public:
  static Result<std::unique_ptr<VulkanContext>> create(VulkanDevice& device);
  ~VulkanContext() override;

  Status compute(const Graph& graph) override;
  Status read_output(const Graph& graph, TensorId id, void* dst, size_t bytes) override;

 private:
  explicit VulkanContext(VulkanDevice& device) : device_(device) {}
  struct Upload {
    TensorId id;
    size_t staging_offset;
  };
  Status plan(const Graph& graph, std::vector<Upload>& uploads, size_t& arena_bytes);
  Status ensure(Allocation& a, size_t bytes, bool host_visible);
  Status ensure_descriptor_pool(uint32_t sets);
  Status record_and_run(const Graph& graph, const std::vector<Upload>& uploads);

  VulkanDevice& device_;
  VkCommandPool cmd_pool_ = VK_NULL_HANDLE;
  VkCommandBuffer cmd_ = VK_NULL_HANDLE;
  VkFence fence_ = VK_NULL_HANDLE;
  VkDescriptorPool desc_pool_ = VK_NULL_HANDLE;
  uint32_t desc_pool_sets_ = 0;
  Allocation arena_, upload_staging_, readback_, dummy_;
  std::vector<TensorLoc> locs_;
  std::vector<size_t> arena_offset_;  // per tensor; SIZE_MAX when not in the arena
  std::map<TensorId, size_t> outputs_; // offsets of the last compute's outputs in readback_
};

} // namespace llmhost::vk
