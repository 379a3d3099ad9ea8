// Small synthetic models (random weights) of each architecture, written as GGUF with the
// project's writer, for testing graph builders on shapes and types no trained test model has.
#pragma once

#include <cstring>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "engine/gguf/gguf_writer.hpp"
#include "llmhost/quant.hpp"

namespace llmhost::engine::testing {

struct SyntheticSpec {
  std::string arch = "llama";
  TensorType matrix_type = TensorType::F32; // every 2-D weight
  int64_t n_vocab = 300;
  int64_t n_embd = 256;
  int64_t n_layer = 2;
  int64_t n_head = 4;
  int64_t n_head_kv = 2;
  int64_t head_dim = 64;
  int64_t n_ff = 512;
  bool tied_output = false;   // no output.weight
  bool rope_freqs = false;    // Llama 3 frequency factors
  float rope_scale = 0.0f;    // > 0: linear rope scaling factor
  uint32_t seed = 7;
};

class SyntheticWriter {
 public:
  explicit SyntheticWriter(const SyntheticSpec& spec) : spec_(spec), rng_(spec.seed) {}

  // Writes the model to `path`; returns false (with a test failure) on error.
  bool write(const std::filesystem::path& path) {
    const SyntheticSpec& s = spec_;
    const std::string p = s.arch + ".";
    w_.set_string("general.architecture", s.arch);
    w_.set_u32(p + "context_length", 256);
    w_.set_u32(p + "embedding_length", uint32_t(s.n_embd));
    w_.set_u32(p + "block_count", uint32_t(s.n_layer));
    w_.set_u32(p + "feed_forward_length", uint32_t(s.n_ff));
    w_.set_u32(p + "attention.head_count", uint32_t(s.n_head));
    w_.set_u32(p + "attention.head_count_kv", uint32_t(s.n_head_kv));
    w_.set_u32(p + "attention.key_length", uint32_t(s.head_dim));
    w_.set_u32(p + "attention.value_length", uint32_t(s.head_dim));
    w_.set_f32(p + "attention.layer_norm_rms_epsilon", 1e-6f);
    w_.set_f32(p + "rope.freq_base", s.arch == "llama" ? 10000.0f : 1000000.0f);
    if (s.rope_scale > 0) {
      w_.set_string(p + "rope.scaling.type", "linear");
      w_.set_f32(p + "rope.scaling.factor", s.rope_scale);
    }

    const int64_t E = s.n_embd, Q = s.n_head * s.head_dim, KV = s.n_head_kv * s.head_dim;
    matrix("token_embd.weight", E, s.n_vocab, 0.5f);
    vector("output_norm.weight", E, 1.0f, 0.2f);
    if (!s.tied_output) matrix("output.weight", E, s.n_vocab, 0.1f);
    if (s.rope_freqs) vector("rope_freqs.weight", s.head_dim / 2, 2.0f, 0.9f);
    for (int64_t l = 0; l < s.n_layer; ++l) {
      const std::string b = "blk." + std::to_string(l) + ".";
      vector(b + "attn_norm.weight", E, 1.0f, 0.2f);
      matrix(b + "attn_q.weight", E, Q, 0.08f);
      matrix(b + "attn_k.weight", E, KV, 0.08f);
      matrix(b + "attn_v.weight", E, KV, 0.08f);
      matrix(b + "attn_output.weight", Q, E, 0.08f);
      if (s.arch == "qwen2") {
        vector(b + "attn_q.bias", Q, 0.0f, 0.3f);
        vector(b + "attn_k.bias", KV, 0.0f, 0.3f);
        vector(b + "attn_v.bias", KV, 0.0f, 0.3f);
      }
      if (s.arch == "qwen3") {
        vector(b + "attn_q_norm.weight", s.head_dim, 1.0f, 0.2f);
        vector(b + "attn_k_norm.weight", s.head_dim, 1.0f, 0.2f);
      }
      vector(b + "ffn_norm.weight", E, 1.0f, 0.2f);
      matrix(b + "ffn_gate.weight", E, s.n_ff, 0.08f);
      matrix(b + "ffn_up.weight", E, s.n_ff, 0.08f);
      matrix(b + "ffn_down.weight", s.n_ff, E, 0.06f);
    }
    if (!ok_) return false;
    Status st = w_.write(path);
    EXPECT_TRUE(st.ok()) << st.message;
    return st.ok();
  }

 private:
  void matrix(const std::string& name, int64_t cols, int64_t rows, float scale) {
    const TensorType type = spec_.matrix_type;
    TensorDesc desc{type, {cols, rows, 1, 1}};
    std::vector<std::byte> bytes(desc.bytes());
    const size_t row_size = *row_bytes(type, cols);
    std::vector<float> row(static_cast<size_t>(cols));
    std::normal_distribution<float> dist(0.0f, scale);
    if (!can_quantize(type)) { // a type we cannot produce: zero blocks still test the loader
      add(name, desc, std::move(bytes));
      return;
    }
    for (int64_t r = 0; r < rows; ++r) {
      for (float& v : row) v = dist(rng_);
      Status st = quantize_row(type, row.data(), bytes.data() + r * row_size, cols);
      if (!st) {
        ADD_FAILURE() << "quantize " << name << ": " << st.message;
        ok_ = false;
        return;
      }
    }
    add(name, desc, std::move(bytes));
  }
  void vector(const std::string& name, int64_t n, float mean, float spread) {
    std::uniform_real_distribution<float> dist(mean - spread, mean + spread);
    std::vector<float> v(static_cast<size_t>(n));
    for (float& x : v) x = dist(rng_);
    std::vector<std::byte> bytes(v.size() * sizeof(float));
    std::memcpy(bytes.data(), v.data(), bytes.size());
    add(name, TensorDesc{TensorType::F32, {n, 1, 1, 1}}, std::move(bytes));
  }
  void add(const std::string& name, TensorDesc desc, std::vector<std::byte> bytes) {
    Status st = w_.add_tensor(name, desc, std::move(bytes));
    if (!st) {
      ADD_FAILURE() << "add " << name << ": " << st.message;
      ok_ = false;
    }
  }

  SyntheticSpec spec_;
  std::mt19937 rng_;
  gguf::Writer w_;
  bool ok_ = true;
};

} // namespace llmhost::engine::testing
