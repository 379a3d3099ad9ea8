#include "app/app.hpp"

#include <spdlog/spdlog.h>

#include "handlers/common_handler.hpp"
#include "plugins/plugin_loader.hpp"
#include "runtime/model_manager.hpp"
#include "server/http_server.hpp"
#include "server/router.hpp"
#include "store/model_store.hpp"

namespace llmhost::app {

// Members in construction order; destruction runs backwards, so the server stops before the
// handlers go, models unload before the backends that hold them, and plugins unload last.
struct App::Impl {
  config::Config cfg;
  std::unique_ptr<plugins::PluginSet> plugins;
  server::Router router;
  std::unique_ptr<store::ModelStore> store;
  std::unique_ptr<runtime::ModelManager> models;
  std::unique_ptr<handlers::CommonHandler> handler;
  std::unique_ptr<server::HttpServer> server;
};

plugins::LoadRequest plugin_request(const config::Config& cfg) {
  plugins::LoadRequest req;
  req.search_paths = cfg.plugins.search_paths;
  for (const auto& p : plugins::default_search_paths()) req.search_paths.push_back(p);
  req.formats = cfg.plugins.formats;
  req.backends = cfg.plugins.backends;
  req.options = cfg.plugins.options;
  return req;
}

Result<std::unique_ptr<App>> App::create(const config::Config& cfg) {
  auto app = std::unique_ptr<App>(new App());
  app->impl_ = std::make_unique<Impl>();
  auto& s = *app->impl_;
  s.cfg = cfg;

  s.plugins = plugins::PluginSet::load(plugin_request(cfg));
  for (const auto& f : s.plugins->findings()) {
    const std::string file = f.path.empty() ? "(no file)" : f.path.string();
    switch (f.outcome) {
      case plugins::Finding::Outcome::loaded:
        spdlog::info("plugin '{}' ({} {}) loaded from {}", f.name, f.kind, f.version, file);
        break;
      case plugins::Finding::Outcome::skipped:
        spdlog::debug("plugin '{}' in {} skipped: {}", f.name, file, f.reason);
        break;
      case plugins::Finding::Outcome::refused:
        spdlog::warn("plugin {}{} refused: {}", f.name.empty() ? "" : "'" + f.name + "' from ", file, f.reason);
        break;
    }
  }
  if (s.plugins->formats().empty())
    return Status::error(ErrorCode::internal, "no format plugin could be loaded (see the messages above); nothing to serve");
  for (const auto& name : cfg.plugins.formats)
    if (auto* fmt = s.plugins->format(name))
      if (auto st = s.router.add_format(name, *fmt); !st) return st;
  for (const auto& name : s.plugins->backend_names()) {
    auto* b = s.plugins->backend(name);
    if (b->device_count() == 0)
      spdlog::warn("backend '{}' has no device: {}", name, b->status_message());
    for (size_t i = 0; i < b->device_count(); ++i) spdlog::info("backend '{}' device {}: {}", name, i, b->device(i)->info().name);
  }

  std::error_code ec;
  std::filesystem::create_directories(cfg.models.dir, ec);
  s.store = std::make_unique<store::ModelStore>(cfg.models.dir, cfg.models.import_dir);
  s.models = std::make_unique<runtime::ModelManager>(cfg.models, *s.plugins);
  s.handler = std::make_unique<handlers::CommonHandler>(s.cfg, *s.store, *s.models);
  s.server = std::make_unique<server::HttpServer>(cfg.server, s.router, *s.handler);
  return app;
}

App::~App() {
  if (impl_ && impl_->server) impl_->server->stop(0);
}

Status App::start() {
  auto st = impl_->server->start();
  if (st) spdlog::info("llmhost listening on {}:{}", impl_->cfg.server.host, impl_->server->port());
  return st;
}

int App::port() const { return impl_->server->port(); }

void App::stop() {
  spdlog::info("shutting down: finishing in-flight requests (up to {}s)", impl_->cfg.server.shutdown_grace_s);
  impl_->server->stop(impl_->cfg.server.shutdown_grace_s);
}

} // namespace llmhost::app
