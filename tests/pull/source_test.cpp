// Where a pull downloads from and what it is called in the store.
#include <gtest/gtest.h>

#include "pull/downloader.hpp"
#include "pull/source.hpp"

namespace llmhost::pull {
namespace {

TEST(ResolveSource, HttpUrlAsModelNamesItByFileStem) {
  auto s = resolve_source("https://example.com/models/SmolLM2-135M-Instruct-Q8_0.gguf", "");
  ASSERT_TRUE(s.ok()) << s.status().message;
  EXPECT_EQ(s->url, "https://example.com/models/SmolLM2-135M-Instruct-Q8_0.gguf");
  EXPECT_EQ(s->name.full(), "smollm2-135m-instruct-q8_0:latest");
  EXPECT_EQ(s->file_name, "SmolLM2-135M-Instruct-Q8_0.gguf");
}

TEST(ResolveSource, ModelNameWithUrlNamesTheResult) {
  auto s = resolve_source("mine/smol:q8", "http://127.0.0.1:8080/a/b.gguf?download=1");
  ASSERT_TRUE(s.ok()) << s.status().message;
  EXPECT_EQ(s->url, "http://127.0.0.1:8080/a/b.gguf?download=1");
  EXPECT_EQ(s->name.full(), "mine/smol:q8");
}

TEST(ResolveSource, EmptyModelWithUrlUsesTheStem) {
  auto s = resolve_source("", "http://example.com/Tiny.Model.GGUF");
  ASSERT_TRUE(s.ok()) << s.status().message;
  EXPECT_EQ(s->name.full(), "tiny.model:latest");
}

TEST(ResolveSource, HuggingFaceReferences) {
  auto s = resolve_source("hf://bartowski/SmolLM2-135M-Instruct-GGUF/SmolLM2-135M-Instruct-Q8_0.gguf", "");
  ASSERT_TRUE(s.ok()) << s.status().message;
  EXPECT_EQ(s->url, "https://huggingface.co/bartowski/SmolLM2-135M-Instruct-GGUF/resolve/main/"
                    "SmolLM2-135M-Instruct-Q8_0.gguf");
  EXPECT_EQ(s->name.full(), "smollm2-135m-instruct-q8_0:latest");

  auto rev = expand_hf_reference("hf://org/repo@v1.2/sub/dir/file.gguf");
  ASSERT_TRUE(rev.ok()) << rev.status().message;
  EXPECT_EQ(rev.value(), "https://huggingface.co/org/repo/resolve/v1.2/sub/dir/file.gguf");

  auto named = resolve_source("smol", "hf://org/repo/file.gguf");
  ASSERT_TRUE(named.ok()) << named.status().message;
  EXPECT_EQ(named->url, "https://huggingface.co/org/repo/resolve/main/file.gguf");
  EXPECT_EQ(named->name.full(), "smol:latest");
}

TEST(ResolveSource, RejectsMalformedHuggingFaceReferences) {
  for (const char* bad : {"hf://", "hf://org", "hf://org/repo", "hf://org/repo/", "hf:///repo/f.gguf",
                          "hf://org/repo/../x.gguf", "hf://org/re po/f.gguf", "hf://org/repo@/f.gguf",
                          "hf://org/repo//f.gguf"}) {
    auto s = resolve_source(bad, "");
    ASSERT_FALSE(s.ok()) << bad;
    EXPECT_EQ(s.status().code, ErrorCode::invalid_request) << bad;
    EXPECT_NE(s.status().message.find("hf://"), std::string::npos) << s.status().message;
  }
}

TEST(ResolveSource, BareNameNeedsASource) {
  auto s = resolve_source("llama3.2", "");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code, ErrorCode::invalid_request);
  EXPECT_NE(s.status().message.find("pull needs a URL or hf:// reference"), std::string::npos);
  EXPECT_FALSE(resolve_source("", "").ok());
}

TEST(ResolveSource, RejectsOtherSchemesAndBadNames) {
  for (const char* bad : {"ftp://example.com/a.gguf", "file:///etc/passwd", "http:///a.gguf", "http://example.com/"}) {
    auto s = resolve_source("x", bad);
    ASSERT_FALSE(s.ok()) << bad;
    EXPECT_EQ(s.status().code, ErrorCode::invalid_request) << bad;
    EXPECT_EQ(s.status().param, "url") << bad;
  }
  auto bad_name = resolve_source("../../etc", "http://example.com/a.gguf");
  ASSERT_FALSE(bad_name.ok());
  EXPECT_EQ(bad_name.status().param, "model");
}

TEST(NameFromFile, SanitizesTheStem) {
  EXPECT_EQ(name_from_file("Qwen2.5 0.5B (Q4_K_M).gguf")->full(), "qwen2.5-0.5b--q4_k_m-:latest");
  EXPECT_EQ(name_from_file("--x.gguf")->full(), "x:latest");
  EXPECT_EQ(name_from_file("model")->full(), "model:latest");
  EXPECT_FALSE(name_from_file(".gguf").ok());
  EXPECT_FALSE(name_from_file("---").ok());
}

TEST(PartialFileName, NamedByDigestOrUrl) {
  const std::string hex(64, 'a');
  EXPECT_EQ(partial_file_name("http://x/a.gguf", hex), "partial-" + hex);
  const auto by_url = partial_file_name("http://x/a.gguf", "");
  EXPECT_EQ(by_url.rfind("partial-url-", 0), 0u);
  EXPECT_EQ(by_url, partial_file_name("http://x/a.gguf", ""));
  EXPECT_NE(by_url, partial_file_name("http://x/b.gguf", ""));
}

} // namespace
} // namespace llmhost::pull
