// User stories of the OpenAI-compatible API (/v1/chat/completions, /v1/completions) on each
// backend, against the real binary serving stories260K.
#include <gtest/gtest.h>

#include "e2e_support.hpp"

namespace llmhost::testing::e2e {
namespace {

class OpenAiGeneration : public BackendTest {
 protected:
  json chat_request(int max_tokens, bool stream) const {
    return {{"model", kModel},
            {"messages", json::array({{{"role", "user"}, {"content", "Once upon a time"}}})},
            {"max_tokens", max_tokens},
            {"temperature", 0},
            {"stream", stream}};
  }
  json completion_request(const std::string& prompt, int max_tokens) const {
    return {{"model", kModel}, {"prompt", prompt}, {"max_tokens", max_tokens}, {"temperature", 0}};
  }
  // The greedy text for a raw prompt, through the native API.
  std::string greedy_text(const std::string& prompt, int n) {
    auto r = post("/api/generate", generate_body(prompt, n, false));
    EXPECT_EQ(r.status, 200) << r.body;
    return json::parse(r.body).value("response", std::string());
  }
};

TEST_P(OpenAiGeneration, ChatCompletionReportsUsageAndLength) {
  ASSERT_NO_FATAL_FAILURE(start());
  const int n = tokens(12);
  auto r = post("/v1/chat/completions", chat_request(n, false));
  ASSERT_EQ(r.status, 200) << r.body;
  const json body = json::parse(r.body);
  EXPECT_EQ(body["object"], "chat.completion");
  EXPECT_EQ(body["id"].get<std::string>().rfind("chatcmpl-", 0), 0u) << body["id"];
  EXPECT_GT(body["created"].get<int64_t>(), 1'600'000'000);
  EXPECT_EQ(body["model"], kModel);
  ASSERT_EQ(body["choices"].size(), 1u);
  const json& choice = body["choices"][0];
  EXPECT_EQ(choice["index"], 0);
  EXPECT_EQ(choice["message"]["role"], "assistant");
  EXPECT_EQ(choice["message"]["content"], greedy_text("Once upon a time", n));
  EXPECT_EQ(choice["finish_reason"], "length");
  const json& usage = body["usage"];
  EXPECT_EQ(usage["prompt_tokens"], 5); // BOS + "Once upon a time"
  EXPECT_EQ(usage["completion_tokens"], n);
  EXPECT_EQ(usage["total_tokens"], 5 + n);
}

TEST_P(OpenAiGeneration, StreamedChatSendsRoleFirstUsageLastThenDone) {
  ASSERT_NO_FATAL_FAILURE(start());
  const int n = tokens(12);
  auto req = chat_request(n, true);
  req["stream_options"] = {{"include_usage", true}};
  auto r = post("/v1/chat/completions", req);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_NE(r.header("content-type").find("text/event-stream"), std::string::npos);
  auto events = sse_data(r.body);
  ASSERT_GE(events.size(), 4u) << r.body;
  EXPECT_EQ(events.back(), "[DONE]");
  events.pop_back();
  std::vector<json> chunks;
  for (const auto& e : events) chunks.push_back(json::parse(e));
  EXPECT_EQ(chunks.front()["choices"][0]["delta"]["role"], "assistant");
  std::string text;
  std::string finish;
  std::string id = chunks.front()["id"];
  for (size_t i = 0; i + 1 < chunks.size(); ++i) {
    const json& c = chunks[i];
    EXPECT_EQ(c["object"], "chat.completion.chunk");
    EXPECT_EQ(c["id"], id);
    EXPECT_TRUE(c["usage"].is_null()) << c;
    ASSERT_EQ(c["choices"].size(), 1u) << c;
    const json& ch = c["choices"][0];
    if (ch["delta"].contains("content")) text += ch["delta"]["content"].get<std::string>();
    if (!ch["finish_reason"].is_null()) finish = ch["finish_reason"];
  }
  EXPECT_EQ(finish, "length");
  EXPECT_EQ(text, greedy_text("Once upon a time", n));
  const json& usage_chunk = chunks.back();
  EXPECT_TRUE(usage_chunk["choices"].empty()) << usage_chunk;
  EXPECT_EQ(usage_chunk["usage"]["completion_tokens"], n);
  EXPECT_EQ(usage_chunk["usage"]["total_tokens"], usage_chunk["usage"]["prompt_tokens"].get<int>() + n);
}

TEST_P(OpenAiGeneration, CompletionEchoesThePromptWhenAsked) {
  ASSERT_NO_FATAL_FAILURE(start());
  const int n = tokens(10);
  const std::string expected = greedy_text("The little dog", n);
  auto r = post("/v1/completions", completion_request("The little dog", n));
  ASSERT_EQ(r.status, 200) << r.body;
  json body = json::parse(r.body);
  EXPECT_EQ(body["object"], "text_completion");
  EXPECT_EQ(body["choices"][0]["text"], expected);
  EXPECT_EQ(body["choices"][0]["finish_reason"], "length");
  EXPECT_EQ(body["usage"]["completion_tokens"], n);

  auto echo = completion_request("The little dog", n);
  echo["echo"] = true;
  r = post("/v1/completions", echo);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json::parse(r.body)["choices"][0]["text"], "The little dog" + expected);
}

// The stop string ends the text and never appears in it.
TEST_P(OpenAiGeneration, StopStringEndsTheCompletionWithoutAppearing) {
  ASSERT_NO_FATAL_FAILURE(start());
  const int n = tokens(24);
  const std::string free_text = greedy_text("Once upon a time", n);
  // Stop at a word from the middle of the greedy text.
  const auto space = free_text.find(' ', free_text.size() / 2);
  ASSERT_NE(space, std::string::npos) << free_text;
  const auto word_end = free_text.find_first_of(" .,", space + 1);
  const std::string stop = free_text.substr(space + 1, word_end - space - 1);
  ASSERT_FALSE(stop.empty()) << free_text;
  auto req = completion_request("Once upon a time", n);
  req["stop"] = json::array({stop});
  auto r = post("/v1/completions", req);
  ASSERT_EQ(r.status, 200) << r.body;
  const json choice = json::parse(r.body)["choices"][0];
  const std::string text = choice["text"];
  EXPECT_EQ(text.find(stop), std::string::npos) << "stop '" << stop << "' in: " << text;
  EXPECT_EQ(text, free_text.substr(0, free_text.find(stop)));
  EXPECT_EQ(choice["finish_reason"], "stop");

  req["stream"] = true;
  r = post("/v1/completions", req);
  ASSERT_EQ(r.status, 200) << r.body;
  std::string streamed;
  for (const auto& e : sse_data(r.body)) {
    if (e == "[DONE]") continue;
    const json chunk = json::parse(e);
    for (const auto& c : chunk["choices"]) streamed += c["text"].get<std::string>();
  }
  EXPECT_EQ(streamed, text);
}

// n=2 with a seed gives two choices; the same seed gives the same texts again.
TEST_P(OpenAiGeneration, TwoChoicesWithASeedAreReproducible) {
  ASSERT_NO_FATAL_FAILURE(start());
  const int n = tokens(16);
  json req = {{"model", kModel},
              {"messages", json::array({{{"role", "user"}, {"content", "Tom had a red ball."}}})},
              {"max_tokens", n},
              {"temperature", 0.9},
              {"seed", 1234},
              {"n", 2}};
  auto texts = [&] {
    auto r = post("/v1/chat/completions", req);
    EXPECT_EQ(r.status, 200) << r.body;
    const json body = json::parse(r.body);
    std::vector<std::string> out;
    EXPECT_EQ(body["choices"].size(), 2u) << r.body;
    for (size_t i = 0; i < body["choices"].size(); ++i) {
      EXPECT_EQ(body["choices"][i]["index"], static_cast<int>(i));
      out.push_back(body["choices"][i]["message"]["content"]);
      EXPECT_FALSE(out.back().empty());
    }
    EXPECT_EQ(body["usage"]["completion_tokens"], 2 * n);
    return out;
  };
  const auto first = texts();
  EXPECT_EQ(texts(), first);
}

TEST_P(OpenAiGeneration, LogprobsHaveTheRequestedShape) {
  ASSERT_NO_FATAL_FAILURE(start());
  const int n = tokens(6);
  auto req = chat_request(n, false);
  req["logprobs"] = true;
  req["top_logprobs"] = 3;
  auto r = post("/v1/chat/completions", req);
  ASSERT_EQ(r.status, 200) << r.body;
  const json choice = json::parse(r.body)["choices"][0];
  const json& content = choice["logprobs"]["content"];
  ASSERT_EQ(content.size(), static_cast<size_t>(n)) << choice;
  std::string joined;
  for (const auto& entry : content) {
    joined += entry["token"].get<std::string>();
    EXPECT_LE(entry["logprob"].get<double>(), 0.0);
    EXPECT_TRUE(entry["bytes"].is_array());
    ASSERT_EQ(entry["top_logprobs"].size(), 3u) << entry;
    // Greedy: the chosen token is the most likely one.
    EXPECT_EQ(entry["top_logprobs"][0]["token"], entry["token"]) << entry;
    EXPECT_GE(entry["top_logprobs"][0]["logprob"].get<double>(), entry["top_logprobs"][1]["logprob"].get<double>());
  }
  EXPECT_EQ(joined, choice["message"]["content"]);

  auto text_req = completion_request("Once upon a time", n);
  text_req["logprobs"] = 2;
  r = post("/v1/completions", text_req);
  ASSERT_EQ(r.status, 200) << r.body;
  const json lp = json::parse(r.body)["choices"][0]["logprobs"];
  EXPECT_EQ(lp["tokens"].size(), static_cast<size_t>(n)) << lp;
  EXPECT_EQ(lp["token_logprobs"].size(), static_cast<size_t>(n));
  EXPECT_EQ(lp["text_offset"].size(), static_cast<size_t>(n));
  ASSERT_EQ(lp["top_logprobs"].size(), static_cast<size_t>(n));
  // Alternatives keyed by text: two tokens with the same text share a key.
  EXPECT_GE(lp["top_logprobs"][0].size(), 1u) << lp;
  EXPECT_LE(lp["top_logprobs"][0].size(), 2u) << lp;
}

TEST_P(OpenAiGeneration, ModelsListIncludesStories) {
  ASSERT_NO_FATAL_FAILURE(start());
  auto r = host().request("GET", "/v1/models");
  ASSERT_EQ(r.status, 200) << r.body;
  const json body = json::parse(r.body);
  EXPECT_EQ(body["object"], "list");
  ASSERT_EQ(body["data"].size(), 1u) << r.body;
  EXPECT_EQ(body["data"][0]["id"], "stories260K:latest");
  EXPECT_EQ(body["data"][0]["object"], "model");
  auto one = host().request("GET", "/v1/models/stories260K:latest");
  EXPECT_EQ(one.status, 200) << one.body;
}

INSTANTIATE_TEST_SUITE_P(Backends, OpenAiGeneration, ::testing::Values("cpu", "vulkan"), backend_name);

} // namespace
} // namespace llmhost::testing::e2e
