#include "cli/embedded.hpp"

#include "app/app.hpp"

namespace llmhost::cli {

Embedded::~Embedded() {
  handler.reset();
  models.reset(); // models before the backends they live on
  store.reset();
  plugins.reset();
}

Result<std::unique_ptr<Embedded>> start_embedded(const config::Config& cfg) {
  auto e = std::make_unique<Embedded>();
  e->cfg = cfg;
  e->plugins = plugins::PluginSet::load(app::plugin_request(cfg));
  if (e->plugins->backend_names().empty()) {
    std::string why;
    for (const auto& f : e->plugins->findings())
      if (f.outcome == plugins::Finding::Outcome::refused) why += "\n  " + f.name + ": " + f.reason;
    return Status::error(ErrorCode::internal, "no backend plugin could be loaded" + why);
  }
  std::error_code ec;
  std::filesystem::create_directories(cfg.models.dir, ec);
  e->store = std::make_unique<store::ModelStore>(cfg.models.dir, cfg.models.import_dir);
  e->models = std::make_unique<runtime::ModelManager>(cfg.models, *e->plugins);
  e->handler = std::make_unique<handlers::CommonHandler>(e->cfg, *e->store, *e->models, true);
  return e;
}

} // namespace llmhost::cli
