// Template family detection and the built-in fallback renderings.
#include <gtest/gtest.h>

#include "engine/template/chat_template.hpp"
#include "oracle.hpp"
#include "testdata.hpp"

namespace llmhost::tmpl {
namespace {

Message msg(std::string role, std::string content) {
  Message m;
  m.role = std::move(role);
  m.content = std::move(content);
  return m;
}

ChatInput chat(std::vector<Message> messages, bool gen = true) {
  ChatInput in;
  in.messages = std::move(messages);
  in.add_generation_prompt = gen;
  in.bos_token = "<s>";
  in.eos_token = "</s>";
  return in;
}

std::string shared_template(const std::string& name) {
  return jinja_oracle::read_text(llmhost::testing::testdata("templates/" + name + ".jinja"));
}

TEST(TemplateFamily, DetectsFamiliesOfSharedTemplates) {
  LLMHOST_REQUIRE_TESTDATA();
  EXPECT_EQ(detect_family(shared_template("meta-llama-Llama-3.1-8B-Instruct")), Family::llama3);
  EXPECT_EQ(detect_family(shared_template("meta-llama-Llama-3.2-3B-Instruct")), Family::llama3);
  EXPECT_EQ(detect_family(shared_template("Qwen-Qwen2.5-7B-Instruct")), Family::chatml);
  EXPECT_EQ(detect_family(shared_template("Qwen-Qwen3-0.6B")), Family::chatml);
  EXPECT_EQ(detect_family(shared_template("google-gemma-2-2b-it")), Family::gemma);
  EXPECT_EQ(detect_family(shared_template("microsoft-Phi-3.5-mini-instruct")), Family::phi3);
  EXPECT_EQ(detect_family(shared_template("mistralai-Mistral-Nemo-Instruct-2407")), Family::mistral);
  EXPECT_EQ(detect_family("plain {{ messages }}"), Family::unknown);
  EXPECT_EQ(detect_family("<<SYS>> [INST]"), Family::llama2);
  EXPECT_EQ(detect_family("<|user|>\n{{ eos_token }}"), Family::zephyr);
}

// Where a shared template is the family's canonical one, the built-in rendering equals it.
TEST(TemplateFamily, BuiltInRenderingsEqualCanonicalTemplates) {
  LLMHOST_REQUIRE_TESTDATA();
  struct Pair {
    Family family;
    const char* name;
  } pairs[] = {{Family::phi3, "microsoft-Phi-3.5-mini-instruct"}, {Family::gemma, "google-gemma-2-2b-it"}};
  std::vector<ChatInput> inputs = {
      chat({msg("user", "Hi")}),
      chat({msg("user", "Hi"), msg("assistant", "Hello!"), msg("user", "Bye")}),
      chat({msg("user", "Hi"), msg("assistant", "Hello!")}, false),
  };
  for (const auto& p : pairs) {
    auto tmpl = ChatTemplate::parse(shared_template(p.name));
    ASSERT_TRUE(tmpl.ok()) << tmpl.status().message;
    for (const auto& in : inputs) {
      auto want = tmpl->render(in);
      ASSERT_TRUE(want.ok()) << want.status().message;
      EXPECT_EQ(render_family(p.family, in), *want) << p.name;
    }
  }
}

TEST(TemplateFamily, RendersEachFamily) {
  auto in = chat({msg("system", "Sys"), msg("user", "Hi"), msg("assistant", "Yo"), msg("user", "Q")});
  EXPECT_EQ(render_family(Family::chatml, in),
            "<|im_start|>system\nSys<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\nYo<|im_end|>\n"
            "<|im_start|>user\nQ<|im_end|>\n<|im_start|>assistant\n");
  EXPECT_EQ(render_family(Family::llama3, in),
            "<s><|start_header_id|>system<|end_header_id|>\n\nSys<|eot_id|><|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>"
            "<|start_header_id|>assistant<|end_header_id|>\n\nYo<|eot_id|><|start_header_id|>user<|end_header_id|>\n\nQ<|eot_id|>"
            "<|start_header_id|>assistant<|end_header_id|>\n\n");
  EXPECT_EQ(render_family(Family::llama2, in), "<s>[INST] <<SYS>>\nSys\n<</SYS>>\n\nHi [/INST] Yo </s><s>[INST] Q [/INST]");
  EXPECT_EQ(render_family(Family::mistral, in), "<s>[INST] Sys\n\nHi [/INST]Yo</s>[INST] Q [/INST]");
  EXPECT_EQ(render_family(Family::zephyr, in),
            "<|system|>\nSys</s>\n<|user|>\nHi</s>\n<|assistant|>\nYo</s>\n<|user|>\nQ</s>\n<|assistant|>\n");
  EXPECT_EQ(render_family(Family::gemma, in),
            "<s><start_of_turn>user\nSys\n\nHi<end_of_turn>\n<start_of_turn>model\nYo<end_of_turn>\n"
            "<start_of_turn>user\nQ<end_of_turn>\n<start_of_turn>model\n");
  EXPECT_EQ(render_family(Family::phi3, in),
            "<|system|>\nSys<|end|>\n<|user|>\nHi<|end|>\n<|assistant|>\nYo<|end|>\n<|user|>\nQ<|end|>\n<|assistant|>\n");
  EXPECT_EQ(render_family(Family::unknown, in), render_family(Family::chatml, in));
}

TEST(TemplateFamily, RenderChatUsesTheModelTemplateWhenItWorks) {
  auto r = render_chat("{% for m in messages %}[{{ m.role }}:{{ m.content }}]{% endfor %}", chat({msg("user", "Hi")}));
  EXPECT_FALSE(r.fell_back);
  EXPECT_EQ(r.text, "[user:Hi]");
  EXPECT_TRUE(r.error.empty());
}

TEST(TemplateFamily, RenderChatFallsBackOnSyntaxErrors) {
  auto r = render_chat("<|start_header_id|>{% for m in messages %}", chat({msg("user", "Hi")}));
  EXPECT_TRUE(r.fell_back);
  EXPECT_EQ(r.family, Family::llama3);
  EXPECT_NE(r.error.find("line 1"), std::string::npos) << r.error;
  EXPECT_EQ(r.text, render_family(Family::llama3, chat({msg("user", "Hi")})));
}

TEST(TemplateFamily, RenderChatFallsBackOnRuntimeErrorsAndEmptyTemplates) {
  auto r = render_chat("<start_of_turn>{{ raise_exception('no system role') }}", chat({msg("user", "Hi")}));
  EXPECT_TRUE(r.fell_back);
  EXPECT_EQ(r.family, Family::gemma);
  EXPECT_NE(r.error.find("no system role"), std::string::npos) << r.error;

  auto empty = render_chat("", chat({msg("user", "Hi")}));
  EXPECT_TRUE(empty.fell_back);
  EXPECT_EQ(empty.family, Family::chatml);
  EXPECT_EQ(empty.text, "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n");
}

} // namespace
} // namespace llmhost::tmpl
