#include "engine/model/step_graph.hpp"

#include <cmath>
#include <string>
#include <vector>

namespace llmhost::engine {

namespace {

TensorDesc f32(int64_t ne0, int64_t ne1 = 1, int64_t ne2 = 1) { return TensorDesc{TensorType::F32, {ne0, ne1, ne2, 1}}; }

// Small helpers so the forward pass below reads as the model, not as graph plumbing.
class Builder {
 public:
  Builder(Graph& g, int64_t n_tokens) : g_(g), n_(n_tokens) {}

  TensorId weight(const Weight& w) { return g_.bind(w.name, w.desc, *w.buffer); }

  // x * w / rms(x), per row of ne[0] of x; w broadcast over rows.
  TensorId rms_norm(TensorId x, const Weight& w, float eps) {
    TensorId n = g_.op(OpKind::rms_norm, desc(x), {x}, {eps});
    return g_.op(OpKind::mul, desc(x), {n, weight(w)});
  }
  // w [K, N] x x [K, M] -> [N, M], plus the bias when the model has one.
  TensorId linear(TensorId x, const Weight& w, const Weight* bias = nullptr) {
    TensorId y = g_.op(OpKind::mul_mat, f32(w.desc.ne[1], desc(x).ne[1]), {weight(w), x});
    if (bias && bias->present()) y = g_.op(OpKind::add, desc(y), {y, weight(*bias)});
    return y;
  }
  TensorId reshape(TensorId x, TensorDesc shape) { return g_.op(OpKind::reshape, shape, {x}); }
  TensorId add(TensorId a, TensorId b) { return g_.op(OpKind::add, desc(a), {a, b}); }
  TensorId swiglu(TensorId gate, TensorId up) { return g_.op(OpKind::swiglu, desc(gate), {gate, up}); }

  const TensorDesc& desc(TensorId t) const { return g_.tensor(t).desc; }
  Graph& graph() { return g_; }
  int64_t n_tokens() const { return n_; }

 private:
  Graph& g_;
  int64_t n_;
};

} // namespace

StepGraph build_step_graph(const Model& model, KvCache& cache, const Batch& batch) {
  const HParams& hp = model.hparams();
  const int64_t M = static_cast<int64_t>(batch.size());

  // Per-token inputs: ids, positions, cache cells, attention spans, rows whose logits we want.
  std::vector<int32_t> ids, positions, cells, spans, wanted;
  for (size_t i = 0; i < batch.tokens.size(); ++i) {
    const BatchToken& t = batch.tokens[i];
    ids.push_back(t.id);
    positions.push_back(t.pos);
    cells.push_back(cache.cell(t.slot, t.pos));
    spans.push_back(cache.cell(t.slot, 0));
    spans.push_back(cache.cell(t.slot, t.pos) + 1);
    if (t.logits) wanted.push_back(static_cast<int32_t>(i));
  }

  StepGraph out;
  Graph& g = out.graph;
  Builder b(g, M);
  const TensorId in_ids = g.input_i32("token_ids", ids);
  const TensorId in_pos = g.input_i32("positions", positions);
  const TensorId in_cells = g.input_i32("kv_cells", cells);
  const TensorId in_spans = g.input("kv_spans", TensorDesc{TensorType::I32, {2, M, 1, 1}}, std::as_bytes(std::span(spans)));
  const TensorId rope_freqs = model.rope_freqs().present() ? b.weight(model.rope_freqs()) : kNoTensor;

  const std::array<float, 4> rope_f{hp.rope_freq_base, hp.rope_freq_scale};
  const std::array<int32_t, 4> rope_i{hp.rope_n_dims, hp.rope_mode};
  const float attn_scale = 1.0f / std::sqrt(static_cast<float>(hp.head_dim));

  // token embedding
  TensorId x = g.op(OpKind::get_rows, f32(hp.n_embd, M), {b.weight(model.token_embd()), in_ids});

  for (size_t il = 0; il < model.layers().size(); ++il) {
    const LayerWeights& L = model.layers()[il];

    // attention rmsnorm
    TensorId h = b.rms_norm(x, L.attn_norm, hp.norm_eps);

    // q, k, v projections, split into heads
    TensorId q = b.reshape(b.linear(h, L.wq, &L.bq), f32(hp.head_dim, hp.n_head, M));
    TensorId k = b.reshape(b.linear(h, L.wk, &L.bk), f32(hp.head_dim, hp.n_head_kv, M));
    TensorId v = b.linear(h, L.wv, &L.bv);

    // qwen3: rmsnorm of each head of q and k
    if (L.q_norm.present()) q = b.rms_norm(q, L.q_norm, hp.norm_eps);
    if (L.k_norm.present()) k = b.rms_norm(k, L.k_norm, hp.norm_eps);

    // RoPE relative positional encoding
    q = g.op(OpKind::rope, b.desc(q), {q, in_pos, rope_freqs}, rope_f, rope_i);
    k = g.op(OpKind::rope, b.desc(k), {k, in_pos, rope_freqs}, rope_f, rope_i);

    // store this step's k, v into the cache, then attend over each token's sequence so far
    const TensorId k_cache = g.bind("cache_k." + std::to_string(il), cache.layer_desc(), cache.k(il));
    const TensorId v_cache = g.bind("cache_v." + std::to_string(il), cache.layer_desc(), cache.v(il));
    g.op_in_place(OpKind::kv_store, {b.reshape(k, f32(hp.kv_width(), M)), k_cache, in_cells});
    g.op_in_place(OpKind::kv_store, {v, v_cache, in_cells});
    TensorId attn = g.op(OpKind::attention, f32(hp.q_width(), M), {q, k_cache, v_cache, in_spans}, {attn_scale},
                         {static_cast<int32_t>(hp.n_head_kv)});

    // output projection and residual connection
    x = b.add(x, b.linear(attn, L.wo));

    // ffn rmsnorm, SwiGLU feed-forward, residual connection
    h = b.rms_norm(x, L.ffn_norm, hp.norm_eps);
    TensorId ffn = b.swiglu(b.linear(h, L.ffn_gate), b.linear(h, L.ffn_up));
    x = b.add(x, b.linear(ffn, L.ffn_down));
  }

  // final rmsnorm, keep the rows whose logits are wanted, classifier into the vocabulary
  const int64_t n_out = static_cast<int64_t>(wanted.size());
  if (n_out == 0) return out; // a prompt chunk that only fills the cache
  x = b.rms_norm(x, model.output_norm(), hp.norm_eps);
  if (n_out != M) x = g.op(OpKind::get_rows, f32(hp.n_embd, n_out), {x, g.input_i32("logit_rows", wanted)});
  out.logits = b.linear(x, model.output());
  out.n_logits = n_out;
  g.mark_output(out.logits);
  return out;
}

} // namespace llmhost::engine
