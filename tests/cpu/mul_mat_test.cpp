// mul_mat for every weight type on every kernel path this CPU has, against the SDK's reference
// dequantization and double-precision dot products: tightly against a reference that applies
// the same Q8 activation quantization the kernels use, and loosely against pure F32.
#include <algorithm>
#include <cstring>
#include <string>
#include <tuple>

#include "cpu_test_util.hpp"

namespace llmhost::cpu::test {
namespace {

struct Shape {
  int64_t k, n, m;
};

bool is_k_quant(TensorType t) {
  return t == TensorType::Q4_K || t == TensorType::Q5_K || t == TensorType::Q6_K;
}

bool is_float(TensorType t) {
  return t == TensorType::F32 || t == TensorType::F16 || t == TensorType::BF16;
}

// The activations exactly as the kernels see them (quantized then dequantized).
std::vector<float> activations_as_quantized(const KernelSet& kernels, TensorType weight_type, const std::vector<float>& x,
                                            int64_t k, int64_t m) {
  if (is_float(weight_type)) return x;
  // The packed prompt path quantizes activations like Q8_0 for every weight type.
  const TensorType act = is_k_quant(weight_type) && !uses_packed_gemm(kernels, weight_type, k, m) ? TensorType::Q8_K
                                                                                                   : TensorType::Q8_0;
  std::vector<std::byte> q(*row_bytes(act, k));
  std::vector<float> out(x.size());
  for (int64_t r = 0; r < m; ++r) {
    if (act == TensorType::Q8_K) quantize_act_q8_k(x.data() + r * k, q.data(), k);
    else quantize_act_q8_0(x.data() + r * k, q.data(), k);
    const Status s = dequantize_row(act, q.data(), out.data() + r * k, k);
    EXPECT_TRUE(s.ok()) << s.message;
  }
  return out;
}

class MulMatTest : public ::testing::TestWithParam<std::tuple<TensorType, Isa>> {};

TEST_P(MulMatTest, MatchesReference) {
  const auto [type, isa] = GetParam();
  if (!isa_available(isa)) GTEST_SKIP() << isa_name(isa) << " is not available on this CPU";
  std::vector<Shape> shapes;
  if (is_k_quant(type)) shapes = {{256, 5, 1}, {512, 7, 7}, {256, 33, 13}, {512, 19, 70}, {1024, 67, 3}, {768, 45, 9}};
  else if (is_float(type)) shapes = {{37, 5, 1}, {64, 7, 7}, {200, 33, 13}, {96, 19, 70}, {1024, 67, 3}};
  else shapes = {{32, 5, 1}, {96, 7, 7}, {256, 33, 13}, {160, 19, 70}, {1024, 67, 3}, {64, 45, 9}};

  std::mt19937 rng(1234 + static_cast<unsigned>(type));
  Runner runner(isa);
  ASSERT_EQ(runner.context.isa(), isa);
  for (const Shape& s : shapes) {
    const std::string where = std::string(type_name(type)) + "/" + std::string(isa_name(isa)) + " K=" +
                              std::to_string(s.k) + " N=" + std::to_string(s.n) + " M=" + std::to_string(s.m);
    const TensorDesc wdesc{type, {s.k, s.n, 1, 1}};
    const auto wbytes = random_weight(rng, type, s.k, s.n);
    auto wbuf = runner.weight(wdesc, wbytes);
    ASSERT_TRUE(wbuf) << where;
    const auto x = random_floats(rng, static_cast<size_t>(s.k * s.m));

    Graph g;
    const TensorId w = g.bind("w", wdesc, *wbuf);
    const TensorId xin = g.input_f32("x", x, {s.k, s.m, 1, 1});
    const TensorId y = g.op(OpKind::mul_mat, f32_desc({s.n, s.m, 1, 1}), {w, xin});
    const auto got = runner.run(g, y);
    ASSERT_EQ(got.size(), static_cast<size_t>(s.n * s.m)) << where;

    const auto wf = reference_dequant(type, wbytes.data(), s.k, s.n);
    const auto xq = activations_as_quantized(kernels_for(isa), type, x, s.k, s.m);
    for (int64_t m = 0; m < s.m; ++m) {
      float amax = 0;
      for (int64_t i = 0; i < s.k; ++i) amax = std::max(amax, std::fabs(x[m * s.k + i]));
      for (int64_t n = 0; n < s.n; ++n) {
        double same_quant = 0, pure = 0, magnitude = 0, wsum = 0;
        for (int64_t i = 0; i < s.k; ++i) {
          const double wv = wf[n * s.k + i];
          same_quant += wv * xq[m * s.k + i];
          pure += wv * x[m * s.k + i];
          magnitude += std::fabs(wv * xq[m * s.k + i]);
          wsum += std::fabs(wv);
        }
        const double v = got[m * s.n + n];
        ASSERT_NEAR(v, same_quant, 2e-5 * magnitude + 1e-6) << where << " at m=" << m << " n=" << n;
        // Activation rounding moves each product by at most |w| * amax / 254.
        const double quant_bound = is_float(type) ? 0.0 : wsum * amax / 254.0;
        ASSERT_NEAR(v, pure, 1.01 * quant_bound + 2e-5 * magnitude + 1e-6) << where << " (pure F32)";
      }
    }
  }
}

std::string param_name(const ::testing::TestParamInfo<std::tuple<TensorType, Isa>>& info) {
  return std::string(type_name(std::get<0>(info.param))) + "_" + std::string(isa_name(std::get<1>(info.param)));
}

INSTANTIATE_TEST_SUITE_P(
    AllTypes, MulMatTest,
    ::testing::Combine(::testing::Values(TensorType::F32, TensorType::F16, TensorType::BF16, TensorType::Q8_0,
                                         TensorType::Q4_0, TensorType::Q4_1, TensorType::Q5_0, TensorType::Q5_1,
                                         TensorType::Q4_K, TensorType::Q5_K, TensorType::Q6_K),
                       ::testing::Values(Isa::portable, Isa::avx2, Isa::avx512)),
    param_name);

TEST(MulMat, RejectsMismatchedShapes) {
  Runner runner;
  std::mt19937 rng(7);
  const TensorDesc wdesc{TensorType::Q4_0, {64, 4, 1, 1}};
  auto wbuf = runner.weight(wdesc, random_weight(rng, TensorType::Q4_0, 64, 4));
  const auto x = random_floats(rng, 32 * 2);
  Graph g;
  const TensorId w = g.bind("w", wdesc, *wbuf);
  const TensorId xin = g.input_f32("x", x, {32, 2, 1, 1});
  g.op(OpKind::mul_mat, f32_desc({4, 2, 1, 1}), {w, xin});
  const Status s = runner.context.compute(g);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message.find("row length"), std::string::npos) << s.message;
}

TEST(MulMat, DeviceSupportsExactlyTheKernelTypes) {
  Runner runner;
  for (TensorType t : {TensorType::F32, TensorType::F16, TensorType::BF16, TensorType::Q8_0, TensorType::Q4_0,
                       TensorType::Q4_1, TensorType::Q5_0, TensorType::Q5_1, TensorType::Q4_K, TensorType::Q5_K,
                       TensorType::Q6_K}) {
    EXPECT_TRUE(runner.device.supports(OpKind::mul_mat, t)) << type_name(t);
    EXPECT_TRUE(runner.device.supports(OpKind::get_rows, t)) << type_name(t);
  }
  for (TensorType t : {TensorType::Q2_K, TensorType::Q3_K, TensorType::Q8_1, TensorType::Q8_K, TensorType::I32})
    EXPECT_FALSE(runner.device.supports(OpKind::mul_mat, t)) << type_name(t);
  EXPECT_FALSE(runner.device.supports(OpKind::rms_norm, TensorType::F16));
  EXPECT_TRUE(runner.device.supports(OpKind::attention, TensorType::F16));
  EXPECT_FALSE(runner.device.supports(OpKind::attention, TensorType::Q8_0));
}

} // namespace
} // namespace llmhost::cpu::test

