// The Vulkan compute backend, as a static library the plugin module (and tests) link.
//
// Plugin options (JSON, `plugins.options.vulkan`):
//   "device": index (number) or a substring of the device name: open only that device
//             (default: every device found);
//   "max_binding_bytes": cap on the bytes of one weight chunk (default: the device's
//             maxStorageBufferRange); mainly for tests of split weights;
//   "subgroups": false: reduce through shared memory even where subgroup arithmetic works;
//   "matmul_kernels": "gpu" (matrix-vector kernel below 8 activation columns, shared-memory
//             tiles from 8; the default on GPUs) or "cpu" (one register-blocked kernel for all
//             sizes; the default on CPU-type devices such as lavapipe).
// Env LLMHOST_VK_VALIDATION=1 enables VK_LAYER_KHRONOS_validation when it is installed.
#pragma once

#include <cstdint>
#include <memory>

#include "llmhost/backend.hpp"

namespace llmhost::vk {

std::unique_ptr<llmhost::BackendPlugin> create_backend();

// Validation-layer errors reported so far by a backend made by create_backend() (0 when the
// layer is off). Tests fail on any.
uint64_t validation_error_count(const llmhost::BackendPlugin& backend);
// Whether the validation layer is active for that backend.
bool validation_enabled(const llmhost::BackendPlugin& backend);

} // namespace llmhost::vk
