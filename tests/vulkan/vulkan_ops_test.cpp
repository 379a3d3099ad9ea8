// The non-weight ops (norms, elementwise, rope, softmax, KV store, attention, reshape), chains of
// ops in one graph, and error handling, against the plain-loop references.
#include "reference_ops.hpp"
#include "vk_test_support.hpp"

namespace llmhost::vktest {
namespace {

TensorDesc f32(int64_t a, int64_t b = 1, int64_t c = 1) { return TensorDesc{TensorType::F32, {a, b, c, 1}}; }

std::vector<float> map(const std::vector<float>& x, float (*f)(float)) {
  std::vector<float> out(x.size());
  for (size_t i = 0; i < x.size(); ++i) out[i] = f(x[i]);
  return out;
}

using Ops = VulkanTest;

TEST_F(Ops, AddAndMulFullAndBroadcast) {
  const int64_t K = 70, M = 5;
  auto a = random_floats(K * M, 1), b = random_floats(K * M, 2), row = random_floats(K, 3);
  for (OpKind op : {OpKind::add, OpKind::mul}) {
    for (bool broadcast : {false, true}) {
      Graph g;
      TensorId ta = g.input_f32("a", a, {K, M, 1, 1});
      TensorId tb = broadcast ? g.input_f32("row", row, {K, 1, 1, 1}) : g.input_f32("b", b, {K, M, 1, 1});
      TensorId out = g.op(op, f32(K, M), {ta, tb});
      std::vector<float> want(a.size());
      for (size_t i = 0; i < a.size(); ++i) {
        float y = broadcast ? row[i % K] : b[i];
        want[i] = op == OpKind::add ? a[i] + y : a[i] * y;
      }
      expect_near(run(g, out), want, 0.0f, 1e-6f, op_name(op));
    }
  }
}

TEST_F(Ops, ScaleSiluGeluSwiglu) {
  const int64_t n = 1000;
  auto x = random_floats(n, 4, -8.0f, 8.0f), y = random_floats(n, 5);
  Graph g;
  TensorId tx = g.input_f32("x", x, {n, 1, 1, 1});
  TensorId ty = g.input_f32("y", y, {n, 1, 1, 1});
  TensorId scaled = g.op(OpKind::scale, f32(n), {tx}, {0.37f});
  TensorId silu = g.op(OpKind::silu, f32(n), {tx});
  TensorId gelu = g.op(OpKind::gelu, f32(n), {tx});
  TensorId swiglu = g.op(OpKind::swiglu, f32(n), {tx, ty});
  for (TensorId id : {scaled, silu, gelu, swiglu}) g.mark_output(id);
  ASSERT_TRUE(ctx_->compute(g).ok());
  auto read = [&](TensorId id) {
    std::vector<float> v(n);
    EXPECT_TRUE(ctx_->read_output(g, id, v.data(), v.size() * 4).ok());
    return v;
  };
  std::vector<float> want_scale(n), want_swiglu(n);
  for (int64_t i = 0; i < n; ++i) {
    want_scale[i] = x[i] * 0.37f;
    want_swiglu[i] = ref::silu(x[i]) * y[i];
  }
  expect_near(read(scaled), want_scale, 0.0f, 1e-6f, "scale");
  expect_near(read(silu), map(x, ref::silu), 1e-6f, 1e-5f, "silu");
  expect_near(read(gelu), map(x, ref::gelu), 1e-5f, 1e-5f, "gelu");
  expect_near(read(swiglu), want_swiglu, 1e-6f, 1e-5f, "swiglu");
}

TEST_F(Ops, RmsNormAndLayerNorm) {
  for (int64_t width : {64, 300, 1100}) {
    const int64_t M = 3;
    auto x = random_floats(width * M, 6, -3.0f, 5.0f);
    for (OpKind op : {OpKind::rms_norm, OpKind::layer_norm}) {
      Graph g;
      TensorId out = g.op(op, f32(width, M), {g.input_f32("x", x, {width, M, 1, 1})}, {1e-5f});
      expect_near(run(g, out), ref::norm(x, width, 1e-5f, op == OpKind::layer_norm), 1e-5f, 1e-4f,
                  std::string(op_name(op)) + " width " + std::to_string(width));
    }
  }
}

TEST_F(Ops, SoftmaxWithAndWithoutScale) {
  const int64_t width = 333, M = 4;
  auto x = random_floats(width * M, 7, -10.0f, 10.0f);
  for (float scale : {0.0f, 0.125f}) {
    Graph g;
    TensorId out = g.op(OpKind::softmax, f32(width, M), {g.input_f32("x", x, {width, M, 1, 1})}, {scale});
    expect_near(run(g, out), ref::softmax(x, width, scale == 0.0f ? 1.0f : scale), 1e-7f, 1e-4f, "softmax");
  }
}

TEST_F(Ops, RopeNormalAndNeoxWithPartialDimsAndFactors) {
  const int64_t hd = 64, nh = 3, M = 4;
  auto x = random_floats(hd * nh * M, 8);
  std::vector<int32_t> pos{0, 1, 17, 250};
  for (int mode : {0, 2}) {
    for (int n_dims : {64, 32}) {
      for (bool with_factors : {false, true}) {
        std::vector<float> factors;
        if (with_factors) factors = random_floats(n_dims / 2, 9, 1.0f, 4.0f);
        Graph g;
        TensorId tx = g.input_f32("x", x, {hd, nh, M, 1});
        TensorId tp = g.input_i32("pos", pos);
        TensorId tf = with_factors ? g.input_f32("factors", factors, {n_dims / 2, 1, 1, 1}) : kNoTensor;
        TensorId out = g.op(OpKind::rope, f32(hd, nh, M), {tx, tp, tf}, {10000.0f, 0.5f}, {n_dims, mode});
        expect_near(run(g, out), ref::rope(x, pos, factors, hd, nh, n_dims, mode, 10000.0f, 0.5f), 2e-5f, 1e-4f,
                    "rope mode " + std::to_string(mode) + " dims " + std::to_string(n_dims));
      }
    }
  }
}

class KvAttention : public VulkanTest {
 protected:
  void check(TensorType cache_type, int64_t hd = 32, int64_t nh = 4, int64_t nkv = 2);
};

// Stores rows into a cache of the given type, then checks the cache and attention over it.
void KvAttention::check(TensorType cache_type, int64_t hd, int64_t nh, int64_t nkv) {
  Device& dev = *device_;
  ExecutionContext& ctx = *ctx_;
  const int64_t W = hd * nkv, cells = 80;
  TensorDesc cache_desc{cache_type, {W, cells, 1, 1}};
  auto kbuf = dev.allocate(cache_desc.bytes() + 256, BufferUsage::kv_cache);
  auto vbuf = dev.allocate(cache_desc.bytes() + 256, BufferUsage::kv_cache);
  ASSERT_TRUE(kbuf.ok() && vbuf.ok());
  const size_t offset = 64; // caches start inside their buffers
  // Two sequences: A fills cells [0, 70) in one prompt-sized step, B cells [70, 73).
  auto k_all = random_floats(W * cells, 10), v_all = random_floats(W * cells, 11);
  std::vector<int32_t> cell_ids;
  for (int32_t c = 0; c < 73; ++c) cell_ids.push_back(c);
  const int64_t stored = static_cast<int64_t>(cell_ids.size());
  std::vector<float> krows(k_all.begin(), k_all.begin() + W * stored), vrows(v_all.begin(), v_all.begin() + W * stored);
  {
    Graph g;
    TensorId kc = g.bind("k", cache_desc, **kbuf, offset);
    TensorId vc = g.bind("v", cache_desc, **vbuf, offset);
    TensorId ids = g.input_i32("cells", cell_ids);
    g.op_in_place(OpKind::kv_store, {g.input_f32("k_new", krows, {W, stored, 1, 1}), kc, ids});
    g.op_in_place(OpKind::kv_store, {g.input_f32("v_new", vrows, {W, stored, 1, 1}), vc, ids});
    Status s = ctx.compute(g);
    ASSERT_TRUE(s.ok()) << s.message;
  }
  // The cache holds the rows (rounded to F16 when the cache is F16); the rest stays zero.
  auto read_cache = [&](Buffer& b) {
    std::vector<std::byte> raw(cache_desc.bytes());
    EXPECT_TRUE(b.read(offset, raw.data(), raw.size()).ok());
    return dequantize(cache_type, raw, W);
  };
  auto kc = read_cache(**kbuf), vc = read_cache(**vbuf);
  std::vector<float> want_k(W * cells, 0.0f);
  std::copy(krows.begin(), krows.end(), want_k.begin());
  expect_near(kc, want_k, 0.0f, cache_type == TensorType::F16 ? 1e-3f : 0.0f, "kv_store");

  // Queries: 3 tokens of A (positions 0, 40, 69) and 3 of B (each sees B's cells up to itself).
  std::vector<int32_t> spans{0, 1, 0, 41, 0, 70, 70, 71, 70, 72, 70, 73};
  const int64_t M = 6;
  auto q = random_floats(hd * nh * M, 12);
  const float scale = 1.0f / std::sqrt(float(hd));
  Graph g;
  TensorId kt = g.bind("k", cache_desc, **kbuf, offset);
  TensorId vt = g.bind("v", cache_desc, **vbuf, offset);
  TensorId out = g.op(OpKind::attention, f32(hd * nh, M),
                      {g.input_f32("q", q, {hd, nh, M, 1}), kt, vt, g.input_i32("spans", spans)}, {scale}, {int32_t(nkv)});
  auto got = run(g, out);
  expect_near(got, ref::attention(q, kc, vc, spans, hd, nh, nkv, scale), 1e-5f, 1e-4f, "attention");
}


TEST_F(KvAttention, F32Cache) { check(TensorType::F32); }
TEST_F(KvAttention, F16Cache) { check(TensorType::F16); }
// The largest head size the kernel takes (every thread owns 4 output dimensions), no GQA.
TEST_F(KvAttention, HeadDim256) { check(TensorType::F16, 256, 2, 2); }
TEST_F(KvAttention, HeadDimOver256IsRefused) {
  const int64_t hd = 264, cells = 4;
  TensorDesc cache{TensorType::F32, {hd, cells, 1, 1}};
  auto kb = device_->allocate(cache.bytes(), BufferUsage::kv_cache);
  ASSERT_TRUE(kb.ok());
  std::vector<float> q(hd);
  std::vector<int32_t> spans{0, 1};
  Graph g;
  TensorId kc = g.bind("k", cache, **kb);
  TensorId out = g.op(OpKind::attention, TensorDesc{TensorType::F32, {hd, 1, 1, 1}},
                      {g.input_f32("q", q, {hd, 1, 1, 1}), kc, kc, g.input_i32("spans", spans)}, {1.0f}, {1});
  g.mark_output(out);
  Status s = ctx_->compute(g);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message.find("head_dim"), std::string::npos) << s.message;
}

TEST_F(Ops, ChainedGraphWithReshapeAndReusedIntermediates) {
  // x -> rms_norm -> * w -> reshape -> + x -> silu: each op reads the one before it, and freed
  // intermediates are reused within the step, so barriers must order them.
  const int64_t K = 128, M = 6;
  auto x = random_floats(K * M, 13), w = random_floats(K, 14);
  Graph g;
  TensorId tx = g.input_f32("x", x, {K, M, 1, 1});
  TensorId n = g.op(OpKind::rms_norm, f32(K, M), {tx}, {1e-6f});
  TensorId m = g.op(OpKind::mul, f32(K, M), {n, g.input_f32("w", w, {K, 1, 1, 1})});
  TensorId r = g.op(OpKind::reshape, f32(K / 2, 2 * M), {m});
  TensorId r2 = g.op(OpKind::reshape, f32(K, M), {r});
  TensorId s = g.op(OpKind::add, f32(K, M), {r2, tx});
  TensorId out = g.op(OpKind::silu, f32(K, M), {s});
  auto normed = ref::norm(x, K, 1e-6f, false);
  std::vector<float> want(K * M);
  for (int64_t i = 0; i < K * M; ++i) want[i] = ref::silu(normed[i] * w[i % K] + x[i]);
  expect_near(run(g, out), want, 1e-5f, 1e-4f, "chain");
  // Running the same context again reuses its arena and gives the same result.
  expect_near(run(g, out), want, 1e-5f, 1e-4f, "chain, second run");
}

TEST_F(Ops, BadGraphsReturnErrors) {
  auto x = random_floats(64, 15);
  {
    Graph g; // mul_mat with mismatched K
    auto w = device_->allocate(64 * 4 * 4, BufferUsage::weights);
    ASSERT_TRUE(w.ok());
    TensorId wt = g.bind("w", f32(64, 4), **w);
    TensorId out = g.op(OpKind::mul_mat, f32(4, 2), {wt, g.input_f32("x", x, {32, 2, 1, 1})});
    g.mark_output(out);
    Status s = ctx_->compute(g);
    EXPECT_FALSE(s.ok());
    EXPECT_NE(s.message.find("mul_mat"), std::string::npos) << s.message;
  }
  {
    Graph g; // add with incompatible shapes
    TensorId a = g.input_f32("a", x, {64, 1, 1, 1});
    TensorId b = g.input_f32("b", std::span<const float>(x).first(10), {10, 1, 1, 1});
    g.op(OpKind::add, f32(64), {a, b});
    EXPECT_FALSE(ctx_->compute(g).ok());
  }
  {
    Graph g; // input data shorter than its shape
    TensorId a = g.input_f32("a", x, {128, 1, 1, 1});
    g.op(OpKind::silu, f32(128), {a});
    EXPECT_FALSE(ctx_->compute(g).ok());
  }
  {
    Graph g; // bound range past the end of the buffer
    auto b = device_->allocate(64, BufferUsage::scratch);
    ASSERT_TRUE(b.ok());
    TensorId t = g.bind("t", f32(32), **b, 16);
    g.op(OpKind::silu, f32(32), {t});
    EXPECT_FALSE(ctx_->compute(g).ok());
  }
  {
    Graph g; // a buffer that is not a Vulkan device buffer
    struct HostBuffer final : Buffer {
      size_t size() const override { return 256; }
      Status write(size_t, const void*, size_t) override { return Status::success(); }
      Status read(size_t, void*, size_t) const override { return Status::success(); }
    } host_buffer;
    TensorId t = g.bind("t", f32(32), host_buffer);
    g.op(OpKind::silu, f32(32), {t});
    Status s = ctx_->compute(g);
    EXPECT_FALSE(s.ok());
    EXPECT_NE(s.message.find("another device"), std::string::npos) << s.message;
  }
  // The context still works after errors.
  Graph g;
  TensorId out = g.op(OpKind::scale, f32(64), {g.input_f32("x", x, {64, 1, 1, 1})}, {2.0f});
  auto got = run(g, out);
  EXPECT_FLOAT_EQ(got[5], 2.0f * x[5]);
  // Only marked outputs can be read.
  float tmp[64];
  EXPECT_FALSE(ctx_->read_output(g, 0, tmp, sizeof(tmp)).ok());
  EXPECT_FALSE(ctx_->read_output(g, out, tmp, sizeof(tmp) + 4).ok());
}

TEST_F(Ops, BuffersStartZeroedAndRoundTrip) {
  auto b = device_->allocate(1000, BufferUsage::scratch);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ((*b)->size(), 1000u);
  std::vector<uint8_t> back(1000, 0xFF);
  ASSERT_TRUE((*b)->read(0, back.data(), back.size()).ok());
  EXPECT_TRUE(std::all_of(back.begin(), back.end(), [](uint8_t v) { return v == 0; }));
  std::vector<uint8_t> data(301);
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<uint8_t>(i * 7);
  ASSERT_TRUE((*b)->write(123, data.data(), data.size()).ok());
  std::vector<uint8_t> got(301);
  ASSERT_TRUE((*b)->read(123, got.data(), got.size()).ok());
  EXPECT_EQ(got, data);
  EXPECT_FALSE((*b)->write(900, data.data(), data.size()).ok());
  EXPECT_FALSE((*b)->read(1001, got.data(), 1).ok());
}

TEST_F(Ops, DeviceInfoDescribesTheDevice) {
  DeviceInfo info = device_->info();
  EXPECT_FALSE(info.name.empty());
  EXPECT_GT(info.memory_total, 0u);
  EXPECT_GT(info.memory_free, 0u);
  EXPECT_LE(info.memory_free, info.memory_total);
  EXPECT_NE(std::find(info.features.begin(), info.features.end(), "vulkan"), info.features.end());
  EXPECT_TRUE(device_->supports(OpKind::attention, TensorType::F16));
  EXPECT_TRUE(device_->supports(OpKind::rope, TensorType::F32));
  EXPECT_FALSE(device_->supports(OpKind::rope, TensorType::Q4_0));
}

} // namespace
} // namespace llmhost::vktest
