// Shared helpers for the CPU backend tests: random tensors, weight rows of every type, and
// running small graphs on a context of a chosen kernel path.
#pragma once

#include <cmath>
#include <cstring>
#include <memory>
#include <random>
#include <vector>

#include <gtest/gtest.h>

#include "context.hpp"
#include "cpu/cpu_backend.hpp"
#include "features.hpp"
#include "llmhost/quant.hpp"

namespace llmhost::cpu::test {

inline std::vector<Isa> available_isas() {
  std::vector<Isa> out;
  for (Isa i : {Isa::portable, Isa::avx2, Isa::avx512})
    if (isa_available(i)) out.push_back(i);
  return out;
}

inline std::vector<float> random_floats(std::mt19937& rng, size_t n, float lo = -1.0f, float hi = 1.0f) {
  std::uniform_real_distribution<float> dist(lo, hi);
  std::vector<float> v(n);
  for (auto& x : v) x = dist(rng);
  return v;
}

inline f16_bits random_scale(std::mt19937& rng, float lo, float hi) {
  return f32_to_f16(std::uniform_real_distribution<float>(lo, hi)(rng));
}

// Random blocks of `type`: random quant bits, sane (finite, small) scales.
inline std::vector<std::byte> random_weight(std::mt19937& rng, TensorType type, int64_t k, int64_t rows) {
  const size_t row = *row_bytes(type, k);
  std::vector<std::byte> bytes(row * static_cast<size_t>(rows));
  if (type == TensorType::F32 || type == TensorType::F16 || type == TensorType::BF16) {
    const auto values = random_floats(rng, static_cast<size_t>(k * rows));
    for (size_t i = 0; i < values.size(); ++i) {
      if (type == TensorType::F32) std::memcpy(&bytes[4 * i], &values[i], 4);
      const uint16_t h = type == TensorType::F16 ? f32_to_f16(values[i]) : f32_to_bf16(values[i]);
      if (type != TensorType::F32) std::memcpy(&bytes[2 * i], &h, 2);
    }
    return bytes;
  }
  std::uniform_int_distribution<int> byte(0, 255);
  for (auto& b : bytes) b = static_cast<std::byte>(byte(rng));
  const auto traits = *type_traits(type);
  for (size_t off = 0; off < bytes.size(); off += traits.block_bytes) {
    std::byte* blk = &bytes[off];
    auto put = [&](size_t at, f16_bits v) { std::memcpy(blk + at, &v, 2); };
    switch (type) {
      case TensorType::Q4_0: case TensorType::Q5_0: case TensorType::Q8_0:
        put(0, random_scale(rng, 0.001f, 0.02f));
        break;
      case TensorType::Q4_1: case TensorType::Q5_1:
        put(0, random_scale(rng, 0.001f, 0.02f));
        put(2, random_scale(rng, -0.1f, 0.1f));
        break;
      case TensorType::Q4_K: case TensorType::Q5_K:
        put(0, random_scale(rng, 0.0001f, 0.002f));
        put(2, random_scale(rng, 0.0001f, 0.002f));
        break;
      case TensorType::Q6_K:
        put(offsetof(BlockQ6_K, d), random_scale(rng, 0.0001f, 0.002f));
        break;
      default: break;
    }
  }
  return bytes;
}

// Dequantizes rows with the SDK's reference code (the oracle).
inline std::vector<float> reference_dequant(TensorType type, const std::byte* data, int64_t k, int64_t rows) {
  std::vector<float> out(static_cast<size_t>(k * rows));
  const size_t row = *row_bytes(type, k);
  for (int64_t r = 0; r < rows; ++r) {
    const Status s = dequantize_row(type, data + row * static_cast<size_t>(r), out.data() + r * k, k);
    EXPECT_TRUE(s.ok()) << s.message;
  }
  return out;
}

// A device and a context forced onto one kernel path.
struct Runner {
  std::unique_ptr<BackendPlugin> backend = create_backend();
  Device& device = *backend->device(0);
  CpuContext context;

  explicit Runner(Isa isa = default_isa(), int threads = 2) : context(threads, isa) {}

  std::unique_ptr<Buffer> weight(TensorDesc desc, const std::vector<std::byte>& bytes) {
    auto b = device.upload_weight(desc, bytes);
    EXPECT_TRUE(b.ok()) << b.status().message;
    return b.ok() ? std::move(b).value() : nullptr;
  }

  std::vector<float> output(const Graph& g, TensorId id) {
    std::vector<float> out(static_cast<size_t>(g.tensor(id).desc.elements()));
    const Status s = context.read_output(g, id, out.data(), out.size() * 4);
    EXPECT_TRUE(s.ok()) << s.message;
    return out;
  }

  // Computes g and returns tensor `id` (marked as output first).
  std::vector<float> run(Graph& g, TensorId id) {
    g.mark_output(id);
    const Status s = context.compute(g);
    EXPECT_TRUE(s.ok()) << s.message;
    if (!s.ok()) return {};
    return output(g, id);
  }
};

inline TensorDesc f32_desc(std::array<int64_t, 4> ne) { return TensorDesc{TensorType::F32, ne}; }

inline void expect_near_all(const std::vector<float>& got, const std::vector<float>& want, float abs_tol,
                            float rel_tol, const std::string& what) {
  ASSERT_EQ(got.size(), want.size()) << what;
  int failures = 0;
  for (size_t i = 0; i < got.size() && failures < 5; ++i) {
    const float tol = abs_tol + rel_tol * std::fabs(want[i]);
    if (!(std::fabs(got[i] - want[i]) <= tol)) {
      ADD_FAILURE() << what << ": element " << i << " got " << got[i] << " want " << want[i];
      ++failures;
    }
  }
}

} // namespace llmhost::cpu::test
