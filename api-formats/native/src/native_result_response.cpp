// Native routes answered by one result event, and the progress stream of pull/create.
#include <optional>

#include "native_responses.hpp"

namespace llmhost::native {

namespace {

using json = nlohmann::ordered_json;

json show_body(const ModelInfoResult& r) {
  json body = {{"modelfile", r.modelfile}, {"parameters", r.parameters}, {"template", r.template_text}};
  if (!r.system.empty()) body["system"] = r.system;
  body["details"] = details_json(r.summary.details);
  json info = r.model_info_json.empty() ? json::object() : json::parse(r.model_info_json, nullptr, false);
  body["model_info"] = info.is_discarded() ? json::object() : std::move(info);
  body["capabilities"] = r.capabilities;
  body["modified_at"] = r.summary.modified_at;
  return body;
}

json ps_body(const RunningModelsResult& r) {
  json models = json::array();
  for (const auto& m : r.models) {
    json j = model_summary_json(m.summary);
    j["expires_at"] = m.expires_at;
    j["size_vram"] = m.size_vram;
    j["context_length"] = m.context_length;
    models.push_back(std::move(j));
  }
  return {{"models", std::move(models)}};
}

json embed_body(const EmbedResult& r, const std::string& model) {
  json body = {{"model", model.empty() ? r.model : model}, {"embeddings", r.embeddings}};
  if (r.timings.total_ns) body["total_duration"] = r.timings.total_ns;
  if (r.timings.load_ns) body["load_duration"] = r.timings.load_ns;
  if (r.prompt_tokens) body["prompt_eval_count"] = r.prompt_tokens;
  return body;
}

class ResultTranslator final : public ResponseTranslator {
 public:
  ResultTranslator(ResultRoute route, std::string model) : route_(route), model_(std::move(model)) {}

  bool on_event(const Event& event, ResponseWriter& out) override {
    if (out.started()) return false;
    if (const auto* e = std::get_if<ErrorEvent>(&event)) {
      if (route_ == ResultRoute::head) out.start(error_status(e->code), kJson, false);
      else send(out, error_status(e->code), error_body(*e));
      return false;
    }
    if (const auto* s = std::get_if<SuccessResult>(&event);
        s && (route_ == ResultRoute::empty || route_ == ResultRoute::head)) {
      out.start(s->status, "text/plain; charset=utf-8", false);
      return false;
    }
    const auto body = body_for(event);
    if (!body) return true; // not this route's result
    send(out, 200, *body);
    return false;
  }

  void finish(ResponseWriter& out) override {
    if (out.started()) return;
    send(out, 500, error_body(ErrorEvent{ErrorCode::internal, "the server produced no result for this request", {}}));
  }

 private:
  std::optional<json> body_for(const Event& event) const {
    switch (route_) {
      case ResultRoute::embed:
        if (const auto* r = std::get_if<EmbedResult>(&event)) return embed_body(*r, model_);
        break;
      case ResultRoute::embeddings:
        if (const auto* r = std::get_if<EmbedResult>(&event))
          return json{{"embedding", r->embeddings.empty() ? std::vector<float>{} : r->embeddings.front()}};
        break;
      case ResultRoute::tags:
        if (const auto* r = std::get_if<ModelListResult>(&event)) {
          json models = json::array();
          for (const auto& m : r->models) models.push_back(model_summary_json(m));
          return json{{"models", std::move(models)}};
        }
        break;
      case ResultRoute::show:
        if (const auto* r = std::get_if<ModelInfoResult>(&event)) return show_body(*r);
        break;
      case ResultRoute::ps:
        if (const auto* r = std::get_if<RunningModelsResult>(&event)) return ps_body(*r);
        break;
      case ResultRoute::version:
        if (const auto* r = std::get_if<VersionResult>(&event)) return json{{"version", r->version}};
        break;
      case ResultRoute::empty:
      case ResultRoute::head: break;
    }
    return std::nullopt;
  }

  static void send(ResponseWriter& out, int status, const json& body) {
    out.start(status, kJson, false);
    out.write(dump(body));
  }

  ResultRoute route_;
  std::string model_;
};

json progress_json(const ProgressEvent& p) {
  json j = {{"status", p.status}};
  if (!p.digest.empty()) j["digest"] = p.digest;
  if (p.total > 0) {
    j["total"] = p.total;
    j["completed"] = p.completed;
  }
  return j;
}

class ProgressTranslator final : public ResponseTranslator {
 public:
  explicit ProgressTranslator(bool stream) : stream_(stream) {}

  bool on_event(const Event& event, ResponseWriter& out) override {
    if (failed_) return false;
    if (const auto* e = std::get_if<ErrorEvent>(&event)) {
      failed_ = true;
      if (!out.started()) {
        out.start(error_status(e->code), kJson, false);
        out.write(dump(error_body(*e)));
      } else if (stream_) {
        out.write(dump(error_body(*e)) + "\n");
      }
      return false;
    }
    std::optional<json> line;
    if (const auto* p = std::get_if<ProgressEvent>(&event)) line = progress_json(*p);
    if (std::holds_alternative<SuccessResult>(event)) line = json{{"status", "success"}};
    if (!line) return true;
    last_ = *line;
    if (!stream_) return true;
    if (!out.started()) out.start(200, kNdjson, true);
    if (out.write(dump(*line) + "\n")) return true;
    failed_ = true;
    return false;
  }

  void finish(ResponseWriter& out) override {
    if (failed_ || out.started()) return;
    out.start(200, stream_ ? kNdjson : kJson, stream_);
    // Without streaming only the final status is sent, as Ollama does.
    out.write(dump(last_.value_or(json{{"status", "success"}})) + (stream_ ? "\n" : ""));
  }

 private:
  bool stream_;
  bool failed_ = false;
  std::optional<json> last_;
};

} // namespace

std::unique_ptr<ResponseTranslator> make_result_translator(ResultRoute route, std::string model) {
  return std::make_unique<ResultTranslator>(route, std::move(model));
}

std::unique_ptr<ResponseTranslator> make_progress_translator(bool stream) {
  return std::make_unique<ProgressTranslator>(stream);
}

} // namespace llmhost::native
