// OpenAI response translators: SSE framing, non-stream bodies, n > 1, logprobs, usage, errors.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "openai_format.hpp"
#include "openai_requests.hpp"
#include "openai_responses.hpp"
#include "recording_writer.hpp"

namespace llmhost {
namespace {

using nlohmann::json;
using testing::RecordingWriter;
using testing::run_events;

openai::ResponseIdentity fixed_id(const char* id) { return {id, 1700000000, "fp_llmhost"}; }

ChatRequest chat_request(bool stream, int n = 1, bool include_usage = false) {
  ChatRequest r;
  r.model = "tiny";
  r.stream = stream;
  r.n = n;
  if (include_usage) r.format_hints[openai::kHintIncludeUsage] = "true";
  return r;
}

DoneEvent done(int choice, FinishReason reason, int prompt, int completion) {
  DoneEvent d;
  d.choice = choice;
  d.reason = reason;
  d.usage.prompt_tokens = prompt;
  d.usage.completion_tokens = completion;
  return d;
}

TEST(OpenAIChatResponse, StreamFramingIsByteExact) {
  auto t = openai::make_chat_translator(chat_request(true), fixed_id("chatcmpl-1"));
  RecordingWriter w;
  std::vector<Event> events{DeltaEvent{0, "Hel", {}, {1}, {}}, DeltaEvent{0, "lo", {}, {2}, {}},
                            done(0, FinishReason::stop, 3, 2)};
  run_events(*t, events, w);
  EXPECT_EQ(w.status, 200);
  EXPECT_EQ(w.content_type, "text/event-stream");
  EXPECT_TRUE(w.streaming);
  EXPECT_FALSE(w.wrote_before_start);
  const std::string head = R"({"id":"chatcmpl-1","object":"chat.completion.chunk","created":1700000000,"model":"tiny","system_fingerprint":"fp_llmhost","choices":[)";
  const std::string expected =
      "data: " + head + R"({"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}]})" "\n\n"
      "data: " + head + R"({"index":0,"delta":{"content":"Hel"},"logprobs":null,"finish_reason":null}]})" "\n\n"
      "data: " + head + R"({"index":0,"delta":{"content":"lo"},"logprobs":null,"finish_reason":null}]})" "\n\n"
      "data: " + head + R"({"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}]})" "\n\n"
      "data: [DONE]\n\n";
  EXPECT_EQ(w.body, expected);
  // One write per event, so the host flushes each chunk as it comes.
  EXPECT_EQ(w.writes.size(), 5u);
}

TEST(OpenAIChatResponse, StreamUsageChunkWhenRequested) {
  auto t = openai::make_chat_translator(chat_request(true, 1, true), fixed_id("chatcmpl-2"));
  RecordingWriter w;
  std::vector<Event> events{DeltaEvent{0, "x", {}, {}, {}}, done(0, FinishReason::length, 4, 1)};
  run_events(*t, events, w);
  const auto data = w.sse_data();
  ASSERT_EQ(data.size(), 5u);
  EXPECT_EQ(data.back(), "[DONE]");
  for (size_t i = 0; i < 3; ++i) EXPECT_TRUE(json::parse(data[i]).at("usage").is_null());
  EXPECT_EQ(json::parse(data[2])["choices"][0]["finish_reason"], "length");
  const json usage_chunk = json::parse(data[3]);
  EXPECT_EQ(usage_chunk["choices"], json::array());
  EXPECT_EQ(usage_chunk["usage"]["prompt_tokens"], 4);
  EXPECT_EQ(usage_chunk["usage"]["completion_tokens"], 1);
  EXPECT_EQ(usage_chunk["usage"]["total_tokens"], 5);
}

TEST(OpenAIChatResponse, NonStreamBody) {
  auto t = openai::make_chat_translator(chat_request(false), fixed_id("chatcmpl-3"));
  RecordingWriter w;
  std::vector<Event> events{DeltaEvent{0, "Hi", {}, {}, {}}, DeltaEvent{0, " there", {}, {}, {}},
                            done(0, FinishReason::stop, 5, 2)};
  run_events(*t, events, w);
  EXPECT_EQ(w.status, 200);
  EXPECT_EQ(w.content_type, "application/json");
  EXPECT_FALSE(w.streaming);
  const json b = json::parse(w.body);
  EXPECT_EQ(b["id"], "chatcmpl-3");
  EXPECT_EQ(b["object"], "chat.completion");
  EXPECT_EQ(b["created"], 1700000000);
  EXPECT_EQ(b["model"], "tiny");
  EXPECT_EQ(b["system_fingerprint"], "fp_llmhost");
  ASSERT_EQ(b["choices"].size(), 1u);
  EXPECT_EQ(b["choices"][0], (json{{"index", 0}, {"message", {{"role", "assistant"}, {"content", "Hi there"}}},
                                   {"logprobs", nullptr}, {"finish_reason", "stop"}}));
  EXPECT_EQ(b["usage"]["prompt_tokens"], 5);
  EXPECT_EQ(b["usage"]["completion_tokens"], 2);
  EXPECT_EQ(b["usage"]["total_tokens"], 7);
}

