// Plain-loop reference implementations of the graph ops (double accumulation), the oracle the
// Vulkan kernels are checked against. Layouts follow graph.hpp.
#pragma once

#include <cmath>
#include <cstdint>
#include <vector>

namespace llmhost::vktest::ref {

// w [K, N] dequantized, x [K, M] -> [N, M]
inline std::vector<float> mul_mat(const std::vector<float>& w, const std::vector<float>& x, int64_t K, int64_t N,
                                  int64_t M) {
  std::vector<float> out(static_cast<size_t>(N * M));
  for (int64_t m = 0; m < M; ++m) {
    for (int64_t n = 0; n < N; ++n) {
      double s = 0;
      for (int64_t k = 0; k < K; ++k) s += double(w[n * K + k]) * x[m * K + k];
      out[m * N + n] = static_cast<float>(s);
    }
  }
  return out;
}

inline std::vector<float> norm(const std::vector<float>& x, int64_t width, float eps, bool layer) {
  std::vector<float> out(x.size());
  for (size_t r = 0; r < x.size() / width; ++r) {
    const float* row = &x[r * width];
    double mean = 0;
    if (layer) {
      for (int64_t i = 0; i < width; ++i) mean += row[i];
      mean /= width;
    }
    double sq = 0;
    for (int64_t i = 0; i < width; ++i) sq += (row[i] - mean) * (row[i] - mean);
    double inv = 1.0 / std::sqrt(sq / width + eps);
    for (int64_t i = 0; i < width; ++i) out[r * width + i] = static_cast<float>((row[i] - mean) * inv);
  }
  return out;
}

inline std::vector<float> softmax(const std::vector<float>& x, int64_t width, float scale) {
  std::vector<float> out(x.size());
  for (size_t r = 0; r < x.size() / width; ++r) {
    double mx = -INFINITY, sum = 0;
    for (int64_t i = 0; i < width; ++i) mx = std::max(mx, double(x[r * width + i]) * scale);
    for (int64_t i = 0; i < width; ++i) sum += std::exp(double(x[r * width + i]) * scale - mx);
    for (int64_t i = 0; i < width; ++i) out[r * width + i] = static_cast<float>(std::exp(double(x[r * width + i]) * scale - mx) / sum);
  }
  return out;
}

inline float silu(float x) { return static_cast<float>(x / (1.0 + std::exp(-double(x)))); }
inline float gelu(float x) {
  double u = 0.7978845608028654 * x * (1.0 + 0.044715 * double(x) * x);
  return static_cast<float>(0.5 * x * (1.0 + std::tanh(u)));
}

// x [hd, nh, M]; factors empty or [n_dims / 2]
inline std::vector<float> rope(const std::vector<float>& x, const std::vector<int32_t>& pos,
                               const std::vector<float>& factors, int64_t hd, int64_t nh, int n_dims, int mode,
                               float base, float scale) {
  std::vector<float> out = x;
  for (size_t m = 0; m < pos.size(); ++m) {
    for (int64_t h = 0; h < nh; ++h) {
      size_t b = (m * nh + h) * hd;
      for (int i = 0; i < n_dims / 2; ++i) {
        double theta = pos[m] * double(scale) * std::pow(double(base), -2.0 * i / n_dims);
        if (!factors.empty()) theta /= factors[i];
        size_t a = mode == 2 ? i : 2 * i, c = mode == 2 ? i + n_dims / 2 : 2 * i + 1;
        double x0 = x[b + a], x1 = x[b + c];
        out[b + a] = static_cast<float>(x0 * std::cos(theta) - x1 * std::sin(theta));
        out[b + c] = static_cast<float>(x0 * std::sin(theta) + x1 * std::cos(theta));
      }
    }
  }
  return out;
}

// q [hd, nh, M]; caches [hd * nkv, cells] (already as floats); spans [2, M] -> [hd * nh, M]
inline std::vector<float> attention(const std::vector<float>& q, const std::vector<float>& kc,
                                    const std::vector<float>& vc, const std::vector<int32_t>& spans, int64_t hd,
                                    int64_t nh, int64_t nkv, float scale) {
  const int64_t M = static_cast<int64_t>(spans.size() / 2), W = hd * nkv;
  std::vector<float> out(static_cast<size_t>(hd * nh * M));
  for (int64_t m = 0; m < M; ++m) {
    for (int64_t h = 0; h < nh; ++h) {
      int64_t kvh = h / (nh / nkv);
      std::vector<double> s;
      double mx = -INFINITY;
      for (int32_t c = spans[2 * m]; c < spans[2 * m + 1]; ++c) {
        double d = 0;
        for (int64_t i = 0; i < hd; ++i) d += double(q[(m * nh + h) * hd + i]) * scale * kc[c * W + kvh * hd + i];
        s.push_back(d);
        mx = std::max(mx, d);
      }
      double sum = 0;
      for (auto& v : s) sum += (v = std::exp(v - mx));
      for (int64_t i = 0; i < hd; ++i) {
        double acc = 0;
        for (size_t j = 0; j < s.size(); ++j) acc += s[j] * vc[(spans[2 * m] + j) * W + kvh * hd + i];
        out[m * hd * nh + h * hd + i] = s.empty() ? 0.0f : static_cast<float>(acc / sum);
      }
    }
  }
  return out;
}

} // namespace llmhost::vktest::ref
