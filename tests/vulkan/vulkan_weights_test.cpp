// get_rows and mul_mat for every weight type, against dequantize_row + plain loops: the
// matrix-vector kernel (few columns), the tiled kernel (many columns, partial tiles), and weights
// split across several device buffers.
#include "reference_ops.hpp"
#include "vk_test_support.hpp"

namespace llmhost::vktest {
namespace {

// Row width per type: quantized types need whole blocks; plain types get an awkward width.
int64_t width_for(TensorType t, bool awkward) {
  auto traits = type_traits(t);
  if (traits->block_elems == 256) return 512;
  if (traits->block_elems == 32) return 96;
  return awkward ? 101 : 96;
}

struct WeightCase {
  TensorDesc desc;
  std::vector<std::byte> data;
  std::vector<float> values; // dequantized: what the kernel must compute with
};

WeightCase make_weight(TensorType t, int64_t K, int64_t N, uint32_t seed) {
  WeightCase w;
  w.desc = TensorDesc{t, {K, N, 1, 1}};
  w.data = quantize(t, random_floats(static_cast<size_t>(K * N), seed), K);
  w.values = dequantize(t, w.data, K);
  return w;
}

// Kernel family under test: the device's default, or the GPU kernels forced (on lavapipe the
// default is the CPU-type register-blocked kernel, so both families run here).
class WeightOps : public VulkanTest, public ::testing::WithParamInterface<TensorType> {
 protected:
  void check_mul_mat(int64_t K, int64_t N, int64_t M, uint32_t seed) {
    TensorType t = GetParam();
    WeightCase w = make_weight(t, K, N, seed);
    auto buf = upload(w.desc, w.data);
    ASSERT_TRUE(buf);
    auto x = random_floats(static_cast<size_t>(K * M), seed + 1);
    Graph g;
    TensorId wid = g.bind("w", w.desc, *buf);
    TensorId xid = g.input_f32("x", x, {K, M, 1, 1});
    TensorId out = g.op(OpKind::mul_mat, TensorDesc{TensorType::F32, {N, M, 1, 1}}, {wid, xid});
    auto got = run(g, out);
    // Sums of K products of values in [-1, 1]: float accumulation error stays far below 1e-3.
    expect_near(got, ref::mul_mat(w.values, x, K, N, M), 2e-3f, 1e-4f,
                std::string(type_name(t)) + " mul_mat K=" + std::to_string(K) + " N=" + std::to_string(N) +
                    " M=" + std::to_string(M));
  }
};

TEST_P(WeightOps, GetRowsMatchesDequantizedRows) {
  TensorType t = GetParam();
  const int64_t K = width_for(t, true), V = 7;
  WeightCase w = make_weight(t, K, V, 11);
  auto buf = upload(w.desc, w.data);
  ASSERT_TRUE(buf);
  std::vector<int32_t> ids{3, 0, 6, 3, 5};
  Graph g;
  TensorId table = g.bind("table", w.desc, *buf);
  TensorId idt = g.input_i32("ids", ids);
  TensorId out = g.op(OpKind::get_rows, TensorDesc{TensorType::F32, {K, 5, 1, 1}}, {table, idt});
  auto got = run(g, out);
  std::vector<float> want;
  for (int32_t id : ids) want.insert(want.end(), w.values.begin() + id * K, w.values.begin() + (id + 1) * K);
  expect_near(got, want, 1e-6f, 1e-6f, "get_rows");
}

TEST_P(WeightOps, MatVecSingleColumn) { check_mul_mat(width_for(GetParam(), true), 37, 1, 21); }
TEST_P(WeightOps, MatVecFewColumns) { check_mul_mat(width_for(GetParam(), false), 19, 3, 31); }
TEST_P(WeightOps, TiledManyColumns) { check_mul_mat(width_for(GetParam(), true), 45, 40, 41); }

TEST_P(WeightOps, DeviceSupportsType) {
  EXPECT_TRUE(device_->supports(OpKind::mul_mat, GetParam()));
  EXPECT_TRUE(device_->supports(OpKind::get_rows, GetParam()));
}

INSTANTIATE_TEST_SUITE_P(AllTypes, WeightOps, ::testing::ValuesIn(weight_types()), type_param_name);

class GpuKernels : public WeightOps {
 protected:
  std::string options() const override { return R"({"matmul_kernels": "gpu"})"; }
};
TEST_P(GpuKernels, MatVecSingleColumn) { check_mul_mat(width_for(GetParam(), true), 37, 1, 23); }
TEST_P(GpuKernels, MatVecFewColumns) { check_mul_mat(width_for(GetParam(), false), 19, 7, 33); }
TEST_P(GpuKernels, TiledManyColumns) { check_mul_mat(width_for(GetParam(), true), 45, 40, 43); }
INSTANTIATE_TEST_SUITE_P(AllTypes, GpuKernels, ::testing::ValuesIn(weight_types()), type_param_name);

class CpuKernels : public WeightOps {
 protected:
  std::string options() const override { return R"({"matmul_kernels": "cpu"})"; }
};
TEST_P(CpuKernels, OddShapes) {
  check_mul_mat(width_for(GetParam(), true), 65, 1, 25);
  check_mul_mat(width_for(GetParam(), true), 3, 17, 26);
}
INSTANTIATE_TEST_SUITE_P(AllTypes, CpuKernels, ::testing::ValuesIn(weight_types()), type_param_name);

// The shared-memory reduction of the matrix-vector kernel (devices without subgroup arithmetic).
class NoSubgroups : public VulkanTest, public ::testing::WithParamInterface<TensorType> {
 protected:
  std::string options() const override { return R"({"subgroups": false, "matmul_kernels": "gpu"})"; }
};

TEST_P(NoSubgroups, MatVecWithSharedMemoryReduction) {
  TensorType t = GetParam();
  const int64_t K = width_for(t, true), N = 23, M = 2;
  WeightCase w = make_weight(t, K, N, 61);
  auto buf = upload(w.desc, w.data);
  ASSERT_TRUE(buf);
  const auto features = device_->info().features;
  EXPECT_EQ(std::count(features.begin(), features.end(), "subgroups"), 0);
  auto x = random_floats(static_cast<size_t>(K * M), 62);
  Graph g;
  TensorId out = g.op(OpKind::mul_mat, TensorDesc{TensorType::F32, {N, M, 1, 1}},
                      {g.bind("w", w.desc, *buf), g.input_f32("x", x, {K, M, 1, 1})});
  expect_near(run(g, out), ref::mul_mat(w.values, x, K, N, M), 2e-3f, 1e-4f, "mul_mat without subgroups");
}

INSTANTIATE_TEST_SUITE_P(SomeTypes, NoSubgroups,
                         ::testing::Values(TensorType::F32, TensorType::Q4_0, TensorType::Q5_1, TensorType::Q6_K),
                         type_param_name);

// A backend whose weight chunks hold at most 4 KiB, so small weights split into many buffers.
class SplitWeights : public VulkanTest {
 protected:
  std::string options() const override { return R"({"max_binding_bytes": 2048})"; }
};

TEST_F(SplitWeights, MulMatAndGetRowsSpanChunks) {
  for (TensorType t : {TensorType::Q4_K, TensorType::F16, TensorType::Q8_0}) {
    const int64_t K = 512, N = 29;
    WeightCase w = make_weight(t, K, N, 51);
    ASSERT_GT(w.data.size(), 3u * 2048) << "the weight must need several chunks";
    auto buf = upload(w.desc, w.data);
    ASSERT_TRUE(buf);
    // The whole buffer still reads back as one.
    std::vector<std::byte> back(w.data.size());
    ASSERT_TRUE(buf->read(0, back.data(), back.size()).ok());
    EXPECT_EQ(back, w.data);
    for (int64_t M : {2, 9}) {
      auto x = random_floats(static_cast<size_t>(K * M), 52);
      Graph g;
      TensorId wid = g.bind("w", w.desc, *buf);
      TensorId xid = g.input_f32("x", x, {K, M, 1, 1});
      TensorId out = g.op(OpKind::mul_mat, TensorDesc{TensorType::F32, {N, M, 1, 1}}, {wid, xid});
      expect_near(run(g, out), ref::mul_mat(w.values, x, K, N, M), 2e-3f, 1e-4f, "split mul_mat");
    }
    std::vector<int32_t> ids{28, 0, 13};
    Graph g;
    TensorId table = g.bind("table", w.desc, *buf);
    TensorId out = g.op(OpKind::get_rows, TensorDesc{TensorType::F32, {K, 3, 1, 1}}, {table, g.input_i32("ids", ids)});
    std::vector<float> want;
    for (int32_t id : ids) want.insert(want.end(), w.values.begin() + id * K, w.values.begin() + (id + 1) * K);
    expect_near(run(g, out), want, 1e-6f, 1e-6f, "split get_rows");
  }
}

TEST_F(SplitWeights, RowLargerThanAChunkIsRefused) {
  TensorDesc desc{TensorType::F32, {2048, 2, 1, 1}}; // 8 KiB rows
  std::vector<std::byte> data(desc.bytes());
  auto b = device_->upload_weight(desc, data);
  ASSERT_FALSE(b.ok());
  EXPECT_NE(b.status().message.find("storage binding limit"), std::string::npos) << b.status().message;
}

TEST_F(VulkanTest, UploadWeightRejectsBadInput) {
  TensorDesc desc{TensorType::Q4_0, {64, 2, 1, 1}};
  std::vector<std::byte> short_data(desc.bytes() - 1);
  EXPECT_FALSE(device_->upload_weight(desc, short_data).ok());
  TensorDesc q2{TensorType::Q2_K, {256, 1, 1, 1}};
  std::vector<std::byte> data(q2.bytes());
  auto r = device_->upload_weight(q2, data);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code, ErrorCode::unsupported);
  EXPECT_FALSE(device_->supports(OpKind::mul_mat, TensorType::Q2_K));
}

} // namespace
} // namespace llmhost::vktest
