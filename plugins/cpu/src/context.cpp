#include "context.hpp"

#include <cstring>
#include <string>

namespace llmhost::cpu {

CpuContext::CpuContext(int n_threads, Isa isa) : pool_(n_threads), kernels_(kernels_for(isa)) {}

Status CpuContext::resolve(const Graph& graph, const ArenaPlan& plan) {
  const auto& tensors = graph.tensors();
  data_.assign(tensors.size(), nullptr);
  for (size_t i = 0; i < tensors.size(); ++i) {
    const GraphTensor& t = tensors[i];
    const size_t bytes = t.desc.bytes();
    switch (t.role) {
      case TensorRole::input:
        if (t.data.size() < bytes)
          return Status::error(ErrorCode::invalid_request, "input tensor '" + t.name + "' holds fewer bytes than its shape");
        data_[i] = const_cast<std::byte*>(t.data.data()); // read-only use: inputs are never op results
        break;
      case TensorRole::bound: {
        if (!t.buffer || !t.buffer->host_ptr())
          return Status::error(ErrorCode::invalid_request, "tensor '" + t.name + "' is not bound to a CPU buffer");
        if (t.offset > t.buffer->size() || bytes > t.buffer->size() - t.offset)
          return Status::error(ErrorCode::invalid_request, "tensor '" + t.name + "' overruns its buffer");
        data_[i] = static_cast<std::byte*>(t.buffer->host_ptr()) + t.offset;
        break;
      }
      case TensorRole::intermediate:
        if (plan.offsets[i] != ArenaPlan::npos) data_[i] = arena_.get() + plan.offsets[i];
        break;
    }
  }
  return Status::success();
}

Status CpuContext::compute(const Graph& graph) {
  last_graph_ = nullptr;
  const auto& tensors = graph.tensors();
  for (size_t i = 0; i < tensors.size(); ++i)
    if (tensors[i].desc.bytes() == 0 && tensors[i].desc.elements() != 0)
      return Status::error(ErrorCode::invalid_request, "tensor '" + tensors[i].name + "' has an invalid shape for its type");
  const ArenaPlan plan = plan_arena(graph);
  if (plan.arena_bytes > arena_size_) {
    arena_ = allocate_aligned(plan.arena_bytes);
    if (!arena_) {
      arena_size_ = 0;
      return Status::error(ErrorCode::internal, "out of memory for the step's intermediates");
    }
    arena_size_ = plan.arena_bytes;
  }
  if (Status s = resolve(graph, plan); !s) return s;
  for (size_t i = 0; i < graph.ops().size(); ++i) {
    if (Status s = run_op(graph, graph.ops()[i]); !s) {
      s.message = "op " + std::to_string(i) + " " + s.message;
      return s;
    }
  }
  last_graph_ = &graph;
  return Status::success();
}

Status CpuContext::run_op(const Graph& graph, const OpNode& node) {
  const auto n = static_cast<TensorId>(graph.tensors().size());
  auto ref = [&](TensorId id) -> TensorRef {
    if (id < 0 || id >= n) return {};
    return TensorRef{data_[static_cast<size_t>(id)], &graph.tensors()[static_cast<size_t>(id)].desc};
  };
  for (TensorId id : node.src)
    if (id != kNoTensor && (id < 0 || id >= n)) return Status::error(ErrorCode::invalid_request, "source tensor id out of range");
  if (node.dst != kNoTensor && (node.dst < 0 || node.dst >= n))
    return Status::error(ErrorCode::invalid_request, "dst tensor id out of range");
  for (TensorId id : node.src)
    if (id != kNoTensor && data_[static_cast<size_t>(id)] == nullptr)
      return Status::error(ErrorCode::invalid_request, std::string(op_name(node.op)) + ": source read before it is produced");

  OpEnv env{pool_, kernels_, scratch_};
  OpArgs args{node, ref(node.dst), {ref(node.src[0]), ref(node.src[1]), ref(node.src[2]), ref(node.src[3])}, env};
  if (node.op == OpKind::reshape) {
    if (!args.dst.present() || !args.src[0].present() || args.dst.desc->bytes() != args.src[0].desc->bytes() ||
        args.dst.desc->type != args.src[0].desc->type)
      return Status::error(ErrorCode::invalid_request, "reshape: dst must have src0's type and size");
    data_[static_cast<size_t>(node.dst)] = data_[static_cast<size_t>(node.src[0])];
    return Status::success();
  }
  if (node.op == OpKind::kv_store &&
      (node.src[1] == kNoTensor || graph.tensor(node.src[1]).role != TensorRole::bound))
    return Status::error(ErrorCode::invalid_request, "kv_store: the cache (src1) must be bound to a buffer");
  if (node.op != OpKind::kv_store && (!args.dst.present() || args.dst.data == nullptr))
    return Status::error(ErrorCode::invalid_request, std::string(op_name(node.op)) + ": missing dst");
  switch (node.op) {
    case OpKind::get_rows: return run_get_rows(args);
    case OpKind::rms_norm: return run_rms_norm(args);
    case OpKind::layer_norm: return run_layer_norm(args);
    case OpKind::mul_mat: return run_mul_mat(args);
    case OpKind::add: return run_add(args);
    case OpKind::mul: return run_mul(args);
    case OpKind::scale: return run_scale(args);
    case OpKind::rope: return run_rope(args);
    case OpKind::softmax: return run_softmax(args);
    case OpKind::silu: return run_silu(args);
    case OpKind::gelu: return run_gelu(args);
    case OpKind::swiglu: return run_swiglu(args);
    case OpKind::kv_store: return run_kv_store(args);
    case OpKind::attention: return run_attention(args);
    case OpKind::reshape: break;
  }
  return Status::error(ErrorCode::not_implemented, std::string("op not supported: ") + op_name(node.op));
}

Status CpuContext::read_output(const Graph& graph, TensorId id, void* dst, size_t bytes) {
  if (last_graph_ != &graph) return Status::error(ErrorCode::invalid_request, "graph was not the last one computed");
  if (id < 0 || static_cast<size_t>(id) >= graph.tensors().size())
    return Status::error(ErrorCode::invalid_request, "tensor id out of range");
  const GraphTensor& t = graph.tensor(id);
  if (!t.output) return Status::error(ErrorCode::invalid_request, "tensor '" + t.name + "' is not marked as output");
  if (bytes > t.desc.bytes()) return Status::error(ErrorCode::invalid_request, "read larger than the tensor");
  const std::byte* src = data_[static_cast<size_t>(id)];
  if (!src) return Status::error(ErrorCode::internal, "output tensor has no data");
  std::memcpy(dst, src, bytes);
  return Status::success();
}

} // namespace llmhost::cpu
