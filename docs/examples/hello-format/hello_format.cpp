// A minimal API-format plugin: GET /hello answers with the host's version, fetched through the
// common handler interface like any real format would.
#include <llmhost/sdk.hpp>

namespace {

// Turns the VersionResult event into a plain-text greeting.
class HelloResponse final : public llmhost::ResponseTranslator {
 public:
  bool on_event(const llmhost::Event& event, llmhost::ResponseWriter& out) override {
    if (const auto* v = std::get_if<llmhost::VersionResult>(&event)) {
      out.start(200, "text/plain", false);
      out.write("hello from llmhost " + v->version + "\n");
    } else if (const auto* e = std::get_if<llmhost::ErrorEvent>(&event)) {
      out.start(llmhost::http_status(e->code), "text/plain", false);
      out.write(e->message);
    }
    return true;
  }
  void finish(llmhost::ResponseWriter&) override {}
};

class HelloFormat final : public llmhost::FormatPlugin {
 public:
  llmhost::Status init(llmhost::HostServices& host) override {
    host.log(llmhost::LogLevel::info, "hello format ready");
    return llmhost::Status::success();
  }
  std::vector<llmhost::Route> routes() const override { return {{"GET", "/hello", true}}; }
  std::vector<std::string> path_prefixes() const override { return {"/hello"}; }
  llmhost::Translation translate_request(const llmhost::Route&, const llmhost::HttpRequest&) const override {
    return llmhost::Request{llmhost::VersionRequest{}};
  }
  std::unique_ptr<llmhost::ResponseTranslator> make_response_translator(const llmhost::Route&,
                                                                        const llmhost::Request&) const override {
    return std::make_unique<HelloResponse>();
  }
  llmhost::WireResponse error_response(const llmhost::ErrorEvent& e) const override {
    return {llmhost::http_status(e.code), "text/plain", e.message, {}};
  }
};

} // namespace

LLMHOST_PLUGIN(HelloFormat, llmhost::PluginKind::format, "hello", "1.0.0")
