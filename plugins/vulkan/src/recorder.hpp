// Records dispatches into one command buffer: binds five storage ranges, pushes the parameters,
// folds large grids into two dimensions, and inserts a barrier only when a dispatch touches
// memory that an earlier dispatch since the last barrier wrote (or writes what one read).
#pragma once

#include <array>
#include <string_view>
#include <vector>

#include "device.hpp"
#include "pipelines.hpp"

namespace llmhost::vk {

struct Binding {
  VkBuffer buffer = VK_NULL_HANDLE;
  size_t buffer_size = 0; // bytes of the whole VkBuffer
  size_t offset = 0;      // tensor start in the buffer
  size_t bytes = 0;       // tensor bytes
};

class Recorder {
 public:
  Recorder(VulkanDevice& device, VkCommandBuffer cmd, VkDescriptorPool pool, Binding dummy)
      : device_(device), cmd_(cmd), pool_(pool), dummy_(dummy) {}

  // Dispatches `groups` workgroups of the named shader. `written` has bit i set when binding i
  // is written. Unused bindings may be left empty (buffer == VK_NULL_HANDLE).
  Status dispatch(std::string_view shader, std::array<Binding, kBindings> bindings, PushParams params,
                  uint32_t groups, uint32_t written);
  // Makes all shader writes so far visible to what follows (transfers included).
  void full_barrier();
  uint32_t dispatches() const { return dispatches_; }

 private:
  struct Range {
    VkBuffer buffer;
    size_t begin, end;
  };
  static bool overlaps(const std::vector<Range>& set, const Range& r);

  VulkanDevice& device_;
  VkCommandBuffer cmd_;
  VkDescriptorPool pool_;
  Binding dummy_;
  std::vector<Range> written_, read_;
  uint32_t dispatches_ = 0;
};

} // namespace llmhost::vk