TEST(OpenAIChatResponse, MultipleChoicesAssembleByIndex) {
  auto t = openai::make_chat_translator(chat_request(false, 2), fixed_id("chatcmpl-4"));
  RecordingWriter w;
  std::vector<Event> events{DeltaEvent{1, "B1", {}, {}, {}}, DeltaEvent{0, "A1", {}, {}, {}},
                            DeltaEvent{1, "B2", {}, {}, {}}, done(1, FinishReason::length, 3, 2),
                            DeltaEvent{0, "A2", {}, {}, {}}, done(0, FinishReason::stop, 3, 2)};
  run_events(*t, events, w);
  const json b = json::parse(w.body);
  ASSERT_EQ(b["choices"].size(), 2u);
  EXPECT_EQ(b["choices"][0]["index"], 0);
  EXPECT_EQ(b["choices"][0]["message"]["content"], "A1A2");
  EXPECT_EQ(b["choices"][0]["finish_reason"], "stop");
  EXPECT_EQ(b["choices"][1]["message"]["content"], "B1B2");
  EXPECT_EQ(b["choices"][1]["finish_reason"], "length");
  EXPECT_EQ(b["usage"]["prompt_tokens"], 3); // the shared prompt counts once
  EXPECT_EQ(b["usage"]["completion_tokens"], 4);
}

TEST(OpenAIChatResponse, StreamMultipleChoicesEachGetRoleFirst) {
  auto t = openai::make_chat_translator(chat_request(true, 2), fixed_id("c"));
  RecordingWriter w;
  std::vector<Event> events{DeltaEvent{0, "a", {}, {}, {}}, DeltaEvent{1, "b", {}, {}, {}},
                            done(0, FinishReason::stop, 1, 1), done(1, FinishReason::stop, 1, 1)};
  run_events(*t, events, w);
  const auto data = w.sse_data();
  ASSERT_EQ(data.size(), 7u);
  std::vector<std::pair<int, std::string>> seen;
  for (size_t i = 0; i + 1 < data.size(); ++i) {
    const auto c = nlohmann::ordered_json::parse(data[i])["choices"][0];
    seen.emplace_back(c["index"].get<int>(), c["delta"].dump());
  }
  EXPECT_EQ(seen[0], (std::pair<int, std::string>{0, R"({"role":"assistant","content":""})"}));
  EXPECT_EQ(seen[1], (std::pair<int, std::string>{0, R"({"content":"a"})"}));
  EXPECT_EQ(seen[2], (std::pair<int, std::string>{1, R"({"role":"assistant","content":""})"}));
  EXPECT_EQ(seen[3], (std::pair<int, std::string>{1, R"({"content":"b"})"}));
  EXPECT_EQ(data.back(), "[DONE]");
}

TEST(OpenAIChatResponse, LogprobsShape) {
  ChatRequest req = chat_request(false);
  req.options.logprobs = true;
  req.options.top_logprobs = 2;
  auto t = openai::make_chat_translator(req, fixed_id("c"));
  RecordingWriter w;
  DeltaEvent d{0, "Hi", {}, {9}, {}};
  d.logprobs.push_back(TokenChoiceLogprobs{TokenLogprob{9, "Hi", -0.25f, {}},
                                           {TokenLogprob{9, "Hi", -0.25f, {}}, TokenLogprob{4, "Ho", -1.5f, {}}}});
  std::vector<Event> events{d, done(0, FinishReason::stop, 1, 1)};
  run_events(*t, events, w);
  const json lp = json::parse(w.body)["choices"][0]["logprobs"];
  ASSERT_EQ(lp["content"].size(), 1u);
  const json& tok = lp["content"][0];
  EXPECT_EQ(tok["token"], "Hi");
  EXPECT_FLOAT_EQ(tok["logprob"].get<float>(), -0.25f);
  EXPECT_EQ(tok["bytes"], (json{72, 105}));
  ASSERT_EQ(tok["top_logprobs"].size(), 2u);
  EXPECT_EQ(tok["top_logprobs"][1]["token"], "Ho");
  EXPECT_FLOAT_EQ(tok["top_logprobs"][1]["logprob"].get<float>(), -1.5f);
  EXPECT_TRUE(lp["refusal"].is_null());
}

