#include "openai_format.hpp"

#include "openai_errors.hpp"
#include "openai_fields.hpp"
#include "openai_requests.hpp"
#include "openai_responses.hpp"

namespace llmhost::openai {

namespace {

constexpr const char* kChat = "/v1/chat/completions";
constexpr const char* kCompletions = "/v1/completions";
constexpr const char* kEmbeddings = "/v1/embeddings";
constexpr const char* kModels = "/v1/models";
constexpr const char* kModel = "/v1/models/{id}";

WireResponse invalid(const std::string& message, const std::string& param) {
  return error_wire_response(ErrorEvent{ErrorCode::invalid_request, message, param});
}

Translation translate_body(const std::string& path, const std::string& body) {
  try {
    const json parsed = parse_body(body);
    if (path == kChat) return Request{parse_chat_request(parsed)};
    if (path == kCompletions) return Request{parse_completion_request(parsed)};
    return Request{parse_embedding_request(parsed)};
  } catch (const FieldError& e) {
    return invalid(e.message, e.param);
  } catch (const std::exception& e) { // a bug here must still answer in the wire's shape
    return error_wire_response(ErrorEvent{ErrorCode::internal, std::string("request translation failed: ") + e.what(), {}});
  }
}

} // namespace

Status OpenAIFormat::init(HostServices&) { return Status::success(); }

std::vector<Route> OpenAIFormat::routes() const {
  return {{"POST", kChat}, {"POST", kCompletions}, {"POST", kEmbeddings}, {"GET", kModels}, {"GET", kModel}};
}

std::vector<std::string> OpenAIFormat::path_prefixes() const { return {"/v1/"}; }

Translation OpenAIFormat::translate_request(const Route& route, const HttpRequest& request) const {
  if (route.path == kChat || route.path == kCompletions || route.path == kEmbeddings)
    return translate_body(route.path, request.body);
  if (route.path == kModels) return Request{ListModelsRequest{}};
  if (route.path == kModel) {
    auto it = request.path_params.find("id");
    if (it == request.path_params.end() || it->second.empty()) return invalid("Missing model id.", "id");
    return Request{ShowModelRequest{it->second, false}};
  }
  return error_wire_response(ErrorEvent{ErrorCode::not_found,
                                        "Invalid URL (" + request.method + " " + request.path + ")", {}});
}

std::unique_ptr<ResponseTranslator> OpenAIFormat::make_response_translator(const Route& route,
                                                                           const Request& request) const {
  if (const auto* chat = std::get_if<ChatRequest>(&request)) return make_chat_translator(*chat, make_identity("chatcmpl-"));
  if (const auto* gen = std::get_if<GenerateRequest>(&request)) return make_completion_translator(*gen, make_identity("cmpl-"));
  if (const auto* embed = std::get_if<EmbedRequest>(&request)) {
    auto it = embed->format_hints.find(kHintEncodingFormat);
    const bool base64 = it != embed->format_hints.end() && it->second == "base64";
    return make_result_translator(ResultKind::embeddings, embed->model, base64);
  }
  if (route.path == kModel) return make_result_translator(ResultKind::model, {}, false);
  return make_result_translator(ResultKind::model_list, {}, false);
}

WireResponse OpenAIFormat::error_response(const ErrorEvent& error) const { return error_wire_response(error); }

} // namespace llmhost::openai
