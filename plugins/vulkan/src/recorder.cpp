#include "recorder.hpp"

namespace llmhost::vk {

bool Recorder::overlaps(const std::vector<Range>& set, const Range& r) {
  for (const auto& s : set) {
    if (s.buffer == r.buffer && s.begin < r.end && r.begin < s.end) return true;
  }
  return false;
}

void Recorder::full_barrier() {
  auto mb = vk_struct<VkMemoryBarrier>(VK_STRUCTURE_TYPE_MEMORY_BARRIER);
  mb.srcAccessMask = VK_ACCESS_SHADER_WRITE_BIT | VK_ACCESS_TRANSFER_WRITE_BIT;
  mb.dstAccessMask = VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT | VK_ACCESS_TRANSFER_READ_BIT |
                     VK_ACCESS_TRANSFER_WRITE_BIT;
  vkCmdPipelineBarrier(cmd_, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT | VK_PIPELINE_STAGE_TRANSFER_BIT,
                       VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT | VK_PIPELINE_STAGE_TRANSFER_BIT, 0, 1, &mb, 0, nullptr,
                       0, nullptr);
  written_.clear();
  read_.clear();
}

Status Recorder::dispatch(std::string_view shader, std::array<Binding, kBindings> bindings, PushParams params,
                          uint32_t groups, uint32_t written) {
  if (groups == 0) return Status::success();
  auto pipeline = device_.pipelines().get(shader);
  if (!pipeline) return pipeline.status();
  const DeviceCaps& caps = device_.caps();

  std::array<VkDescriptorBufferInfo, kBindings> infos{};
  std::vector<Range> reads, writes;
  for (uint32_t i = 0; i < kBindings; ++i) {
    Binding b = bindings[i].buffer != VK_NULL_HANDLE ? bindings[i] : dummy_;
    size_t base = b.offset / caps.storage_align * caps.storage_align;
    size_t range = (b.offset - base + b.bytes + 3) / 4 * 4;
    range = std::min(range, b.buffer_size - base);
    if (range == 0) range = std::min<size_t>(4, b.buffer_size - base);
    if (range > caps.max_storage_range) {
      return Status::error(ErrorCode::unsupported, std::string(shader) + ": a tensor of " + std::to_string(b.bytes) +
                                                       " bytes exceeds the device's storage binding limit");
    }
    infos[i] = VkDescriptorBufferInfo{b.buffer, base, range};
    params.o[i] = static_cast<uint32_t>(b.offset - base);
    if (bindings[i].buffer == VK_NULL_HANDLE) continue;
    Range r{b.buffer, b.offset, b.offset + b.bytes};
    ((written >> i) & 1u ? writes : reads).push_back(r);
  }
  bool hazard = false;
  for (const auto& r : reads) hazard = hazard || overlaps(written_, r);
  for (const auto& w : writes) hazard = hazard || overlaps(written_, w) || overlaps(read_, w);
  if (hazard) full_barrier();
  written_.insert(written_.end(), writes.begin(), writes.end());
  read_.insert(read_.end(), reads.begin(), reads.end());

  VkDescriptorSetLayout layout = device_.pipelines().set_layout();
  auto ai = vk_struct<VkDescriptorSetAllocateInfo>(VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO);
  ai.descriptorPool = pool_;
  ai.descriptorSetCount = 1;
  ai.pSetLayouts = &layout;
  VkDescriptorSet set = VK_NULL_HANDLE;
  if (VkResult r = vkAllocateDescriptorSets(device_.handle(), &ai, &set); r != VK_SUCCESS) {
    return vk_error("vkAllocateDescriptorSets", r);
  }
  std::array<VkWriteDescriptorSet, kBindings> writes_ds{};
  for (uint32_t i = 0; i < kBindings; ++i) {
    writes_ds[i] = vk_struct<VkWriteDescriptorSet>(VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET);
    writes_ds[i].dstSet = set;
    writes_ds[i].dstBinding = i;
    writes_ds[i].descriptorCount = 1;
    writes_ds[i].descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER;
    writes_ds[i].pBufferInfo = &infos[i];
  }
  vkUpdateDescriptorSets(device_.handle(), kBindings, writes_ds.data(), 0, nullptr);

  uint32_t gx = std::min(groups, caps.max_group_count_x);
  uint32_t gy = (groups + gx - 1) / gx;
  if (gy > 65535) return Status::error(ErrorCode::unsupported, std::string(shader) + ": dispatch too large");
  params.groups = groups;
  vkCmdBindPipeline(cmd_, VK_PIPELINE_BIND_POINT_COMPUTE, *pipeline);
  vkCmdBindDescriptorSets(cmd_, VK_PIPELINE_BIND_POINT_COMPUTE, device_.pipelines().layout(), 0, 1, &set, 0, nullptr);
  vkCmdPushConstants(cmd_, device_.pipelines().layout(), VK_SHADER_STAGE_COMPUTE_BIT, 0, sizeof(PushParams), &params);
  vkCmdDispatch(cmd_, gx, gy, 1);
  ++dispatches_;
  return Status::success();
}

} // namespace llmhost::vk
