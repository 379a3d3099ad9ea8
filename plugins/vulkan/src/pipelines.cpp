#include "pipelines.hpp"

#include <array>

#include "embedded_shaders.hpp"

namespace llmhost::vk {
namespace {
const EmbeddedShader* find_shader(std::string_view name) {
  for (const auto& s : embedded_shaders()) {
    if (s.name == name) return &s;
  }
  return nullptr;
}
} // namespace

bool Pipelines::has_shader(std::string_view name) { return find_shader(name) != nullptr; }

Pipelines::~Pipelines() {
  for (auto& [name, p] : cache_) vkDestroyPipeline(device_, p, nullptr);
  if (layout_ != VK_NULL_HANDLE) vkDestroyPipelineLayout(device_, layout_, nullptr);
  if (set_layout_ != VK_NULL_HANDLE) vkDestroyDescriptorSetLayout(device_, set_layout_, nullptr);
}

Status Pipelines::init() {
  std::array<VkDescriptorSetLayoutBinding, kBindings> bindings{};
  for (uint32_t i = 0; i < kBindings; ++i) {
    bindings[i].binding = i;
    bindings[i].descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER;
    bindings[i].descriptorCount = 1;
    bindings[i].stageFlags = VK_SHADER_STAGE_COMPUTE_BIT;
  }
  auto si = vk_struct<VkDescriptorSetLayoutCreateInfo>(VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO);
  si.bindingCount = kBindings;
  si.pBindings = bindings.data();
  if (VkResult r = vkCreateDescriptorSetLayout(device_, &si, nullptr, &set_layout_); r != VK_SUCCESS) {
    return vk_error("vkCreateDescriptorSetLayout", r);
  }
  VkPushConstantRange range{VK_SHADER_STAGE_COMPUTE_BIT, 0, sizeof(PushParams)};
  auto li = vk_struct<VkPipelineLayoutCreateInfo>(VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO);
  li.setLayoutCount = 1;
  li.pSetLayouts = &set_layout_;
  li.pushConstantRangeCount = 1;
  li.pPushConstantRanges = &range;
  if (VkResult r = vkCreatePipelineLayout(device_, &li, nullptr, &layout_); r != VK_SUCCESS) {
    return vk_error("vkCreatePipelineLayout", r);
  }
  return Status::success();
}

Result<VkPipeline> Pipelines::get(std::string_view name) {
  std::lock_guard lock(mutex_);
  if (auto it = cache_.find(name); it != cache_.end()) return it->second;
  const EmbeddedShader* shader = find_shader(name);
  if (!shader) return Status::error(ErrorCode::internal, "no shader named " + std::string(name));

  auto mi = vk_struct<VkShaderModuleCreateInfo>(VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO);
  mi.codeSize = shader->size;
  mi.pCode = reinterpret_cast<const uint32_t*>(shader->code);
  VkShaderModule module = VK_NULL_HANDLE;
  if (VkResult r = vkCreateShaderModule(device_, &mi, nullptr, &module); r != VK_SUCCESS) {
    return vk_error("vkCreateShaderModule " + std::string(name), r);
  }
  auto pi = vk_struct<VkComputePipelineCreateInfo>(VK_STRUCTURE_TYPE_COMPUTE_PIPELINE_CREATE_INFO);
  pi.stage.sType = VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO;
  pi.stage.stage = VK_SHADER_STAGE_COMPUTE_BIT;
  pi.stage.module = module;
  pi.stage.pName = "main";
  pi.layout = layout_;
  VkPipeline pipeline = VK_NULL_HANDLE;
  VkResult r = vkCreateComputePipelines(device_, VK_NULL_HANDLE, 1, &pi, nullptr, &pipeline);
  vkDestroyShaderModule(device_, module, nullptr);
  if (r != VK_SUCCESS) return vk_error("vkCreateComputePipelines " + std::string(name), r);
  cache_.emplace(std::string(name), pipeline);
  return pipeline;
}

} // namespace llmhost::vk
