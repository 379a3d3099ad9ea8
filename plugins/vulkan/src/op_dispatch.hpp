// Turns one graph op into validated dispatches. Shapes are checked here, before any shader
// indexes memory with them.
#pragma once

#include <span>

#include "buffer.hpp"
#include "llmhost/graph.hpp"
#include "recorder.hpp"

namespace llmhost::vk {

// Where a tensor of the step lives. Weights split over several buffers carry `split`.
struct TensorLoc {
  Binding bind;
  const DeviceBuffer* split = nullptr;
};

// Descriptor sets the op will need (weights split in n chunks dispatch n times).
uint32_t op_dispatch_count(const Graph& graph, const OpNode& op, std::span<const TensorLoc> locs);
Status record_op(Recorder& rec, const VulkanDevice& device, const Graph& graph, const OpNode& op,
                 std::span<const TensorLoc> locs);

} // namespace llmhost::vk