namespace llmhost::cpu::test {
namespace {

TEST(PackedPath, SimdPackingEqualsPortablePacking) {
  if (!isa_available(Isa::avx512)) GTEST_SKIP() << "avx512 is not available on this CPU";
  std::mt19937 rng(99);
  const int64_t k = 512;
  for (TensorType type : {TensorType::Q8_0, TensorType::Q4_0, TensorType::Q4_1, TensorType::Q5_0, TensorType::Q5_1,
                          TensorType::Q4_K, TensorType::Q5_K, TensorType::Q6_K}) {
    const auto row = random_weight(rng, type, k, 1);
    std::vector<std::byte> portable(packed_row_bytes(k)), simd(packed_row_bytes(k));
    pack_weight_row(type, row.data(), k, portable.data());
    kernels_for(Isa::avx512).pack_weight(type, row.data(), k, simd.data());
    EXPECT_EQ(portable, simd) << type_name(type);
  }
}

TEST(PackedPath, ActivationPackingMatchesQ8_0) {
  std::mt19937 rng(100);
  const int64_t k = 128;
  const auto x = random_floats(rng, k, -3, 3);
  std::vector<std::byte> packed(packed_row_bytes(k)), q8(*row_bytes(TensorType::Q8_0, k));
  pack_activation_row(x.data(), k, packed.data());
  quantize_act_q8_0(x.data(), q8.data(), k);
  std::vector<float> from_q8(k);
  ASSERT_TRUE(dequantize_row(TensorType::Q8_0, q8.data(), from_q8.data(), k).ok());
  const auto* q = reinterpret_cast<const int8_t*>(packed.data());
  const auto* scale = reinterpret_cast<const float*>(packed.data() + k);
  const float* group_sum = scale + k / kPackGroup;
  for (int64_t i = 0; i < k; ++i) ASSERT_EQ(scale[i / kPackGroup] * q[i], from_q8[i]) << i;
  for (int64_t g = 0; g < k / kPackGroup; ++g) {
    int sum = 0;
    for (int64_t i = 0; i < kPackGroup; ++i) sum += q[g * kPackGroup + i];
    EXPECT_EQ(group_sum[g], scale[g] * float(sum));
  }
}

// The GEMM's interleaved panel holds exactly the packed rows' values, and its bias correction
// cancels the +128 the panel activation rows carry.
TEST(PackedPath, WeightPanelInterleavesPackedRows) {
  std::mt19937 rng(101);
  const int64_t k = 512;
  const int rows = 11; // a partial panel: the rest must read as zeros
  for (TensorType type : {TensorType::Q4_0, TensorType::Q4_1, TensorType::Q8_0, TensorType::Q4_K, TensorType::Q6_K}) {
    const int64_t group = panel_group(type);
    const auto weights = random_weight(rng, type, k, rows);
    const size_t row = packed_row_bytes(k), src_row = *row_bytes(type, k);
    std::vector<std::byte> packed(row * rows), panel(panel_bytes(k, group));
    for (int r = 0; r < rows; ++r) pack_weight_row(type, weights.data() + src_row * r, k, packed.data() + row * r);
    build_weight_panel(packed.data(), row, rows, k, group, panel.data());
    for (int r = 0; r < kPanelRows; ++r) {
      for (int64_t g = 0; g < k / group; ++g) {
        const std::byte* gp = panel.data() + panel_group_bytes(group) * g;
        const auto* q = reinterpret_cast<const int8_t*>(gp);
        const auto* tail = reinterpret_cast<const float*>(gp + group * kPanelRows);
        int32_t corr;
        std::memcpy(&corr, tail + kPanelRows + r, 4);
        int32_t sum = 0;
        for (int64_t i = 0; i < group; ++i) {
          const int8_t v = q[(i / 4 * kPanelRows + r) * 4 + i % 4];
          sum += v;
          if (r >= rows) {
            ASSERT_EQ(v, 0);
            continue;
          }
          const auto* rq = reinterpret_cast<const int8_t*>(packed.data() + row * r);
          const auto* rs = reinterpret_cast<const float*>(packed.data() + row * r + k);
          const int64_t e = g * group + i;
          ASSERT_EQ(v, rq[e]) << type_name(type);
          ASSERT_EQ(tail[r], rs[e / kPackGroup]) << type_name(type);
          ASSERT_EQ(tail[2 * kPanelRows + r], rs[k / kPackGroup + e / kPackGroup]) << type_name(type);
        }
        EXPECT_EQ(corr, -128 * sum);
        if (r >= rows) {
          EXPECT_EQ(tail[r], 0.0f);
        }
      }
    }
  }
}

TEST(PackedPath, PanelActivationRowMatchesPackedRow) {
  std::mt19937 rng(102);
  const int64_t k = 256;
  const auto x = random_floats(rng, k, -3, 3);
  std::vector<std::byte> packed(packed_row_bytes(k));
  pack_activation_row(x.data(), k, packed.data());
  const auto* q = reinterpret_cast<const int8_t*>(packed.data());
  const auto* scale = reinterpret_cast<const float*>(packed.data() + k);
  for (int64_t group : {int64_t{16}, int64_t{32}}) {
    std::vector<std::byte> panel_row(panel_act_row_bytes(k, group));
    pack_activation_panel_row(x.data(), k, group, panel_row.data());
    const auto* pq = reinterpret_cast<const uint8_t*>(panel_row.data());
    const auto* pscale = reinterpret_cast<const float*>(panel_row.data() + k);
    for (int64_t i = 0; i < k; ++i) {
      ASSERT_EQ(int(pq[i]) - 128, q[i]) << i;
      ASSERT_EQ(pscale[i / group], scale[i / kPackGroup]) << i;
    }
    for (int64_t g = 0; g < k / group; ++g) {
      int sum = 0;
      for (int64_t i = 0; i < group; ++i) sum += q[g * group + i];
      EXPECT_EQ(pscale[k / group + g], pscale[g] * float(sum));
    }
  }
}

} // namespace
} // namespace llmhost::cpu::test
