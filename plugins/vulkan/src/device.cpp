#include "device.hpp"

#include <algorithm>
#include <cstring>
#include <vector>

#include "buffer.hpp"
#include "context.hpp"
#include "instance.hpp"
#include "pipelines.hpp"
#include "transfer.hpp"
#include "weight_types.hpp"

namespace llmhost::vk {
namespace {

bool has_extension(const std::vector<VkExtensionProperties>& exts, const char* name) {
  return std::any_of(exts.begin(), exts.end(), [&](const auto& e) { return std::strcmp(e.extensionName, name) == 0; });
}

DeviceType device_type(VkPhysicalDeviceType t) {
  switch (t) {
    case VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU: return DeviceType::gpu_discrete;
    case VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU: return DeviceType::gpu_integrated;
    case VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU: return DeviceType::gpu_virtual;
    case VK_PHYSICAL_DEVICE_TYPE_CPU: return DeviceType::cpu;
    default: return DeviceType::other;
  }
}

size_t round_up(size_t v, size_t a) { return (v + a - 1) / a * a; }

} // namespace

Result<std::unique_ptr<VulkanDevice>> VulkanDevice::open(Instance& instance, VkPhysicalDevice physical,
                                                         const DeviceOptions& options) {
  const uint64_t max_binding_bytes = options.max_binding_bytes;
  std::unique_ptr<VulkanDevice> self(new VulkanDevice());
  self->instance_ = &instance;
  self->physical_ = physical;

  auto subgroup = vk_struct<VkPhysicalDeviceSubgroupProperties>(VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SUBGROUP_PROPERTIES);
  auto props2 = vk_struct<VkPhysicalDeviceProperties2>(VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2);
  props2.pNext = &subgroup;
  vkGetPhysicalDeviceProperties2(physical, &props2);
  const VkPhysicalDeviceProperties& props = props2.properties;
  if (props.apiVersion < VK_API_VERSION_1_1) {
    return Status::error(ErrorCode::unsupported, std::string(props.deviceName) + " supports only Vulkan 1.0");
  }

  uint32_t ext_count = 0;
  vkEnumerateDeviceExtensionProperties(physical, nullptr, &ext_count, nullptr);
  std::vector<VkExtensionProperties> exts(ext_count);
  vkEnumerateDeviceExtensionProperties(physical, nullptr, &ext_count, exts.data());

  // Optional storage/arithmetic features: queried, then enabled exactly as supported.
  bool core12 = props.apiVersion >= VK_API_VERSION_1_2;
  std::vector<const char*> enable_exts;
  auto f16s = vk_struct<VkPhysicalDevice16BitStorageFeatures>(VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_16BIT_STORAGE_FEATURES);
  auto f8s = vk_struct<VkPhysicalDevice8BitStorageFeatures>(VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_8BIT_STORAGE_FEATURES);
  auto f16a = vk_struct<VkPhysicalDeviceShaderFloat16Int8Features>(VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SHADER_FLOAT16_INT8_FEATURES);
  auto feats = vk_struct<VkPhysicalDeviceFeatures2>(VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2);
  void** tail = &feats.pNext;
  *tail = &f16s;
  tail = &f16s.pNext;
  if (core12 || has_extension(exts, VK_KHR_8BIT_STORAGE_EXTENSION_NAME)) {
    if (!core12) enable_exts.push_back(VK_KHR_8BIT_STORAGE_EXTENSION_NAME);
    *tail = &f8s;
    tail = &f8s.pNext;
  }
  if (core12 || has_extension(exts, VK_KHR_SHADER_FLOAT16_INT8_EXTENSION_NAME)) {
    if (!core12) enable_exts.push_back(VK_KHR_SHADER_FLOAT16_INT8_EXTENSION_NAME);
    *tail = &f16a;
    tail = &f16a.pNext;
  }
  if (has_extension(exts, VK_EXT_MEMORY_BUDGET_EXTENSION_NAME)) {
    enable_exts.push_back(VK_EXT_MEMORY_BUDGET_EXTENSION_NAME);
    self->memory_budget_ = true;
  }
  vkGetPhysicalDeviceFeatures2(physical, &feats);
  // Only what the shaders may use; robustness and the rest stay off.
  VkPhysicalDeviceFeatures core{};
  core.shaderInt16 = feats.features.shaderInt16;
  feats.features = core;

  DeviceCaps& caps = self->caps_;
  caps.fp16 = f16a.shaderFloat16;
  caps.int8_storage = f8s.storageBuffer8BitAccess;
  caps.int16_storage = f16s.storageBuffer16BitAccess;
  caps.subgroup_size = subgroup.subgroupSize;
  caps.subgroup_arithmetic = options.subgroups && (subgroup.supportedStages & VK_SHADER_STAGE_COMPUTE_BIT) &&
                             (subgroup.supportedOperations & VK_SUBGROUP_FEATURE_ARITHMETIC_BIT) &&
                             (subgroup.supportedOperations & VK_SUBGROUP_FEATURE_BASIC_BIT);
  // On CPU-type devices caches do what shared memory would, and barriers and cross-lane
  // reductions are costly: one kernel without either serves every size (5x faster on lavapipe).
  caps.direct_mat_mat = options.matmul_kernels.empty() ? props.deviceType == VK_PHYSICAL_DEVICE_TYPE_CPU
                                                       : options.matmul_kernels == "cpu";
  caps.max_storage_range = props.limits.maxStorageBufferRange;
  caps.storage_align = std::max<uint64_t>(16, props.limits.minStorageBufferOffsetAlignment);
  caps.max_group_count_x = std::min<uint32_t>(props.limits.maxComputeWorkGroupCount[0], 65535);
  self->max_binding_bytes_ = max_binding_bytes ? std::min<uint64_t>(max_binding_bytes, caps.max_storage_range)
                                               : caps.max_storage_range;
  self->max_binding_bytes_ &= ~uint64_t{15};

  uint32_t family_count = 0;
  vkGetPhysicalDeviceQueueFamilyProperties(physical, &family_count, nullptr);
  std::vector<VkQueueFamilyProperties> families(family_count);
  vkGetPhysicalDeviceQueueFamilyProperties(physical, &family_count, families.data());
  bool found = false;
  for (uint32_t i = 0; i < family_count && !found; ++i) {
    if (families[i].queueFlags & VK_QUEUE_COMPUTE_BIT) {
      self->queue_family_ = i;
      found = true;
    }
  }
  if (!found) return Status::error(ErrorCode::unsupported, std::string(props.deviceName) + " has no compute queue");

  float priority = 1.0f;
  auto qi = vk_struct<VkDeviceQueueCreateInfo>(VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO);
  qi.queueFamilyIndex = self->queue_family_;
  qi.queueCount = 1;
  qi.pQueuePriorities = &priority;
  auto di = vk_struct<VkDeviceCreateInfo>(VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO);
  di.pNext = &feats;
  di.queueCreateInfoCount = 1;
  di.pQueueCreateInfos = &qi;
  di.enabledExtensionCount = static_cast<uint32_t>(enable_exts.size());
  di.ppEnabledExtensionNames = enable_exts.data();
  if (VkResult r = vkCreateDevice(physical, &di, nullptr, &self->device_); r != VK_SUCCESS) {
    return vk_error(std::string("vkCreateDevice ") + props.deviceName, r);
  }
  vkGetDeviceQueue(self->device_, self->queue_family_, 0, &self->queue_);
  vkGetPhysicalDeviceMemoryProperties(physical, &self->memory_);

  self->pipelines_ = std::make_unique<Pipelines>(self->device_);
  if (Status s = self->pipelines_->init(); !s) return s;
  self->transfer_ = std::make_unique<Transfer>(*self);
  self->describe(props);
  return self;
}

VulkanDevice::~VulkanDevice() {
  if (device_ != VK_NULL_HANDLE) vkDeviceWaitIdle(device_);
  transfer_.reset();
  pipelines_.reset();
  if (device_ != VK_NULL_HANDLE) vkDestroyDevice(device_, nullptr);
}

void VulkanDevice::describe(const VkPhysicalDeviceProperties& props) {
  info_.name = props.deviceName;
  info_.type = device_type(props.deviceType);
  info_.description = "Vulkan " + std::to_string(VK_API_VERSION_MAJOR(props.apiVersion)) + "." +
                      std::to_string(VK_API_VERSION_MINOR(props.apiVersion)) + "." +
                      std::to_string(VK_API_VERSION_PATCH(props.apiVersion)) + ", max storage binding " +
                      std::to_string(caps_.max_storage_range >> 20) + " MiB";
  for (uint32_t i = 0; i < memory_.memoryHeapCount; ++i) {
    if (memory_.memoryHeaps[i].flags & VK_MEMORY_HEAP_DEVICE_LOCAL_BIT) info_.memory_total += memory_.memoryHeaps[i].size;
  }
  info_.memory_free = info_.memory_total;
  info_.features.push_back("vulkan");
  if (caps_.fp16) info_.features.push_back("fp16");
  if (caps_.int8_storage) info_.features.push_back("int8_storage");
  if (caps_.int16_storage) info_.features.push_back("int16_storage");
  if (caps_.subgroup_arithmetic) info_.features.push_back("subgroups");
  info_.features.push_back("subgroup_size=" + std::to_string(caps_.subgroup_size));
}

DeviceInfo VulkanDevice::info() const {
  DeviceInfo info = info_;
  if (!memory_budget_) return info;
  auto budget = vk_struct<VkPhysicalDeviceMemoryBudgetPropertiesEXT>(
      VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_MEMORY_BUDGET_PROPERTIES_EXT);
  auto props = vk_struct<VkPhysicalDeviceMemoryProperties2>(VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_MEMORY_PROPERTIES_2);
  props.pNext = &budget;
  vkGetPhysicalDeviceMemoryProperties2(physical_, &props);
  uint64_t free_bytes = 0;
  for (uint32_t i = 0; i < props.memoryProperties.memoryHeapCount; ++i) {
    if (!(props.memoryProperties.memoryHeaps[i].flags & VK_MEMORY_HEAP_DEVICE_LOCAL_BIT)) continue;
    free_bytes += budget.heapBudget[i] > budget.heapUsage[i] ? budget.heapBudget[i] - budget.heapUsage[i] : 0;
  }
  info.memory_free = std::min(free_bytes, info.memory_total);
  return info;
}

bool VulkanDevice::supports(OpKind kind, TensorType weight_type) const {
  switch (kind) {
    case OpKind::get_rows:
    case OpKind::mul_mat: return is_weight_type(weight_type);
    case OpKind::kv_store:
    case OpKind::attention: return weight_type == TensorType::F32 || weight_type == TensorType::F16;
    case OpKind::rms_norm:
    case OpKind::layer_norm:
    case OpKind::add:
    case OpKind::mul:
    case OpKind::scale:
    case OpKind::rope:
    case OpKind::softmax:
    case OpKind::silu:
    case OpKind::gelu:
    case OpKind::swiglu:
    case OpKind::reshape: return weight_type == TensorType::F32;
  }
  return false;
}

Result<Allocation> VulkanDevice::create_buffer(size_t bytes, VkBufferUsageFlags usage, bool host_visible) {
  bytes = round_up(std::max<size_t>(bytes, 16), 16);
  auto bi = vk_struct<VkBufferCreateInfo>(VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO);
  bi.size = bytes;
  bi.usage = usage;
  bi.sharingMode = VK_SHARING_MODE_EXCLUSIVE;
  VkBuffer buffer = VK_NULL_HANDLE;
  if (VkResult r = vkCreateBuffer(device_, &bi, nullptr, &buffer); r != VK_SUCCESS) return vk_error("vkCreateBuffer", r);
  VkMemoryRequirements req{};
  vkGetBufferMemoryRequirements(device_, buffer, &req);

  // Device-local for storage; host-visible + coherent for staging (cached preferred: we read it).
  VkMemoryPropertyFlags want = host_visible ? (VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT)
                                            : VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT;
  int chosen = -1;
  for (int pass = 0; pass < 2 && chosen < 0; ++pass) {
    for (uint32_t i = 0; i < memory_.memoryTypeCount; ++i) {
      VkMemoryPropertyFlags f = memory_.memoryTypes[i].propertyFlags;
      if (!(req.memoryTypeBits & (1u << i)) || (f & want) != want) continue;
      if (pass == 0 && host_visible && !(f & VK_MEMORY_PROPERTY_HOST_CACHED_BIT)) continue;
      chosen = static_cast<int>(i);
      break;
    }
  }
  if (chosen < 0) {
    vkDestroyBuffer(device_, buffer, nullptr);
    return Status::error(ErrorCode::unsupported, "no suitable Vulkan memory type");
  }
  auto ai = vk_struct<VkMemoryAllocateInfo>(VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO);
  ai.allocationSize = req.size;
  ai.memoryTypeIndex = static_cast<uint32_t>(chosen);
  VkDeviceMemory memory = VK_NULL_HANDLE;
  if (VkResult r = vkAllocateMemory(device_, &ai, nullptr, &memory); r != VK_SUCCESS) {
    vkDestroyBuffer(device_, buffer, nullptr);
    return Status::error(ErrorCode::overloaded, "cannot allocate " + std::to_string(bytes) +
                                                    " bytes of Vulkan memory: " + result_name(r));
  }
  void* mapped = nullptr;
  VkResult r = vkBindBufferMemory(device_, buffer, memory, 0);
  if (r == VK_SUCCESS && host_visible) r = vkMapMemory(device_, memory, 0, VK_WHOLE_SIZE, 0, &mapped);
  Allocation alloc(device_, buffer, memory, bytes, mapped); // owns both from here on
  if (r != VK_SUCCESS) return vk_error("binding or mapping Vulkan memory", r);
  return alloc;
}

Result<Allocation> VulkanDevice::create_device_buffer(size_t bytes) {
  return create_buffer(bytes,
                       VK_BUFFER_USAGE_STORAGE_BUFFER_BIT | VK_BUFFER_USAGE_TRANSFER_SRC_BIT |
                           VK_BUFFER_USAGE_TRANSFER_DST_BIT,
                       false);
}

Result<Allocation> VulkanDevice::create_staging_buffer(size_t bytes) {
  return create_buffer(bytes, VK_BUFFER_USAGE_TRANSFER_SRC_BIT | VK_BUFFER_USAGE_TRANSFER_DST_BIT, true);
}

Status VulkanDevice::submit_and_wait(VkCommandBuffer cmd, VkFence fence) {
  auto si = vk_struct<VkSubmitInfo>(VK_STRUCTURE_TYPE_SUBMIT_INFO);
  si.commandBufferCount = 1;
  si.pCommandBuffers = &cmd;
  {
    std::lock_guard lock(queue_mutex_);
    if (VkResult r = vkQueueSubmit(queue_, 1, &si, fence); r != VK_SUCCESS) return vk_error("vkQueueSubmit", r);
  }
  VkResult r = vkWaitForFences(device_, 1, &fence, VK_TRUE, UINT64_MAX);
  vkResetFences(device_, 1, &fence);
  if (r != VK_SUCCESS) return vk_error("vkWaitForFences", r);
  return Status::success();
}

Result<std::unique_ptr<Buffer>> VulkanDevice::allocate(size_t bytes, BufferUsage) {
  auto mem = create_device_buffer(bytes);
  if (!mem) return mem.status();
  if (Status s = transfer_->fill_zero(mem->buffer(), mem->size()); !s) return s;
  std::vector<BufferChunk> chunks(1);
  chunks[0].memory = std::move(mem.value());
  chunks[0].bytes = bytes;
  return std::unique_ptr<Buffer>(std::make_unique<DeviceBuffer>(*this, std::move(chunks), bytes, std::nullopt));
}

Result<std::unique_ptr<Buffer>> VulkanDevice::upload_weight(const TensorDesc& desc, std::span<const std::byte> data) {
  if (!is_weight_type(desc.type)) {
    return Status::error(ErrorCode::unsupported, "Vulkan backend has no kernels for weight type " +
                                                     std::string(type_name(desc.type)));
  }
  size_t total = desc.bytes();
  if (total == 0 || data.size() != total) {
    return Status::error(ErrorCode::invalid_request, "weight data holds " + std::to_string(data.size()) +
                                                         " bytes, its shape needs " + std::to_string(total));
  }
  size_t row = *row_bytes(desc.type, desc.ne[0]);
  int64_t rows = desc.rows();
  // Whole rows per chunk, each chunk within one storage binding.
  int64_t rows_per_chunk = static_cast<int64_t>(max_binding_bytes_ / row);
  if (rows_per_chunk == 0) {
    return Status::error(ErrorCode::unsupported, "one row of this weight (" + std::to_string(row) +
                                                     " bytes) exceeds the device's storage binding limit");
  }
  std::vector<BufferChunk> chunks;
  for (int64_t r0 = 0; r0 < rows; r0 += rows_per_chunk) {
    BufferChunk c;
    c.row_begin = r0;
    c.rows = std::min(rows_per_chunk, rows - r0);
    c.begin = static_cast<size_t>(r0) * row;
    c.bytes = static_cast<size_t>(c.rows) * row;
    auto mem = create_device_buffer(c.bytes);
    if (!mem) return mem.status();
    c.memory = std::move(mem.value());
    if (Status s = transfer_->upload(c.memory.buffer(), 0, data.data() + c.begin, c.bytes); !s) return s;
    chunks.push_back(std::move(c));
  }
  return std::unique_ptr<Buffer>(std::make_unique<DeviceBuffer>(*this, std::move(chunks), total, desc));
}

Result<std::unique_ptr<ExecutionContext>> VulkanDevice::create_context() {
  auto ctx = VulkanContext::create(*this);
  if (!ctx) return ctx.status();
  return std::unique_ptr<ExecutionContext>(std::move(ctx.value()));
}

} // namespace llmhost::vk
