// Native (Ollama) response translators: NDJSON framing, non-stream bodies, metadata results,
// progress streams and errors before/after streaming started.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "native_format.hpp"
#include "native_responses.hpp"
#include "recording_writer.hpp"

namespace llmhost {
namespace {

using nlohmann::json;
using testing::RecordingWriter;
using testing::run_events;

const native::Clock kClock = [] { return std::string("2024-01-01T00:00:00.000000001Z"); };

DoneEvent done_event() {
  DoneEvent d;
  d.reason = FinishReason::stop;
  d.usage = {3, 2, 0};
  d.timings = {5000, 1000, 2000, 2000};
  d.context = {1, 2, 3, 4, 5};
  d.created_at = "2024-01-01T00:00:01Z";
  return d;
}

GenerateRequest generate(bool stream) {
  GenerateRequest r;
  r.model = "tiny";
  r.stream = stream;
  return r;
}

TEST(NativeGenerateResponse, NdjsonFramingIsByteExact) {
  auto t = native::make_generate_translator(generate(true), kClock);
  RecordingWriter w;
  run_events(*t, std::vector<Event>{DeltaEvent{0, "Hi", {}, {}, {}}, DeltaEvent{0, "!", "", {}, {}}, done_event()}, w);
  EXPECT_EQ(w.status, 200);
  EXPECT_EQ(w.content_type, "application/x-ndjson");
  EXPECT_TRUE(w.streaming);
  EXPECT_EQ(w.body,
            R"({"model":"tiny","created_at":"2024-01-01T00:00:00.000000001Z","response":"Hi","done":false})" "\n"
            R"({"model":"tiny","created_at":"2024-01-01T00:00:00.000000001Z","response":"!","done":false})" "\n"
            R"({"model":"tiny","created_at":"2024-01-01T00:00:01Z","response":"","done":true,"done_reason":"stop",)"
            R"("context":[1,2,3,4,5],"total_duration":5000,"load_duration":1000,"prompt_eval_count":3,)"
            R"("prompt_eval_duration":2000,"eval_count":2,"eval_duration":2000})" "\n");
  EXPECT_EQ(w.writes.size(), 3u);
}

TEST(NativeGenerateResponse, NonStreamBodyAndThinking) {
  auto t = native::make_generate_translator(generate(false), kClock);
  RecordingWriter w;
  run_events(*t, std::vector<Event>{DeltaEvent{0, "", "let me think", {}, {}}, DeltaEvent{0, "Hello", {}, {}, {}},
                                    DeltaEvent{0, " world", {}, {}, {}}, done_event()}, w);
  EXPECT_EQ(w.status, 200);
  EXPECT_EQ(w.content_type, "application/json; charset=utf-8");
  EXPECT_FALSE(w.streaming);
  const json b = json::parse(w.body);
  EXPECT_EQ(b["response"], "Hello world");
  EXPECT_EQ(b["thinking"], "let me think");
  EXPECT_EQ(b["done"], true);
  EXPECT_EQ(b["done_reason"], "stop");
  EXPECT_EQ(b["eval_count"], 2);
  EXPECT_EQ(b["context"], (json{1, 2, 3, 4, 5}));
}

TEST(NativeGenerateResponse, LoadOnlyOmitsZeroMetrics) {
  auto t = native::make_generate_translator(generate(false), kClock);
  RecordingWriter w;
  DoneEvent d;
  d.reason = FinishReason::load;
  run_events(*t, std::vector<Event>{d}, w);
  EXPECT_EQ(json::parse(w.body), (json{{"model", "tiny"}, {"created_at", "2024-01-01T00:00:00.000000001Z"},
                                       {"response", ""}, {"done", true}, {"done_reason", "load"}}));
}

TEST(NativeChatResponse, StreamMessagesAndFinalDone) {
  ChatRequest r;
  r.model = "tiny";
  auto t = native::make_chat_translator(r, kClock);
  RecordingWriter w;
  DoneEvent d = done_event();
  d.reason = FinishReason::length;
  run_events(*t, std::vector<Event>{DeltaEvent{0, "", "hmm", {}, {}}, DeltaEvent{0, "Yes", {}, {}, {}}, d}, w);
  const auto lines = w.ndjson();
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0]["message"], (json{{"role", "assistant"}, {"content", ""}, {"thinking", "hmm"}}));
  EXPECT_EQ(lines[1]["message"], (json{{"role", "assistant"}, {"content", "Yes"}}));
  EXPECT_EQ(lines[1]["done"], false);
  EXPECT_EQ(lines[2]["message"], (json{{"role", "assistant"}, {"content", ""}}));
  EXPECT_EQ(lines[2]["done"], true);
  EXPECT_EQ(lines[2]["done_reason"], "length");
  EXPECT_FALSE(lines[2].contains("context")); // chat has no context field
  EXPECT_FALSE(lines[2].contains("response"));
}

