// User stories of managing models (show, copy, delete, list) and of requests the host must
// refuse with a clear message in the caller's API shape, staying up afterwards.
#include <algorithm>

#include <gtest/gtest.h>

#include "e2e_support.hpp"

namespace llmhost::testing::e2e {
namespace {

class ModelsAndErrors : public BackendTest {
 protected:
  // The host still answers a normal generation.
  void expect_alive() {
    auto r = post("/api/generate", generate_body("Once upon a time", 2, false));
    EXPECT_EQ(r.status, 200) << r.body;
  }
  static std::string native_error(const HttpResult& r) {
    auto j = json::parse(r.body, nullptr, false);
    return j.is_object() && j["error"].is_string() ? j["error"].get<std::string>() : "<no error string in " + r.body + ">";
  }
  static std::string openai_error(const HttpResult& r) {
    auto j = json::parse(r.body, nullptr, false);
    return j.is_object() && j["error"].is_object() && j["error"]["message"].is_string()
               ? j["error"]["message"].get<std::string>()
               : "<no error.message in " + r.body + ">";
  }
};

TEST_P(ModelsAndErrors, ShowDescribesTheLlamaModel) {
  ASSERT_NO_FATAL_FAILURE(start());
  auto r = post("/api/show", json{{"model", kModel}});
  ASSERT_EQ(r.status, 200) << r.body;
  const json body = json::parse(r.body);
  EXPECT_EQ(body["details"]["family"], "llama");
  EXPECT_EQ(body["details"]["format"], "gguf");
  EXPECT_EQ(body["model_info"]["general.architecture"], "llama");
  EXPECT_EQ(body["model_info"]["llama.block_count"], 5);
  EXPECT_EQ(body["model_info"]["llama.embedding_length"], 64);
  EXPECT_NE(body["modelfile"].get<std::string>().find("FROM stories260K:latest"), std::string::npos);
}

TEST_P(ModelsAndErrors, CopyThenDeleteRoundTrip) {
  ASSERT_NO_FATAL_FAILURE(start());
  auto copy = post("/api/copy", json{{"source", kModel}, {"destination", "tales:v2"}});
  ASSERT_EQ(copy.status, 200) << copy.body;
  auto names = [&] {
    std::vector<std::string> out;
    const json tags = json::parse(host().request("GET", "/api/tags").body);
    for (const auto& m : tags["models"]) out.push_back(m["name"]);
    std::sort(out.begin(), out.end());
    return out;
  };
  EXPECT_EQ(names(), (std::vector<std::string>{"stories260K:latest", "tales:v2"}));
  // The copy generates the same greedy tokens as the original.
  auto original = post("/api/generate", generate_body("The little dog", 4, false));
  auto body = generate_body("The little dog", 4, false);
  body["model"] = "tales:v2";
  auto copied = post("/api/generate", body);
  ASSERT_EQ(copied.status, 200) << copied.body;
  EXPECT_EQ(json::parse(copied.body)["response"], json::parse(original.body)["response"]);

  auto del = host().request("DELETE", "/api/delete", json{{"model", "tales:v2"}}.dump());
  ASSERT_EQ(del.status, 200) << del.body;
  EXPECT_EQ(names(), (std::vector<std::string>{"stories260K:latest"}));
  auto again = host().request("DELETE", "/api/delete", json{{"model", "tales:v2"}}.dump());
  EXPECT_EQ(again.status, 404) << again.body;
}

TEST_P(ModelsAndErrors, UnknownModelIs404InBothShapes) {
  ASSERT_NO_FATAL_FAILURE(start());
  auto native = post("/api/generate", json{{"model", "no-such-model"}, {"prompt", "hi"}, {"stream", false}});
  EXPECT_EQ(native.status, 404);
  EXPECT_NE(native_error(native).find("not found"), std::string::npos) << native.body;
  auto chat = post("/api/chat", json{{"model", "no-such-model"}, {"messages", json::array()}});
  EXPECT_EQ(chat.status, 404) << chat.body;
  auto openai = post("/v1/chat/completions",
                     json{{"model", "no-such-model"}, {"messages", json::array({{{"role", "user"}, {"content", "hi"}}})}});
  EXPECT_EQ(openai.status, 404);
  EXPECT_NE(openai_error(openai).find("not found"), std::string::npos) << openai.body;
  auto completion = post("/v1/completions", json{{"model", "no-such-model"}, {"prompt", "hi"}});
  EXPECT_EQ(completion.status, 404) << completion.body;
}

TEST_P(ModelsAndErrors, ImagesAreRefusedWith400) {
  ASSERT_NO_FATAL_FAILURE(start());
  auto body = generate_body("What is this?", 2, false);
  body["images"] = json::array({"iVBORw0KGgo="});
  auto r = post("/api/generate", body);
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_NE(native_error(r).find("image"), std::string::npos) << r.body;
  auto chat = chat_body("What is this?", 2, false);
  chat["messages"][0]["images"] = json::array({"iVBORw0KGgo="});
  r = post("/api/chat", chat);
  EXPECT_EQ(r.status, 400) << r.body;
  expect_alive();
}

TEST_P(ModelsAndErrors, StructuredOutputIsRefusedNamingTheField) {
  ASSERT_NO_FATAL_FAILURE(start());
  auto body = generate_body("Once", 2, false);
  body["format"] = "json";
  auto r = post("/api/generate", body);
  EXPECT_TRUE(r.status == 501 || r.status == 400) << r.status << " " << r.body;
  EXPECT_NE(native_error(r).find("format"), std::string::npos) << r.body;

  json chat = {{"model", kModel},
               {"messages", json::array({{{"role", "user"}, {"content", "hi"}}})},
               {"response_format", {{"type", "json_object"}}}};
  r = post("/v1/chat/completions", chat);
  EXPECT_TRUE(r.status == 501 || r.status == 400) << r.status << " " << r.body;
  EXPECT_NE(openai_error(r).find("response_format"), std::string::npos) << r.body;
  EXPECT_EQ(json::parse(r.body)["error"]["param"], "response_format") << r.body;
  expect_alive();
}

TEST_P(ModelsAndErrors, PromptLongerThanTheContextIs400) {
  ASSERT_NO_FATAL_FAILURE(start("models:\n  context_length: 64\n"));
  std::string prompt;
  for (int i = 0; i < 40; ++i) prompt += "Once upon a time ";
  auto r = post("/api/generate", generate_body(prompt, 4, false));
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_NE(native_error(r).find("context length of 64"), std::string::npos) << r.body;
  json chat = {{"model", kModel}, {"messages", json::array({{{"role", "user"}, {"content", prompt}}})}, {"max_tokens", 4}};
  r = post("/v1/chat/completions", chat);
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_NE(openai_error(r).find("context length"), std::string::npos) << r.body;
  expect_alive();
}

TEST_P(ModelsAndErrors, InvalidOptionTypesAre400) {
  ASSERT_NO_FATAL_FAILURE(start());
  for (const json& options : {json{{"temperature", "hot"}}, json{{"num_predict", "many"}}, json{{"stop", 5}},
                              json{{"seed", json::array()}}}) {
    auto body = generate_body("Once", 2, false);
    body["options"] = options;
    auto r = post("/api/generate", body);
    EXPECT_EQ(r.status, 400) << options << ": " << r.body;
    EXPECT_NE(native_error(r).find(options.begin().key()), std::string::npos) << r.body;
  }
  json chat = {{"model", kModel}, {"messages", json::array({{{"role", "user"}, {"content", "hi"}}})}, {"temperature", "hot"}};
  auto r = post("/v1/chat/completions", chat);
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_NE(openai_error(r).find("temperature"), std::string::npos) << r.body;
  expect_alive();
}

// Models are backend-independent here; one backend is enough.
INSTANTIATE_TEST_SUITE_P(Backends, ModelsAndErrors, ::testing::Values("cpu", "vulkan"), backend_name);

} // namespace
} // namespace llmhost::testing::e2e
