#include "context.hpp"

#include <cstring>

#include "arena_plan.hpp"
#include "buffer.hpp"
#include "device.hpp"
#include "recorder.hpp"

namespace llmhost::vk {
namespace {
constexpr size_t kNotInArena = SIZE_MAX;
size_t round_up(size_t v, size_t a) { return (v + a - 1) / a * a; }
} // namespace

Result<std::unique_ptr<VulkanContext>> VulkanContext::create(VulkanDevice& device) {
  std::unique_ptr<VulkanContext> self(new VulkanContext(device));
  VkDevice d = device.handle();
  auto pi = vk_struct<VkCommandPoolCreateInfo>(VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO);
  pi.flags = VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT;
  pi.queueFamilyIndex = device.queue_family();
  if (VkResult r = vkCreateCommandPool(d, &pi, nullptr, &self->cmd_pool_); r != VK_SUCCESS) return vk_error("vkCreateCommandPool", r);
  auto ai = vk_struct<VkCommandBufferAllocateInfo>(VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO);
  ai.commandPool = self->cmd_pool_;
  ai.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
  ai.commandBufferCount = 1;
  if (VkResult r = vkAllocateCommandBuffers(d, &ai, &self->cmd_); r != VK_SUCCESS) return vk_error("vkAllocateCommandBuffers", r);
  auto fi = vk_struct<VkFenceCreateInfo>(VK_STRUCTURE_TYPE_FENCE_CREATE_INFO);
  if (VkResult r = vkCreateFence(d, &fi, nullptr, &self->fence_); r != VK_SUCCESS) return vk_error("vkCreateFence", r);
  if (Status s = self->ensure(self->dummy_, 16, false); !s) return s;
  return self;
}

VulkanContext::~VulkanContext() {
  VkDevice d = device_.handle();
  if (desc_pool_ != VK_NULL_HANDLE) vkDestroyDescriptorPool(d, desc_pool_, nullptr);
  if (fence_ != VK_NULL_HANDLE) vkDestroyFence(d, fence_, nullptr);
  if (cmd_pool_ != VK_NULL_HANDLE) vkDestroyCommandPool(d, cmd_pool_, nullptr);
}

Status VulkanContext::ensure(Allocation& a, size_t bytes, bool host_visible) {
  if (a && a.size() >= bytes) return Status::success();
  a.reset();
  // Grow with headroom so steps of slowly rising size do not reallocate every time.
  size_t want = round_up(std::max<size_t>(bytes + bytes / 4, 4096), 4096);
  auto alloc = host_visible ? device_.create_staging_buffer(want) : device_.create_device_buffer(want);
  if (!alloc) return alloc.status();
  a = std::move(alloc.value());
  return Status::success();
}

Status VulkanContext::ensure_descriptor_pool(uint32_t sets) {
  VkDevice d = device_.handle();
  if (desc_pool_ != VK_NULL_HANDLE && desc_pool_sets_ >= sets) {
    vkResetDescriptorPool(d, desc_pool_, 0);
    return Status::success();
  }
  if (desc_pool_ != VK_NULL_HANDLE) vkDestroyDescriptorPool(d, desc_pool_, nullptr);
  desc_pool_ = VK_NULL_HANDLE;
  uint32_t cap = std::max<uint32_t>(64, sets + sets / 2);
  VkDescriptorPoolSize size{VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, cap * kBindings};
  auto ci = vk_struct<VkDescriptorPoolCreateInfo>(VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO);
  ci.maxSets = cap;
  ci.poolSizeCount = 1;
  ci.pPoolSizes = &size;
  if (VkResult r = vkCreateDescriptorPool(d, &ci, nullptr, &desc_pool_); r != VK_SUCCESS) return vk_error("vkCreateDescriptorPool", r);
  desc_pool_sets_ = cap;
  return Status::success();
}

Status VulkanContext::plan(const Graph& graph, std::vector<Upload>& uploads, size_t& arena_bytes) {
  const auto& tensors = graph.tensors();
  const auto& ops = graph.ops();
  const size_t align = device_.caps().storage_align;
  locs_.assign(tensors.size(), TensorLoc{});
  arena_offset_.assign(tensors.size(), kNotInArena);

  // Reshape results share their source's memory: follow aliases to the owning tensor.
  std::vector<TensorId> root(tensors.size());
  for (size_t i = 0; i < tensors.size(); ++i) root[i] = static_cast<TensorId>(i);
  std::vector<bool> produced(tensors.size(), false);
  for (const auto& op : ops) {
    if (op.dst >= 0 && static_cast<size_t>(op.dst) < tensors.size()) {
      produced[op.dst] = true;
      if (op.op == OpKind::reshape && op.src[0] >= 0 && static_cast<size_t>(op.src[0]) < tensors.size()) {
        root[op.dst] = root[op.src[0]];
      }
    }
  }
  // Last op reading each owning tensor (outputs live to the end).
  std::vector<size_t> last_use(tensors.size(), 0);
  for (size_t i = 0; i < ops.size(); ++i) {
    for (TensorId s : ops[i].src) {
      if (s >= 0 && static_cast<size_t>(s) < tensors.size()) last_use[root[s]] = i;
    }
  }
  for (size_t i = 0; i < tensors.size(); ++i) {
    if (tensors[i].output) last_use[root[i]] = SIZE_MAX;
  }

  ArenaPlan arena(align);
  size_t staging = 0;
  for (size_t i = 0; i < tensors.size(); ++i) {
    const GraphTensor& t = tensors[i];
    size_t bytes = t.desc.bytes();
    if (t.role == TensorRole::bound) {
      auto* buf = dynamic_cast<DeviceBuffer*>(t.buffer);
      if (!buf || &buf->device() != &device_) {
        return Status::error(ErrorCode::invalid_request, "tensor '" + t.name + "' is bound to a buffer of another device");
      }
      if (buf->chunks().size() > 1) {
        if (t.offset != 0 || !buf->weight() || buf->weight()->bytes() != bytes) {
          return Status::error(ErrorCode::invalid_request, "tensor '" + t.name + "' must bind a split weight whole");
        }
        locs_[i].split = buf;
        continue;
      }
      if (t.offset % 4 != 0) {
        return Status::error(ErrorCode::invalid_request, "tensor '" + t.name + "' must start at a 4-byte aligned offset");
      }
      if (t.offset > buf->size() || bytes > buf->size() - t.offset) {
        return Status::error(ErrorCode::invalid_request, "tensor '" + t.name + "' runs past the end of its buffer");
      }
      const auto& c = buf->chunks().front();
      locs_[i].bind = Binding{c.memory.buffer(), c.memory.size(), t.offset, bytes};
    } else if (t.role == TensorRole::input) {
      if (t.data.size() != bytes) {
        return Status::error(ErrorCode::invalid_request, "input '" + t.name + "' holds " + std::to_string(t.data.size()) +
                                                             " bytes, its shape needs " + std::to_string(bytes));
      }
      arena_offset_[i] = arena.allocate(bytes);
      uploads.push_back({static_cast<TensorId>(i), staging});
      staging += round_up(bytes, 16);
    }
  }

  for (size_t k = 0; k < ops.size(); ++k) {
    const OpNode& op = ops[k];
    if (op.dst >= 0 && static_cast<size_t>(op.dst) < tensors.size() && root[op.dst] == op.dst) {
      if (tensors[op.dst].role != TensorRole::intermediate) {
        return Status::error(ErrorCode::invalid_request, std::string(op_name(op.op)) + " writes a non-intermediate tensor");
      }
      if (arena_offset_[op.dst] == kNotInArena) arena_offset_[op.dst] = arena.allocate(tensors[op.dst].desc.bytes());
    }
    // Space of tensors read for the last time here returns to the arena after this op.
    for (TensorId s : op.src) {
      if (s < 0 || static_cast<size_t>(s) >= tensors.size()) continue;
      TensorId r = root[s];
      if (last_use[r] == k && tensors[r].role == TensorRole::intermediate && arena_offset_[r] != kNotInArena) {
        arena.release(arena_offset_[r], tensors[r].desc.bytes());
        last_use[r] = SIZE_MAX - 1; // released once
      }
    }
  }
  for (size_t i = 0; i < tensors.size(); ++i) {
    if (tensors[i].role == TensorRole::intermediate && !produced[i]) {
      return Status::error(ErrorCode::invalid_request, "tensor '" + tensors[i].name + "' is never produced");
    }
  }
  arena_bytes = arena.high_water();
  if (Status s = ensure(arena_, std::max<size_t>(arena_bytes, 16), false); !s) return s;
  if (Status s = ensure(upload_staging_, std::max<size_t>(staging, 16), true); !s) return s;
  for (size_t i = 0; i < tensors.size(); ++i) {
    if (arena_offset_[i] != kNotInArena) {
      locs_[i].bind = Binding{arena_.buffer(), arena_.size(), arena_offset_[i], tensors[i].desc.bytes()};
    }
  }
  for (size_t i = 0; i < tensors.size(); ++i) {
    if (root[i] != static_cast<TensorId>(i)) locs_[i] = locs_[root[i]];
  }
  for (const auto& u : uploads) {
    const auto& data = tensors[u.id].data;
    std::memcpy(static_cast<std::byte*>(upload_staging_.mapped()) + u.staging_offset, data.data(), data.size());
  }
  return Status::success();
}

Status VulkanContext::compute(const Graph& graph) {
  outputs_.clear();
  std::vector<Upload> uploads;
  size_t arena_bytes = 0;
  if (Status s = plan(graph, uploads, arena_bytes); !s) return s;
  return record_and_run(graph, uploads);
}

Status VulkanContext::record_and_run(const Graph& graph, const std::vector<Upload>& uploads) {
  const auto& tensors = graph.tensors();
  uint32_t sets = 0;
  for (const auto& op : graph.ops()) sets += op_dispatch_count(graph, op, locs_);
  if (Status s = ensure_descriptor_pool(sets); !s) return s;

  size_t readback_bytes = 0;
  std::vector<std::pair<TensorId, size_t>> outs;
  for (size_t i = 0; i < tensors.size(); ++i) {
    if (!tensors[i].output) continue;
    if (locs_[i].split) return Status::error(ErrorCode::invalid_request, "a split weight cannot be an output");
    outs.emplace_back(static_cast<TensorId>(i), readback_bytes);
    readback_bytes += round_up(tensors[i].desc.bytes(), 16);
  }
  if (Status s = ensure(readback_, std::max<size_t>(readback_bytes, 16), true); !s) return s;

  vkResetCommandBuffer(cmd_, 0);
  auto bi = vk_struct<VkCommandBufferBeginInfo>(VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO);
  bi.flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT;
  if (VkResult r = vkBeginCommandBuffer(cmd_, &bi); r != VK_SUCCESS) return vk_error("vkBeginCommandBuffer", r);

  Recorder rec(device_, cmd_, desc_pool_, Binding{dummy_.buffer(), dummy_.size(), 0, 16});
  if (!uploads.empty()) {
    std::vector<VkBufferCopy> regions;
    for (const auto& u : uploads) {
      size_t bytes = tensors[u.id].desc.bytes();
      if (bytes) regions.push_back({u.staging_offset, arena_offset_[u.id], bytes});
    }
    if (!regions.empty()) {
      vkCmdCopyBuffer(cmd_, upload_staging_.buffer(), arena_.buffer(), static_cast<uint32_t>(regions.size()), regions.data());
    }
  }
  rec.full_barrier(); // inputs, and earlier writes to bound buffers, before the first dispatch
  Status status;
  for (const auto& op : graph.ops()) {
    status = record_op(rec, device_, graph, op, locs_);
    if (!status) break;
  }
  rec.full_barrier();
  for (const auto& [id, at] : outs) {
    const Binding& b = locs_[id].bind;
    VkBufferCopy region{b.offset, at, tensors[id].desc.bytes()};
    if (region.size) vkCmdCopyBuffer(cmd_, b.buffer, readback_.buffer(), 1, &region);
  }
  auto mb = vk_struct<VkMemoryBarrier>(VK_STRUCTURE_TYPE_MEMORY_BARRIER);
  mb.srcAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT;
  mb.dstAccessMask = VK_ACCESS_HOST_READ_BIT;
  vkCmdPipelineBarrier(cmd_, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_PIPELINE_STAGE_HOST_BIT, 0, 1, &mb, 0, nullptr, 0, nullptr);
  if (VkResult r = vkEndCommandBuffer(cmd_); r != VK_SUCCESS) return vk_error("vkEndCommandBuffer", r);
  if (!status) return status; // recorded but never submitted
  if (Status s = device_.submit_and_wait(cmd_, fence_); !s) return s;
  for (const auto& [id, at] : outs) outputs_[id] = at;
  return Status::success();
}

Status VulkanContext::read_output(const Graph& graph, TensorId id, void* dst, size_t bytes) {
  auto it = outputs_.find(id);
  if (it == outputs_.end()) {
    return Status::error(ErrorCode::invalid_request, "tensor " + std::to_string(id) + " is not an output of the last compute");
  }
  size_t have = graph.tensor(id).desc.bytes();
  if (bytes > have) {
    return Status::error(ErrorCode::invalid_request, "asked for " + std::to_string(bytes) + " bytes of a " +
                                                         std::to_string(have) + "-byte output");
  }
  std::memcpy(dst, static_cast<const std::byte*>(readback_.mapped()) + it->second, bytes);
  return Status::success();
}

} // namespace llmhost::vk
