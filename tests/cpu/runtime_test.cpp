// The backend's runtime pieces: thread pool, arena planning, contexts reused across steps,
// device info and plugin options.
#include <atomic>
#include <set>

#include "arena_plan.hpp"
#include "cpu_test_util.hpp"
#include "thread_pool.hpp"

namespace llmhost::cpu::test {
namespace {

TEST(ThreadPool, RunsEveryIndexOncePerJobManyTimes) {
  ThreadPool pool(3);
  ASSERT_EQ(pool.size(), 3);
  for (int job = 0; job < 200; ++job) {
    std::atomic<int> mask{0}, calls{0};
    pool.run([&](int i, int n) {
      EXPECT_EQ(n, 3);
      mask.fetch_or(1 << i);
      calls.fetch_add(1);
    });
    ASSERT_EQ(mask.load(), 0b111);
    ASSERT_EQ(calls.load(), 3);
  }
}

TEST(ThreadPool, SplitEvenlyCoversTheRange) {
  for (int64_t total : {0, 1, 7, 100}) {
    int64_t expect = 0;
    for (int i = 0; i < 3; ++i) {
      const Range r = split_evenly(total, i, 3);
      EXPECT_EQ(r.begin, expect);
      EXPECT_LE(r.end - r.begin, total / 3 + 1);
      expect = r.end;
    }
    EXPECT_EQ(expect, total);
  }
}

TEST(ArenaPlan, LiveTensorsNeverOverlapAndDeadOnesAreReused) {
  std::vector<float> x(1024, 1.0f);
  Graph g;
  TensorId t = g.input_f32("x", x, {1024, 1, 1, 1});
  std::vector<TensorId> chain;
  for (int i = 0; i < 10; ++i) chain.push_back(t = g.op(OpKind::scale, f32_desc({1024, 1, 1, 1}), {t}, {1.0f}));
  g.mark_output(chain[3]);
  const ArenaPlan plan = plan_arena(g);
  // A chain needs two live buffers at a time plus the output kept to the end: far less than ten.
  EXPECT_LE(plan.arena_bytes, 4u * 4096u);
  for (size_t i = 1; i < chain.size(); ++i) EXPECT_NE(plan.offsets[chain[i]], plan.offsets[chain[i - 1]]);
  for (size_t i = 4; i < chain.size(); ++i) EXPECT_NE(plan.offsets[chain[i]], plan.offsets[chain[3]]);
  for (TensorId id : chain) EXPECT_EQ(plan.offsets[id] % kTensorAlign, 0u);
}

TEST(Context, ChainedOpsGiveTheRightResultAfterArenaReuse) {
  Runner r;
  std::vector<float> x(4096);
  for (size_t i = 0; i < x.size(); ++i) x[i] = float(i % 13) - 6.0f;
  Graph g;
  TensorId t = g.input_f32("x", x, {4096, 1, 1, 1});
  for (int i = 0; i < 12; ++i) t = g.op(OpKind::add, f32_desc({4096, 1, 1, 1}), {t, t}); // doubles each step
  const auto got = r.run(g, t);
  for (size_t i = 0; i < x.size(); ++i) ASSERT_EQ(got[i], x[i] * 4096.0f);
}

TEST(Context, ReadOutputChecksItsArguments) {
  Runner r;
  std::vector<float> x(16, 2.0f);
  Graph g;
  const TensorId in = g.input_f32("x", x, {16, 1, 1, 1});
  const TensorId hidden = g.op(OpKind::scale, f32_desc({16, 1, 1, 1}), {in}, {3.0f});
  const TensorId out = g.op(OpKind::scale, f32_desc({16, 1, 1, 1}), {hidden}, {0.5f});
  g.mark_output(out);
  float buf[32];
  EXPECT_FALSE(r.context.read_output(g, out, buf, 64).ok()); // not computed yet
  ASSERT_TRUE(r.context.compute(g).ok());
  EXPECT_TRUE(r.context.read_output(g, out, buf, 64).ok());
  EXPECT_EQ(buf[5], 3.0f);
  EXPECT_FALSE(r.context.read_output(g, hidden, buf, 64).ok()); // not an output
  EXPECT_FALSE(r.context.read_output(g, out, buf, 128).ok());   // too many bytes
  EXPECT_FALSE(r.context.read_output(g, 99, buf, 4).ok());
}

TEST(Context, RejectsForeignBuffersAndShortInputs) {
  Runner r;
  class Foreign final : public Buffer {
   public:
    size_t size() const override { return 64; }
    Status write(size_t, const void*, size_t) override { return {}; }
    Status read(size_t, void*, size_t) const override { return {}; }
  } foreign;
  Graph g;
  const TensorId w = g.bind("w", f32_desc({16, 1, 1, 1}), foreign);
  g.op(OpKind::scale, f32_desc({16, 1, 1, 1}), {w}, {1.0f});
  EXPECT_FALSE(r.context.compute(g).ok());

  Graph short_input;
  std::vector<std::byte> bytes(8);
  const TensorId in = short_input.input("x", f32_desc({16, 1, 1, 1}), bytes);
  short_input.op(OpKind::scale, f32_desc({16, 1, 1, 1}), {in}, {1.0f});
  EXPECT_FALSE(r.context.compute(short_input).ok());
}

TEST(Device, InfoNamesTheCpuAndItsFeatures) {
  Runner r;
  const DeviceInfo info = r.device.info();
  EXPECT_EQ(info.name, "cpu");
  EXPECT_EQ(info.type, DeviceType::cpu);
  EXPECT_GT(info.memory_total, 0u);
  EXPECT_LE(info.memory_free, info.memory_total);
  const std::set<std::string> features(info.features.begin(), info.features.end());
  EXPECT_EQ(features.count("avx2") == 1, cpu_features().avx2);
  EXPECT_EQ(features.count("avx512vnni") == 1, cpu_features().avx512vnni);
}

TEST(Device, UploadWeightChecksTheSize) {
  Runner r;
  std::vector<std::byte> bytes(34 * 2 - 1);
  EXPECT_FALSE(r.device.upload_weight(TensorDesc{TensorType::Q8_0, {64, 1, 1, 1}}, bytes).ok());
  EXPECT_FALSE(r.device.upload_weight(TensorDesc{TensorType::Q8_0, {48, 1, 1, 1}}, bytes).ok()); // not whole blocks
  EXPECT_FALSE(r.device.upload_weight(TensorDesc{TensorType::Q2_K, {256, 1, 1, 1}}, std::vector<std::byte>(84)).ok());
  EXPECT_TRUE(r.device.upload_weight(TensorDesc{TensorType::Q8_0, {64, 1, 1, 1}}, std::vector<std::byte>(68)).ok());
}

class FakeHost final : public HostServices {
 public:
  explicit FakeHost(std::string options) : options_(std::move(options)) {}
  void log(LogLevel, std::string_view message) override { logs.emplace_back(message); }
  std::string options_json() const override { return options_; }
  std::vector<std::string> logs;

 private:
  std::string options_;
};

TEST(Backend, ThreadsOptionIsReadAndValidated) {
  {
    auto backend = create_backend();
    FakeHost host(R"({"threads": 3})");
    ASSERT_TRUE(backend->init(host).ok());
    ASSERT_EQ(backend->device_count(), 1u);
    EXPECT_NE(backend->device(0)->info().description.find("3 threads"), std::string::npos);
    EXPECT_EQ(backend->device(1), nullptr);
    EXPECT_FALSE(host.logs.empty());
  }
  for (const char* bad : {R"({"threads": 0})", R"({"threads": "many"})", "[1]", "{not json"}) {
    auto backend = create_backend();
    FakeHost host(bad);
    EXPECT_FALSE(backend->init(host).ok()) << bad;
  }
  auto backend = create_backend();
  FakeHost host("{}");
  EXPECT_TRUE(backend->init(host).ok());
}

} // namespace
} // namespace llmhost::cpu::test
