#include "store/model_info.hpp"

#include <gtest/gtest.h>

#include "engine/gguf/gguf_writer.hpp"
#include "store/rfc3339.hpp"
#include "testdata.hpp"

namespace llmhost::store {
namespace {

std::vector<std::byte> build(gguf::Writer& w) {
  auto bytes = w.to_bytes();
  EXPECT_TRUE(bytes.ok());
  return bytes.ok() ? bytes.value() : std::vector<std::byte>{};
}

TEST(ModelInfo, FormatsParameterCountsLikeOllama) {
  EXPECT_EQ(format_parameter_count(999), "999");
  EXPECT_EQ(format_parameter_count(260'000), "260K");
  EXPECT_EQ(format_parameter_count(1'235'000), "1.24M");
  EXPECT_EQ(format_parameter_count(7'000'000), "7M");
  EXPECT_EQ(format_parameter_count(8'030'261'248), "8.0B");
  EXPECT_EQ(format_parameter_count(6'738'415'616), "6.7B");
  EXPECT_EQ(format_parameter_count(2'000'000'000), "2B");
}

TEST(ModelInfo, FileTypeNames) {
  EXPECT_EQ(file_type_name(15), "Q4_K_M");
  EXPECT_EQ(file_type_name(7), "Q8_0");
  EXPECT_EQ(file_type_name(1), "F16");
  EXPECT_EQ(file_type_name(9999), "");
}

TEST(ModelInfo, SyntheticMetadataDetailsAndCapabilities) {
  gguf::Writer w;
  w.set_string("general.architecture", "qwen2");
  w.set_string("general.name", "secret name");
  w.set_u32("general.file_type", 15);
  w.set_u32("qwen2.context_length", 32768);
  w.set_f32("qwen2.rope.freq_base", 1000000.0f);
  w.set_bool("tokenizer.ggml.add_bos_token", false);
  const std::vector<std::string> tokens{"a", "b", "c"};
  w.set("tokenizer.ggml.tokens", gguf::OwnedValue::strings(tokens));
  w.set_string("tokenizer.chat_template", "{% for m in messages %}{% endfor %}");
  TensorDesc desc;
  desc.type = TensorType::F32;
  desc.ne = {4, 3, 1, 1};
  ASSERT_TRUE(w.add_tensor("output.weight", desc, std::vector<std::byte>(48)).ok());
  const auto bytes = build(w);
  auto file = gguf::File::parse(bytes);
  ASSERT_TRUE(file.ok()) << file.status().message;

  const auto info = model_info_json(*file.value(), false);
  EXPECT_EQ(info["general.architecture"], "qwen2");
  EXPECT_EQ(info["qwen2.context_length"], 32768);
  EXPECT_NEAR(info["qwen2.rope.freq_base"].get<double>(), 1e6, 1e-3);
  EXPECT_EQ(info["tokenizer.ggml.add_bos_token"], false);
  EXPECT_TRUE(info["tokenizer.ggml.tokens"].is_null());
  EXPECT_FALSE(info.contains("general.name"));
  EXPECT_FALSE(info.contains("tokenizer.chat_template"));
  EXPECT_EQ(info["general.parameter_count"], 12);
  const auto verbose = model_info_json(*file.value(), true);
  EXPECT_EQ(verbose["tokenizer.ggml.tokens"], nlohmann::json({"a", "b", "c"}));

  const ModelDetails d = details_from_gguf(*file.value());
  EXPECT_EQ(d.format, "gguf");
  EXPECT_EQ(d.family, "qwen2");
  EXPECT_EQ(d.parameter_size, "12");
  EXPECT_EQ(d.quantization_level, "Q4_K_M");

  EXPECT_EQ(capabilities(*file.value(), "{{ messages }}"), (std::vector<std::string>{"completion"}));
  EXPECT_EQ(capabilities(*file.value(), "{% if tools %}{{ tools }}{% endif %}"),
            (std::vector<std::string>{"completion", "tools"}));
}

TEST(ModelInfo, EmbeddingModelAndTypeFallback) {
  gguf::Writer w;
  w.set_string("general.architecture", "bert");
  w.set_u32("bert.pooling_type", 1);
  TensorDesc f16;
  f16.type = TensorType::F16;
  f16.ne = {32, 4, 1, 1};
  TensorDesc norm;
  norm.type = TensorType::F32;
  norm.ne = {1000, 1, 1, 1}; // 1-D: does not count as a weight matrix's type
  ASSERT_TRUE(w.add_tensor("blk.0.ffn.weight", f16, std::vector<std::byte>(32 * 4 * 2)).ok());
  ASSERT_TRUE(w.add_tensor("blk.0.norm.weight", norm, std::vector<std::byte>(4000)).ok());
  const auto bytes = build(w);
  auto file = gguf::File::parse(bytes);
  ASSERT_TRUE(file.ok()) << file.status().message;
  EXPECT_EQ(details_from_gguf(*file.value()).quantization_level, "F16");
  EXPECT_EQ(details_from_gguf(*file.value()).parameter_size, "1K");
  EXPECT_EQ(capabilities(*file.value(), ""), (std::vector<std::string>{"embedding"}));
}

TEST(ModelInfo, Stories260K) {
  LLMHOST_REQUIRE_TESTDATA();
  auto file = gguf::File::open(llmhost::testing::testdata("stories260K.gguf"));
  ASSERT_TRUE(file.ok()) << file.status().message;
  const ModelDetails d = details_from_gguf(*file.value());
  EXPECT_EQ(d.family, "llama");
  EXPECT_EQ(d.quantization_level, "F32");
  EXPECT_EQ(d.parameter_size, format_parameter_count(parameter_count(*file.value())));
  EXPECT_EQ(d.parameter_size.back(), 'K');
  const auto info = model_info_json(*file.value(), false);
  EXPECT_EQ(info["llama.block_count"], 5);
  EXPECT_EQ(info["llama.embedding_length"], 64);
  EXPECT_TRUE(info["tokenizer.ggml.tokens"].is_null());
  const auto verbose = model_info_json(*file.value(), true);
  EXPECT_EQ(verbose["tokenizer.ggml.tokens"].size(), 512u);
}

} // namespace
} // namespace llmhost::store

namespace llmhost::store {
namespace {

TEST(ModelInfo, SummaryAndParametersText) {
  ModelEntry e;
  e.ref = {"m", "v1"};
  e.size = 42;
  e.sha256 = std::string(64, 'd');
  e.parent = "base:latest";
  e.modified = to_file_time(*parse_rfc3339("2024-01-02T03:04:05Z"));
  ModelDetails d;
  d.family = "llama";
  const ModelSummary s = summarize(e, d);
  EXPECT_EQ(s.name, "m:v1");
  EXPECT_EQ(s.modified_at, "2024-01-02T03:04:05Z");
  EXPECT_EQ(s.size, 42u);
  EXPECT_EQ(s.digest, e.sha256);
  EXPECT_EQ(s.details.family, "llama");
  EXPECT_EQ(s.details.parent_model, "base:latest");

  const std::string text = parameters_text({{"stop", "<|im_end|>\nUser:"}, {"temperature", "0.7"}});
  EXPECT_EQ(text,
            "stop                           \"<|im_end|>\"\n"
            "stop                           \"User:\"\n"
            "temperature                    0.7");
}

TEST(ModelInfo, Float32ValuesPrintShortest) {
  gguf::Writer w;
  w.set_string("general.architecture", "llama");
  w.set_f32("llama.attention.layer_norm_rms_epsilon", 1e-5f);
  const auto bytes = build(w);
  auto file = gguf::File::parse(bytes);
  ASSERT_TRUE(file.ok());
  EXPECT_EQ(model_info_json(*file.value(), false)["llama.attention.layer_norm_rms_epsilon"].dump(), "1e-05");
}

} // namespace
} // namespace llmhost::store
