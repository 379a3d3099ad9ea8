#include "engine/gguf/synthetic.hpp"

#include <algorithm>
#include <cmath>
#include <random>
#include <thread>

#include "engine/gguf/gguf_writer.hpp"
#include "engine/gguf/synthetic_vocab.hpp"
#include "llmhost/quant.hpp"

namespace llmhost::gguf {
namespace {

enum class Init { weight, norm, bias };

struct Planned {
  std::string name;
  TensorDesc desc;
  Init init = Init::weight;
};

struct ArchDefaults {
  float rms_eps;
  float rope_base;
};

ArchDefaults defaults_for(std::string_view arch) {
  if (arch == "llama") return {1e-5f, 10000.0f};
  return {1e-6f, 1000000.0f}; // qwen2, qwen3
}

Status invalid(std::string msg) { return Status::error(ErrorCode::invalid_request, std::move(msg)); }

Status validate(const SynthOptions& o) {
  if (o.arch != "llama" && o.arch != "qwen2" && o.arch != "qwen3")
    return invalid("unknown architecture '" + o.arch + "' (known: llama, qwen2, qwen3)");
  constexpr int64_t kMax = int64_t{1} << 20;
  for (auto [v, what] : {std::pair{o.n_embd, "n-embd"}, {o.n_layer, "n-layer"},
                         {o.n_head, "n-head"}, {o.n_head_kv, "n-head-kv"}, {o.n_ff, "n-ff"},
                         {o.n_ctx, "ctx"}})
    if (v <= 0 || v > kMax) return invalid(std::string(what) + " must be between 1 and 2^20");
  if (o.n_head % o.n_head_kv != 0) return invalid("n-head must be a multiple of n-head-kv");
  if (o.head_dim < 0 || o.head_dim > kMax) return invalid("head-dim out of range");
  if (o.head_dim == 0 && o.n_embd % o.n_head != 0)
    return invalid("n-embd must be a multiple of n-head (or give --head-dim)");
  if (o.threads < 1 || o.threads > 256) return invalid("threads must be between 1 and 256");
  return Status::success();
}

TensorDesc shape(int64_t ne0, int64_t ne1 = 1) { return TensorDesc{TensorType::F32, {ne0, ne1, 1, 1}}; }

// Every tensor in llama.cpp's names and ggml shapes (ne[0] = input width), still typed F32.
std::vector<Planned> plan_tensors(const SynthOptions& o, int64_t head_dim, int64_t n_vocab) {
  const int64_t q_out = o.n_head * head_dim, kv_out = o.n_head_kv * head_dim;
  std::vector<Planned> t;
  t.push_back({"token_embd.weight", shape(o.n_embd, n_vocab)});
  t.push_back({"output_norm.weight", shape(o.n_embd), Init::norm});
  if (!o.tied) t.push_back({"output.weight", shape(o.n_embd, n_vocab)});
  for (int64_t l = 0; l < o.n_layer; ++l) {
    const std::string b = "blk." + std::to_string(l) + ".";
    t.push_back({b + "attn_norm.weight", shape(o.n_embd), Init::norm});
    t.push_back({b + "attn_q.weight", shape(o.n_embd, q_out)});
    t.push_back({b + "attn_k.weight", shape(o.n_embd, kv_out)});
    t.push_back({b + "attn_v.weight", shape(o.n_embd, kv_out)});
    if (o.arch == "qwen2") {
      t.push_back({b + "attn_q.bias", shape(q_out), Init::bias});
      t.push_back({b + "attn_k.bias", shape(kv_out), Init::bias});
      t.push_back({b + "attn_v.bias", shape(kv_out), Init::bias});
    }
    if (o.arch == "qwen3") {
      t.push_back({b + "attn_q_norm.weight", shape(head_dim), Init::norm});
      t.push_back({b + "attn_k_norm.weight", shape(head_dim), Init::norm});
    }
    t.push_back({b + "attn_output.weight", shape(q_out, o.n_embd)});
    t.push_back({b + "ffn_norm.weight", shape(o.n_embd), Init::norm});
    t.push_back({b + "ffn_gate.weight", shape(o.n_embd, o.n_ff)});
    t.push_back({b + "ffn_up.weight", shape(o.n_embd, o.n_ff)});
    t.push_back({b + "ffn_down.weight", shape(o.n_ff, o.n_embd)});
  }
  return t;
}

int64_t layer_of(std::string_view name) {
  if (name.rfind("blk.", 0) != 0) return -1;
  int64_t l = 0;
  for (size_t i = 4; i < name.size() && name[i] != '.'; ++i) l = l * 10 + (name[i] - '0');
  return l;
}

void set_model_metadata(Writer& w, const SynthOptions& o, const TypeMix& mix, int64_t head_dim) {
  const auto d = defaults_for(o.arch);
  const std::string a = o.arch + ".";
  auto u32 = [](int64_t v) { return static_cast<uint32_t>(v); };
  w.set_string("general.architecture", o.arch);
  w.set_string("general.name", o.name.empty() ? "synthetic-" + o.arch : o.name);
  w.set_u32("general.file_type", mix.file_type);
  if (type_traits(mix.base)->quantized) w.set_u32("general.quantization_version", 2);
  w.set_u32(a + "context_length", u32(o.n_ctx));
  w.set_u32(a + "embedding_length", u32(o.n_embd));
  w.set_u32(a + "block_count", u32(o.n_layer));
  w.set_u32(a + "feed_forward_length", u32(o.n_ff));
  w.set_u32(a + "attention.head_count", u32(o.n_head));
  w.set_u32(a + "attention.head_count_kv", u32(o.n_head_kv));
  w.set_f32(a + "attention.layer_norm_rms_epsilon", d.rms_eps);
  w.set_f32(a + "rope.freq_base", d.rope_base);
  w.set_u32(a + "rope.dimension_count", u32(head_dim));
  w.set_u32(a + "attention.key_length", u32(head_dim));
  w.set_u32(a + "attention.value_length", u32(head_dim));
}

uint64_t splitmix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

uint64_t fnv1a(std::string_view s) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (char c : s) h = (h ^ static_cast<uint8_t>(c)) * 0x100000001b3ull;
  return h;
}

// Standard normal samples: mt19937_64 (fully specified by the standard) and Box-Muller, so the
// stream does not depend on the library's distribution implementation.
class Gaussian {
 public:
  explicit Gaussian(uint64_t seed) : rng_(seed) {}
  float next() {
    if (have_spare_) {
      have_spare_ = false;
      return spare_;
    }
    // One 64-bit draw gives both uniforms (24 bits each): u1 in (0, 1] so log(u1) is finite.
    constexpr float kTwoPi = 6.28318530718f;
    const uint64_t bits = rng_();
    const float u1 = (static_cast<float>(bits >> 40) + 1.0f) * 0x1.0p-24f;
    const float u2 = static_cast<float>((bits >> 16) & 0xffffff) * 0x1.0p-24f;
    const float r = std::sqrt(-2.0f * std::log(u1));
    spare_ = r * std::sin(kTwoPi * u2);
    have_spare_ = true;
    return r * std::cos(kTwoPi * u2);
  }

