// Compute pipelines, one per (op, type, variant) shader, created on first use and cached. All
// share one layout: five storage-buffer bindings and the PushParams block.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

#include "loader.hpp"

namespace llmhost::vk {

inline constexpr uint32_t kBindings = 5;

// Mirrors `Params` in shaders/common.glsl.
struct PushParams {
  uint32_t groups = 0;
  uint32_t o[kBindings]{};
  uint32_t n[4]{};
  uint32_t u[4]{};
  float f[4]{};
};
static_assert(sizeof(PushParams) == 72);

class Pipelines {
 public:
  explicit Pipelines(VkDevice device) : device_(device) {}
  ~Pipelines();
  Pipelines(const Pipelines&) = delete;
  Pipelines& operator=(const Pipelines&) = delete;

  Status init();
  // The pipeline of the named embedded shader.
  Result<VkPipeline> get(std::string_view name);
  VkDescriptorSetLayout set_layout() const { return set_layout_; }
  VkPipelineLayout layout() const { return layout_; }
  // Whether a shader of that name was built into this library.
  static bool has_shader(std::string_view name);

 private:
  VkDevice device_;
  VkDescriptorSetLayout set_layout_ = VK_NULL_HANDLE;
  VkPipelineLayout layout_ = VK_NULL_HANDLE;
  std::mutex mutex_;
  std::map<std::string, VkPipeline, std::less<>> cache_;
};

} // namespace llmhost::vk
