// kv_store into F32 / F16 caches and attention over per-token spans with GQA, several sequences
// sharing one batch, against a direct softmax reference.
#include <cmath>

#include "cpu_test_util.hpp"

namespace llmhost::cpu::test {
namespace {

float round_trip(float v, TensorType cache) { return cache == TensorType::F16 ? f16_to_f32(f32_to_f16(v)) : v; }

class AttentionTest : public ::testing::TestWithParam<std::tuple<TensorType, Isa>> {};

TEST_P(AttentionTest, StoresAndAttendsPerSequenceWithGqa) {
  const auto [cache_type, isa] = GetParam();
  if (!isa_available(isa)) GTEST_SKIP() << isa_name(isa) << " is not available on this CPU";
  // head_dim 24: the SIMD helpers' 16- and 8-wide loops plus a scalar tail.
  const int64_t head_dim = 24, n_head = 4, n_head_kv = 2, kv_width = head_dim * n_head_kv, n_cells = 12;
  std::mt19937 rng(11);
  Runner r(isa);
  const size_t cache_bytes = *row_bytes(cache_type, kv_width) * n_cells;
  auto kbuf = r.device.allocate(cache_bytes, BufferUsage::kv_cache);
  auto vbuf = r.device.allocate(cache_bytes, BufferUsage::kv_cache);
  ASSERT_TRUE(kbuf.ok() && vbuf.ok());
  const TensorDesc cache_desc{cache_type, {kv_width, n_cells, 1, 1}};

  // Two sequences: A owns cells 0..5 (3 already cached at 0..2, 3 new tokens at 3..5),
  // B owns cells 6..11 (2 new tokens at 6..7). Five tokens in the batch.
  std::vector<float> cached_k = random_floats(rng, 3 * kv_width), cached_v = random_floats(rng, 3 * kv_width);
  {
    Graph g;
    const std::vector<int32_t> cells = {0, 1, 2};
    const TensorId ck = g.bind("k", cache_desc, **kbuf), cv = g.bind("v", cache_desc, **vbuf);
    const TensorId c = g.input_i32("cells", cells);
    g.op_in_place(OpKind::kv_store, {g.input_f32("k_new", cached_k, {kv_width, 3, 1, 1}), ck, c});
    g.op_in_place(OpKind::kv_store, {g.input_f32("v_new", cached_v, {kv_width, 3, 1, 1}), cv, c});
    ASSERT_TRUE(r.context.compute(g).ok());
  }
  const int64_t m = 5;
  const std::vector<int32_t> cells = {3, 4, 5, 6, 7};
  const std::vector<int32_t> spans = {0, 4, 0, 5, 0, 6, 6, 7, 6, 8};
  const auto new_k = random_floats(rng, m * kv_width), new_v = random_floats(rng, m * kv_width);
  const auto q = random_floats(rng, head_dim * n_head * m, -2, 2);
  const float scale = 1.0f / std::sqrt(float(head_dim));

  Graph g;
  const TensorId ck = g.bind("k", cache_desc, **kbuf), cv = g.bind("v", cache_desc, **vbuf);
  const TensorId c = g.input_i32("cells", cells);
  g.op_in_place(OpKind::kv_store, {g.input_f32("k_new", new_k, {kv_width, m, 1, 1}), ck, c});
  g.op_in_place(OpKind::kv_store, {g.input_f32("v_new", new_v, {kv_width, m, 1, 1}), cv, c});
  const TensorId qt = g.input_f32("q", q, {head_dim, n_head, m, 1});
  const TensorId st = g.input_i32("spans", spans);
  const TensorId out = g.op(OpKind::attention, f32_desc({head_dim * n_head, m, 1, 1}), {qt, ck, cv, st}, {scale}, {int32_t(n_head_kv)});
  const auto got = r.run(g, out);

  // The cache now holds every row (rounded to the cache type); read it back through the buffer.
  std::vector<float> k_all(n_cells * kv_width, 0), v_all(n_cells * kv_width, 0);
  for (int64_t i = 0; i < 3 * kv_width; ++i) k_all[i] = cached_k[i], v_all[i] = cached_v[i];
  for (int64_t t = 0; t < m; ++t)
    for (int64_t i = 0; i < kv_width; ++i) {
      k_all[cells[t] * kv_width + i] = new_k[t * kv_width + i];
      v_all[cells[t] * kv_width + i] = new_v[t * kv_width + i];
    }
  std::vector<std::byte> raw(cache_bytes);
  ASSERT_TRUE((*kbuf)->read(0, raw.data(), raw.size()).ok());
  for (int64_t i = 0; i < 8 * kv_width; ++i) {
    const float stored = cache_type == TensorType::F16 ? f16_to_f32(reinterpret_cast<const f16_bits*>(raw.data())[i])
                                                       : reinterpret_cast<const float*>(raw.data())[i];
    ASSERT_EQ(stored, round_trip(k_all[i], cache_type)) << "cache element " << i;
  }

  std::vector<float> want(got.size());
  for (int64_t t = 0; t < m; ++t)
    for (int64_t h = 0; h < n_head; ++h) {
      const int64_t kvh = h / (n_head / n_head_kv);
      std::vector<double> scores;
      for (int32_t cell = spans[2 * t]; cell < spans[2 * t + 1]; ++cell) {
        double s = 0;
        for (int64_t i = 0; i < head_dim; ++i)
          s += q[(t * n_head + h) * head_dim + i] * round_trip(k_all[cell * kv_width + kvh * head_dim + i], cache_type);
        scores.push_back(s * scale);
      }
      double max = -1e30, sum = 0;
      for (double s : scores) max = std::max(max, s);
      for (double& s : scores) sum += (s = std::exp(s - max));
      for (int64_t i = 0; i < head_dim; ++i) {
        double acc = 0;
        for (size_t j = 0; j < scores.size(); ++j)
          acc += scores[j] / sum * round_trip(v_all[(spans[2 * t] + j) * kv_width + kvh * head_dim + i], cache_type);
        want[(t * n_head + h) * head_dim + i] = float(acc);
      }
    }
  expect_near_all(got, want, 1e-5f, 1e-4f, std::string("attention ") + std::string(type_name(cache_type)));
}

INSTANTIATE_TEST_SUITE_P(CacheTypes, AttentionTest,
                         ::testing::Combine(::testing::Values(TensorType::F32, TensorType::F16),
                                            ::testing::Values(Isa::portable, Isa::avx2, Isa::avx512)),
                         [](const auto& info) {
                           return std::string(type_name(std::get<0>(info.param))) + "_" +
                                  std::string(isa_name(std::get<1>(info.param)));
                         });

// Spans longer than the kernel's chunk of cells, with scores rising along the span so the
// running maximum grows from chunk to chunk.
TEST_P(AttentionTest, LongSpansAcrossChunks) {
  const auto [cache_type, isa] = GetParam();
  if (!isa_available(isa)) GTEST_SKIP() << isa_name(isa) << " is not available on this CPU";
  const int64_t head_dim = 32, n_head = 2, n_cells = 700;
  std::mt19937 rng(12);
  Runner r(isa);
  auto k = random_floats(rng, n_cells * head_dim), v = random_floats(rng, n_cells * head_dim);
  for (int64_t c = 0; c < n_cells; ++c) k[c * head_dim] += 0.01f * float(c); // later cells score higher
  std::vector<std::byte> kraw(*row_bytes(cache_type, head_dim) * n_cells), vraw(kraw.size());
  for (int64_t i = 0; i < n_cells * head_dim; ++i) {
    if (cache_type == TensorType::F16) {
      reinterpret_cast<f16_bits*>(kraw.data())[i] = f32_to_f16(k[i]);
      reinterpret_cast<f16_bits*>(vraw.data())[i] = f32_to_f16(v[i]);
    } else {
      reinterpret_cast<float*>(kraw.data())[i] = k[i];
      reinterpret_cast<float*>(vraw.data())[i] = v[i];
    }
  }
  auto kbuf = std::move(r.device.allocate(kraw.size(), BufferUsage::kv_cache)).value();
  auto vbuf = std::move(r.device.allocate(vraw.size(), BufferUsage::kv_cache)).value();
  ASSERT_TRUE(kbuf->write(0, kraw.data(), kraw.size()).ok() && vbuf->write(0, vraw.data(), vraw.size()).ok());
  const std::vector<int32_t> spans = {0, 700, 5, 300, 129, 130, 0, 0};
  const int64_t m = 4;
  auto q = random_floats(rng, head_dim * n_head * m);
  for (int64_t i = 0; i < n_head * m; ++i) q[i * head_dim] = 4.0f;
  const TensorDesc cache_desc{cache_type, {head_dim, n_cells, 1, 1}};
  Graph g;
  const TensorId kc = g.bind("k", cache_desc, *kbuf), vc = g.bind("v", cache_desc, *vbuf);
  const TensorId out = g.op(OpKind::attention, f32_desc({head_dim * n_head, m, 1, 1}),
                            {g.input_f32("q", q, {head_dim, n_head, m, 1}), kc, vc, g.input_i32("spans", spans)},
                            {0.125f}, {1});
  const auto got = r.run(g, out);
  std::vector<float> want(got.size(), 0.0f); // an empty span gives zeros
  for (int64_t t = 0; t < m; ++t)
    for (int64_t h = 0; h < n_head; ++h) {
      std::vector<double> p;
      for (int32_t c = spans[2 * t]; c < spans[2 * t + 1]; ++c) {
        double s = 0;
        for (int64_t i = 0; i < head_dim; ++i) s += q[(t * n_head + h) * head_dim + i] * round_trip(k[c * head_dim + i], cache_type);
        p.push_back(0.125 * s);
      }
      if (p.empty()) continue;
      double mx = -1e300, sum = 0;
      for (double s : p) mx = std::max(mx, s);
      for (double& s : p) sum += (s = std::exp(s - mx));
      for (int64_t i = 0; i < head_dim; ++i) {
        double acc = 0;
        for (size_t j = 0; j < p.size(); ++j) acc += p[j] / sum * round_trip(v[(spans[2 * t] + j) * head_dim + i], cache_type);
        want[(t * n_head + h) * head_dim + i] = float(acc);
      }
    }
  expect_near_all(got, want, 1e-5f, 1e-4f, "long spans");
}

TEST(Attention, RejectsSpansOutsideTheCache) {
  Runner r;
  auto kbuf = r.device.allocate(4 * 8 * 4, BufferUsage::kv_cache);
  const TensorDesc cache_desc{TensorType::F32, {8, 4, 1, 1}};
  std::vector<float> q(8, 1.0f);
  const std::vector<int32_t> spans = {0, 5};
  Graph g;
  const TensorId ck = g.bind("k", cache_desc, **kbuf);
  g.op(OpKind::attention, f32_desc({8, 1, 1, 1}), {g.input_f32("q", q, {8, 1, 1, 1}), ck, ck, g.input_i32("s", spans)}, {1.0f}, {1});
  const Status s = r.context.compute(g);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message.find("span"), std::string::npos) << s.message;
}

TEST(KvStore, RejectsCellsOutOfRange) {
  Runner r;
  auto kbuf = r.device.allocate(4 * 8 * 2, BufferUsage::kv_cache);
  std::vector<float> rows(8, 1.0f);
  const std::vector<int32_t> cells = {4};
  Graph g;
  g.op_in_place(OpKind::kv_store, {g.input_f32("r", rows, {8, 1, 1, 1}), g.bind("k", TensorDesc{TensorType::F16, {8, 4, 1, 1}}, **kbuf),
                                   g.input_i32("c", cells)});
  EXPECT_FALSE(r.context.compute(g).ok());

  // A cache that is graph input data rather than a bound buffer is refused, not written.
  std::vector<float> not_a_cache(32, 0.0f);
  const std::vector<int32_t> cell0 = {0};
  Graph g2;
  g2.op_in_place(OpKind::kv_store, {g2.input_f32("r", rows, {8, 1, 1, 1}), g2.input_f32("c", not_a_cache, {8, 4, 1, 1}),
                                    g2.input_i32("cells", cell0)});
  const Status s = r.context.compute(g2);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message.find("bound"), std::string::npos) << s.message;
}

} // namespace
} // namespace llmhost::cpu::test
