// The op implementations. Each checks its operands' types and shapes and returns a Status
// instead of touching memory it should not.
#pragma once

#include <array>
#include <cstddef>
#include <vector>

#include "kernels/kernels.hpp"
#include "llmhost/graph.hpp"
#include "llmhost/status.hpp"
#include "thread_pool.hpp"

namespace llmhost::cpu {

struct TensorRef {
  std::byte* data = nullptr;
  const TensorDesc* desc = nullptr;

  bool present() const { return desc != nullptr; }
  float* f32() const { return reinterpret_cast<float*>(data); }
  const int32_t* i32() const { return reinterpret_cast<const int32_t*>(data); }
};

// Memory an op may use for the duration of one call; owned by the execution context and
// reused across steps.
class Scratch {
 public:
  std::byte* get(size_t bytes) {
    if (bytes > storage_.size()) storage_.resize(bytes + bytes / 4);
    return storage_.data();
  }

 private:
  std::vector<std::byte> storage_;
};

struct OpEnv {
  ThreadPool& pool;
  const KernelSet& kernels;
  Scratch& scratch;
};

struct OpArgs {
  const OpNode& node;
  TensorRef dst;
  std::array<TensorRef, 4> src;
  OpEnv& env;
};

Status run_get_rows(const OpArgs& a);
Status run_rms_norm(const OpArgs& a);
Status run_layer_norm(const OpArgs& a);
Status run_mul_mat(const OpArgs& a);
Status run_add(const OpArgs& a);
Status run_mul(const OpArgs& a);
Status run_scale(const OpArgs& a);
Status run_rope(const OpArgs& a);
Status run_softmax(const OpArgs& a);
Status run_silu(const OpArgs& a);
Status run_gelu(const OpArgs& a);
Status run_swiglu(const OpArgs& a);
Status run_kv_store(const OpArgs& a);
Status run_attention(const OpArgs& a);

// Helpers shared by the op files.
Status op_error(const OpArgs& a, const std::string& what);
bool is_f32(const TensorRef& t);
bool same_shape(const TensorDesc& x, const TensorDesc& y);

} // namespace llmhost::cpu