 private:
  std::mt19937_64 rng_;
  bool have_spare_ = false;
  float spare_ = 0.0f;
};

// Each row has its own generator seeded from (seed, tensor name, row), so the bytes do not
// depend on how rows are split between threads.
void fill_rows(const Planned& p, TensorType type, uint64_t seed, int64_t row_begin, int64_t row_end,
               std::span<std::byte> out) {
  const int64_t width = p.desc.ne[0];
  const size_t rb = *row_bytes(type, width);
  const uint64_t tensor_seed = splitmix64(seed ^ fnv1a(p.name));
  std::vector<float> row(static_cast<size_t>(width));
  for (int64_t r = row_begin; r < row_end; ++r) {
    Gaussian g(splitmix64(tensor_seed + static_cast<uint64_t>(r)));
    for (auto& x : row) {
      const float z = g.next();
      x = p.init == Init::norm ? 1.0f + 0.01f * z : 0.02f * z;
    }
    // Cannot fail: the type and width were checked when the tensor was planned.
    (void)quantize_row(type, row.data(), out.data() + static_cast<size_t>(r) * rb, width);
  }
}

} // namespace

Result<SynthReport> write_synthetic_model(const SynthOptions& o, const std::filesystem::path& out) {
  if (auto st = validate(o); !st) return st;
  auto mix = parse_type_mix(o.type);
  if (!mix) return mix.status();
  const int64_t head_dim = o.head_dim > 0 ? o.head_dim : o.n_embd / o.n_head;

  Writer w;
  SynthReport report;
  set_model_metadata(w, o, *mix, head_dim);
  if (o.vocab.empty()) {
    report.n_vocab = write_byte_vocab(w);
  } else {
    auto n = copy_vocab(w, o.vocab);
    if (!n) return n.status();
    report.n_vocab = *n;
  }

  auto planned = plan_tensors(o, head_dim, report.n_vocab);
  for (auto& p : planned) {
    if (p.init == Init::weight) {
      const bool is_output = p.name == "output.weight" || (o.tied && p.name == "token_embd.weight");
      std::string note;
      p.desc.type = weight_type(*mix, p.name, layer_of(p.name), o.n_layer, is_output,
                                p.desc.ne[0], o.n_embd, &note);
      if (!note.empty()) report.notes.push_back(std::move(note));
    }
    report.n_params += static_cast<uint64_t>(p.desc.elements());
    if (auto st = w.add_tensor(p.name, p.desc); !st) return st;
  }
  report.n_tensors = planned.size();

  auto fill = [&](size_t index, std::span<std::byte> bytes) {
    const Planned& p = planned[index];
    const int64_t rows = p.desc.rows();
    const int64_t n_threads = std::min<int64_t>(o.threads, rows);
    std::vector<std::jthread> workers;
    for (int64_t t = 1; t < n_threads; ++t)
      workers.emplace_back([&, t] {
        fill_rows(p, p.desc.type, o.seed, rows * t / n_threads, rows * (t + 1) / n_threads, bytes);
      });
    fill_rows(p, p.desc.type, o.seed, 0, rows / n_threads, bytes);
    return Status::success(); // workers join on scope exit
  };
  if (auto st = w.write(out, fill); !st) return st;
  return report;
}

} // namespace llmhost::gguf