TEST(NativeGenerationResponse, ErrorsBeforeAndAfterStreamStarted) {
  {
    auto t = native::make_generate_translator(generate(true), kClock);
    RecordingWriter w;
    run_events(*t, std::vector<Event>{ErrorEvent{ErrorCode::not_found, "model 'x' not found", "model"}}, w);
    EXPECT_EQ(w.status, 404);
    EXPECT_FALSE(w.streaming);
    EXPECT_EQ(w.body, R"({"error":"model 'x' not found"})");
  }
  auto t = native::make_generate_translator(generate(true), kClock);
  RecordingWriter w;
  run_events(*t, std::vector<Event>{DeltaEvent{0, "a", {}, {}, {}}, ErrorEvent{ErrorCode::internal, "oom", {}},
                                    done_event()}, w);
  EXPECT_EQ(w.status, 200);
  const auto lines = w.ndjson();
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[1], (json{{"error", "oom"}}));
}

TEST(NativeResultResponse, EmbedAndLegacyEmbeddings) {
  EmbedResult r;
  r.model = "e";
  r.embeddings = {{0.5f, -1.0f}};
  r.prompt_tokens = 4;
  r.timings.total_ns = 10;
  r.timings.load_ns = 3;
  auto t = native::make_result_translator(native::ResultRoute::embed, "e");
  RecordingWriter w;
  run_events(*t, std::vector<Event>{r}, w);
  EXPECT_EQ(json::parse(w.body), (json{{"model", "e"}, {"embeddings", {{0.5, -1.0}}}, {"total_duration", 10},
                                       {"load_duration", 3}, {"prompt_eval_count", 4}}));
  auto legacy = native::make_result_translator(native::ResultRoute::embeddings, "e");
  RecordingWriter lw;
  run_events(*legacy, std::vector<Event>{r}, lw);
  EXPECT_EQ(json::parse(lw.body), (json{{"embedding", {0.5, -1.0}}}));
}

ModelSummary summary() {
  ModelSummary m;
  m.name = "tiny:latest";
  m.modified_at = "2024-01-01T00:00:00Z";
  m.size = 1234;
  m.digest = std::string(64, 'a');
  m.details.family = "llama";
  m.details.families = {"llama"};
  m.details.parameter_size = "260K";
  m.details.quantization_level = "F32";
  return m;
}

