// The Vulkan backend against the CPU backend on random transformer-like step graphs (embedding,
// norms, projections of every weight type, rope, KV store, attention, FFN), decode and prompt
// sized. The CPU backend quantizes activations for its dot products, so agreement is checked
// relative to the size of each output.
#include <cpu/cpu_backend.hpp>

#include "vk_test_support.hpp"

namespace llmhost::vktest {
namespace {

struct Step {
  Graph graph;
  TensorId out = kNoTensor;
  std::vector<std::unique_ptr<Buffer>> buffers;
};

// Builds one step on `dev` from the seed: identical on both devices.
Status build_step(Device& dev, TensorType wtype, TensorType cache_type, uint32_t seed, int64_t M, Step& step) {
  std::mt19937 rng(seed);
  const int64_t hd = 32, nh = 4, nkv = 2, n_embd = hd * nh, W = hd * nkv, n_ff = 256, vocab = 50, cells = 64;
  const int64_t K = n_embd; // weight rows of width 128 (K-quants: pad via width 256 below)
  const bool kquant = type_traits(wtype)->block_elems == 256;
  const int64_t width = kquant ? 256 : K;
  auto upload = [&](const std::string& name, TensorType t, int64_t ne0, int64_t ne1, uint32_t s) -> Result<TensorId> {
    TensorDesc d{t, {ne0, ne1, 1, 1}};
    // Weights of about 1/sqrt(K) keep activations near 1 through the step, as in real models.
    const float amp = t == TensorType::F32 && ne1 == 1 ? 1.0f : 1.5f / std::sqrt(float(ne0));
    auto data = quantize(t, random_floats(static_cast<size_t>(ne0 * ne1), s, -amp, amp), ne0);
    auto b = dev.upload_weight(d, data);
    if (!b) return b.status();
    step.buffers.push_back(std::move(b.value()));
    return step.graph.bind(name, d, *step.buffers.back());
  };
  Graph& g = step.graph;
  auto tok_embd = upload("tok_embd", wtype, width, vocab, seed + 1);
  auto wq = upload("wq", wtype, width, n_embd, seed + 2);
  auto wk = upload("wk", wtype, width, W, seed + 3);
  auto wv = upload("wv", wtype, width, W, seed + 4);
  auto wo = upload("wo", wtype, kquant ? 256 : n_embd, width, seed + 5);
  auto w_up = upload("w_up", wtype, width, n_ff, seed + 6);
  auto w_gate = upload("w_gate", wtype, width, n_ff, seed + 7);
  auto w_down = upload("w_down", wtype, n_ff, width, seed + 8);
  auto norm_w = upload("norm", TensorType::F32, width, 1, seed + 9);
  for (auto* r : {&tok_embd, &wq, &wk, &wv, &wo, &w_up, &w_gate, &w_down, &norm_w}) {
    if (!r->ok()) return r->status();
  }
  TensorDesc cache_desc{cache_type, {W, cells, 1, 1}};
  for (int i = 0; i < 2; ++i) {
    auto b = dev.allocate(cache_desc.bytes(), BufferUsage::kv_cache);
    if (!b) return b.status();
    step.buffers.push_back(std::move(b.value()));
  }
  TensorId kc = g.bind("k_cache", cache_desc, *step.buffers[step.buffers.size() - 2]);
  TensorId vc = g.bind("v_cache", cache_desc, *step.buffers.back());

  std::uniform_int_distribution<int32_t> tok(0, static_cast<int32_t>(vocab - 1));
  std::vector<int32_t> ids(M), pos(M), cell(M), spans(2 * M);
  for (int64_t m = 0; m < M; ++m) {
    ids[m] = tok(rng);
    pos[m] = static_cast<int32_t>(m);
    cell[m] = static_cast<int32_t>(m);
    spans[2 * m] = 0;
    spans[2 * m + 1] = static_cast<int32_t>(m + 1);
  }
  auto f32 = [](int64_t a, int64_t b, int64_t c = 1) { return TensorDesc{TensorType::F32, {a, b, c, 1}}; };
  TensorId x = g.op(OpKind::get_rows, f32(width, M), {*tok_embd, g.input_i32("ids", ids)});
  TensorId h = g.op(OpKind::mul, f32(width, M), {g.op(OpKind::rms_norm, f32(width, M), {x}, {1e-5f}), *norm_w});
  TensorId positions = g.input_i32("pos", pos);
  TensorId q = g.op(OpKind::reshape, f32(hd, nh, M), {g.op(OpKind::mul_mat, f32(n_embd, M), {*wq, h})});
  TensorId k = g.op(OpKind::reshape, f32(hd, nkv, M), {g.op(OpKind::mul_mat, f32(W, M), {*wk, h})});
  q = g.op(OpKind::rope, f32(hd, nh, M), {q, positions}, {10000.0f, 1.0f}, {int32_t(hd), 2});
  k = g.op(OpKind::rope, f32(hd, nkv, M), {k, positions}, {10000.0f, 1.0f}, {int32_t(hd), 2});
  TensorId v = g.op(OpKind::mul_mat, f32(W, M), {*wv, h});
  TensorId cells_t = g.input_i32("cells", cell);
  g.op_in_place(OpKind::kv_store, {g.op(OpKind::reshape, f32(W, M), {k}), kc, cells_t});
  g.op_in_place(OpKind::kv_store, {v, vc, cells_t});
  TensorId att = g.op(OpKind::attention, f32(n_embd, M), {q, kc, vc, g.input_i32("spans", spans)},
                      {1.0f / std::sqrt(float(hd))}, {int32_t(nkv)});
  if (kquant) { // wo needs 256-wide input: pad the attention output by repeating it
    att = g.op(OpKind::reshape, f32(n_embd, M), {att});
    TensorId dup = g.op(OpKind::get_rows, f32(256, M), {*tok_embd, g.input_i32("ids2", ids)});
    att = g.op(OpKind::add, f32(256, M), {dup, g.op(OpKind::scale, f32(256, M), {dup}, {0.5f})});
  }
  TensorId o = g.op(OpKind::mul_mat, f32(width, M), {*wo, att});
  TensorId res = g.op(OpKind::add, f32(width, M), {x, o});
  TensorId n2 = g.op(OpKind::rms_norm, f32(width, M), {res}, {1e-5f});
  TensorId ff = g.op(OpKind::swiglu, f32(n_ff, M),
                     {g.op(OpKind::mul_mat, f32(n_ff, M), {*w_gate, n2}), g.op(OpKind::mul_mat, f32(n_ff, M), {*w_up, n2})});
  TensorId down = g.op(OpKind::mul_mat, f32(width, M), {*w_down, ff});
  TensorId y = g.op(OpKind::gelu, f32(width, M), {g.op(OpKind::add, f32(width, M), {res, down})});
  step.out = g.op(OpKind::softmax, f32(width, M), {g.op(OpKind::layer_norm, f32(width, M), {y}, {1e-5f})}, {0.5f});
  g.mark_output(step.out);
  g.mark_output(down);
  return Status::success();
}

class VsCpu : public VulkanTest, public ::testing::WithParamInterface<TensorType> {};

TEST_P(VsCpu, RandomStepGraphsAgree) {
  auto cpu = cpu::create_backend();
  TestHost host;
  ASSERT_TRUE(cpu->init(host).ok());
  ASSERT_GT(cpu->device_count(), 0u);
  Device& cpu_dev = *cpu->device(0);
  auto cpu_ctx = cpu_dev.create_context();
  ASSERT_TRUE(cpu_ctx.ok());
  TensorType t = GetParam();
  uint32_t seed = 1000 + static_cast<uint32_t>(t);
  for (int64_t M : {1, 11}) {
    for (TensorType cache : {TensorType::F32, TensorType::F16}) {
      Step a, b;
      Status sa = build_step(*device_, t, cache, seed, M, a);
      Status sb = build_step(cpu_dev, t, cache, seed, M, b);
      ASSERT_TRUE(sa.ok()) << sa.message;
      ASSERT_TRUE(sb.ok()) << sb.message;
      Status ca = ctx_->compute(a.graph);
      Status cb = (*cpu_ctx)->compute(b.graph);
      ASSERT_TRUE(ca.ok()) << ca.message;
      ASSERT_TRUE(cb.ok()) << cb.message;
      auto read = [](ExecutionContext& c, const Graph& g, TensorId id) {
        std::vector<float> v(static_cast<size_t>(g.tensor(id).desc.elements()));
        EXPECT_TRUE(c.read_output(g, id, v.data(), v.size() * 4).ok());
        return v;
      };
      std::string what = std::string(type_name(t)) + " M=" + std::to_string(M) + " cache " +
                         std::string(type_name(cache));
      for (size_t i = 0; i < a.graph.tensors().size(); ++i) {
        if (!a.graph.tensors()[i].output) continue;
        auto va = read(*ctx_, a.graph, static_cast<TensorId>(i));
        auto vb = read(**cpu_ctx, b.graph, static_cast<TensorId>(i));
        float scale = 0;
        double diff2 = 0, ref2 = 0;
        for (size_t j = 0; j < vb.size(); ++j) {
          scale = std::max(scale, std::fabs(vb[j]));
          diff2 += double(va[j] - vb[j]) * (va[j] - vb[j]);
          ref2 += double(vb[j]) * vb[j];
        }
        // The CPU rounds activations to 8 bits before each quantized product, and the error
        // compounds through the step: each element within 5% of the output's largest value, and
        // the RMS difference within 2% of the output's RMS. A wrong kernel misses by ~100%.
        const std::string name = what + " tensor " + a.graph.tensors()[i].name;
        expect_near(va, vb, 0.05f * scale + 1e-6f, 0.0f, name);
        EXPECT_LE(std::sqrt(diff2), 0.02 * std::sqrt(ref2) + 1e-6) << name;
      }
    }
  }
}

// One projection on both backends against the plain-loop reference: when the step graphs
// disagree, this says which side is off.
TEST_P(VsCpu, SingleMulMatBothMatchReference) {
  auto cpu = cpu::create_backend();
  TestHost host;
  ASSERT_TRUE(cpu->init(host).ok());
  Device& cpu_dev = *cpu->device(0);
  auto cpu_ctx = cpu_dev.create_context();
  ASSERT_TRUE(cpu_ctx.ok());
  TensorType t = GetParam();
  const int64_t K = 256, N = 40;
  TensorDesc d{t, {K, N, 1, 1}};
  auto data = quantize(t, random_floats(static_cast<size_t>(K * N), 7), K);
  auto w = dequantize(t, data, K);
  for (int64_t M : {1, 11}) {
    auto x = random_floats(static_cast<size_t>(K * M), 8);
    std::vector<float> want(static_cast<size_t>(N * M));
    for (int64_t m = 0; m < M; ++m)
      for (int64_t n = 0; n < N; ++n) {
        double s = 0;
        for (int64_t k = 0; k < K; ++k) s += double(w[n * K + k]) * x[m * K + k];
        want[m * N + n] = float(s);
      }
    for (Device* dev : {device_, &cpu_dev}) {
      auto buf = dev->upload_weight(d, data);
      ASSERT_TRUE(buf.ok());
      Graph g;
      TensorId out = g.op(OpKind::mul_mat, TensorDesc{TensorType::F32, {N, M, 1, 1}},
                          {g.bind("w", d, **buf), g.input_f32("x", x, {K, M, 1, 1})});
      g.mark_output(out);
      ExecutionContext& ctx = dev == device_ ? *ctx_ : **cpu_ctx;
      ASSERT_TRUE(ctx.compute(g).ok());
      std::vector<float> got(want.size());
      ASSERT_TRUE(ctx.read_output(g, out, got.data(), got.size() * 4).ok());
      // The CPU rounds activations to 8 bits: allow 1% of the largest output.
      float largest = 0;
      for (float v : want) largest = std::max(largest, std::fabs(v));
      expect_near(got, want, dev == device_ ? 2e-3f : 0.01f * largest, 0.0f,
                  std::string(dev == device_ ? "vulkan" : "cpu") + " M=" + std::to_string(M));
    }
  }
}

INSTANTIATE_TEST_SUITE_P(AllTypes, VsCpu, ::testing::ValuesIn(weight_types()), type_param_name);

} // namespace
} // namespace llmhost::vktest
