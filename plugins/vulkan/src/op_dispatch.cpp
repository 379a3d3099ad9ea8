#include "op_dispatch.hpp"

#include <string>

#include "weight_types.hpp"

namespace llmhost::vk {
namespace {

constexpr uint32_t kMatMatMinColumns = 8; // from this many activation columns on, use tiles

uint32_t div_up(uint64_t a, uint64_t b) { return static_cast<uint32_t>((a + b - 1) / b); }

Status bad(const OpNode& op, const std::string& why) {
  return Status::error(ErrorCode::invalid_request, std::string(op_name(op.op)) + ": " + why);
}

bool valid_id(const Graph& g, TensorId id) { return id >= 0 && static_cast<size_t>(id) < g.tensors().size(); }

// A weight operand as a list of (binding, first row, rows).
struct WeightPiece {
  Binding bind;
  int64_t row_begin;
  int64_t rows;
};

std::vector<WeightPiece> weight_pieces(const GraphTensor& t, const TensorLoc& loc) {
  std::vector<WeightPiece> out;
  if (!loc.split) {
    out.push_back({loc.bind, 0, t.desc.rows()});
    return out;
  }
  for (const auto& c : loc.split->chunks()) {
    out.push_back({Binding{c.memory.buffer(), c.memory.size(), 0, c.bytes}, c.row_begin, c.rows});
  }
  return out;
}

bool is_f32(const GraphTensor& t) { return t.desc.type == TensorType::F32; }
bool is_i32(const GraphTensor& t) { return t.desc.type == TensorType::I32; }

Status record_weight_op(Recorder& rec, const VulkanDevice& device, const Graph& g, const OpNode& op,
                        std::span<const TensorLoc> locs) {
  const GraphTensor& w = g.tensor(op.src[0]);
  const GraphTensor& x = g.tensor(op.src[1]);
  const GraphTensor& d = g.tensor(op.dst);
  if (!is_weight_type(w.desc.type)) return bad(op, "no kernel for weight type " + std::string(type_name(w.desc.type)));
  if (w.desc.bytes() == 0) return bad(op, "weight rows are not whole blocks");
  const int64_t K = w.desc.ne[0], N = w.desc.rows();
  const uint32_t row = static_cast<uint32_t>(*row_bytes(w.desc.type, K));
  const std::string type(type_name(w.desc.type));

  if (op.op == OpKind::get_rows) {
    if (!is_i32(x)) return bad(op, "ids must be I32");
    const int64_t M = x.desc.elements();
    if (!is_f32(d) || d.desc.elements() != K * M) return bad(op, "dst must be F32 [K, M]");
    for (const auto& piece : weight_pieces(w, locs[op.src[0]])) {
      PushParams p;
      p.n[0] = static_cast<uint32_t>(K);
      p.n[1] = static_cast<uint32_t>(M);
      p.u[0] = row;
      p.u[1] = static_cast<uint32_t>(piece.row_begin);
      p.u[2] = static_cast<uint32_t>(piece.rows);
      uint32_t groups = div_up(static_cast<uint64_t>(div_up(K, 4)) * M, 256);
      if (Status s = rec.dispatch("get_rows_" + type, {piece.bind, locs[op.src[1]].bind, locs[op.dst].bind}, p,
                                  groups, 0b100);
          !s)
        return s;
    }
    return Status::success();
  }

  // mul_mat
  if (!is_f32(x) || x.desc.ne[0] != K) return bad(op, "src1 must be F32 with ne[0] equal to the weight's");
  const int64_t M = x.desc.rows();
  if (!is_f32(d) || d.desc.elements() != N * M) return bad(op, "dst must be F32 [N, M]");
  const bool direct = device.caps().direct_mat_mat;
  const bool tiled = direct || M >= kMatMatMinColumns;
  const uint32_t tile_rows = direct ? 64 : 32, tile_cols = direct ? 16 : 32;
  const std::string shader = !tiled  ? "mul_mat_vec_" + type + (device.caps().subgroup_arithmetic ? "" : "_nosg")
                             : direct ? "mul_mat_direct_" + type
                                      : "mul_mat_mat_" + type;
  for (const auto& piece : weight_pieces(w, locs[op.src[0]])) {
    PushParams p;
    p.n[0] = static_cast<uint32_t>(K);
    p.n[1] = static_cast<uint32_t>(piece.rows);
    p.n[2] = static_cast<uint32_t>(M);
    p.n[3] = static_cast<uint32_t>(N);
    p.u[0] = row;
    p.u[1] = static_cast<uint32_t>(piece.row_begin);
    p.u[2] = tiled ? div_up(piece.rows, tile_rows) : div_up(piece.rows, 2);
    uint64_t groups = tiled ? uint64_t{p.u[2]} * div_up(M, tile_cols) : uint64_t{p.u[2]} * M;
    if (Status s = rec.dispatch(shader, {piece.bind, locs[op.src[1]].bind, locs[op.dst].bind}, p,
                                static_cast<uint32_t>(groups), 0b100);
        !s)
      return s;
  }
  return Status::success();
}

Status record_kv_store(Recorder& rec, const Graph& g, const OpNode& op, std::span<const TensorLoc> locs) {
  const GraphTensor& src = g.tensor(op.src[0]);
  const GraphTensor& cache = g.tensor(op.src[1]);
  const GraphTensor& cells = g.tensor(op.src[2]);
  const int64_t W = src.desc.ne[0], M = src.desc.rows();
  if (!is_f32(src)) return bad(op, "src0 must be F32");
  if (!is_i32(cells) || cells.desc.elements() != M) return bad(op, "cells must be I32 [M]");
  if (cache.role != TensorRole::bound) return bad(op, "the cache must be bound to a buffer");
  if (cache.desc.ne[0] != W) return bad(op, "cache row width differs from src0's");
  const bool f16 = cache.desc.type == TensorType::F16;
  if (!f16 && !is_f32(cache)) return bad(op, "cache must be F32 or F16");
  if (f16 && (W % 2 != 0 || cache.offset % 4 != 0)) return bad(op, "F16 cache needs an even row width and 4-byte offset");
  PushParams p;
  p.n[0] = static_cast<uint32_t>(W);
  p.n[1] = static_cast<uint32_t>(M);
  p.n[2] = static_cast<uint32_t>(cache.desc.rows());
  uint32_t groups = div_up(static_cast<uint64_t>(f16 ? W / 2 : W) * M, 256);
  return rec.dispatch(f16 ? "kv_store_F16" : "kv_store_F32",
                      {locs[op.src[0]].bind, locs[op.src[1]].bind, locs[op.src[2]].bind}, p, groups, 0b010);
}

Status record_attention(Recorder& rec, const Graph& g, const OpNode& op, std::span<const TensorLoc> locs) {
  const GraphTensor& q = g.tensor(op.src[0]);
  const GraphTensor& k = g.tensor(op.src[1]);
  const GraphTensor& v = g.tensor(op.src[2]);
  const GraphTensor& spans = g.tensor(op.src[3]);
  const GraphTensor& d = g.tensor(op.dst);
  const int64_t hd = q.desc.ne[0], n_head = q.desc.ne[1], M = q.desc.ne[2] * q.desc.ne[3];
  const int64_t n_kv = op.iparams[0];
  if (!is_f32(q) || !is_f32(d)) return bad(op, "q and dst must be F32");
  if (n_kv <= 0 || n_head % n_kv != 0) return bad(op, "n_head must be a multiple of n_head_kv (iparams[0])");
  if (hd > 256 || hd <= 0) return bad(op, "head_dim must be in 1..256");
  if (k.desc.type != v.desc.type || (k.desc.type != TensorType::F32 && k.desc.type != TensorType::F16)) {
    return bad(op, "K and V caches must both be F32 or both F16");
  }
  if (k.desc.ne[0] != hd * n_kv || v.desc.ne[0] != hd * n_kv || k.desc.rows() != v.desc.rows()) {
    return bad(op, "caches must be [head_dim * n_head_kv, n_cells]");
  }
  const bool f16 = k.desc.type == TensorType::F16;
  if (f16 && (locs[op.src[1]].bind.offset % 4 != 0 || locs[op.src[2]].bind.offset % 4 != 0 || hd % 2 != 0)) {
    return bad(op, "F16 caches need 4-byte aligned offsets and an even head_dim");
  }
  if (!is_i32(spans) || spans.desc.elements() != 2 * M) return bad(op, "spans must be I32 [2, M]");
  if (d.desc.elements() != hd * n_head * M) return bad(op, "dst must be F32 [head_dim * n_head, M]");
  PushParams p;
  p.n[0] = static_cast<uint32_t>(hd);
  p.n[1] = static_cast<uint32_t>(n_head);
  p.n[2] = static_cast<uint32_t>(M);
  p.n[3] = static_cast<uint32_t>(n_kv);
  p.u[0] = static_cast<uint32_t>(k.desc.rows());
  p.f[0] = op.fparams[0];
  return rec.dispatch(f16 ? "attention_F16" : "attention_F32",
                      {locs[op.src[0]].bind, locs[op.src[1]].bind, locs[op.src[2]].bind, locs[op.src[3]].bind,
                       locs[op.dst].bind},
                      p, static_cast<uint32_t>(n_head * M), 0b10000);
}

Status record_rope(Recorder& rec, const Graph& g, const OpNode& op, std::span<const TensorLoc> locs) {
  const GraphTensor& x = g.tensor(op.src[0]);
  const GraphTensor& pos = g.tensor(op.src[1]);
  const GraphTensor& d = g.tensor(op.dst);
  const int64_t hd = x.desc.ne[0], nh = x.desc.ne[1], M = x.desc.ne[2] * x.desc.ne[3];
  const int32_t n_dims = op.iparams[0], mode = op.iparams[1];
  if (!is_f32(x) || !is_f32(d) || d.desc.elements() != x.desc.elements()) return bad(op, "src0 and dst must be F32 of one shape");
  if (!is_i32(pos) || pos.desc.elements() != M) return bad(op, "positions must be I32 [M]");
  if (n_dims <= 0 || n_dims > hd || n_dims % 2 != 0 || hd % 2 != 0) return bad(op, "n_dims must be even and <= head_dim");
  if (mode != 0 && mode != 2) return bad(op, "mode must be 0 (normal) or 2 (NeoX)");
  Binding factors{};
  if (op.src[2] != kNoTensor) {
    if (!valid_id(g, op.src[2])) return bad(op, "bad frequency-factor tensor");
    const GraphTensor& f = g.tensor(op.src[2]);
    if (!is_f32(f) || f.desc.elements() < n_dims / 2) return bad(op, "frequency factors must be F32 [n_dims / 2]");
    factors = locs[op.src[2]].bind;
  }
  PushParams p;
  p.n[0] = static_cast<uint32_t>(hd);
  p.n[1] = static_cast<uint32_t>(nh);
  p.n[2] = static_cast<uint32_t>(M);
  p.u[0] = static_cast<uint32_t>(n_dims);
  p.u[1] = static_cast<uint32_t>(mode);
  p.u[2] = op.src[2] != kNoTensor ? 1u : 0u;
  p.f[0] = op.fparams[0];
  p.f[1] = op.fparams[1];
  uint32_t groups = div_up(static_cast<uint64_t>(hd / 2) * nh * M, 256);
  return rec.dispatch("rope", {locs[op.src[0]].bind, locs[op.src[1]].bind, factors, locs[op.dst].bind}, p, groups,
                      0b1000);
}

} // namespace

uint32_t op_dispatch_count(const Graph& graph, const OpNode& op, std::span<const TensorLoc> locs) {
  if ((op.op == OpKind::get_rows || op.op == OpKind::mul_mat) && valid_id(graph, op.src[0]) &&
      locs[op.src[0]].split) {
    return static_cast<uint32_t>(locs[op.src[0]].split->chunks().size());
  }
  return 1;
}

Status record_op(Recorder& rec, const VulkanDevice& device, const Graph& g, const OpNode& op,
                 std::span<const TensorLoc> locs) {
  const size_t needed = [&] {
    switch (op.op) {
      case OpKind::attention: return 4;
      case OpKind::kv_store: return 3;
      case OpKind::get_rows:
      case OpKind::mul_mat:
      case OpKind::add:
      case OpKind::mul:
      case OpKind::swiglu:
      case OpKind::rope: return 2;
      default: return 1;
    }
  }();
  for (size_t i = 0; i < needed; ++i) {
    if (!valid_id(g, op.src[i])) return bad(op, "missing source tensor " + std::to_string(i));
  }
  if (op.op != OpKind::kv_store && !valid_id(g, op.dst)) return bad(op, "missing destination tensor");
  for (size_t i = 0; i < needed; ++i) {
    if (locs[op.src[i]].split && op.op != OpKind::get_rows && op.op != OpKind::mul_mat) {
      return bad(op, "a split weight buffer can only feed get_rows or mul_mat");
    }
  }

  switch (op.op) {
    case OpKind::get_rows:
    case OpKind::mul_mat: return record_weight_op(rec, device, g, op, locs);
    case OpKind::kv_store: return record_kv_store(rec, g, op, locs);
    case OpKind::attention: return record_attention(rec, g, op, locs);
    case OpKind::rope: return record_rope(rec, g, op, locs);
    case OpKind::reshape: {
      if (g.tensor(op.src[0]).desc.bytes() != g.tensor(op.dst).desc.bytes()) return bad(op, "element counts differ");
      return Status::success(); // dst aliases src0
    }
    default: break;
  }

  const GraphTensor& a = g.tensor(op.src[0]);
  const GraphTensor& d = g.tensor(op.dst);
  const int64_t n = a.desc.elements();
  if (!is_f32(a) || !is_f32(d) || d.desc.elements() != n) return bad(op, "src0 and dst must be F32 of one shape");
  PushParams p;
  p.n[0] = static_cast<uint32_t>(n);
  const uint32_t groups = div_up(n, 256);
  const Binding A = locs[op.src[0]].bind, D = locs[op.dst].bind;
  switch (op.op) {
    case OpKind::add:
    case OpKind::mul:
    case OpKind::swiglu: {
      const GraphTensor& b = g.tensor(op.src[1]);
      const int64_t nb = b.desc.elements();
      bool shape_ok = op.op == OpKind::swiglu ? nb == n : (nb == n || (nb == a.desc.ne[0] && nb > 0));
      if (!is_f32(b) || !shape_ok) return bad(op, "src1 must be F32 of src0's shape (or one row, for add/mul)");
      p.n[1] = static_cast<uint32_t>(nb);
      const char* name = op.op == OpKind::add ? "add" : op.op == OpKind::mul ? "mul" : "swiglu";
      return rec.dispatch(name, {A, locs[op.src[1]].bind, D}, p, groups, 0b100);
    }
    case OpKind::scale:
    case OpKind::silu:
    case OpKind::gelu: {
      p.f[0] = op.fparams[0];
      const char* name = op.op == OpKind::scale ? "scale" : op.op == OpKind::silu ? "silu" : "gelu";
      return rec.dispatch(name, {A, D}, p, groups, 0b10);
    }
    case OpKind::rms_norm:
    case OpKind::layer_norm:
    case OpKind::softmax: {
      const int64_t width = a.desc.ne[0];
      p.n[0] = static_cast<uint32_t>(width);
      p.n[1] = static_cast<uint32_t>(a.desc.rows());
      p.f[0] = op.op == OpKind::softmax && op.fparams[0] == 0.0f ? 1.0f : op.fparams[0];
      const char* name = op.op == OpKind::rms_norm ? "rms_norm" : op.op == OpKind::layer_norm ? "layer_norm" : "softmax";
      return rec.dispatch(name, {A, D}, p, static_cast<uint32_t>(a.desc.rows()), 0b10);
    }
    default: break;
  }
  return Status::error(ErrorCode::not_implemented, std::string("Vulkan backend has no kernel for ") + op_name(op.op));
}

} // namespace llmhost::vk
