// Runs graphs on the CPU: resolves every tensor to memory (inputs in the graph, bound buffers,
// intermediates in an arena reused across steps) and runs the ops in order on a thread pool.
#pragma once

#include <vector>

#include "arena_plan.hpp"
#include "buffer.hpp"
#include "kernels/kernels.hpp"
#include "llmhost/backend.hpp"
#include "ops/ops.hpp"
#include "thread_pool.hpp"

namespace llmhost::cpu {

class CpuContext final : public ExecutionContext {
 public:
  CpuContext(int n_threads, Isa isa);

  Status compute(const Graph& graph) override;
  Status read_output(const Graph& graph, TensorId id, void* dst, size_t bytes) override;

  Isa isa() const { return kernels_.isa; }

 private:
  Status resolve(const Graph& graph, const ArenaPlan& plan);
  Status run_op(const Graph& graph, const OpNode& node);

  ThreadPool pool_;
  const KernelSet& kernels_;
  Scratch scratch_;
  AlignedBytes arena_;
  size_t arena_size_ = 0;
  std::vector<std::byte*> data_; // per tensor id, for the last graph computed
  const Graph* last_graph_ = nullptr;
};

} // namespace llmhost::cpu
