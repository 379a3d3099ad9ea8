// Activation quantizers: F32 rows to Q8_0 (32-element blocks) and Q8_K (256-element blocks with
// 16-element partial sums), as ggml's reference quantizers do.
#include <algorithm>
#include <cmath>

#include "kernels/kernels.hpp"

namespace llmhost::cpu {

void quantize_act_q8_0(const float* x, void* dst, int64_t n) {
  auto* out = static_cast<BlockQ8_0*>(dst);
  for (int64_t b = 0; b < n / QK8_0; ++b) {
    const float* xb = x + b * QK8_0;
    float amax = 0.0f;
    for (int i = 0; i < QK8_0; ++i) amax = std::max(amax, std::fabs(xb[i]));
    const float d = amax / 127.0f;
    const float id = d != 0.0f ? 1.0f / d : 0.0f;
    out[b].d = f32_to_f16(d);
    for (int i = 0; i < QK8_0; ++i) out[b].qs[i] = static_cast<int8_t>(std::lround(xb[i] * id));
  }
}

void quantize_act_q8_k(const float* x, void* dst, int64_t n) {
  auto* out = static_cast<BlockQ8_K*>(dst);
  for (int64_t b = 0; b < n / QK_K; ++b) {
    const float* xb = x + b * QK_K;
    float amax = 0.0f, max = 0.0f;
    for (int i = 0; i < QK_K; ++i) {
      if (std::fabs(xb[i]) > amax) {
        amax = std::fabs(xb[i]);
        max = xb[i];
      }
    }
    BlockQ8_K& o = out[b];
    if (amax == 0.0f) {
      o = BlockQ8_K{};
      continue;
    }
    const float iscale = -127.0f / max;
    for (int i = 0; i < QK_K; ++i)
      o.qs[i] = static_cast<int8_t>(std::min(127L, std::lround(iscale * xb[i])));
    for (int g = 0; g < QK_K / 16; ++g) {
      int sum = 0;
      for (int i = 0; i < 16; ++i) sum += o.qs[g * 16 + i];
      o.bsums[g] = static_cast<int16_t>(sum);
    }
    o.d = 1.0f / iscale;
  }
}

} // namespace llmhost::cpu
