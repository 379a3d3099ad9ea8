// Ollama wire requests -> common requests, and the 400s invalid input gets.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "native_format.hpp"
#include "native_requests.hpp"

namespace llmhost {
namespace {

using nlohmann::json;

Translation translate(const std::string& method, const std::string& path, const std::string& body,
                      std::map<std::string, std::string> params = {}) {
  native::NativeFormat format;
  HttpRequest req;
  req.method = method;
  req.path = path;
  req.path_params = std::move(params);
  req.body = body;
  return format.translate_request(Route{method, path}, req);
}

template <typename T>
T expect_request(const std::string& method, const std::string& path, const json& body,
                 std::map<std::string, std::string> params = {}) {
  auto t = translate(method, path, body.is_null() ? std::string() : body.dump(), std::move(params));
  if (auto* w = std::get_if<WireResponse>(&t)) ADD_FAILURE() << "unexpected error " << w->status << ": " << w->body;
  auto* r = std::get_if<Request>(&t);
  if (!r || !std::holds_alternative<T>(*r)) {
    ADD_FAILURE() << "wrong request type";
    return T{};
  }
  return std::get<T>(*r);
}

// Asserts status 400 (or `status`) with {"error": message containing `needle`}.
void expect_error(const std::string& method, const std::string& path, const std::string& body,
                  const std::string& needle, int status = 400, std::map<std::string, std::string> params = {}) {
  auto t = translate(method, path, body, std::move(params));
  auto* w = std::get_if<WireResponse>(&t);
  if (!w) {
    ADD_FAILURE() << "expected an error for " << path << " " << body;
    return;
  }
  EXPECT_EQ(w->status, status) << w->body;
  EXPECT_EQ(w->content_type, "application/json; charset=utf-8");
  const json b = json::parse(w->body);
  ASSERT_EQ(b.size(), 1u) << w->body;
  EXPECT_NE(b.at("error").get<std::string>().find(needle), std::string::npos) << w->body;
}

TEST(NativeGenerateRequest, AllFields) {
  const json body = {{"model", "llama3"}, {"prompt", "Why?"}, {"suffix", "end"}, {"system", "sys"},
                     {"template", "{{ .Prompt }}"}, {"context", {1, 2, 3}}, {"images", {"aGVsbG8="}},
                     {"format", "json"}, {"stream", false}, {"keep_alive", "1h30m"}, {"think", true},
                     {"options", {{"num_ctx", 4096}, {"num_predict", -1}, {"temperature", 0.7}, {"top_k", 40},
                                  {"top_p", 0.9}, {"min_p", 0.05}, {"typical_p", 1.0}, {"repeat_last_n", 64},
                                  {"repeat_penalty", 1.1}, {"presence_penalty", 0.5}, {"frequency_penalty", 0.25},
                                  {"seed", 7}, {"stop", {"\n", "user:"}}, {"num_keep", 5}, {"num_thread", 4},
                                  {"num_batch", 512.0}, {"num_gpu", -1}, {"mirostat", 0}, {"use_mmap", true},
                                  {"my_custom", 1}}},
                     {"whatever", "ignored"}};
  auto r = expect_request<GenerateRequest>("POST", "/api/generate", body);
  EXPECT_EQ(r.model, "llama3");
  EXPECT_EQ(r.prompt, "Why?");
  EXPECT_EQ(r.suffix, "end");
  EXPECT_EQ(r.system, "sys");
  EXPECT_EQ(r.template_override, "{{ .Prompt }}");
  EXPECT_EQ(r.context, (std::vector<int32_t>{1, 2, 3}));
  EXPECT_EQ(r.images, (std::vector<std::string>{"aGVsbG8="}));
  EXPECT_EQ(r.format_json, "json");
  EXPECT_FALSE(r.stream);
  EXPECT_EQ(*r.keep_alive, 5400000);
  EXPECT_EQ(r.think, true);
  const Options& o = r.options;
  EXPECT_EQ(*o.num_ctx, 4096);
  EXPECT_EQ(*o.num_predict, -1);
  EXPECT_FLOAT_EQ(*o.temperature, 0.7f);
  EXPECT_EQ(*o.top_k, 40);
  EXPECT_FLOAT_EQ(*o.top_p, 0.9f);
  EXPECT_FLOAT_EQ(*o.min_p, 0.05f);
  EXPECT_FLOAT_EQ(*o.typical_p, 1.0f);
  EXPECT_EQ(*o.repeat_last_n, 64);
  EXPECT_FLOAT_EQ(*o.repeat_penalty, 1.1f);
  EXPECT_FLOAT_EQ(*o.presence_penalty, 0.5f);
  EXPECT_FLOAT_EQ(*o.frequency_penalty, 0.25f);
  EXPECT_EQ(*o.seed, 7u);
  EXPECT_EQ(o.stop, (std::vector<std::string>{"\n", "user:"}));
  EXPECT_EQ(*o.num_keep, 5);
  EXPECT_EQ(*o.num_thread, 4);
  EXPECT_EQ(*o.num_batch, 512);
  EXPECT_EQ(*o.num_gpu, -1);
  EXPECT_EQ(o.unknown, (std::vector<std::string>{"mirostat", "my_custom", "use_mmap"}));
}

TEST(NativeGenerateRequest, DefaultsStreamTrueAndSeedMinusOneIsRandom) {
  auto r = expect_request<GenerateRequest>("POST", "/api/generate",
                                           {{"model", "m"}, {"options", {{"seed", -1}}}});
  EXPECT_TRUE(r.stream);
  EXPECT_FALSE(r.raw);
  EXPECT_FALSE(r.keep_alive.has_value());
  EXPECT_FALSE(r.options.seed.has_value());
  EXPECT_TRUE(r.prompt.empty()); // an empty prompt just loads the model
}

TEST(NativeGenerateRequest, FormatSchemaAndThinkLevels) {
  const json schema = {{"type", "object"}, {"properties", {{"age", {{"type", "integer"}}}}}};
  auto r = expect_request<GenerateRequest>("POST", "/api/generate",
                                           {{"model", "m"}, {"format", schema}, {"think", "high"}});
  EXPECT_EQ(json::parse(r.format_json), schema);
  EXPECT_EQ(r.think, true);
}

TEST(NativeKeepAlive, NumbersAndDurations) {
  auto ka = [](const json& v) {
    return expect_request<GenerateRequest>("POST", "/api/generate", {{"model", "m"}, {"keep_alive", v}}).keep_alive;
  };
  EXPECT_EQ(ka(0), 0);
  EXPECT_EQ(ka(300), 300000);
  EXPECT_EQ(ka(1.5), 1500);
  EXPECT_EQ(ka(-1), -1);
  EXPECT_EQ(ka("5m"), 300000);
  EXPECT_EQ(ka("1h30m"), 5400000);
  EXPECT_EQ(ka("300ms"), 300);
  EXPECT_EQ(ka("1.5h"), 5400000);
  EXPECT_EQ(ka("-1"), -1);
  EXPECT_EQ(ka("-1m"), -1);
  EXPECT_EQ(ka("0"), 0);
  EXPECT_EQ(ka("10"), 10000);
  EXPECT_FALSE(native::parse_duration_ms("5 minutes").has_value());
  EXPECT_FALSE(native::parse_duration_ms("m").has_value());
  expect_error("POST", "/api/generate", json{{"model", "m"}, {"keep_alive", "soon"}}.dump(), "invalid duration");
  expect_error("POST", "/api/generate", json{{"model", "m"}, {"keep_alive", true}}.dump(), "keep_alive");
}

TEST(NativeGenerateRequest, Invalid) {
  const std::string g = "/api/generate";
  expect_error("POST", g, "", "missing request body");
  expect_error("POST", g, "{bad", "invalid JSON");
  expect_error("POST", g, "{}", "model is required");
  expect_error("POST", g, json{{"model", 5}}.dump(), "\"model\"");
  expect_error("POST", g, json{{"model", "m"}, {"prompt", 5}}.dump(), "\"prompt\"");
  expect_error("POST", g, json{{"model", "m"}, {"stream", "no"}}.dump(), "\"stream\"");
  expect_error("POST", g, json{{"model", "m"}, {"context", {"a"}}}.dump(), "\"context\"");
  expect_error("POST", g, json{{"model", "m"}, {"images", {"not base64!"}}}.dump(), "base64");
  expect_error("POST", g, json{{"model", "m"}, {"options", {{"temperature", "hot"}}}}.dump(),
               "option \"temperature\" must be of type float");
  expect_error("POST", g, json{{"model", "m"}, {"options", {{"num_ctx", "big"}}}}.dump(),
               "option \"num_ctx\" must be of type integer");
  expect_error("POST", g, json{{"model", "m"}, {"options", {{"stop", "x"}}}}.dump(), "option \"stop\"");
  expect_error("POST", g, json{{"model", "m"}, {"options", {{"top_p", 2}}}}.dump(), "out of range");
  expect_error("POST", g, json{{"model", "m"}, {"options", {{"use_mmap", 1}}}}.dump(), "boolean");
  expect_error("POST", g, json{{"model", "m"}, {"options", 3}}.dump(), "\"options\"");
  expect_error("POST", g, json{{"model", "m"}, {"format", "xml"}}.dump(), "invalid format");
  expect_error("POST", g, json{{"model", "m"}, {"think", "max"}}.dump(), "think");
  expect_error("POST", g, json{{"model", "m"}, {"raw", true}, {"system", "s"}}.dump(), "raw mode");
}

TEST(NativeChatRequest, MessagesToolsAndDefaults) {
  const json tools = {{{"type", "function"}, {"function", {{"name", "get_weather"}}}}};
  const json body = {
      {"model", "m"},
      {"messages", {{{"role", "system"}, {"content", "be nice"}},
                    {{"role", "user"}, {"content", "look"}, {"images", {"aGk="}}},
                    {{"role", "assistant"}, {"content", ""}, {"thinking", "hmm"},
                     {"tool_calls", {{{"function", {{"name", "get_weather"}, {"arguments", {{"city", "Paris"}}}}}}}}},
                    {{"role", "tool"}, {"content", "sunny"}, {"tool_name", "get_weather"}}}},
      {"tools", tools}};
  auto r = expect_request<ChatRequest>("POST", "/api/chat", body);
  EXPECT_TRUE(r.stream);
  ASSERT_EQ(r.messages.size(), 4u);
  EXPECT_EQ(r.messages[1].images, (std::vector<std::string>{"aGk="}));
  EXPECT_EQ(r.messages[2].thinking, "hmm");
  ASSERT_EQ(r.messages[2].tool_calls.size(), 1u);
  EXPECT_EQ(r.messages[2].tool_calls[0].name, "get_weather");
  EXPECT_EQ(json::parse(r.messages[2].tool_calls[0].arguments_json), (json{{"city", "Paris"}}));
  EXPECT_EQ(r.messages[3].name, "get_weather");
  EXPECT_EQ(json::parse(r.tools_json), tools);

  auto load = expect_request<ChatRequest>("POST", "/api/chat", {{"model", "m"}});
  EXPECT_TRUE(load.messages.empty()); // no messages: load the model only

  expect_error("POST", "/api/chat", json{{"model", "m"}, {"messages", "hi"}}.dump(), "\"messages\"");
  expect_error("POST", "/api/chat", json{{"model", "m"}, {"messages", {{{"content", "x"}}}}}.dump(), "role");
  expect_error("POST", "/api/chat", json{{"model", "m"}, {"messages", {{{"role", "user"}, {"content", 1}}}}}.dump(),
               "messages[0].content");
  expect_error("POST", "/api/chat", json{{"model", "m"}, {"tools", {{"name", "x"}}}}.dump(), "\"tools\"");
}

TEST(NativeEmbedRequests, EmbedAndLegacyEmbeddings) {
  auto one = expect_request<EmbedRequest>("POST", "/api/embed", {{"model", "e"}, {"input", "hi"}});
  EXPECT_EQ(one.inputs, (std::vector<std::string>{"hi"}));
  EXPECT_TRUE(one.truncate);
  auto many = expect_request<EmbedRequest>("POST", "/api/embed",
                                           {{"model", "e"}, {"input", {"a", "b"}}, {"truncate", false},
                                            {"dimensions", 64}, {"keep_alive", "10m"}});
  EXPECT_EQ(many.inputs, (std::vector<std::string>{"a", "b"}));
  EXPECT_FALSE(many.truncate);
  EXPECT_EQ(*many.dimensions, 64);
  EXPECT_EQ(*many.keep_alive, 600000);
  auto legacy = expect_request<EmbedRequest>("POST", "/api/embeddings", {{"model", "e"}, {"prompt", "p"}});
  EXPECT_EQ(legacy.inputs, (std::vector<std::string>{"p"}));
  expect_error("POST", "/api/embed", json{{"model", "e"}, {"input", 3}}.dump(), "invalid input type");
  expect_error("POST", "/api/embed", json{{"model", "e"}, {"input", {"a", 3}}}.dump(), "invalid input type");
  expect_error("POST", "/api/embed", json{{"input", "x"}}.dump(), "model is required");
}

TEST(NativeModelRequests, ShowPullCopyDeleteCreate) {
  auto show = expect_request<ShowModelRequest>("POST", "/api/show", {{"name", "llama3"}, {"verbose", true}});
  EXPECT_EQ(show.model, "llama3"); // legacy "name" still accepted
  EXPECT_TRUE(show.verbose);

  auto pull = expect_request<PullModelRequest>(
      "POST", "/api/pull",
      {{"model", "tiny"}, {"url", "https://example.com/t.gguf"}, {"sha256", std::string(64, 'A')}, {"stream", false},
       {"insecure", true}});
  EXPECT_EQ(pull.model, "tiny");
  EXPECT_EQ(pull.source_url, "https://example.com/t.gguf");
  EXPECT_EQ(pull.sha256, std::string(64, 'a'));
  EXPECT_FALSE(pull.stream);
  EXPECT_TRUE(pull.insecure);
  expect_error("POST", "/api/pull", json{{"model", "t"}, {"url", "ftp://x"}}.dump(), "url");
  expect_error("POST", "/api/pull", json{{"model", "t"}, {"sha256", "abc"}}.dump(), "sha256");

  auto copy = expect_request<CopyModelRequest>("POST", "/api/copy", {{"source", "a"}, {"destination", "b"}});
  EXPECT_EQ(copy.source, "a");
  EXPECT_EQ(copy.destination, "b");
  expect_error("POST", "/api/copy", json{{"source", "a"}}.dump(), "source and destination are required");

  auto del = expect_request<DeleteModelRequest>("DELETE", "/api/delete", {{"model", "a"}});
  EXPECT_EQ(del.model, "a");

  const std::string digest = "sha256:" + std::string(64, 'b');
  auto create = expect_request<CreateModelRequest>(
      "POST", "/api/create",
      {{"model", "mine"}, {"files", {{"model.gguf", digest}}}, {"template", "T"}, {"system", "S"},
       {"parameters", {{"temperature", 0.5}, {"stop", {"a", "b"}}, {"num_ctx", "2048"}}}, {"stream", false}});
  EXPECT_EQ(create.files.at("model.gguf"), digest);
  EXPECT_EQ(create.template_text, "T");
  EXPECT_EQ(create.system, "S");
  EXPECT_EQ(create.parameters.at("temperature"), "0.5");
  EXPECT_EQ(create.parameters.at("stop"), R"(["a","b"])");
  EXPECT_EQ(create.parameters.at("num_ctx"), "2048");
  EXPECT_FALSE(create.stream);
  auto from = expect_request<CreateModelRequest>("POST", "/api/create", {{"model", "mine"}, {"from", "llama3"}});
  EXPECT_EQ(from.from, "llama3");
  expect_error("POST", "/api/create", json{{"model", "mine"}}.dump(), "neither 'from' or 'files'");
  expect_error("POST", "/api/create", json{{"model", "m"}, {"from", "x"}, {"quantize", "q4_K_M"}}.dump(), "quantize");
}

TEST(NativeModelRequests, BlobsAndBodilessRoutes) {
  const std::string hex(64, 'c');
  auto head = expect_request<BlobExistsRequest>("HEAD", "/api/blobs/{digest}", nullptr, {{"digest", "sha256:" + hex}});
  EXPECT_EQ(head.digest, "sha256:" + hex);
  auto push = translate("POST", "/api/blobs/{digest}", "BYTES", {{"digest", "sha256-" + hex}});
  ASSERT_TRUE(std::holds_alternative<Request>(push));
  const auto& p = std::get<PushBlobRequest>(std::get<Request>(push));
  EXPECT_EQ(p.digest, "sha256:" + hex);
  EXPECT_EQ(p.body, "BYTES");
  expect_error("HEAD", "/api/blobs/{digest}", "", "invalid digest", 400, {{"digest", "sha256:xyz"}});

  EXPECT_TRUE(std::holds_alternative<ListModelsRequest>(std::get<Request>(translate("GET", "/api/tags", ""))));
  EXPECT_TRUE(std::holds_alternative<RunningModelsRequest>(std::get<Request>(translate("GET", "/api/ps", ""))));
  EXPECT_TRUE(std::holds_alternative<VersionRequest>(std::get<Request>(translate("GET", "/api/version", ""))));
}

TEST(NativeFormatPlugin, RootAnswersDirectlyAndRoutesArePublicWhereOllamaIs) {
  const auto get = translate("GET", "/", "");
  ASSERT_TRUE(std::holds_alternative<WireResponse>(get));
  EXPECT_EQ(std::get<WireResponse>(get).status, 200);
  EXPECT_EQ(std::get<WireResponse>(get).body, "Ollama is running");
  EXPECT_EQ(std::get<WireResponse>(get).content_type, "text/plain; charset=utf-8");
  EXPECT_EQ(std::get<WireResponse>(translate("HEAD", "/", "")).body, "");

  native::NativeFormat f;
  EXPECT_EQ(f.path_prefixes(), std::vector<std::string>{"/api/"});
  int public_routes = 0;
  for (const auto& r : f.routes()) {
    if (r.is_public) {
      ++public_routes;
      EXPECT_TRUE(r.path == "/" || r.path == "/api/version") << r.path;
    }
  }
  EXPECT_EQ(public_routes, 3);
  EXPECT_EQ(f.routes().size(), 16u);

  const WireResponse unauthorized = f.error_response(ErrorEvent{ErrorCode::unauthorized, "unauthorized", {}});
  EXPECT_EQ(unauthorized.status, 401);
  EXPECT_EQ(json::parse(unauthorized.body), (json{{"error", "unauthorized"}}));
  const WireResponse missing = f.error_response(ErrorEvent{ErrorCode::not_found, "", {}});
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(json::parse(missing.body), (json{{"error", "404 page not found"}}));
}

} // namespace
} // namespace llmhost
