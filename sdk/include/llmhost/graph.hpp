// The op graph a backend device executes: one model step over a batch of tokens.
//
// Shapes follow ggml: ne[0] is the innermost (contiguous) dimension, so a matrix stored as
// GGUF writes it has ne = {columns (input width), rows (output width)}. Every tensor in a graph
// is contiguous. Several sequences share one batch: per-token positions, KV cells and attention
// spans carry the sequence structure, so the ops themselves never need a sequence id.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "llmhost/tensor_type.hpp"

namespace llmhost {

class Buffer;

struct TensorDesc {
  TensorType type = TensorType::F32;
  std::array<int64_t, 4> ne{1, 1, 1, 1};

  int64_t elements() const { return ne[0] * ne[1] * ne[2] * ne[3]; }
  int64_t rows() const { return ne[1] * ne[2] * ne[3]; }
  // Bytes of the whole tensor (0 when ne[0] is not a whole number of blocks).
  size_t bytes() const;
};

using TensorId = int32_t;
inline constexpr TensorId kNoTensor = -1;

enum class OpKind : uint32_t {
  // dst F32 [K, M] = rows ids[m] of table src0 [K, V] (any weight type); src1 I32 ids [M].
  get_rows,
  // dst = x / sqrt(mean(x^2) + eps), per row of ne[0]. fparams[0] = eps.
  rms_norm,
  // dst = (x - mean) / sqrt(var + eps), per row of ne[0]. fparams[0] = eps. No affine part.
  layer_norm,
  // dst F32 [N, M]: dst[m][n] = dot(src0 row n, src1 row m). src0 weight [K, N] of any weight
  // type; src1 F32 [K, M].
  mul_mat,
  // dst = src0 + src1, src0 F32 [K, M]; src1 F32 [K, M] or [K] (broadcast over rows).
  add,
  // dst = src0 * src1, broadcast as for add.
  mul,
  // dst = src0 * fparams[0].
  scale,
  // Rotary embedding. src0 F32 [head_dim, n_heads, M]; src1 I32 positions [M]; src2 optional F32
  // frequency factors [n_dims / 2] (Llama 3 rope_freqs) or kNoTensor. iparams[0] = n_dims
  // rotated (<= head_dim, the rest passes through), iparams[1] = mode (0 = normal: pairs
  // (2i, 2i+1); 2 = NeoX: pairs (i, i + n_dims/2)). fparams[0] = freq_base, fparams[1] =
  // freq_scale (positions are multiplied by it). theta_i = pos * scale * base^(-2i/n_dims) / factor_i.
  rope,
  // Row-wise softmax of src0 F32 [K, M] (after multiplying by fparams[0], 1 if 0).
  softmax,
  // Elementwise activations on F32.
  silu,
  gelu, // tanh approximation, as ggml_gelu
  // dst = silu(src0) * src1, both F32 of equal shape.
  swiglu,
  // Writes rows of src0 F32 [W, M] into the cache tensor src1 [W, n_cells] (F32 or F16) at the
  // cells given by src2 I32 [M]. src1 must be bound to a buffer; dst is unused (kNoTensor).
  kv_store,
  // Causal attention over the KV cache for each token m:
  //   src0 q F32 [head_dim, n_head, M]; src1 K cache [head_dim * n_head_kv, n_cells];
  //   src2 V cache (same shape); src3 I32 spans [2, M]: token m attends cells
  //   [spans[2m], spans[2m+1]) of the cache (its sequence's cells up to and including itself).
  //   iparams[0] = n_head_kv (GQA: query head h reads kv head h / (n_head / n_head_kv)).
  //   fparams[0] = scale applied to q.k (usually 1/sqrt(head_dim)).
  //   dst F32 [head_dim * n_head, M].
  attention,
  // dst = src0 reinterpreted with dst's shape (same element count); no data moves.
  reshape,
};

const char* op_name(OpKind op);

struct OpNode {
  OpKind op = OpKind::add;
  TensorId dst = kNoTensor;
  std::array<TensorId, 4> src{kNoTensor, kNoTensor, kNoTensor, kNoTensor};
  std::array<float, 4> fparams{};
  std::array<int32_t, 4> iparams{};
};

// Where a tensor's data comes from.
enum class TensorRole : uint8_t {
  intermediate, // produced by an op; the backend allocates it for the step
  input,        // data carried in the graph (token ids, positions, spans...)
  bound,        // lives in a device buffer the caller owns (weights, KV cache)
};

struct GraphTensor {
  TensorDesc desc;
  TensorRole role = TensorRole::intermediate;
  std::string name;                // for diagnostics ("blk.3.attn_q")
  Buffer* buffer = nullptr;        // role == bound
  size_t offset = 0;               // role == bound: byte offset in buffer
  std::vector<std::byte> data;     // role == input
  bool output = false;             // caller reads it back after compute
};

// A step's graph, built by the architecture code, executed by a device. Ops run in order.
class Graph {
 public:
  TensorId input(std::string name, TensorDesc desc, std::span<const std::byte> data);
  TensorId input_i32(std::string name, std::span<const int32_t> values);
  TensorId input_f32(std::string name, std::span<const float> values, std::array<int64_t, 4> ne);
  TensorId bind(std::string name, TensorDesc desc, Buffer& buffer, size_t offset = 0);
  // Appends an op producing a new intermediate tensor of `out` shape; returns its id.
  TensorId op(OpKind kind, TensorDesc out, std::initializer_list<TensorId> srcs,
              std::array<float, 4> fparams = {}, std::array<int32_t, 4> iparams = {});
  // Appends an op with no result tensor (kv_store).
  void op_in_place(OpKind kind, std::initializer_list<TensorId> srcs,
                   std::array<float, 4> fparams = {}, std::array<int32_t, 4> iparams = {});
  void mark_output(TensorId id) { tensors_.at(static_cast<size_t>(id)).output = true; }

  const std::vector<GraphTensor>& tensors() const { return tensors_; }
  const std::vector<OpNode>& ops() const { return ops_; }
  const GraphTensor& tensor(TensorId id) const { return tensors_.at(static_cast<size_t>(id)); }

 private:
  std::vector<GraphTensor> tensors_;
  std::vector<OpNode> ops_;
};

} // namespace llmhost