TEST(OpenAIChatResponse, ErrorBeforeStreamingIsAJsonError) {
  auto t = openai::make_chat_translator(chat_request(true), fixed_id("c"));
  RecordingWriter w;
  std::vector<Event> events{ErrorEvent{ErrorCode::not_found, "model 'nope' not found", "model"}};
  run_events(*t, events, w);
  EXPECT_EQ(w.status, 404);
  EXPECT_EQ(w.content_type, "application/json");
  EXPECT_FALSE(w.streaming);
  const json e = json::parse(w.body)["error"];
  EXPECT_EQ(e["code"], "model_not_found");
  EXPECT_EQ(e["type"], "invalid_request_error");
  EXPECT_EQ(e["message"], "model 'nope' not found");
}

TEST(OpenAIChatResponse, ErrorMidStreamSendsErrorEventAndNoDone) {
  auto t = openai::make_chat_translator(chat_request(true), fixed_id("c"));
  RecordingWriter w;
  std::vector<Event> events{DeltaEvent{0, "par", {}, {}, {}}, ErrorEvent{ErrorCode::internal, "device lost", {}},
                            DeltaEvent{0, "never", {}, {}, {}}};
  run_events(*t, events, w);
  const auto data = w.sse_data();
  ASSERT_EQ(data.size(), 3u);
  EXPECT_EQ(json::parse(data[2]), (json{{"error", {{"message", "device lost"}, {"type", "server_error"},
                                                   {"param", nullptr}, {"code", nullptr}}}}));
  EXPECT_EQ(w.body.find("[DONE]"), std::string::npos);
  EXPECT_EQ(w.body.find("never"), std::string::npos);
}

TEST(OpenAIChatResponse, ClientGoneStopsTheHandler) {
  auto t = openai::make_chat_translator(chat_request(true), fixed_id("c"));
  RecordingWriter w;
  w.client_gone = true;
  EXPECT_FALSE(t->on_event(DeltaEvent{0, "x", {}, {}, {}}, w));
}

TEST(OpenAICompletionResponse, StreamAndEcho) {
  GenerateRequest req;
  req.model = "tiny";
  req.stream = true;
  req.format_hints[openai::kHintIncludeUsage] = "true";
  auto t = openai::make_completion_translator(req, fixed_id("cmpl-1"));
  RecordingWriter w;
  std::vector<Event> events{DeltaEvent{0, "Once", {}, {}, {}}, done(0, FinishReason::length, 2, 1)};
  run_events(*t, events, w);
  const std::string head = R"({"id":"cmpl-1","object":"text_completion","created":1700000000,"model":"tiny","system_fingerprint":"fp_llmhost","choices":[)";
  EXPECT_EQ(w.body,
            "data: " + head + R"({"text":"Once","index":0,"logprobs":null,"finish_reason":null}],"usage":null})" "\n\n"
            "data: " + head + R"({"text":"","index":0,"logprobs":null,"finish_reason":"length"}],"usage":null})" "\n\n"
            "data: " + head + R"(],"usage":{"prompt_tokens":2,"completion_tokens":1,"total_tokens":3,"prompt_tokens_details":{"cached_tokens":0}}})" "\n\n"
            "data: [DONE]\n\n");
}

