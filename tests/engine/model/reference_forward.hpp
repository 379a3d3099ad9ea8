// A plain, slow transformer forward pass (llama2.c style) over dequantized GGUF weights: the
// oracle for the engine's graph builders on synthetic llama / qwen2 / qwen3 models.
#pragma once

#include <cmath>
#include <string>
#include <vector>

#include "engine/gguf/gguf_file.hpp"
#include "llmhost/quant.hpp"
#include "synthetic_model.hpp"

namespace llmhost::engine::testing {

class ReferenceForward {
 public:
  ReferenceForward(const gguf::File& file, const SyntheticSpec& spec) : f_(file), s_(spec) {}

  // Logits after the last of `tokens` (one sequence from position 0).
  std::vector<float> last_logits(const std::vector<int32_t>& tokens) {
    const int64_t D = s_.head_dim, H = s_.n_head, HKV = s_.n_head_kv;
    const bool neox = s_.arch != "llama";
    const float base = s_.arch == "llama" ? 10000.0f : 1000000.0f;
    const float scale = s_.rope_scale > 0 ? 1.0f / s_.rope_scale : 1.0f;
    const std::vector<float> factors = s_.rope_freqs ? weights("rope_freqs.weight") : std::vector<float>{};
    std::vector<std::vector<std::vector<float>>> kcache(size_t(s_.n_layer)), vcache(size_t(s_.n_layer));
    std::vector<float> x;
    for (size_t pos = 0; pos < tokens.size(); ++pos) {
      x = row("token_embd.weight", tokens[pos]);
      for (int64_t l = 0; l < s_.n_layer; ++l) {
        const std::string b = "blk." + std::to_string(l) + ".";
        std::vector<float> h = rmsnorm(x, weights(b + "attn_norm.weight"));
        std::vector<float> q = matvec(b + "attn_q.weight", h), k = matvec(b + "attn_k.weight", h),
                           v = matvec(b + "attn_v.weight", h);
        if (s_.arch == "qwen2") {
          add_in(q, weights(b + "attn_q.bias"));
          add_in(k, weights(b + "attn_k.bias"));
          add_in(v, weights(b + "attn_v.bias"));
        }
        if (s_.arch == "qwen3") {
          per_head_norm(q, weights(b + "attn_q_norm.weight"));
          per_head_norm(k, weights(b + "attn_k_norm.weight"));
        }
        for (int64_t hh = 0; hh < H; ++hh) rope(&q[size_t(hh * D)], int32_t(pos), neox, base, scale, factors);
        for (int64_t hh = 0; hh < HKV; ++hh) rope(&k[size_t(hh * D)], int32_t(pos), neox, base, scale, factors);
        kcache[size_t(l)].push_back(k);
        vcache[size_t(l)].push_back(v);

        std::vector<float> att(size_t(H * D), 0.0f);
        for (int64_t hh = 0; hh < H; ++hh) {
          const int64_t kvh = hh / (H / HKV);
          std::vector<float> scores(pos + 1);
          float mx = -INFINITY;
          for (size_t t = 0; t <= pos; ++t) {
            float dot = 0;
            for (int64_t d = 0; d < D; ++d) dot += q[size_t(hh * D + d)] * kcache[size_t(l)][t][size_t(kvh * D + d)];
            scores[t] = dot / std::sqrt(float(D));
            mx = std::max(mx, scores[t]);
          }
          float sum = 0;
          for (float& sc : scores) sum += (sc = std::exp(sc - mx));
          for (size_t t = 0; t <= pos; ++t)
            for (int64_t d = 0; d < D; ++d)
              att[size_t(hh * D + d)] += scores[t] / sum * vcache[size_t(l)][t][size_t(kvh * D + d)];
        }
        add_in(x, matvec(b + "attn_output.weight", att));

        h = rmsnorm(x, weights(b + "ffn_norm.weight"));
        std::vector<float> gate = matvec(b + "ffn_gate.weight", h), up = matvec(b + "ffn_up.weight", h);
        for (size_t i = 0; i < gate.size(); ++i) gate[i] = gate[i] / (1.0f + std::exp(-gate[i])) * up[i];
        add_in(x, matvec(b + "ffn_down.weight", gate));
      }
    }
    x = rmsnorm(x, weights("output_norm.weight"));
    return matvec(s_.tied_output ? "token_embd.weight" : "output.weight", x);
  }

 private:
  std::vector<float> row(const std::string& name, int64_t r) {
    const gguf::TensorInfo* t = f_.find_tensor(name);
    const int64_t n = t->desc.ne[0];
    std::vector<float> out(static_cast<size_t>(n));
    const size_t rb = *row_bytes(t->desc.type, n);
    EXPECT_TRUE(dequantize_row(t->desc.type, t->data.data() + size_t(r) * rb, out.data(), n).ok());
    return out;
  }
  std::vector<float> weights(const std::string& name) { return row(name, 0); }
  std::vector<float> matvec(const std::string& name, const std::vector<float>& x) {
    const gguf::TensorInfo* t = f_.find_tensor(name);
    std::vector<float> out(size_t(t->desc.ne[1]));
    for (int64_t r = 0; r < t->desc.ne[1]; ++r) {
      const std::vector<float> w = row(name, r);
      double acc = 0;
      for (size_t i = 0; i < w.size(); ++i) acc += double(w[i]) * x[i];
      out[size_t(r)] = float(acc);
    }
    return out;
  }
  static void add_in(std::vector<float>& a, const std::vector<float>& b) {
    for (size_t i = 0; i < a.size(); ++i) a[i] += b[i];
  }
  static std::vector<float> rmsnorm(const std::vector<float>& x, const std::vector<float>& w) {
    double ss = 0;
    for (float v : x) ss += double(v) * v;
    const float inv = 1.0f / std::sqrt(float(ss / double(x.size())) + 1e-6f);
    std::vector<float> out(x.size());
    for (size_t i = 0; i < x.size(); ++i) out[i] = x[i] * inv * w[i];
    return out;
  }
  void per_head_norm(std::vector<float>& v, const std::vector<float>& w) const {
    const size_t D = size_t(s_.head_dim);
    for (size_t h = 0; h < v.size() / D; ++h) {
      std::vector<float> head(v.begin() + long(h * D), v.begin() + long((h + 1) * D));
      head = rmsnorm(head, w);
      std::copy(head.begin(), head.end(), v.begin() + long(h * D));
    }
  }
  void rope(float* v, int32_t pos, bool neox, float base, float scale, const std::vector<float>& factors) const {
    const int64_t n_dims = s_.head_dim;
    for (int64_t i = 0; i < n_dims / 2; ++i) {
      float theta = float(pos) * scale * std::pow(base, -2.0f * float(i) / float(n_dims));
      if (!factors.empty()) theta /= factors[size_t(i)];
      const float c = std::cos(theta), s = std::sin(theta);
      float& a = neox ? v[i] : v[2 * i];
      float& b = neox ? v[i + n_dims / 2] : v[2 * i + 1];
      const float a0 = a, b0 = b;
      a = a0 * c - b0 * s;
      b = a0 * s + b0 * c;
    }
  }

  const gguf::File& f_;
  SyntheticSpec s_;
};

} // namespace llmhost::engine::testing
