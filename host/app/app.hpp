// One running host: plugins loaded, routes registered, handlers wired, HTTP server listening.
// Used by `llmhost serve` and by the embedded host behind `llmhost run`.
#pragma once

#include <memory>

#include "config/config.hpp"
#include "llmhost/status.hpp"
#include "plugins/plugin_loader.hpp"

namespace llmhost::app {

class App {
 public:
  static Result<std::unique_ptr<App>> create(const config::Config& cfg);
  ~App();

  Status start();
  int port() const;
  // Graceful: in-flight requests finish (up to server.shutdown_grace_s), new ones are refused.
  void stop();

 private:
  App() = default;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};


// What the plugin loader is asked for by a configuration (configured paths, then the built-in).
plugins::LoadRequest plugin_request(const config::Config& cfg);

} // namespace llmhost::app