TEST(NativeResultResponse, TagsShowPsVersion) {
  {
    auto t = native::make_result_translator(native::ResultRoute::tags, {});
    RecordingWriter w;
    run_events(*t, std::vector<Event>{ModelListResult{{summary()}}}, w);
    const json m = json::parse(w.body)["models"][0];
    EXPECT_EQ(m["name"], "tiny:latest");
    EXPECT_EQ(m["model"], "tiny:latest");
    EXPECT_EQ(m["size"], 1234);
    EXPECT_EQ(m["details"], (json{{"parent_model", ""}, {"format", "gguf"}, {"family", "llama"}, {"families", {"llama"}},
                                  {"parameter_size", "260K"}, {"quantization_level", "F32"}}));
  }
  {
    ModelInfoResult info;
    info.summary = summary();
    info.modelfile = "FROM tiny";
    info.parameters = "stop \"</s>\"";
    info.template_text = "{{ .Prompt }}";
    info.model_info_json = R"({"general.architecture":"llama"})";
    info.capabilities = {"completion"};
    auto t = native::make_result_translator(native::ResultRoute::show, {});
    RecordingWriter w;
    run_events(*t, std::vector<Event>{info}, w);
    const json b = json::parse(w.body);
    EXPECT_EQ(b["modelfile"], "FROM tiny");
    EXPECT_EQ(b["template"], "{{ .Prompt }}");
    EXPECT_FALSE(b.contains("system"));
    EXPECT_EQ(b["model_info"]["general.architecture"], "llama");
    EXPECT_EQ(b["capabilities"], (json{"completion"}));
    EXPECT_EQ(b["details"]["family"], "llama");
    EXPECT_EQ(b["modified_at"], "2024-01-01T00:00:00Z");
  }
  {
    RunningModel rm;
    rm.summary = summary();
    rm.expires_at = "2024-01-01T00:05:00Z";
    rm.size_vram = 99;
    rm.context_length = 2048;
    auto t = native::make_result_translator(native::ResultRoute::ps, {});
    RecordingWriter w;
    run_events(*t, std::vector<Event>{RunningModelsResult{{rm}}}, w);
    const json m = json::parse(w.body)["models"][0];
    EXPECT_EQ(m["expires_at"], "2024-01-01T00:05:00Z");
    EXPECT_EQ(m["size_vram"], 99);
    EXPECT_EQ(m["context_length"], 2048);
    EXPECT_EQ(m["digest"], std::string(64, 'a'));
  }
  auto t = native::make_result_translator(native::ResultRoute::version, {});
  RecordingWriter w;
  run_events(*t, std::vector<Event>{VersionResult{"0.1.0"}}, w);
  EXPECT_EQ(w.body, R"({"version":"0.1.0"})");
}

TEST(NativeResultResponse, EmptyBodiesAndHeadErrors) {
  auto copy = native::make_result_translator(native::ResultRoute::empty, {});
  RecordingWriter w;
  run_events(*copy, std::vector<Event>{SuccessResult{200}}, w);
  EXPECT_EQ(w.status, 200);
  EXPECT_EQ(w.body, "");
  auto blob = native::make_result_translator(native::ResultRoute::empty, {});
  RecordingWriter bw;
  run_events(*blob, std::vector<Event>{SuccessResult{201}}, bw);
  EXPECT_EQ(bw.status, 201);
  auto del = native::make_result_translator(native::ResultRoute::empty, {});
  RecordingWriter dw;
  run_events(*del, std::vector<Event>{ErrorEvent{ErrorCode::not_found, "model 'x' not found", {}}}, dw);
  EXPECT_EQ(dw.status, 404);
  EXPECT_EQ(dw.body, R"({"error":"model 'x' not found"})");
  auto head = native::make_result_translator(native::ResultRoute::head, {});
  RecordingWriter hw;
  run_events(*head, std::vector<Event>{ErrorEvent{ErrorCode::not_found, "no blob", {}}}, hw);
  EXPECT_EQ(hw.status, 404);
  EXPECT_EQ(hw.body, "");
  auto nothing = native::make_result_translator(native::ResultRoute::tags, {});
  RecordingWriter nw;
  run_events(*nothing, std::vector<Event>{}, nw);
  EXPECT_EQ(nw.status, 500);
}

TEST(NativeProgressResponse, StreamAndNonStream) {
  const std::vector<Event> events{ProgressEvent{"pulling manifest", {}, 0, 0},
                                  ProgressEvent{"downloading", "sha256:abc", 100, 40},
                                  ProgressEvent{"success", {}, 0, 0}};
  auto s = native::make_progress_translator(true);
  RecordingWriter w;
  run_events(*s, events, w);
  EXPECT_EQ(w.content_type, "application/x-ndjson");
  EXPECT_EQ(w.body,
            R"({"status":"pulling manifest"})" "\n"
            R"({"status":"downloading","digest":"sha256:abc","total":100,"completed":40})" "\n"
            R"({"status":"success"})" "\n");
  auto n = native::make_progress_translator(false);
  RecordingWriter nw;
  run_events(*n, events, nw);
  EXPECT_FALSE(nw.streaming);
  EXPECT_EQ(nw.body, R"({"status":"success"})");
  auto e = native::make_progress_translator(true);
  RecordingWriter ew;
  run_events(*e, std::vector<Event>{events[0], ErrorEvent{ErrorCode::internal, "digest mismatch", {}}}, ew);
  EXPECT_EQ(ew.ndjson().back(), (json{{"error", "digest mismatch"}}));
}

} // namespace
} // namespace llmhost
