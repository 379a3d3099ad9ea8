#include "store/model_name.hpp"

#include <gtest/gtest.h>

namespace llmhost::store {
namespace {

TEST(ModelName, DefaultsTagToLatest) {
  auto r = parse_model_name("llama3");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->name, "llama3");
  EXPECT_EQ(r->tag, "latest");
  EXPECT_EQ(r->full(), "llama3:latest");
}

TEST(ModelName, AcceptsGoodNames) {
  const std::pair<const char*, const char*> good[] = {
      {"llama3.2:3b-instruct-q4_K_M", "llama3.2:3b-instruct-q4_K_M"},
      {"library/qwen2.5:0.5b", "library/qwen2.5:0.5b"},
      {"registry.ollama.ai/library/llama3:8b", "registry.ollama.ai/library/llama3:8b"},
      {"localhost:5000/team/model:v1", "localhost:5000/team/model:v1"},
      {"_private", "_private:latest"},
      {"Stories260K", "Stories260K:latest"},
      {"a", "a:latest"},
  };
  for (const auto& [in, full] : good) {
    auto r = parse_model_name(in);
    ASSERT_TRUE(r.ok()) << in << ": " << r.status().message;
    EXPECT_EQ(r->full(), full);
  }
}

TEST(ModelName, RejectsBadNames) {
  const std::string long_part(81, 'a');
  const std::string bad[] = {
      "", "../x", "/etc/passwd", "a/../../b", "..", ".hidden", "-dash", "x:", ":tag", "a//b",
      "a/b/c/d", "%2e%2e", "%2e%2e/x", "a\\b", "C:\\Windows", "modèle", "名前", "a b", "a:b:c",
      "a:../b", "a:.x", "a/.b", "model\n", long_part, "m:" + long_part, "a/" + std::string(600, 'b'),
      std::string("a\0b", 3), "x/", "x:y/z",
  };
  for (const auto& in : bad) {
    auto r = parse_model_name(in);
    EXPECT_FALSE(r.ok()) << "accepted: " << in;
    if (!r.ok()) {
      EXPECT_EQ(r.status().code, ErrorCode::invalid_request);
      EXPECT_EQ(r.status().message.find("/etc"), std::string::npos); // input not echoed
    }
  }
}

TEST(ModelName, KeyIsCaseInsensitive) {
  EXPECT_EQ(parse_model_name("Llama3:Latest")->key(), parse_model_name("llama3")->key());
  EXPECT_NE(parse_model_name("llama3:8b")->key(), parse_model_name("llama3")->key());
}

} // namespace
} // namespace llmhost::store
