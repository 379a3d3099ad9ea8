// The compute-backend interface: a backend plugin exposes devices; a device allocates buffers,
// uploads weights, answers what it supports, and creates execution contexts that run graphs.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "llmhost/graph.hpp"
#include "llmhost/plugin.hpp"
#include "llmhost/status.hpp"
#include "llmhost/tensor_type.hpp"

namespace llmhost {

enum class DeviceType { cpu, gpu_discrete, gpu_integrated, gpu_virtual, other };
const char* device_type_name(DeviceType t);

struct DeviceInfo {
  std::string name;        // "cpu", "NVIDIA H100", "llvmpipe (LLVM 15...)"
  std::string description; // free text: driver, API version, ...
  DeviceType type = DeviceType::other;
  uint64_t memory_total = 0; // bytes usable for buffers (0 = unknown)
  uint64_t memory_free = 0;
  std::vector<std::string> features; // "avx2", "fma", "fp16", "subgroups", ...
};

enum class BufferUsage {
  weights, // written once at load, read by ops
  kv_cache,
  scratch,
};

// Memory owned by a device. Contents are reached only through write/read so that device-local
// memory needs no host mapping.
class Buffer {
 public:
  virtual ~Buffer() = default;
  virtual size_t size() const = 0;
  virtual Status write(size_t offset, const void* data, size_t bytes) = 0;
  virtual Status read(size_t offset, void* data, size_t bytes) const = 0;
  // (optional) host pointer when the memory is host-addressable, else null.
  virtual void* host_ptr() { return nullptr; }
};

// One stream of work on a device. Not thread-safe; use one per thread of execution.
class ExecutionContext {
 public:
  virtual ~ExecutionContext() = default;
  // Runs every op of the graph, in order. Returns when results can be read.
  virtual Status compute(const Graph& graph) = 0;
  // Copies an output tensor (marked with Graph::mark_output) of the last compute into dst.
  virtual Status read_output(const Graph& graph, TensorId id, void* dst, size_t bytes) = 0;
};

class Device {
 public:
  virtual ~Device() = default;
  virtual DeviceInfo info() const = 0;
  // Whether ops of `kind` with `weight_type` as their first operand's type can run here
  // (for ops without a weight, weight_type is F32).
  virtual bool supports(OpKind kind, TensorType weight_type) const = 0;
  // A zeroed buffer.
  virtual Result<std::unique_ptr<Buffer>> allocate(size_t bytes, BufferUsage usage) = 0;
  // Uploads one weight tensor (data holds desc.bytes() bytes in GGUF layout). The device may
  // keep it in any internal layout (repacked for its kernels); the buffer is then only valid
  // as the weight operand of get_rows / mul_mat or, for F32 weights, of add / mul.
  virtual Result<std::unique_ptr<Buffer>> upload_weight(const TensorDesc& desc,
                                                        std::span<const std::byte> data) = 0;
  virtual Result<std::unique_ptr<ExecutionContext>> create_context() = 0;
};

class BackendPlugin : public Plugin {
 public:
  // Devices this backend found (may be none: the plugin still loads and says why in
  // status_message()). Owned by the plugin; valid for its lifetime.
  virtual size_t device_count() const = 0;
  virtual Device* device(size_t index) = 0;
  // Why there are no devices, or other notes for `llmhost plugins`.
  virtual std::string status_message() const { return {}; }
};

} // namespace llmhost
