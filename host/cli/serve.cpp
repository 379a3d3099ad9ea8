// `llmhost serve` and `llmhost plugins`.
#include <csignal>
#include <iostream>

#include <spdlog/spdlog.h>

#include "app/app.hpp"
#include "cli/commands.hpp"
#include "cli/options.hpp"

namespace llmhost::cli {

int cmd_serve(const std::vector<std::string>& argv) {
  auto args = parse_args(argv);
  if (!args) {
    std::cerr << "llmhost serve: " << args.status().message << "\n";
    return 2;
  }
  auto cfg = load_config_or_report(args.value());
  if (!cfg) return 2;
  setup_logging(cfg->logging);

  // Signals are taken by sigwait below, on this thread only: block them before any thread starts.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  auto app = app::App::create(cfg.value());
  if (!app) {
    spdlog::error("{}", app.status().message);
    return 1;
  }
  if (auto st = app.value()->start(); !st) {
    spdlog::error("{}", st.message);
    return 1;
  }
  int sig = 0;
  sigwait(&signals, &sig);
  spdlog::info("received {}", sig == SIGINT ? "SIGINT" : "SIGTERM");
  app.value()->stop();
  app.value().reset();
  spdlog::info("stopped");
  return 0;
}

int cmd_plugins(const std::vector<std::string>& argv) {
  auto args = parse_args(argv);
  if (!args) {
    std::cerr << "llmhost plugins: " << args.status().message << "\n";
    return 2;
  }
  auto cfg = load_config_or_report(args.value());
  if (!cfg) return 2;
  spdlog::set_level(spdlog::level::warn);
  auto set = plugins::PluginSet::load(app::plugin_request(cfg.value()));
  int refused = 0;
  for (const auto& f : set->findings()) {
    const char* outcome = f.outcome == plugins::Finding::Outcome::loaded    ? "loaded"
                          : f.outcome == plugins::Finding::Outcome::skipped ? "skipped"
                                                                            : "refused";
    std::cout << outcome << "  " << (f.name.empty() ? "?" : f.name);
    if (!f.kind.empty()) std::cout << " (" << f.kind << (f.version.empty() ? "" : " " + f.version) << ")";
    std::cout << "  " << (f.path.empty() ? "-" : f.path.string()) << "\n";
    if (!f.reason.empty()) std::cout << "    reason: " << f.reason << "\n";
    if (f.outcome == plugins::Finding::Outcome::refused) ++refused;
    if (f.outcome != plugins::Finding::Outcome::loaded) continue;
    if (auto* b = set->backend(f.name)) {
      if (b->device_count() == 0) std::cout << "    no device: " << b->status_message() << "\n";
      for (size_t i = 0; i < b->device_count(); ++i) {
        const auto info = b->device(i)->info();
        std::cout << "    device " << i << ": " << info.name << " [" << device_type_name(info.type) << "]";
        if (info.memory_total) std::cout << " memory " << (info.memory_total >> 20) << " MiB";
        if (!info.features.empty()) {
          std::cout << " features:";
          for (const auto& feat : info.features) std::cout << " " << feat;
        }
        std::cout << "\n";
        if (!info.description.empty()) std::cout << "      " << info.description << "\n";
      }
    }
  }
  return refused == 0 ? 0 : 1;
}

} // namespace llmhost::cli
