// Synthetic models: each architecture x several types opens with the reader, with llama.cpp's
// metadata keys, tensor names, shapes, type mixes and plausible weight statistics.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>

#include <unistd.h>

#include "engine/gguf/gguf_file.hpp"
#include "engine/gguf/synthetic.hpp"
#include "llmhost/quant.hpp"
#include "testdata.hpp"

namespace llmhost::gguf {
namespace {

namespace fs = std::filesystem;

class TempDir {
 public:
  TempDir() {
    path_ = fs::temp_directory_path() /
            ("llmhost-synth-" + std::to_string(::getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  fs::path file(const std::string& name) const { return path_ / name; }

 private:
  fs::path path_;
};

SynthOptions tiny(std::string arch, std::string type) {
  SynthOptions o;
  o.arch = std::move(arch);
  o.type = std::move(type);
  o.n_embd = 256;
  o.n_layer = 2;
  o.n_head = 4;
  o.n_head_kv = 2;
  o.n_ff = 512;
  o.n_ctx = 512;
  return o;
}

std::vector<float> dequantized(const TensorInfo& t) {
  std::vector<float> out(static_cast<size_t>(t.desc.elements()));
  EXPECT_TRUE(dequantize_row(t.desc.type, t.data.data(), out.data(), t.desc.elements()).ok());
  return out;
}

void expect_stats(const TensorInfo& t, double mean, double stddev) {
  const auto v = dequantized(t);
  double s = 0, s2 = 0;
  for (float x : v) {
    s += x;
    s2 += x * x;
  }
  const double m = s / v.size(), sd = std::sqrt(s2 / v.size() - m * m);
  EXPECT_NEAR(m, mean, 0.1 * stddev + 0.002) << t.name;
  EXPECT_NEAR(sd, stddev, 0.15 * stddev + 1e-4) << t.name;
}

struct Case {
  std::string arch, type;
};

class SynthArchType : public ::testing::TestWithParam<Case> {};

TEST_P(SynthArchType, OpensWithExpectedLayout) {
  const auto [arch, type] = GetParam();
  TempDir dir;
  const auto path = dir.file("m.gguf");
  auto opts = tiny(arch, type);
  auto report = write_synthetic_model(opts, path);
  ASSERT_TRUE(report.ok()) << report.status().message;
  auto file = File::open(path);
  ASSERT_TRUE(file.ok()) << file.status().message;
  const File& f = **file;
  const std::string a = arch + ".";
  EXPECT_EQ(f.architecture(), arch);
  EXPECT_EQ(f.get_u64(a + "block_count"), 2u);
  EXPECT_EQ(f.get_u64(a + "embedding_length"), 256u);
  EXPECT_EQ(f.get_u64(a + "feed_forward_length"), 512u);
  EXPECT_EQ(f.get_u64(a + "attention.head_count"), 4u);
  EXPECT_EQ(f.get_u64(a + "attention.head_count_kv"), 2u);
  EXPECT_EQ(f.get_u64(a + "context_length"), 512u);
  EXPECT_EQ(f.get_u64(a + "rope.dimension_count"), 64u);
  EXPECT_EQ(f.get_u64(a + "attention.key_length"), 64u);
  EXPECT_EQ(f.get_u64(a + "attention.value_length"), 64u);
  EXPECT_TRUE(f.get_f64(a + "attention.layer_norm_rms_epsilon").has_value());
  EXPECT_TRUE(f.get_f64(a + "rope.freq_base").has_value());
  EXPECT_EQ(f.get_u64("general.file_type"), parse_type_mix(type)->file_type);
  EXPECT_EQ(f.get_string("tokenizer.ggml.model"), "llama");
  EXPECT_EQ(f.get_array("tokenizer.ggml.tokens")->items.size(), size_t(kByteVocabSize));

  const size_t per_layer = 9 + (arch == "qwen2" ? 3 : 0) + (arch == "qwen3" ? 2 : 0);
  EXPECT_EQ(f.tensors().size(), 3 + 2 * per_layer);
  EXPECT_EQ(report->n_tensors, f.tensors().size());
  auto shape = [&](const std::string& name, int64_t ne0, int64_t ne1) -> const TensorInfo* {
    const TensorInfo* t = f.find_tensor(name);
    EXPECT_NE(t, nullptr) << name;
    if (!t) return nullptr;
    EXPECT_EQ(t->desc.ne[0], ne0) << name;
    EXPECT_EQ(t->desc.ne[1], ne1) << name;
    EXPECT_EQ(t->data.size(), t->desc.bytes()) << name;
    return t;
  };
  const auto mix = *parse_type_mix(type);
  const TensorInfo* emb = shape("token_embd.weight", 256, kByteVocabSize);
  EXPECT_EQ(emb->desc.type, mix.base);
  expect_stats(*emb, 0.0, 0.02);
  const TensorInfo* out = shape("output.weight", 256, kByteVocabSize);
  const bool low_bits = mix.base == TensorType::Q4_0 || mix.base == TensorType::Q4_1 ||
                        mix.base == TensorType::Q5_0 || mix.base == TensorType::Q5_1 || mix.k_mix;
  EXPECT_EQ(out->desc.type, low_bits ? TensorType::Q6_K : mix.base);
  const TensorInfo* norm = shape("output_norm.weight", 256, 1);
  EXPECT_EQ(norm->desc.type, TensorType::F32);
  expect_stats(*norm, 1.0, 0.01);
  for (int l = 0; l < 2; ++l) {
    const std::string b = "blk." + std::to_string(l) + ".";
    shape(b + "attn_norm.weight", 256, 1);
    expect_stats(*shape(b + "attn_q.weight", 256, 256), 0.0, 0.02);
    shape(b + "attn_k.weight", 256, 128);
    shape(b + "attn_v.weight", 256, 128);
    shape(b + "attn_output.weight", 256, 256);
    shape(b + "ffn_norm.weight", 256, 1);
    shape(b + "ffn_gate.weight", 256, 512);
    shape(b + "ffn_up.weight", 256, 512);
    expect_stats(*shape(b + "ffn_down.weight", 512, 256), 0.0, 0.02);
    if (arch == "qwen2") {
      EXPECT_EQ(shape(b + "attn_q.bias", 256, 1)->desc.type, TensorType::F32);
      shape(b + "attn_k.bias", 128, 1);
      shape(b + "attn_v.bias", 128, 1);
    }
    if (arch == "qwen3") {
      EXPECT_EQ(shape(b + "attn_q_norm.weight", 64, 1)->desc.type, TensorType::F32);
      shape(b + "attn_k_norm.weight", 64, 1);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(
    Synth, SynthArchType,
    ::testing::Values(Case{"llama", "F32"}, Case{"llama", "Q4_0"}, Case{"llama", "Q4_K_M"},
                      Case{"llama", "BF16"}, Case{"qwen2", "F16"}, Case{"qwen2", "Q8_0"},
                      Case{"qwen2", "Q5_K_M"}, Case{"qwen2", "Q5_1"}, Case{"qwen3", "Q6_K"},
                      Case{"qwen3", "Q4_K"}, Case{"qwen3", "Q5_0"}, Case{"qwen3", "Q4_1"}),
    [](const auto& info) { return info.param.arch + "_" + info.param.type; });

std::vector<char> slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

TEST(Synth, DeterministicForSeedAndThreadCount) {
  TempDir dir;
  auto o = tiny("llama", "Q4_K_M");
  ASSERT_TRUE(write_synthetic_model(o, dir.file("a.gguf")).ok());
  o.threads = 1;
  ASSERT_TRUE(write_synthetic_model(o, dir.file("b.gguf")).ok());
  o.seed = 43;
  ASSERT_TRUE(write_synthetic_model(o, dir.file("c.gguf")).ok());
  EXPECT_EQ(slurp(dir.file("a.gguf")), slurp(dir.file("b.gguf")));
  EXPECT_NE(slurp(dir.file("a.gguf")), slurp(dir.file("c.gguf")));
}

TEST(Synth, UseMoreBitsMatchesLlamaQuantize) {
  std::vector<int64_t> picked;
  for (int64_t l = 0; l < 16; ++l)
    if (use_more_bits(l, 16)) picked.push_back(l);
  EXPECT_EQ(picked, (std::vector<int64_t>{0, 1, 4, 7, 10, 13, 14, 15}));
}

TEST(Synth, Q4_K_MGivesSixBitsToChosenLayers) {
  TempDir dir;
  auto o = tiny("llama", "Q4_K_M");
  o.n_layer = 8;
  ASSERT_TRUE(write_synthetic_model(o, dir.file("m.gguf")).ok());
  auto f = File::open(dir.file("m.gguf"));
  ASSERT_TRUE(f.ok());
  for (int l = 0; l < 8; ++l) {
    const std::string b = "blk." + std::to_string(l) + ".";
    const TensorType more = use_more_bits(l, 8) ? TensorType::Q6_K : TensorType::Q4_K;
    EXPECT_EQ((*f)->find_tensor(b + "attn_v.weight")->desc.type, more) << l;
    EXPECT_EQ((*f)->find_tensor(b + "ffn_down.weight")->desc.type, more) << l;
    EXPECT_EQ((*f)->find_tensor(b + "attn_q.weight")->desc.type, TensorType::Q4_K) << l;
  }
}

TEST(Synth, TiedEmbeddingsGetTheOutputType) {
  TempDir dir;
  auto o = tiny("qwen2", "Q4_0");
  o.tied = true;
  ASSERT_TRUE(write_synthetic_model(o, dir.file("m.gguf")).ok());
  auto f = File::open(dir.file("m.gguf"));
  ASSERT_TRUE(f.ok());
  EXPECT_EQ((*f)->find_tensor("output.weight"), nullptr);
  EXPECT_EQ((*f)->find_tensor("token_embd.weight")->desc.type, TensorType::Q6_K);
}

TEST(Synth, RowsThatAreNotWholeBlocksFallBack) {
  TempDir dir;
  SynthOptions o = tiny("llama", "Q4_K");
  o.n_embd = 64;
  o.n_ff = 172; // ffn_down rows of 172: not even whole Q8_0 blocks
  o.head_dim = 32;
  auto report = write_synthetic_model(o, dir.file("m.gguf"));
  ASSERT_TRUE(report.ok()) << report.status().message;
  EXPECT_FALSE(report->notes.empty());
  auto f = File::open(dir.file("m.gguf"));
  ASSERT_TRUE(f.ok());
  EXPECT_EQ((*f)->find_tensor("blk.0.attn_q.weight")->desc.type, TensorType::Q8_0);
  EXPECT_EQ((*f)->find_tensor("blk.0.attn_q.weight")->desc.ne[1], 4 * 32);
  EXPECT_EQ((*f)->find_tensor("blk.0.ffn_down.weight")->desc.type, TensorType::F16);
  EXPECT_EQ((*f)->get_u64("llama.attention.key_length"), 32u);
}

TEST(Synth, CopiesVocabularyFromAGguf) {
  LLMHOST_REQUIRE_TESTDATA();
  TempDir dir;
  const auto vocab_path = llmhost::testing::testdata("vocab/ggml-vocab-llama-spm.gguf");
  SynthOptions o = tiny("llama", "F16");
  o.n_embd = 32;
  o.n_head = 2;
  o.n_head_kv = 1;
  o.n_ff = 64;
  o.n_layer = 1;
  o.vocab = vocab_path;
  auto report = write_synthetic_model(o, dir.file("m.gguf"));
  ASSERT_TRUE(report.ok()) << report.status().message;
  auto f = File::open(dir.file("m.gguf"));
  auto v = File::open(vocab_path);
  ASSERT_TRUE(f.ok() && v.ok());
  size_t copied = 0;
  for (const auto& [key, value] : (*v)->metadata()) {
    if (key.rfind("tokenizer.", 0) != 0) continue;
    ++copied;
    const Value* mine = (*f)->find(key);
    ASSERT_NE(mine, nullptr) << key;
    EXPECT_EQ(mine->type, value.type) << key;
  }
  EXPECT_GT(copied, 3u);
  const auto n_vocab = (*v)->get_array("tokenizer.ggml.tokens")->items.size();
  EXPECT_EQ(report->n_vocab, static_cast<int64_t>(n_vocab));
  EXPECT_EQ((*f)->find_tensor("token_embd.weight")->desc.ne[1], static_cast<int64_t>(n_vocab));
  EXPECT_EQ((*f)->get_array("tokenizer.ggml.tokens")->items[1000].as_string(),
            (*v)->get_array("tokenizer.ggml.tokens")->items[1000].as_string());
}

TEST(Synth, InvalidOptionsAreErrors) {
  TempDir dir;
  auto bad = [&](SynthOptions o) {
    auto r = write_synthetic_model(o, dir.file("x.gguf"));
    EXPECT_FALSE(r.ok());
    EXPECT_FALSE(fs::exists(dir.file("x.gguf")));
    return r.ok() ? std::string() : r.status().message;
  };
  auto o = tiny("llama", "Q4_0");
  o.arch = "gpt9";
  EXPECT_NE(bad(o).find("gpt9"), std::string::npos);
  o = tiny("llama", "Q3_K_XL");
  EXPECT_NE(bad(o).find("Q3_K_XL"), std::string::npos);
  o = tiny("llama", "Q4_0");
  o.n_head_kv = 3;
  bad(o);
  o = tiny("llama", "Q4_0");
  o.n_embd = 250;
  bad(o);
  o = tiny("llama", "Q4_0");
  o.vocab = dir.file("missing-vocab.gguf");
  bad(o);
}

TEST(SynthTool, SynthThenInfo) {
  const fs::path tool = fs::path(LLMHOST_BUILD_DIR) / "bin" / "llmhost-gguf";
  if (!fs::exists(tool)) GTEST_SKIP() << "llmhost-gguf not built at " << tool;
  TempDir dir;
  const auto out = dir.file("t.gguf");
  const std::string synth = tool.string() +
                            " synth --arch qwen3 --n-embd 256 --n-layer 1 --n-head 4 --n-head-kv 2"
                            " --n-ff 256 --head-dim 32 --ctx 128 --type Q4_K_M --seed 7"
                            " --byte-vocab --tied -o " + out.string() + " > /dev/null";
  ASSERT_EQ(std::system(synth.c_str()), 0);
  auto f = File::open(out);
  ASSERT_TRUE(f.ok()) << f.status().message;
  EXPECT_EQ((*f)->get_u64("qwen3.attention.key_length"), 32u);
  EXPECT_EQ((*f)->find_tensor("output.weight"), nullptr);
  const auto listing = dir.file("info.txt");
  ASSERT_EQ(std::system((tool.string() + " info " + out.string() + " > " + listing.string()).c_str()), 0);
  std::ifstream in(listing);
  const std::string text{std::istreambuf_iterator<char>(in), {}};
  EXPECT_NE(text.find("blk.0.attn_k_norm.weight"), std::string::npos);
  EXPECT_NE(text.find("general.architecture"), std::string::npos);
  EXPECT_NE(std::system((tool.string() + " synth --type Q4_0 > /dev/null 2>&1").c_str()), 0);
  EXPECT_NE(std::system((tool.string() + " info " + dir.file("none.gguf").string() + " 2> /dev/null").c_str()), 0);
}

} // namespace
} // namespace llmhost::gguf