TEST(OpenAICompletionResponse, NonStreamLogprobsParallelArrays) {
  GenerateRequest req;
  req.model = "tiny";
  req.stream = false;
  req.options.logprobs = true;
  req.options.top_logprobs = 1;
  auto t = openai::make_completion_translator(req, fixed_id("cmpl-2"));
  RecordingWriter w;
  DeltaEvent a{0, "ab", {}, {}, {}};
  a.logprobs.push_back({TokenLogprob{1, "a", -0.5f, {}}, {TokenLogprob{1, "a", -0.5f, {}}}});
  a.logprobs.push_back({TokenLogprob{2, "b", -1.0f, {}}, {TokenLogprob{2, "b", -1.0f, {}}}});
  DeltaEvent c{0, "cd", {}, {}, {}};
  c.logprobs.push_back({TokenLogprob{3, "cd", -2.0f, {}}, {TokenLogprob{5, "x", -0.1f, {}}}});
  std::vector<Event> events{a, c, done(0, FinishReason::stop, 1, 3)};
  run_events(*t, events, w);
  const json b = json::parse(w.body);
  EXPECT_EQ(b["object"], "text_completion");
  EXPECT_EQ(b["choices"][0]["text"], "abcd");
  const json lp = b["choices"][0]["logprobs"];
  EXPECT_EQ(lp["tokens"], (json{"a", "b", "cd"}));
  EXPECT_EQ(lp["token_logprobs"], (json{-0.5, -1.0, -2.0}));
  EXPECT_EQ(lp["text_offset"], (json{0, 1, 2}));
  EXPECT_FLOAT_EQ(lp["top_logprobs"][2]["x"].get<float>(), -0.1f);
}

TEST(OpenAIResultResponse, EmbeddingsFloatAndBase64) {
  EmbedResult r;
  r.model = "e";
  r.embeddings = {{1.0f, -2.0f}, {0.5f, 0.0f}};
  r.prompt_tokens = 6;
  {
    auto t = openai::make_result_translator(openai::ResultKind::embeddings, "e", false);
    RecordingWriter w;
    run_events(*t, std::vector<Event>{r}, w);
    const json b = json::parse(w.body);
    EXPECT_EQ(b["object"], "list");
    EXPECT_EQ(b["model"], "e");
    EXPECT_EQ(b["data"][1], (json{{"object", "embedding"}, {"index", 1}, {"embedding", {0.5, 0.0}}}));
    EXPECT_EQ(b["usage"], (json{{"prompt_tokens", 6}, {"total_tokens", 6}}));
  }
  auto t = openai::make_result_translator(openai::ResultKind::embeddings, "e", true);
  RecordingWriter w;
  run_events(*t, std::vector<Event>{r}, w);
  // 1.0f = 00 00 80 3f, -2.0f = 00 00 00 c0 (little-endian)
  EXPECT_EQ(json::parse(w.body)["data"][0]["embedding"], "AACAPwAAAMA=");
}

TEST(OpenAIResultResponse, ModelsListAndGet) {
  ModelSummary m;
  m.name = "llama3:8b";
  m.modified_at = "2024-05-01T00:00:10.5+01:00";
  {
    auto t = openai::make_result_translator(openai::ResultKind::model_list, {}, false);
    RecordingWriter w;
    run_events(*t, std::vector<Event>{ModelListResult{{m}}}, w);
    EXPECT_EQ(json::parse(w.body),
              (json{{"object", "list"},
                    {"data", {{{"id", "llama3:8b"}, {"object", "model"}, {"created", 1714518010}, {"owned_by", "library"}}}}}));
  }
  auto t = openai::make_result_translator(openai::ResultKind::model, {}, false);
  RecordingWriter w;
  ModelInfoResult info;
  info.summary = m;
  run_events(*t, std::vector<Event>{info}, w);
  EXPECT_EQ(json::parse(w.body)["id"], "llama3:8b");
  RecordingWriter missing;
  auto t2 = openai::make_result_translator(openai::ResultKind::model, {}, false);
  run_events(*t2, std::vector<Event>{ErrorEvent{ErrorCode::not_found, "model 'x' not found", {}}}, missing);
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(json::parse(missing.body)["error"]["code"], "model_not_found");
}

TEST(OpenAIFormatPlugin, RoutesAndTranslatorsFromTheFormat) {
  openai::OpenAIFormat f;
  EXPECT_EQ(f.path_prefixes(), std::vector<std::string>{"/v1/"});
  const auto routes = f.routes();
  ASSERT_EQ(routes.size(), 5u);
  for (const auto& r : routes) EXPECT_FALSE(r.is_public);
  // A chat translator made by the format carries a fresh chatcmpl- id.
  auto t = f.make_response_translator(routes[0], Request{chat_request(false)});
  RecordingWriter w;
  run_events(*t, std::vector<Event>{done(0, FinishReason::stop, 1, 0)}, w);
  const json b = json::parse(w.body);
  EXPECT_EQ(b["id"].get<std::string>().rfind("chatcmpl-", 0), 0u);
  EXPECT_GT(b["created"].get<int64_t>(), 1600000000);
}

} // namespace
} // namespace llmhost
