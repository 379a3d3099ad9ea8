// `llmhost bench`: prompt processing and generation speed, with llama-bench's flags and output
// (a markdown table, or one JSON object per test with -o json) so the two compare side by side.
#include <cmath>
#include <thread>
#include <iomanip>
#include <iostream>
#include <sstream>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "app/app.hpp"
#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "engine/model/bench.hpp"
#include "engine/model/model.hpp"
#include "store/model_info.hpp"
#include "store/model_store.hpp"

namespace llmhost::cli {
namespace {

std::string human_bytes(uint64_t b) {
  std::ostringstream os;
  os << std::fixed << std::setprecision(2);
  if (b >= (1ull << 30)) os << static_cast<double>(b) / (1ull << 30) << " GiB";
  else os << static_cast<double>(b) / (1ull << 20) << " MiB";
  return os.str();
}

std::string human_params(uint64_t n) {
  std::ostringstream os;
  os << std::fixed << std::setprecision(2);
  if (n >= 1000000000ull) os << static_cast<double>(n) / 1e9 << " B";
  else os << static_cast<double>(n) / 1e6 << " M";
  return os.str();
}

} // namespace

int cmd_bench(const std::vector<std::string>& argv) {
  auto args = parse_args(argv);
  if (!args || !(args->has("m") || args->has("model"))) {
    std::cerr << "usage: llmhost bench -m MODEL [-p 512] [-n 128] [-t THREADS] [-r 5] [-o md|json] [--backend cpu|vulkan]\n";
    return 2;
  }
  auto cfg = load_config_or_report(args.value());
  if (!cfg) return 2;
  spdlog::set_level(spdlog::level::warn);
  auto num = [&](const char* s, const char* l, int def) {
    auto v = args->get(s);
    if (!v) v = args->get(l);
    return v ? std::stoi(*v) : def;
  };
  engine::BenchOptions opt;
  opt.n_prompt = num("p", "n-prompt", 512);
  opt.n_gen = num("n", "n-gen", 128);
  opt.reps = num("r", "repetitions", 5);
  const int threads = num("t", "threads", 0);
  const std::string output = args->get("o").value_or(args->get("output").value_or("md"));
  const std::string model_name = args->get("m").value_or(args->get("model").value_or(""));
  const std::string backend_name = cfg->models.default_backend;

  if (threads > 0) cfg->plugins.options[backend_name] = nlohmann::json{{"threads", threads}}.dump();
  cfg->plugins.backends = {backend_name};
  auto set = plugins::PluginSet::load(app::plugin_request(cfg.value()));
  auto* backend = set->backend(backend_name);
  if (!backend || backend->device_count() == 0) {
    std::cerr << "llmhost bench: backend '" << backend_name << "' is not available";
    if (backend) std::cerr << ": " << backend->status_message();
    for (const auto& f : set->findings())
      if (f.name == backend_name && !f.reason.empty()) std::cerr << ": " << f.reason;
    std::cerr << "\n";
    return 1;
  }
  store::ModelStore store(cfg->models.dir, cfg->models.import_dir);
  auto entry = store.resolve_cli(model_name);
  if (!entry) {
    std::cerr << "llmhost bench: " << entry.status().message << "\n";
    return 1;
  }
  auto file = gguf::File::open(entry->gguf_path);
  if (!file) {
    std::cerr << "llmhost bench: " << file.status().message << "\n";
    return 1;
  }
  Device& device = *backend->device(0);
  auto model = engine::Model::load(file.value(), device, {});
  if (!model) {
    std::cerr << "llmhost bench: " << model.status().message << "\n";
    return 1;
  }
  auto result = engine::bench(*model.value(), opt);
  if (!result) {
    std::cerr << "llmhost bench: " << result.status().message << "\n";
    return 1;
  }
  const auto details = store::details_from_gguf(*file.value());
  uint64_t n_params = 0;
  for (const auto& t : file.value()->tensors()) n_params += static_cast<uint64_t>(t.desc.elements());
  const std::string model_desc = std::string(file.value()->architecture()) + " " + details.parameter_size + " " + details.quantization_level;
  const int shown_threads = threads > 0 ? threads : static_cast<int>(std::thread::hardware_concurrency());

  struct Row {
    std::string test;
    int n_prompt, n_gen;
    engine::BenchStat stat;
  };
  std::vector<Row> rows;
  if (opt.n_prompt > 0) rows.push_back({"pp" + std::to_string(opt.n_prompt), opt.n_prompt, 0, result->pp});
  if (opt.n_gen > 0) rows.push_back({"tg" + std::to_string(opt.n_gen), 0, opt.n_gen, result->tg});

  if (output == "json") {
    nlohmann::json all = nlohmann::json::array();
    for (const auto& r : rows)
      all.push_back({{"model_filename", entry->gguf_path.filename().string()}, {"model_type", model_desc},
                     {"model_size", file.value()->file_size()}, {"model_n_params", n_params}, {"backends", backend_name},
                     {"device", device.info().name}, {"n_threads", shown_threads}, {"n_prompt", r.n_prompt},
                     {"n_gen", r.n_gen}, {"avg_ts", r.stat.mean_tps}, {"stddev_ts", r.stat.stddev_tps},
                     {"samples_ts", r.stat.samples_tps}});
    std::cout << all.dump(2) << "\n";
    return 0;
  }
  std::cout << "| model | size | params | backend | threads | test | t/s |\n"
               "| ----- | ---: | -----: | ------- | ------: | ---: | --: |\n";
  for (const auto& r : rows)
    std::cout << "| " << model_desc << " | " << human_bytes(file.value()->file_size()) << " | " << human_params(n_params) << " | "
              << backend_name << " | " << shown_threads << " | " << r.test << " | " << std::fixed << std::setprecision(2)
              << r.stat.mean_tps << " ± " << r.stat.stddev_tps << " |\n";
  std::cout << "\ndevice: " << device.info().name << "\n";
  return 0;
}

} // namespace llmhost::cli
