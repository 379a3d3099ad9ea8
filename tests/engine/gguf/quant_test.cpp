// Reference quantizers: exact dequantization of hand-built blocks (expected values computed from
// the format definitions) and round-trip error bounds for every supported type.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <random>
#include <vector>

#include "llmhost/quant.hpp"

namespace llmhost {
namespace {

std::vector<float> dequant(TensorType t, const void* block, int64_t n) {
  std::vector<float> out(static_cast<size_t>(n));
  EXPECT_TRUE(dequantize_row(t, block, out.data(), n).ok());
  return out;
}

TEST(QuantDequant, Q4_0LowNibblesFirstHalfHighNibblesSecondHalf) {
  BlockQ4_0 b{};
  b.d = f32_to_f16(0.5f);
  for (int j = 0; j < 16; ++j) b.qs[j] = static_cast<uint8_t>((j & 0xF) | ((15 - j) << 4));
  const auto y = dequant(TensorType::Q4_0, &b, 32);
  for (int j = 0; j < 16; ++j) {
    EXPECT_FLOAT_EQ(y[j], (j - 8) * 0.5f) << j;
    EXPECT_FLOAT_EQ(y[j + 16], ((15 - j) - 8) * 0.5f) << j;
  }
}

TEST(QuantDequant, Q4_1AddsMin) {
  BlockQ4_1 b{};
  b.d = f32_to_f16(0.25f);
  b.m = f32_to_f16(-1.0f);
  for (int j = 0; j < 16; ++j) b.qs[j] = static_cast<uint8_t>(j | (3 << 4));
  const auto y = dequant(TensorType::Q4_1, &b, 32);
  for (int j = 0; j < 16; ++j) {
    EXPECT_FLOAT_EQ(y[j], j * 0.25f - 1.0f);
    EXPECT_FLOAT_EQ(y[j + 16], 3 * 0.25f - 1.0f);
  }
}

TEST(QuantDequant, Q5_0FifthBitFromQh) {
  BlockQ5_0 b{};
  b.d = f32_to_f16(2.0f);
  const uint32_t qh = 0x80000001u; // element 0 and element 31 have the high bit
  std::memcpy(b.qh, &qh, 4);
  for (int j = 0; j < 16; ++j) b.qs[j] = static_cast<uint8_t>(0x1 | (0x2 << 4));
  const auto y = dequant(TensorType::Q5_0, &b, 32);
  EXPECT_FLOAT_EQ(y[0], (17 - 16) * 2.0f);
  EXPECT_FLOAT_EQ(y[1], (1 - 16) * 2.0f);
  EXPECT_FLOAT_EQ(y[16], (2 - 16) * 2.0f);
  EXPECT_FLOAT_EQ(y[31], (18 - 16) * 2.0f);
}

TEST(QuantDequant, Q5_1) {
  BlockQ5_1 b{};
  b.d = f32_to_f16(1.0f);
  b.m = f32_to_f16(0.5f);
  const uint32_t qh = 1u << 20; // element 20
  std::memcpy(b.qh, &qh, 4);
  for (int j = 0; j < 16; ++j) b.qs[j] = static_cast<uint8_t>(j | (j << 4));
  const auto y = dequant(TensorType::Q5_1, &b, 32);
  EXPECT_FLOAT_EQ(y[3], 3.5f);
  EXPECT_FLOAT_EQ(y[19], 3.5f);
  EXPECT_FLOAT_EQ(y[20], 16 + 4 + 0.5f);
}

TEST(QuantDequant, Q8_0AndQ8_1) {
  BlockQ8_0 b{};
  b.d = f32_to_f16(0.125f);
  for (int j = 0; j < 32; ++j) b.qs[j] = static_cast<int8_t>(j - 16);
  auto y = dequant(TensorType::Q8_0, &b, 32);
  for (int j = 0; j < 32; ++j) EXPECT_FLOAT_EQ(y[j], (j - 16) * 0.125f);
  BlockQ8_1 c{};
  c.d = f32_to_f16(0.5f);
  for (int j = 0; j < 32; ++j) c.qs[j] = static_cast<int8_t>(-j);
  y = dequant(TensorType::Q8_1, &c, 32);
  for (int j = 0; j < 32; ++j) EXPECT_FLOAT_EQ(y[j], -j * 0.5f);
}

// Packs 6-bit scale/min pairs the way get_scale_min_k4 reads them.
void pack_k4(const int (&sc)[8], const int (&mn)[8], uint8_t* q) {
  std::memset(q, 0, 12);
  for (int j = 0; j < 4; ++j) {
    q[j] = static_cast<uint8_t>((sc[j] & 63) | ((sc[j + 4] >> 4) << 6));
    q[j + 4] = static_cast<uint8_t>((mn[j] & 63) | ((mn[j + 4] >> 4) << 6));
    q[j + 8] = static_cast<uint8_t>((sc[j + 4] & 0xF) | ((mn[j + 4] & 0xF) << 4));
  }
}

TEST(QuantDequant, Q4_KScaleMinLayout) {
  BlockQ4_K b{};
  b.d = f32_to_f16(0.5f);
  b.dmin = f32_to_f16(0.25f);
  const int sc[8] = {1, 2, 3, 63, 17, 33, 48, 62};
  const int mn[8] = {0, 5, 9, 40, 31, 16, 63, 1};
  pack_k4(sc, mn, b.scales);
  // Element e: 64-element chunk c = e/64; within it the first 32 use low nibbles of qs[32c+l]
  // (sub-block 2c), the next 32 use high nibbles (sub-block 2c+1).
  for (int i = 0; i < 128; ++i) b.qs[i] = static_cast<uint8_t>((i % 16) | (((i + 5) % 16) << 4));
  const auto y = dequant(TensorType::Q4_K, &b, 256);
  for (int e = 0; e < 256; ++e) {
    const int c = e / 64, l = e % 32, high = (e % 64) >= 32, sub = 2 * c + high;
    const int byte = 32 * c + l;
    const int q = high ? (byte + 5) % 16 : byte % 16;
    EXPECT_FLOAT_EQ(y[e], 0.5f * sc[sub] * q - 0.25f * mn[sub]) << e;
  }
}

TEST(QuantDequant, Q5_KHighBitsInterleaved) {
  BlockQ5_K b{};
  b.d = f32_to_f16(1.0f);
  b.dmin = f32_to_f16(1.0f);
  const int sc[8] = {1, 1, 1, 1, 1, 1, 1, 1};
  const int mn[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  pack_k4(sc, mn, b.scales);
  for (int i = 0; i < 128; ++i) b.qs[i] = static_cast<uint8_t>(3 | (7 << 4));
  b.qh[4] = 0b00000100; // bit 2 -> chunk 1, low half (sub-block 2), element 64 + 4
  b.qh[9] = 0b10000000; // bit 7 -> chunk 3, high half (sub-block 7), element 192 + 32 + 9
  const auto y = dequant(TensorType::Q5_K, &b, 256);
  EXPECT_FLOAT_EQ(y[0], 3);
  EXPECT_FLOAT_EQ(y[32], 7);
  EXPECT_FLOAT_EQ(y[68], 19);
  EXPECT_FLOAT_EQ(y[233], 23);
  EXPECT_FLOAT_EQ(y[232], 7);
}

TEST(QuantDequant, Q6_KLayout) {
  BlockQ6_K b{};
  b.d = f32_to_f16(0.5f);
  for (int i = 0; i < 16; ++i) b.scales[i] = static_cast<int8_t>(i - 8);
  for (int i = 0; i < 128; ++i) b.ql[i] = static_cast<uint8_t>((i % 16) | ((15 - i % 16) << 4));
  for (int i = 0; i < 64; ++i) b.qh[i] = static_cast<uint8_t>(i * 37);
  const auto y = dequant(TensorType::Q6_K, &b, 256);
  // Element e: half h = e/128, r = e%128, quarter k = r/32, l = r%32.
  for (int e = 0; e < 256; ++e) {
    const int h = e / 128, r = e % 128, k = r / 32, l = r % 32;
    const int ql_byte = b.ql[64 * h + l + (k & 1) * 32];
    const int low = k < 2 ? (ql_byte & 0xF) : (ql_byte >> 4);
    const int hi = (b.qh[32 * h + l] >> (2 * k)) & 3;
    const int q = (low | (hi << 4)) - 32;
    const int scale = b.scales[8 * h + l / 16 + 2 * k];
    EXPECT_FLOAT_EQ(y[e], 0.5f * scale * q) << e;
  }
}

TEST(QuantDequant, Q8_KAndPlainTypes) {
  BlockQ8_K b{};
  b.d = 0.01f;
  for (int i = 0; i < 256; ++i) b.qs[i] = static_cast<int8_t>(i - 128);
  const auto y = dequant(TensorType::Q8_K, &b, 256);
  for (int i = 0; i < 256; ++i) EXPECT_FLOAT_EQ(y[i], 0.01f * (i - 128));
  const uint16_t h[2] = {0x3C00, 0xC000}; // 1.0, -2.0
  EXPECT_EQ(dequant(TensorType::F16, h, 2), (std::vector<float>{1.0f, -2.0f}));
  const uint16_t bf[2] = {0x3F80, 0x4040}; // 1.0, 3.0
  EXPECT_EQ(dequant(TensorType::BF16, bf, 2), (std::vector<float>{1.0f, 3.0f}));
}

TEST(QuantErrors, RejectsPartialBlocksAndUnsupportedTypes) {
  std::vector<float> x(48, 1.0f);
  std::vector<std::byte> out(1024);
  EXPECT_FALSE(quantize_row(TensorType::Q4_0, x.data(), out.data(), 48).ok());
  EXPECT_FALSE(dequantize_row(TensorType::Q4_K, out.data(), x.data(), 32).ok());
  EXPECT_FALSE(quantize_row(TensorType::Q2_K, x.data(), out.data(), 256).ok());
  EXPECT_FALSE(can_quantize(TensorType::I32));
  EXPECT_TRUE(can_quantize(TensorType::Q6_K));
}

// The legacy types quantize exactly as ggml's reference code defines them.
TEST(QuantExact, Q4_0FollowsTheDefinition) {
  float x[32];
  for (int j = 0; j < 32; ++j) x[j] = std::sin(0.7f * static_cast<float>(j)) * (j == 9 ? -3.0f : 1.0f);
  BlockQ4_0 b{};
  ASSERT_TRUE(quantize_row(TensorType::Q4_0, x, &b, 32).ok());
  float max = 0; // the largest magnitude, sign kept
  for (float v : x)
    if (std::fabs(v) > std::fabs(max)) max = v;
  const float d = max / -8.0f, id = 1.0f / d;
  EXPECT_EQ(b.d, f32_to_f16(d));
  for (int j = 0; j < 16; ++j) {
    const int lo = std::min(15, static_cast<int>(x[j] * id + 8.5f));
    const int hi = std::min(15, static_cast<int>(x[j + 16] * id + 8.5f));
    EXPECT_EQ(b.qs[j], lo | (hi << 4)) << j;
  }
}

TEST(QuantExact, Q8_0FollowsTheDefinition) {
  float x[32];
  for (int j = 0; j < 32; ++j) x[j] = std::cos(1.3f * static_cast<float>(j)) * 0.1f;
  BlockQ8_0 b{};
  ASSERT_TRUE(quantize_row(TensorType::Q8_0, x, &b, 32).ok());
  float amax = 0;
  for (float v : x) amax = std::max(amax, std::fabs(v));
  const float d = amax / 127.0f;
  EXPECT_EQ(b.d, f32_to_f16(d));
  for (int j = 0; j < 32; ++j) EXPECT_EQ(b.qs[j], static_cast<int>(std::round(x[j] * (1.0f / d)))) << j;
}

struct Bound {
  TensorType type;
  double max_rel_rmse; // rmse / rms of the data
};

class QuantRoundTrip : public ::testing::TestWithParam<Bound> {};

TEST_P(QuantRoundTrip, ErrorWithinBound) {
  const auto [type, bound] = GetParam();
  const int64_t n = 256 * 16;
  std::mt19937 rng(7);
  std::normal_distribution<float> nd(0.0f, 1.0f);
  std::vector<float> x(n);
  for (auto& v : x) v = nd(rng);
  x[5] = 4.0f; // an outlier
  std::vector<std::byte> q(*row_bytes(type, n));
  ASSERT_TRUE(quantize_row(type, x.data(), q.data(), n).ok());
  std::vector<float> y(n);
  ASSERT_TRUE(dequantize_row(type, q.data(), y.data(), n).ok());
  double err = 0, ref = 0;
  for (int64_t i = 0; i < n; ++i) {
    err += (x[i] - y[i]) * (x[i] - y[i]);
    ref += x[i] * x[i];
  }
  EXPECT_LT(std::sqrt(err / ref), bound) << type_name(type);
  // Quantizing the dequantized values again must reproduce them (a fixed point), within one step.
  std::vector<std::byte> q2(q.size());
  ASSERT_TRUE(quantize_row(type, y.data(), q2.data(), n).ok());
  std::vector<float> y2(n);
  ASSERT_TRUE(dequantize_row(type, q2.data(), y2.data(), n).ok());
  double err2 = 0;
  for (int64_t i = 0; i < n; ++i) err2 += (y[i] - y2[i]) * (y[i] - y2[i]);
  EXPECT_LE(std::sqrt(err2 / ref), bound) << type_name(type);
}

INSTANTIATE_TEST_SUITE_P(
    AllTypes, QuantRoundTrip,
    ::testing::Values(Bound{TensorType::F32, 1e-9}, Bound{TensorType::F16, 1e-3},
                      Bound{TensorType::BF16, 5e-3}, Bound{TensorType::Q8_0, 0.01},
                      Bound{TensorType::Q8_1, 0.01}, Bound{TensorType::Q8_K, 0.01},
                      Bound{TensorType::Q6_K, 0.03}, Bound{TensorType::Q5_0, 0.06},
                      Bound{TensorType::Q5_1, 0.05}, Bound{TensorType::Q5_K, 0.05},
                      Bound{TensorType::Q4_0, 0.11}, Bound{TensorType::Q4_1, 0.10},
                      Bound{TensorType::Q4_K, 0.09}),
    [](const auto& info) { return std::string(type_name(info.param.type)); });

TEST(QuantRoundTripSpecial, ZerosAndConstantsStayExact) {
  for (TensorType t : {TensorType::Q4_0, TensorType::Q4_1, TensorType::Q5_0, TensorType::Q5_1,
                       TensorType::Q8_0, TensorType::Q4_K, TensorType::Q5_K, TensorType::Q6_K,
                       TensorType::Q8_K}) {
    std::vector<float> x(256, 0.0f);
    std::vector<std::byte> q(*row_bytes(t, 256));
    std::vector<float> y(256, 1.0f);
    ASSERT_TRUE(quantize_row(t, x.data(), q.data(), 256).ok());
    ASSERT_TRUE(dequantize_row(t, q.data(), y.data(), 256).ok());
    for (float v : y) EXPECT_EQ(v, 0.0f) << type_name(t);
  }
}

TEST(QuantRoundTripSpecial, Q8_1SumField) {
  std::vector<float> x(32);
  for (int i = 0; i < 32; ++i) x[i] = static_cast<float>(i) / 10.0f;
  BlockQ8_1 b{};
  ASSERT_TRUE(quantize_row(TensorType::Q8_1, x.data(), &b, 32).ok());
  int sum = 0;
  for (int8_t v : b.qs) sum += v;
  EXPECT_NEAR(f16_to_f32(b.s), f16_to_f32(b.d) * sum, std::fabs(f16_to_f32(b.s)) * 1e-3);
}

TEST(QuantRoundTripSpecial, Q8_KBlockSums) {
  std::vector<float> x(256);
  for (int i = 0; i < 256; ++i) x[i] = std::sin(static_cast<float>(i));
  BlockQ8_K b{};
  ASSERT_TRUE(quantize_row(TensorType::Q8_K, x.data(), &b, 256).ok());
  for (int j = 0; j < 16; ++j) {
    int sum = 0;
    for (int l = 0; l < 16; ++l) sum += b.qs[16 * j + l];
    EXPECT_EQ(b.bsums[j], sum);
  }
}

} // namespace
} // namespace llmhost
