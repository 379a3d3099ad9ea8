#include "native_format.hpp"

#include "native_fields.hpp"
#include "native_requests.hpp"
#include "native_responses.hpp"

namespace llmhost::native {

namespace {

// What a route's body parses into.
Request parse_route(const Route& route, const HttpRequest& request) {
  const std::string& p = route.path;
  if (p == "/api/tags") return ListModelsRequest{};
  if (p == "/api/ps") return RunningModelsRequest{};
  if (p == "/api/version") return VersionRequest{};
  if (p == "/api/blobs/{digest}") {
    auto it = request.path_params.find("digest");
    const std::string digest = parse_blob_digest(it == request.path_params.end() ? "" : it->second);
    if (route.method == "HEAD") return BlobExistsRequest{digest};
    return PushBlobRequest{digest, request.body};
  }
  const json body = parse_body(request.body);
  if (p == "/api/generate") return parse_generate_request(body);
  if (p == "/api/chat") return parse_chat_request(body);
  if (p == "/api/embed") return parse_embed_request(body);
  if (p == "/api/embeddings") return parse_legacy_embeddings_request(body);
  if (p == "/api/show") return parse_show_request(body);
  if (p == "/api/pull") return parse_pull_request(body);
  if (p == "/api/copy") return parse_copy_request(body);
  if (p == "/api/delete") return parse_delete_request(body);
  if (p == "/api/create") return parse_create_request(body);
  fail("", "404 page not found");
}

WireResponse ollama_is_running(const Route& route) {
  WireResponse r;
  r.status = 200;
  r.content_type = "text/plain; charset=utf-8";
  if (route.method != "HEAD") r.body = "Ollama is running";
  return r;
}

} // namespace

Status NativeFormat::init(HostServices&) { return Status::success(); }

std::vector<Route> NativeFormat::routes() const {
  return {
      {"GET", "/", true},
      {"HEAD", "/", true},
      {"GET", "/api/version", true},
      {"POST", "/api/generate"},
      {"POST", "/api/chat"},
      {"POST", "/api/embed"},
      {"POST", "/api/embeddings"},
      {"GET", "/api/tags"},
      {"POST", "/api/show"},
      {"GET", "/api/ps"},
      {"POST", "/api/pull"},
      {"POST", "/api/copy"},
      {"DELETE", "/api/delete"},
      {"POST", "/api/create"},
      {"HEAD", "/api/blobs/{digest}"},
      {"POST", "/api/blobs/{digest}"},
  };
}

std::vector<std::string> NativeFormat::path_prefixes() const { return {"/api/"}; }

Translation NativeFormat::translate_request(const Route& route, const HttpRequest& request) const {
  if (route.path == "/") return ollama_is_running(route);
  try {
    return parse_route(route, request);
  } catch (const FieldError& e) {
    const bool unknown_route = e.message == "404 page not found";
    return error_wire_response(ErrorEvent{unknown_route ? ErrorCode::not_found : ErrorCode::invalid_request,
                                          e.message, e.param});
  } catch (const std::exception& e) { // a bug here must still answer in the wire's shape
    return error_wire_response(ErrorEvent{ErrorCode::internal, std::string("request translation failed: ") + e.what(), {}});
  }
}

std::unique_ptr<ResponseTranslator> NativeFormat::make_response_translator(const Route& route,
                                                                           const Request& request) const {
  if (const auto* g = std::get_if<GenerateRequest>(&request)) return make_generate_translator(*g, rfc3339_now);
  if (const auto* c = std::get_if<ChatRequest>(&request)) return make_chat_translator(*c, rfc3339_now);
  if (const auto* p = std::get_if<PullModelRequest>(&request)) return make_progress_translator(p->stream);
  if (const auto* c = std::get_if<CreateModelRequest>(&request)) return make_progress_translator(c->stream);
  if (const auto* e = std::get_if<EmbedRequest>(&request))
    return make_result_translator(route.path == "/api/embeddings" ? ResultRoute::embeddings : ResultRoute::embed, e->model);
  if (std::holds_alternative<ListModelsRequest>(request)) return make_result_translator(ResultRoute::tags, {});
  if (std::holds_alternative<ShowModelRequest>(request)) return make_result_translator(ResultRoute::show, {});
  if (std::holds_alternative<RunningModelsRequest>(request)) return make_result_translator(ResultRoute::ps, {});
  if (std::holds_alternative<VersionRequest>(request)) return make_result_translator(ResultRoute::version, {});
  if (std::holds_alternative<BlobExistsRequest>(request)) return make_result_translator(ResultRoute::head, {});
  return make_result_translator(ResultRoute::empty, {}); // copy, delete, blob upload
}

WireResponse NativeFormat::error_response(const ErrorEvent& error) const {
  WireResponse r = error_wire_response(error);
  // Ollama answers unknown paths with gin's plain "404 page not found".
  if (error.code == ErrorCode::not_found && error.message.empty()) r.body = dump(error_body({ErrorCode::not_found, "404 page not found", {}}));
  return r;
}

} // namespace llmhost::native
