// One Vulkan physical device opened as an llmhost::Device: logical device, one compute queue,
// memory-type choice, lazily built pipelines and a staging path for buffer reads and writes.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "allocation.hpp"
#include "llmhost/backend.hpp"
#include "loader.hpp"

namespace llmhost::vk {

class Instance;
class Pipelines;
class Transfer;

struct DeviceCaps {
  bool fp16 = false;          // shaderFloat16
  bool int8_storage = false;  // storageBuffer8BitAccess
  bool int16_storage = false; // storageBuffer16BitAccess
  bool subgroup_arithmetic = false;
  uint32_t subgroup_size = 0;
  uint64_t max_storage_range = 0;    // bytes one storage-buffer binding may span
  uint64_t storage_align = 16;       // minStorageBufferOffsetAlignment (at least 16)
  uint32_t max_group_count_x = 65535;
  bool direct_mat_mat = false; // mul_mat always uses the register-blocked kernel (CPU devices)
};

// Choices from the plugin options.
struct DeviceOptions {
  uint64_t max_binding_bytes = 0; // cap on one weight chunk (0 = the device limit)
  bool subgroups = true;          // false: use the shared-memory reductions even where subgroups work
  // mul_mat kernels: "gpu" (matrix-vector below 8 columns, shared-memory tiles above), "cpu"
  // (register-blocked for every size), or "" = by device type (CPU-type devices: "cpu").
  std::string matmul_kernels;
};

class VulkanDevice final : public Device {
 public:
  static Result<std::unique_ptr<VulkanDevice>> open(Instance& instance, VkPhysicalDevice physical,
                                                    const DeviceOptions& options);
  ~VulkanDevice() override;

  DeviceInfo info() const override;
  bool supports(OpKind kind, TensorType weight_type) const override;
  Result<std::unique_ptr<Buffer>> allocate(size_t bytes, BufferUsage usage) override;
  Result<std::unique_ptr<Buffer>> upload_weight(const TensorDesc& desc, std::span<const std::byte> data) override;
  Result<std::unique_ptr<ExecutionContext>> create_context() override;

  // For the backend's own parts.
  VkDevice handle() const { return device_; }
  const DeviceCaps& caps() const { return caps_; }
  uint64_t max_binding_bytes() const { return max_binding_bytes_; }
  Pipelines& pipelines() { return *pipelines_; }
  Transfer& transfer() { return *transfer_; }
  uint32_t queue_family() const { return queue_family_; }
  // A device-local storage buffer (also a copy source and destination).
  Result<Allocation> create_device_buffer(size_t bytes);
  // A host-visible, mapped buffer for staging.
  Result<Allocation> create_staging_buffer(size_t bytes);
  // Submits one command buffer on the queue and waits for `fence`.
  Status submit_and_wait(VkCommandBuffer cmd, VkFence fence);

 private:
  VulkanDevice() = default;
  Result<Allocation> create_buffer(size_t bytes, VkBufferUsageFlags usage, bool host_visible);
  void describe(const VkPhysicalDeviceProperties& props);

  Instance* instance_ = nullptr;
  VkPhysicalDevice physical_ = VK_NULL_HANDLE;
  VkDevice device_ = VK_NULL_HANDLE;
  VkQueue queue_ = VK_NULL_HANDLE;
  uint32_t queue_family_ = 0;
  std::mutex queue_mutex_;
  VkPhysicalDeviceMemoryProperties memory_{};
  bool memory_budget_ = false; // VK_EXT_memory_budget: live free-memory numbers
  DeviceCaps caps_;
  uint64_t max_binding_bytes_ = 0;
  DeviceInfo info_;
  std::unique_ptr<Pipelines> pipelines_;
  std::unique_ptr<Transfer> transfer_;
};

} // namespace llmhost::vk
