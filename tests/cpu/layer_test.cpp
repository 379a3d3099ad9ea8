// One Llama-style transformer layer (norms, QKV projections, RoPE, KV cache, GQA attention over
// two sequences in one batch, output projection, SwiGLU FFN, residuals) run as a graph and
// compared with a double-precision reference built from the SDK's dequantized weights.
#include <cmath>
#include <map>

#include "cpu_test_util.hpp"

namespace llmhost::cpu::test {
namespace {

constexpr int64_t kDim = 256, kHeadDim = 32, kHeads = 8, kKvHeads = 2, kKvDim = kHeadDim * kKvHeads, kFfn = 512;
constexpr int64_t kCells = 128;
constexpr float kEps = 1e-5f, kBase = 10000.0f;

using Matrix = std::vector<double>; // row-major [rows][cols]

struct Weight {
  TensorDesc desc;
  std::vector<std::byte> bytes;
  std::vector<float> values; // reference dequantization
};

// Weights of a trained model's scale (|w| < 1/16), quantized with the SDK's reference quantizer.
Weight make_weight(std::mt19937& rng, TensorType type, int64_t k, int64_t n) {
  Weight w{TensorDesc{type, {k, n, 1, 1}}, std::vector<std::byte>(*row_bytes(type, k) * size_t(n)), {}};
  const auto values = random_floats(rng, size_t(k * n), -1.0f / 16, 1.0f / 16);
  const size_t row = *row_bytes(type, k);
  for (int64_t r = 0; r < n; ++r) {
    const Status s = quantize_row(type, values.data() + r * k, w.bytes.data() + row * size_t(r), k);
    EXPECT_TRUE(s.ok()) << s.message;
  }
  w.values = reference_dequant(type, w.bytes.data(), k, n);
  return w;
}

// y[m][n] = sum_k w[n][k] x[m][k]
Matrix matmul(const Weight& w, const Matrix& x, int64_t m) {
  const int64_t k = w.desc.ne[0], n = w.desc.ne[1];
  Matrix y(size_t(m * n));
  for (int64_t r = 0; r < m; ++r)
    for (int64_t j = 0; j < n; ++j) {
      double s = 0;
      for (int64_t i = 0; i < k; ++i) s += w.values[j * k + i] * x[r * k + i];
      y[r * n + j] = s;
    }
  return y;
}

Matrix rms_norm(const Matrix& x, const std::vector<float>& gain, int64_t width) {
  Matrix y(x.size());
  for (size_t r = 0; r < x.size() / width; ++r) {
    double sq = 0;
    for (int64_t i = 0; i < width; ++i) sq += x[r * width + i] * x[r * width + i];
    const double inv = 1 / std::sqrt(sq / width + kEps);
    for (int64_t i = 0; i < width; ++i) y[r * width + i] = x[r * width + i] * inv * gain[i];
  }
  return y;
}

void rope(Matrix& x, int64_t heads, const std::vector<int32_t>& pos) {
  for (size_t t = 0; t < pos.size(); ++t)
    for (int64_t h = 0; h < heads; ++h)
      for (int64_t i = 0; i < kHeadDim / 2; ++i) {
        const double theta = pos[t] * std::pow(double(kBase), -2.0 * i / kHeadDim);
        const size_t a = (t * heads + h) * kHeadDim + 2 * i;
        const double x0 = x[a], x1 = x[a + 1];
        x[a] = x0 * std::cos(theta) - x1 * std::sin(theta);
        x[a + 1] = x0 * std::sin(theta) + x1 * std::cos(theta);
      }
}

struct Batch {
  std::vector<int32_t> pos, cells, spans;
};

// Sequence A: 40 tokens at cells 0..39; sequence B: 30 tokens at cells 64..93.
Batch two_sequences() {
  Batch b;
  for (int32_t i = 0; i < 40; ++i) b.pos.push_back(i), b.cells.push_back(i), b.spans.insert(b.spans.end(), {0, i + 1});
  for (int32_t i = 0; i < 30; ++i) b.pos.push_back(i), b.cells.push_back(64 + i), b.spans.insert(b.spans.end(), {64, 65 + i});
  return b;
}

class LayerTest : public ::testing::TestWithParam<std::tuple<std::tuple<TensorType, TensorType>, Isa>> {};

TEST_P(LayerTest, MatchesReference) {
  const auto [types, isa] = GetParam();
  const auto [wtype, cache_type] = types;
  if (!isa_available(isa)) GTEST_SKIP() << isa_name(isa) << " is not available on this CPU";
  std::mt19937 rng(21);
  const Batch batch = two_sequences();
  const auto m = int64_t(batch.pos.size());
  auto x_in = random_floats(rng, size_t(kDim * m));
  const auto attn_gain = random_floats(rng, kDim, 0.5f, 1.5f), ffn_gain = random_floats(rng, kDim, 0.5f, 1.5f);
  std::map<std::string, Weight> w;
  w["q"] = make_weight(rng, wtype, kDim, kDim);
  w["k"] = make_weight(rng, wtype, kDim, kKvDim);
  w["v"] = make_weight(rng, wtype, kDim, kKvDim);
  w["o"] = make_weight(rng, wtype, kDim, kDim);
  w["gate"] = make_weight(rng, wtype, kDim, kFfn);
  w["up"] = make_weight(rng, wtype, kDim, kFfn);
  w["down"] = make_weight(rng, wtype == TensorType::Q4_K ? TensorType::Q6_K : wtype, kFfn, kDim);

  Runner r(isa);
  std::map<std::string, std::unique_ptr<Buffer>> bufs;
  for (auto& [name, weight] : w) bufs[name] = r.weight(weight.desc, weight.bytes);
  const size_t cache_bytes = *row_bytes(cache_type, kKvDim) * kCells;
  auto kc = std::move(r.device.allocate(cache_bytes, BufferUsage::kv_cache)).value();
  auto vc = std::move(r.device.allocate(cache_bytes, BufferUsage::kv_cache)).value();

  Graph g;
  auto bind = [&](const std::string& name) { return g.bind(name, w[name].desc, *bufs[name]); };
  const TensorDesc cache_desc{cache_type, {kKvDim, kCells, 1, 1}};
  const TensorId x = g.input_f32("x", x_in, {kDim, m, 1, 1});
  const TensorId pos = g.input_i32("pos", batch.pos), cells = g.input_i32("cells", batch.cells);
  const TensorId spans = g.input_i32("spans", batch.spans);
  const TensorId kcache = g.bind("k_cache", cache_desc, *kc), vcache = g.bind("v_cache", cache_desc, *vc);
  const auto row = [&](int64_t n) { return f32_desc({n, m, 1, 1}); };

  TensorId h = g.op(OpKind::rms_norm, row(kDim), {x}, {kEps});
  h = g.op(OpKind::mul, row(kDim), {h, g.input_f32("attn_norm", attn_gain, {kDim, 1, 1, 1})});
  TensorId q = g.op(OpKind::mul_mat, row(kDim), {bind("q"), h});
  q = g.op(OpKind::reshape, f32_desc({kHeadDim, kHeads, m, 1}), {q});
  q = g.op(OpKind::rope, f32_desc({kHeadDim, kHeads, m, 1}), {q, pos, kNoTensor}, {kBase, 1.0f}, {int32_t(kHeadDim), 0});
  TensorId k = g.op(OpKind::mul_mat, row(kKvDim), {bind("k"), h});
  k = g.op(OpKind::reshape, f32_desc({kHeadDim, kKvHeads, m, 1}), {k});
  k = g.op(OpKind::rope, f32_desc({kHeadDim, kKvHeads, m, 1}), {k, pos, kNoTensor}, {kBase, 1.0f}, {int32_t(kHeadDim), 0});
  k = g.op(OpKind::reshape, row(kKvDim), {k});
  const TensorId v = g.op(OpKind::mul_mat, row(kKvDim), {bind("v"), h});
  g.op_in_place(OpKind::kv_store, {k, kcache, cells});
  g.op_in_place(OpKind::kv_store, {v, vcache, cells});
  const TensorId att = g.op(OpKind::attention, row(kDim), {q, kcache, vcache, spans},
                            {1.0f / std::sqrt(float(kHeadDim))}, {int32_t(kKvHeads)});
  const TensorId x2 = g.op(OpKind::add, row(kDim), {x, g.op(OpKind::mul_mat, row(kDim), {bind("o"), att})});
  TensorId h2 = g.op(OpKind::rms_norm, row(kDim), {x2}, {kEps});
  h2 = g.op(OpKind::mul, row(kDim), {h2, g.input_f32("ffn_norm", ffn_gain, {kDim, 1, 1, 1})});
  const TensorId act = g.op(OpKind::swiglu, row(kFfn), {g.op(OpKind::mul_mat, row(kFfn), {bind("gate"), h2}),
                                                        g.op(OpKind::mul_mat, row(kFfn), {bind("up"), h2})});
  const TensorId out = g.op(OpKind::add, row(kDim), {x2, g.op(OpKind::mul_mat, row(kDim), {bind("down"), act})});
  const auto got = r.run(g, out);
  ASSERT_EQ(got.size(), size_t(kDim * m));
  // Same graph again on the same context: the arena is reused and the cache rewritten.
  ASSERT_TRUE(r.context.compute(g).ok());
  EXPECT_EQ(r.output(g, out), got);

  // Reference.
  const Matrix xd(x_in.begin(), x_in.end());
  const Matrix hd = rms_norm(xd, attn_gain, kDim);
  Matrix qd = matmul(w["q"], hd, m), kd = matmul(w["k"], hd, m);
  const Matrix vd = matmul(w["v"], hd, m);
  rope(qd, kHeads, batch.pos);
  rope(kd, kKvHeads, batch.pos);
  auto cached = [&](double val) { return cache_type == TensorType::F16 ? double(f16_to_f32(f32_to_f16(float(val)))) : val; };
  std::vector<double> kcell(kCells * kKvDim), vcell(kCells * kKvDim);
  for (int64_t t = 0; t < m; ++t)
    for (int64_t i = 0; i < kKvDim; ++i) {
      kcell[batch.cells[t] * kKvDim + i] = cached(kd[t * kKvDim + i]);
      vcell[batch.cells[t] * kKvDim + i] = cached(vd[t * kKvDim + i]);
    }
  Matrix attd(size_t(kDim * m));
  for (int64_t t = 0; t < m; ++t)
    for (int64_t hh = 0; hh < kHeads; ++hh) {
      const int64_t kvh = hh / (kHeads / kKvHeads);
      std::vector<double> p;
      for (int32_t c = batch.spans[2 * t]; c < batch.spans[2 * t + 1]; ++c) {
        double s = 0;
        for (int64_t i = 0; i < kHeadDim; ++i) s += qd[(t * kHeads + hh) * kHeadDim + i] * kcell[c * kKvDim + kvh * kHeadDim + i];
        p.push_back(s / std::sqrt(double(kHeadDim)));
      }
      double mx = -1e300, sum = 0;
      for (double s : p) mx = std::max(mx, s);
      for (double& s : p) sum += (s = std::exp(s - mx));
      for (int64_t i = 0; i < kHeadDim; ++i) {
        double a = 0;
        for (size_t j = 0; j < p.size(); ++j) a += p[j] / sum * vcell[(batch.spans[2 * t] + j) * kKvDim + kvh * kHeadDim + i];
        attd[(t * kHeads + hh) * kHeadDim + i] = a;
      }
    }
  Matrix x2d = matmul(w["o"], attd, m);
  for (size_t i = 0; i < x2d.size(); ++i) x2d[i] += xd[i];
  const Matrix h2d = rms_norm(x2d, ffn_gain, kDim);
  const Matrix gd = matmul(w["gate"], h2d, m), ud = matmul(w["up"], h2d, m);
  Matrix sd(gd.size());
  for (size_t i = 0; i < gd.size(); ++i) sd[i] = gd[i] / (1 + std::exp(-gd[i])) * ud[i];
  Matrix outd = matmul(w["down"], sd, m);
  double scale = 0;
  for (size_t i = 0; i < outd.size(); ++i) scale = std::max(scale, std::fabs(outd[i] += x2d[i]));

  // F32 weights: float rounding only. Quantized weights: plus Q8 activation rounding (~1%).
  const double tol = (wtype == TensorType::F32 ? 1e-4 : 3e-2) * scale;
  for (size_t i = 0; i < outd.size(); ++i) ASSERT_NEAR(got[i], outd[i], tol) << "element " << i;
}

INSTANTIATE_TEST_SUITE_P(Types, LayerTest,
                         ::testing::Combine(::testing::Values(std::tuple{TensorType::F32, TensorType::F32},
                                                              std::tuple{TensorType::Q8_0, TensorType::F16},
                                                              std::tuple{TensorType::Q4_K, TensorType::F16}),
                                            ::testing::Values(Isa::portable, Isa::avx2, Isa::avx512)),
                         [](const auto& info) {
                           const auto& types = std::get<0>(info.param);
                           return std::string(type_name(std::get<0>(types))) + "_cache_" +
                                  std::string(type_name(std::get<1>(types))) + "_" +
                                  std::string(isa_name(std::get<1>(info.param)));
                         });

} // namespace
} // namespace llmhost::cpu::test
