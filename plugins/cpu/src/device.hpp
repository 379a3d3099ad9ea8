// The one "cpu" device: host buffers, weight upload (GGUF bytes kept as they are) and contexts.
#pragma once

#include <atomic>

#include "llmhost/backend.hpp"

namespace llmhost::cpu {

class CpuDevice final : public Device {
 public:
  explicit CpuDevice(int n_threads) : n_threads_(n_threads) {}

  DeviceInfo info() const override;
  bool supports(OpKind kind, TensorType weight_type) const override;
  Result<std::unique_ptr<Buffer>> allocate(size_t bytes, BufferUsage usage) override;
  Result<std::unique_ptr<Buffer>> upload_weight(const TensorDesc& desc, std::span<const std::byte> data) override;
  Result<std::unique_ptr<ExecutionContext>> create_context() override;

  void set_threads(int n) { n_threads_ = n; }
  int threads() const { return n_threads_; }

 private:
  std::atomic<int> n_threads_;
};

// Weight types mul_mat and get_rows handle.
bool is_supported_weight_type(TensorType t);

} // namespace llmhost::cpu
