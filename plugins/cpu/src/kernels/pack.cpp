// Packing weight and activation rows for the prompt GEMM (see packed.hpp).
#include <algorithm>
#include <cmath>
#include <cstring>

#include "kernels/block_decode.hpp"
#include "kernels/packed.hpp"

namespace llmhost::cpu {
namespace {

struct PackedRow {
  int8_t* q;
  float* scale;
  float* offset;
};

PackedRow view(std::byte* dst, int64_t k) {
  auto* q = reinterpret_cast<int8_t*>(dst);
  auto* scale = reinterpret_cast<float*>(dst + k);
  return {q, scale, scale + k / kPackGroup};
}

template <typename Block>
void pack_q32(const void* src, int64_t k, PackedRow out) {
  const auto* b = static_cast<const Block*>(src);
  Decoded32 dec;
  for (int64_t i = 0; i < k / 32; ++i) {
    decode_block(b[i], dec);
    std::memcpy(out.q + 32 * i, dec.q, 32);
    out.scale[2 * i] = out.scale[2 * i + 1] = dec.d;
    out.offset[2 * i] = out.offset[2 * i + 1] = dec.m;
  }
}

template <typename Block>
void pack_qk(const void* src, int64_t k, PackedRow out) {
  const auto* b = static_cast<const Block*>(src);
  DecodedK dec;
  for (int64_t i = 0; i < k / QK_K; ++i) {
    decode_block(b[i], dec);
    std::memcpy(out.q + QK_K * i, dec.q, QK_K);
    for (int g = 0; g < 16; ++g) {
      out.scale[16 * i + g] = dec.d * static_cast<float>(dec.sc[g]);
      out.offset[16 * i + g] = 0.0f - dec.dmin * static_cast<float>(dec.mn[g]);
    }
  }
}

} // namespace

bool can_pack_weight(TensorType type) {
  switch (type) {
    case TensorType::Q4_0: case TensorType::Q4_1: case TensorType::Q5_0: case TensorType::Q5_1:
    case TensorType::Q8_0: case TensorType::Q4_K: case TensorType::Q5_K: case TensorType::Q6_K: return true;
    default: return false;
  }
}

bool packed_type_has_offset(TensorType type) {
  return type == TensorType::Q4_1 || type == TensorType::Q5_1 || type == TensorType::Q4_K || type == TensorType::Q5_K;
}

void pack_weight_row(TensorType type, const void* src, int64_t k, std::byte* dst) {
  const PackedRow out = view(dst, k);
  switch (type) {
    case TensorType::Q4_0: pack_q32<BlockQ4_0>(src, k, out); break;
    case TensorType::Q4_1: pack_q32<BlockQ4_1>(src, k, out); break;
    case TensorType::Q5_0: pack_q32<BlockQ5_0>(src, k, out); break;
    case TensorType::Q5_1: pack_q32<BlockQ5_1>(src, k, out); break;
    case TensorType::Q8_0: pack_q32<BlockQ8_0>(src, k, out); break;
    case TensorType::Q4_K: pack_qk<BlockQ4_K>(src, k, out); break;
    case TensorType::Q5_K: pack_qk<BlockQ5_K>(src, k, out); break;
    case TensorType::Q6_K: pack_qk<BlockQ6_K>(src, k, out); break;
    default: break;
  }
}

void pack_activation_row(const float* x, int64_t k, std::byte* dst) {
  const PackedRow out = view(dst, k);
  for (int64_t b = 0; b < k / 32; ++b) {
    const float* xb = x + 32 * b;
    float amax = 0.0f;
    for (int i = 0; i < 32; ++i) amax = std::max(amax, std::fabs(xb[i]));
    const float d = amax / 127.0f;
    const float id = d != 0.0f ? 1.0f / d : 0.0f;
    const float d_stored = f16_to_f32(f32_to_f16(d)); // Q8_0 keeps its scale as f16
    int sums[2] = {0, 0};
    for (int i = 0; i < 32; ++i) {
      const auto q = static_cast<int8_t>(std::lround(xb[i] * id));
      out.q[32 * b + i] = q;
      sums[i / 16] += q;
    }
    for (int h = 0; h < 2; ++h) {
      out.scale[2 * b + h] = d_stored;
      out.offset[2 * b + h] = d_stored * static_cast<float>(sums[h]);
    }
  }
}

} // namespace llmhost::cpu

namespace llmhost::cpu {

int64_t panel_group(TensorType type) {
  switch (type) {
    case TensorType::Q4_0: case TensorType::Q4_1: case TensorType::Q5_0: case TensorType::Q5_1:
    case TensorType::Q8_0: return 32;
    default: return kPackGroup;
  }
}

void build_weight_panel(const std::byte* rows_data, size_t row_stride, int rows, int64_t k, int64_t group,
                        std::byte* panel) {
  std::memset(panel, 0, panel_bytes(k, group));
  const int64_t per_group = group / kPackGroup; // packed-row scale entries per panel group
  for (int r = 0; r < rows; ++r) {
    const std::byte* src = rows_data + row_stride * static_cast<size_t>(r);
    const auto* q = reinterpret_cast<const int8_t*>(src);
    const auto* scale = reinterpret_cast<const float*>(src + k);
    const float* offset = scale + k / kPackGroup;
    for (int64_t g = 0; g < k / group; ++g) {
      std::byte* out = panel + panel_group_bytes(group) * static_cast<size_t>(g);
      int32_t sum = 0;
      for (int64_t s = 0; s < group / 4; ++s) {
        std::memcpy(out + (s * kPanelRows + r) * 4, q + g * group + 4 * s, 4);
        for (int i = 0; i < 4; ++i) sum += q[g * group + 4 * s + i];
      }
      std::byte* tail = out + group * kPanelRows;
      float off = 0.0f; // groups of 32 share one offset per 16 in the packed row: same value twice
      for (int64_t h = 0; h < per_group; ++h) off += offset[g * per_group + h];
      const float sc = scale[g * per_group];
      const int32_t corr = -128 * sum;
      off /= static_cast<float>(per_group);
      std::memcpy(tail + 4 * r, &sc, 4);
      std::memcpy(tail + 4 * (kPanelRows + r), &corr, 4);
      std::memcpy(tail + 4 * (2 * kPanelRows + r), &off, 4);
    }
  }
}

void pack_activation_panel_row(const float* x, int64_t k, int64_t group, std::byte* dst) {
  auto* q = reinterpret_cast<uint8_t*>(dst);
  auto* scale = reinterpret_cast<float*>(dst + k);
  float* scaled_sum = scale + k / group;
  for (int64_t b = 0; b < k / 32; ++b) {
    const float* xb = x + 32 * b;
    float amax = 0.0f;
    for (int i = 0; i < 32; ++i) amax = std::max(amax, std::fabs(xb[i]));
    const float d = amax / 127.0f;
    const float id = d != 0.0f ? 1.0f / d : 0.0f;
    const float d_stored = f16_to_f32(f32_to_f16(d)); // Q8_0 keeps its scale as f16
    int sums[2] = {0, 0};
    for (int i = 0; i < 32; ++i) {
      const auto v = static_cast<int>(std::lround(xb[i] * id));
      q[32 * b + i] = static_cast<uint8_t>(v + 128);
      sums[i / 16] += v;
    }
    const int64_t per_block = 32 / group;
    for (int64_t h = 0; h < per_block; ++h) {
      const int s = per_block == 1 ? sums[0] + sums[1] : sums[h];
      scale[b * per_block + h] = d_stored;
      scaled_sum[b * per_block + h] = d_stored * static_cast<float>(s);
    }
  }
}

} // namespace llmhost::cpu
