// The OpenAI-compatible API format plugin: /v1/chat/completions, /v1/completions,
// /v1/embeddings, /v1/models and /v1/models/{id}.
#pragma once

#include "llmhost/format.hpp"

namespace llmhost::openai {

class OpenAIFormat final : public FormatPlugin {
 public:
  Status init(HostServices& host) override;
  std::vector<Route> routes() const override;
  std::vector<std::string> path_prefixes() const override;
  Translation translate_request(const Route& route, const HttpRequest& request) const override;
  std::unique_ptr<ResponseTranslator> make_response_translator(const Route& route,
                                                               const Request& request) const override;
  WireResponse error_response(const ErrorEvent& error) const override;
};

} // namespace llmhost::openai
