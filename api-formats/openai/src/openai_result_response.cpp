// Routes answered by one result event: embeddings and the model list / model object.
#include <bit>
#include <chrono>
#include <cstdio>

#include <nlohmann/json.hpp>

#include "openai_errors.hpp"
#include "openai_responses.hpp"

namespace llmhost::openai {

namespace {

using json = nlohmann::ordered_json;

std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

json model_object(const ModelSummary& m) {
  return {{"id", m.name}, {"object", "model"}, {"created", unix_seconds_from_rfc3339(m.modified_at)},
          {"owned_by", "library"}};
}

class ResultTranslator final : public ResponseTranslator {
 public:
  ResultTranslator(ResultKind kind, std::string model, bool base64)
      : kind_(kind), model_(std::move(model)), base64_(base64) {}

  bool on_event(const Event& event, ResponseWriter& out) override {
    if (out.started()) return false;
    if (const auto* e = std::get_if<ErrorEvent>(&event)) {
      send(out, error_status(e->code), error_body(*e));
      return false;
    }
    std::optional<json> body;
    if (const auto* r = std::get_if<EmbedResult>(&event); r && kind_ == ResultKind::embeddings) body = embeddings(*r);
    if (const auto* r = std::get_if<ModelListResult>(&event); r && kind_ == ResultKind::model_list) {
      json data = json::array();
      for (const auto& m : r->models) data.push_back(model_object(m));
      body = json{{"object", "list"}, {"data", std::move(data)}};
    }
    if (const auto* r = std::get_if<ModelInfoResult>(&event); r && kind_ == ResultKind::model)
      body = model_object(r->summary);
    if (!body) return true; // not this route's result; keep waiting
    send(out, 200, *body);
    return false;
  }

  void finish(ResponseWriter& out) override {
    if (out.started()) return;
    send(out, 500, error_body(ErrorEvent{ErrorCode::internal, "The server produced no result for this request.", {}}));
  }

 private:
  static void send(ResponseWriter& out, int status, const json& body) {
    out.start(status, "application/json", false);
    out.write(dump(body));
  }

  json embeddings(const EmbedResult& r) const {
    json data = json::array();
    for (size_t i = 0; i < r.embeddings.size(); ++i) {
      json item = {{"object", "embedding"}, {"index", i}};
      if (base64_) item["embedding"] = base64_floats(r.embeddings[i]);
      else item["embedding"] = r.embeddings[i];
      data.push_back(std::move(item));
    }
    return {{"object", "list"},
            {"data", std::move(data)},
            {"model", model_.empty() ? r.model : model_},
            {"usage", {{"prompt_tokens", r.prompt_tokens}, {"total_tokens", r.prompt_tokens}}}};
  }

  ResultKind kind_;
  std::string model_;
  bool base64_;
};

} // namespace

std::unique_ptr<ResponseTranslator> make_result_translator(ResultKind kind, std::string model, bool base64) {
  return std::make_unique<ResultTranslator>(kind, std::move(model), base64);
}

int64_t unix_seconds_from_rfc3339(std::string_view text) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0, consumed = 0;
  const std::string str(text);
  if (std::sscanf(str.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &s, &consumed) != 6) return 0;
  using namespace std::chrono;
  const year_month_day ymd{year{y}, month{static_cast<unsigned>(mo)}, day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) return 0;
  int64_t secs = sys_days{ymd}.time_since_epoch() / seconds{1} + h * 3600 + mi * 60 + s;
  size_t pos = static_cast<size_t>(consumed);
  if (pos < str.size() && str[pos] == '.')
    for (++pos; pos < str.size() && str[pos] >= '0' && str[pos] <= '9';) ++pos;
  int oh = 0, om = 0;
  if (pos < str.size() && (str[pos] == '+' || str[pos] == '-') &&
      std::sscanf(str.c_str() + pos + 1, "%2d:%2d", &oh, &om) == 2)
    secs -= (str[pos] == '+' ? 1 : -1) * (oh * 3600 + om * 60);
  return secs;
}

std::string base64_floats(std::span<const float> values) {
  static constexpr char kTable[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string bytes;
  bytes.reserve(values.size() * 4);
  for (float v : values) {
    const auto bits = std::bit_cast<uint32_t>(v);
    for (int i = 0; i < 4; ++i) bytes.push_back(static_cast<char>((bits >> (8 * i)) & 0xFF));
  }
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  for (size_t i = 0; i < bytes.size(); i += 3) {
    uint32_t n = static_cast<uint8_t>(bytes[i]) << 16;
    if (i + 1 < bytes.size()) n |= static_cast<uint8_t>(bytes[i + 1]) << 8;
    if (i + 2 < bytes.size()) n |= static_cast<uint8_t>(bytes[i + 2]);
    out += kTable[(n >> 18) & 63];
    out += kTable[(n >> 12) & 63];
    out += i + 1 < bytes.size() ? kTable[(n >> 6) & 63] : '=';
    out += i + 2 < bytes.size() ? kTable[n & 63] : '=';
  }
  return out;
}

} // namespace llmhost::openai
