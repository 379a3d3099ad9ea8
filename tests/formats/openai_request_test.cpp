// OpenAI wire requests -> common requests, and the 400s invalid input gets.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "openai_format.hpp"
#include "openai_requests.hpp"

namespace llmhost {
namespace {

using nlohmann::json;

Translation translate(const std::string& method, const std::string& path, const std::string& body,
                      std::map<std::string, std::string> params = {}) {
  openai::OpenAIFormat format;
  HttpRequest req;
  req.method = method;
  req.path = path;
  req.path_params = std::move(params);
  req.body = body;
  return format.translate_request(Route{method, path}, req);
}

template <typename T>
T expect_request(const std::string& path, const json& body) {
  auto t = translate("POST", path, body.dump());
  if (auto* w = std::get_if<WireResponse>(&t)) ADD_FAILURE() << "unexpected error " << w->status << ": " << w->body;
  auto* r = std::get_if<Request>(&t);
  if (!r || !std::holds_alternative<T>(*r)) {
    ADD_FAILURE() << "wrong request type";
    return T{};
  }
  return std::get<T>(*r);
}

// Asserts a 400 invalid_request_error naming `param`; returns the error object.
json expect_invalid(const std::string& path, const std::string& body, const std::string& param) {
  auto t = translate("POST", path, body);
  auto* w = std::get_if<WireResponse>(&t);
  if (!w) {
    ADD_FAILURE() << "expected an error for " << body;
    return {};
  }
  EXPECT_EQ(w->status, 400) << w->body;
  EXPECT_EQ(w->content_type, "application/json");
  const json e = json::parse(w->body).at("error");
  EXPECT_EQ(e.at("type"), "invalid_request_error");
  EXPECT_TRUE(e.at("message").is_string() && !e.at("message").get<std::string>().empty());
  EXPECT_TRUE(e.contains("code"));
  if (param.empty()) EXPECT_TRUE(e.at("param").is_null()) << w->body;
  else EXPECT_EQ(e.at("param"), param) << w->body;
  return e;
}

const json kMinimalChat = {{"model", "m"}, {"messages", {{{"role", "user"}, {"content", "hi"}}}}};

json chat_with(const std::string& key, const json& value) {
  json b = kMinimalChat;
  b[key] = value;
  return b;
}

TEST(OpenAIChatRequest, MinimalDefaults) {
  auto r = expect_request<ChatRequest>("/v1/chat/completions", kMinimalChat);
  EXPECT_EQ(r.model, "m");
  ASSERT_EQ(r.messages.size(), 1u);
  EXPECT_EQ(r.messages[0].role, "user");
  EXPECT_EQ(r.messages[0].content, "hi");
  EXPECT_FALSE(r.stream); // OpenAI's default, unlike Ollama's
  EXPECT_EQ(r.n, 1);
  EXPECT_FALSE(r.options.temperature.has_value());
  EXPECT_FALSE(r.options.num_predict.has_value());
  EXPECT_TRUE(r.tools_json.empty());
  EXPECT_TRUE(r.format_hints.empty());
}

TEST(OpenAIChatRequest, AllSamplingFields) {
  json b = kMinimalChat;
  b.update({{"temperature", 0.5}, {"top_p", 0.9}, {"max_tokens", 10}, {"stop", {"a", "b"}}, {"seed", 42},
            {"n", 3}, {"presence_penalty", 1.5}, {"frequency_penalty", -0.5}, {"logit_bias", {{"15", -100}, {"7", 2.5}}},
            {"logprobs", true}, {"top_logprobs", 5}, {"stream", true}, {"stream_options", {{"include_usage", true}}},
            {"user", "u1"}, {"unknown_field", {1, 2}}});
  auto r = expect_request<ChatRequest>("/v1/chat/completions", b);
  EXPECT_FLOAT_EQ(*r.options.temperature, 0.5f);
  EXPECT_FLOAT_EQ(*r.options.top_p, 0.9f);
  EXPECT_EQ(*r.options.num_predict, 10);
  EXPECT_EQ(r.options.stop, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(*r.options.seed, 42u);
  EXPECT_EQ(r.n, 3);
  EXPECT_FLOAT_EQ(*r.options.presence_penalty, 1.5f);
  EXPECT_FLOAT_EQ(*r.options.frequency_penalty, -0.5f);
  ASSERT_EQ(r.options.logit_bias.size(), 2u);
  EXPECT_FLOAT_EQ(r.options.logit_bias.at(15), -100.0f);
  EXPECT_FLOAT_EQ(r.options.logit_bias.at(7), 2.5f);
  EXPECT_TRUE(r.options.logprobs);
  EXPECT_EQ(r.options.top_logprobs, 5);
  EXPECT_TRUE(r.stream);
  EXPECT_EQ(r.format_hints.at(openai::kHintIncludeUsage), "true");
}

TEST(OpenAIChatRequest, MaxCompletionTokensWinsAndStopString) {
  json b = chat_with("max_tokens", 10);
  b["max_completion_tokens"] = 20;
  b["stop"] = "END";
  auto r = expect_request<ChatRequest>("/v1/chat/completions", b);
  EXPECT_EQ(*r.options.num_predict, 20);
  EXPECT_EQ(r.options.stop, (std::vector<std::string>{"END"}));
}

TEST(OpenAIChatRequest, ContentPartsImagesRolesAndToolCalls) {
  json b = {{"model", "m"},
            {"messages",
             {{{"role", "developer"}, {"content", "be brief"}},
              {{"role", "user"},
               {"content", {{{"type", "text"}, {"text", "what is"}},
                            {{"type", "image_url"}, {"image_url", {{"url", "data:image/png;base64,iVBORw0K"}}}},
                            {{"type", "text"}, {"text", "this?"}}}}},
              {{"role", "assistant"}, {"content", nullptr},
               {"tool_calls", {{{"id", "call_1"}, {"type", "function"},
                                {"function", {{"name", "lookup"}, {"arguments", "{\"q\":1}"}}}}}}},
              {{"role", "tool"}, {"tool_call_id", "call_1"}, {"content", "42"}}}}};
  auto r = expect_request<ChatRequest>("/v1/chat/completions", b);
  ASSERT_EQ(r.messages.size(), 4u);
  EXPECT_EQ(r.messages[0].role, "system");
  EXPECT_EQ(r.messages[1].content, "what is\nthis?");
  EXPECT_EQ(r.messages[1].images, (std::vector<std::string>{"iVBORw0K"}));
  ASSERT_EQ(r.messages[2].tool_calls.size(), 1u);
  EXPECT_EQ(r.messages[2].tool_calls[0].id, "call_1");
  EXPECT_EQ(r.messages[2].tool_calls[0].name, "lookup");
  EXPECT_EQ(r.messages[2].tool_calls[0].arguments_json, "{\"q\":1}");
  EXPECT_EQ(r.messages[3].tool_call_id, "call_1");
}

TEST(OpenAIChatRequest, ToolsToolChoiceAndResponseFormatPassThrough) {
  const json tools = {{{"type", "function"},
                       {"function", {{"name", "f"}, {"parameters", {{"type", "object"}}}}}}};
  json b = chat_with("tools", tools);
  b["tool_choice"] = {{"type", "function"}, {"function", {{"name", "f"}}}};
  b["response_format"] = {{"type", "json_schema"},
                          {"json_schema", {{"name", "x"}, {"schema", {{"type", "object"}}}}}};
  auto r = expect_request<ChatRequest>("/v1/chat/completions", b);
  EXPECT_EQ(json::parse(r.tools_json), tools);
  EXPECT_EQ(json::parse(r.tool_choice_json)["function"]["name"], "f");
  EXPECT_EQ(json::parse(r.format_json), (json{{"type", "object"}}));

  auto j = expect_request<ChatRequest>("/v1/chat/completions", chat_with("response_format", {{"type", "json_object"}}));
  EXPECT_EQ(j.format_json, "json");
  auto t = expect_request<ChatRequest>("/v1/chat/completions", chat_with("response_format", {{"type", "text"}}));
  EXPECT_EQ(t.format_json, "");
}

TEST(OpenAIChatRequest, InvalidInputsNameTheField) {
  const std::string chat = "/v1/chat/completions";
  expect_invalid(chat, "{not json", "");
  expect_invalid(chat, "", "");
  expect_invalid(chat, "[1,2]", "");
  expect_invalid(chat, json{{"messages", kMinimalChat["messages"]}}.dump(), "model");
  expect_invalid(chat, json{{"model", "m"}}.dump(), "messages");
  expect_invalid(chat, json{{"model", "m"}, {"messages", json::array()}}.dump(), "messages");
  expect_invalid(chat, json{{"model", "m"}, {"messages", "hi"}}.dump(), "messages");
  expect_invalid(chat, json{{"model", "m"}, {"messages", {{{"role", "wizard"}, {"content", "x"}}}}}.dump(),
                 "messages[0].role");
  expect_invalid(chat, json{{"model", "m"}, {"messages", {{{"role", "user"}, {"content", 5}}}}}.dump(),
                 "messages[0].content");
  expect_invalid(chat, json{{"model", "m"}, {"messages", {{{"role", "user"}}}}}.dump(), "messages[0].content");
  expect_invalid(chat, json{{"model", "m"}, {"messages", {{{"role", "tool"}, {"content", "x"}}}}}.dump(),
                 "messages[0].tool_call_id");
  expect_invalid(chat, chat_with("temperature", "hot").dump(), "temperature");
  const json e = expect_invalid(chat, chat_with("temperature", 3).dump(), "temperature");
  EXPECT_NE(e["message"].get<std::string>().find("maximum"), std::string::npos);
  expect_invalid(chat, chat_with("top_p", 1.5).dump(), "top_p");
  expect_invalid(chat, chat_with("n", 0).dump(), "n");
  expect_invalid(chat, chat_with("n", 129).dump(), "n");
  expect_invalid(chat, chat_with("n", 1.5).dump(), "n");
  expect_invalid(chat, chat_with("max_tokens", 0).dump(), "max_tokens");
  expect_invalid(chat, chat_with("presence_penalty", -2.5).dump(), "presence_penalty");
  expect_invalid(chat, chat_with("frequency_penalty", 2.5).dump(), "frequency_penalty");
  expect_invalid(chat, chat_with("stop", {"a", "b", "c", "d", "e"}).dump(), "stop");
  expect_invalid(chat, chat_with("stop", 5).dump(), "stop");
  expect_invalid(chat, chat_with("logit_bias", {{"abc", 1}}).dump(), "logit_bias");
  expect_invalid(chat, chat_with("logit_bias", {{"5", 101}}).dump(), "logit_bias.5");
  expect_invalid(chat, chat_with("top_logprobs", 3).dump(), "top_logprobs"); // needs logprobs: true
  json lp = chat_with("logprobs", true);
  lp["top_logprobs"] = 21;
  expect_invalid(chat, lp.dump(), "top_logprobs");
  expect_invalid(chat, chat_with("stream", "yes").dump(), "stream");
  expect_invalid(chat, chat_with("stream_options", {{"include_usage", true}}).dump(), "stream_options");
  expect_invalid(chat, chat_with("tools", {{{"type", "function"}}}).dump(), "tools[0].function");
  expect_invalid(chat, chat_with("tool_choice", "sometimes").dump(), "tool_choice");
  expect_invalid(chat, chat_with("tool_choice", "auto").dump(), "tool_choice"); // no tools given
  expect_invalid(chat, chat_with("response_format", {{"type", "xml"}}).dump(), "response_format.type");
  json remote = {{"model", "m"},
                 {"messages", {{{"role", "user"},
                                {"content", {{{"type", "image_url"}, {"image_url", {{"url", "https://x/y.png"}}}}}}}}}};
  expect_invalid(chat, remote.dump(), "messages[0].content[0].image_url.url");
}

TEST(OpenAICompletionRequest, PromptFormsAndDefaults) {
  const std::string path = "/v1/completions";
  auto r = expect_request<GenerateRequest>(path, {{"model", "m"}, {"prompt", "Once"}});
  EXPECT_EQ(r.prompt, "Once");
  EXPECT_TRUE(r.raw);
  EXPECT_EQ(*r.options.num_predict, 16); // OpenAI's default max_tokens for completions
  EXPECT_FALSE(r.stream);
  EXPECT_FALSE(r.options.logprobs);

  auto one = expect_request<GenerateRequest>(path, {{"model", "m"}, {"prompt", {"Only"}}});
  EXPECT_EQ(one.prompt, "Only");
  auto tokens = expect_request<GenerateRequest>(path, {{"model", "m"}, {"prompt", {1, 2, 3}}});
  EXPECT_EQ(tokens.prompt_tokens, (std::vector<int32_t>{1, 2, 3}));
  auto nested = expect_request<GenerateRequest>(path, {{"model", "m"}, {"prompt", {{4, 5}}}});
  EXPECT_EQ(nested.prompt_tokens, (std::vector<int32_t>{4, 5}));

  auto full = expect_request<GenerateRequest>(
      path, {{"model", "m"}, {"prompt", "p"}, {"suffix", "s"}, {"echo", true}, {"logprobs", 3}, {"n", 2},
             {"max_tokens", 5}, {"stream", true}, {"stop", "\n"}, {"best_of", 2}});
  EXPECT_EQ(full.suffix, "s");
  EXPECT_TRUE(full.echo);
  EXPECT_TRUE(full.options.logprobs);
  EXPECT_EQ(full.options.top_logprobs, 3);
  EXPECT_EQ(full.n, 2);
  EXPECT_EQ(*full.options.num_predict, 5);
  EXPECT_TRUE(full.stream);
}

TEST(OpenAICompletionRequest, Invalid) {
  const std::string path = "/v1/completions";
  expect_invalid(path, json{{"model", "m"}}.dump(), "prompt");
  expect_invalid(path, json{{"model", "m"}, {"prompt", {"a", "b"}}}.dump(), "prompt");
  expect_invalid(path, json{{"model", "m"}, {"prompt", 7}}.dump(), "prompt");
  expect_invalid(path, json{{"model", "m"}, {"prompt", {-1, 2}}}.dump(), "prompt");
  expect_invalid(path, json{{"model", "m"}, {"prompt", "p"}, {"logprobs", 6}}.dump(), "logprobs");
  expect_invalid(path, json{{"model", "m"}, {"prompt", "p"}, {"echo", 1}}.dump(), "echo");
  expect_invalid(path, json{{"model", "m"}, {"prompt", "p"}, {"n", 3}, {"best_of", 2}}.dump(), "best_of");
}

TEST(OpenAIEmbeddingRequest, InputFormsAndEncoding) {
  const std::string path = "/v1/embeddings";
  auto s = expect_request<EmbedRequest>(path, {{"model", "e"}, {"input", "hello"}});
  EXPECT_EQ(s.inputs, (std::vector<std::string>{"hello"}));
  EXPECT_EQ(s.format_hints.at(openai::kHintEncodingFormat), "float");
  auto many = expect_request<EmbedRequest>(path, {{"model", "e"}, {"input", {"a", "b"}}, {"encoding_format", "base64"},
                                                  {"dimensions", 8}});
  EXPECT_EQ(many.inputs, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(many.format_hints.at(openai::kHintEncodingFormat), "base64");
  EXPECT_EQ(*many.dimensions, 8);
  auto toks = expect_request<EmbedRequest>(path, {{"model", "e"}, {"input", {1, 2}}});
  ASSERT_EQ(toks.token_inputs.size(), 1u);
  EXPECT_EQ(toks.token_inputs[0], (std::vector<int32_t>{1, 2}));
  auto nested = expect_request<EmbedRequest>(path, {{"model", "e"}, {"input", {{1}, {2, 3}}}});
  ASSERT_EQ(nested.token_inputs.size(), 2u);
  EXPECT_TRUE(nested.inputs.empty());

  expect_invalid(path, json{{"model", "e"}}.dump(), "input");
  expect_invalid(path, json{{"model", "e"}, {"input", ""}}.dump(), "input");
  expect_invalid(path, json{{"model", "e"}, {"input", json::array()}}.dump(), "input");
  expect_invalid(path, json{{"model", "e"}, {"input", {"a", 1}}}.dump(), "input");
  expect_invalid(path, json{{"model", "e"}, {"input", "a"}, {"encoding_format", "hex"}}.dump(), "encoding_format");
  expect_invalid(path, json{{"model", "e"}, {"input", "a"}, {"dimensions", 0}}.dump(), "dimensions");
}

TEST(OpenAIModelsRequest, ListAndGet) {
  auto list = translate("GET", "/v1/models", "");
  ASSERT_TRUE(std::holds_alternative<Request>(list));
  EXPECT_TRUE(std::holds_alternative<ListModelsRequest>(std::get<Request>(list)));
  auto get = translate("GET", "/v1/models/{id}", "", {{"id", "llama3:8b"}});
  ASSERT_TRUE(std::holds_alternative<Request>(get));
  EXPECT_EQ(std::get<ShowModelRequest>(std::get<Request>(get)).model, "llama3:8b");
}

TEST(OpenAIErrors, HostLevelErrorShapes) {
  openai::OpenAIFormat format;
  auto check = [&](ErrorCode code, std::string message, std::string param, int status, const char* type, json code_field) {
    const WireResponse w = format.error_response(ErrorEvent{code, std::move(message), std::move(param)});
    EXPECT_EQ(w.status, status);
    EXPECT_EQ(w.content_type, "application/json");
    const json e = json::parse(w.body).at("error");
    EXPECT_EQ(e.at("type"), type);
    EXPECT_EQ(e.at("code"), code_field) << w.body;
    EXPECT_FALSE(e.at("message").get<std::string>().empty());
    EXPECT_TRUE(e.contains("param"));
  };
  check(ErrorCode::unauthorized, "", "", 401, "invalid_request_error", "invalid_api_key");
  check(ErrorCode::not_found, "The model `x` does not exist", "model", 404, "invalid_request_error", "model_not_found");
  check(ErrorCode::not_found, "Invalid URL (POST /v1/nope)", "", 404, "invalid_request_error", nullptr);
  check(ErrorCode::method_not_allowed, "", "", 405, "invalid_request_error", nullptr);
  check(ErrorCode::payload_too_large, "", "", 413, "invalid_request_error", nullptr);
  check(ErrorCode::overloaded, "busy", "", 503, "server_error", "overloaded");
  check(ErrorCode::not_implemented, "tools are not supported", "tools", 501, "invalid_request_error", "not_implemented");
  check(ErrorCode::internal, "boom", "", 500, "server_error", nullptr);
}

} // namespace
} // namespace llmhost
