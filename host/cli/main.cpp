// llmhost: serve models over HTTP, and the command-line tools around it.
#include <iostream>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "store/model_store.hpp"
#include "engine/tokenizer/tokenize_cli.hpp"

#ifndef LLMHOST_VERSION
#define LLMHOST_VERSION "0.0.0"
#endif

namespace {

// tokenize/detokenize take a GGUF path; a model name is looked up in the configured store.
std::vector<std::string> with_model_path(std::vector<std::string> args) {
  for (size_t i = 0; i + 1 < args.size(); ++i) {
    if (args[i] != "--model" && args[i] != "-m") continue;
    std::error_code ec;
    if (std::filesystem::is_regular_file(args[i + 1], ec)) break;
    auto cfg = llmhost::cli::load_config(llmhost::cli::Args{});
    if (!cfg) break;
    llmhost::store::ModelStore store(cfg->models.dir, cfg->models.import_dir);
    if (auto entry = store.resolve(args[i + 1])) args[i + 1] = entry->gguf_path.string();
    break;
  }
  return args;
}

void usage(std::ostream& out) {
  out << "usage: llmhost <command> [options]\n\n"
         "commands:\n"
         "  serve [--config FILE] [--host ADDR:PORT] [--models DIR] [--backend cpu|vulkan] [--api-key KEY]\n"
         "                            start the HTTP server (default 127.0.0.1:11434)\n"
         "  run MODEL [PROMPT]        one-shot generation, or an interactive chat without PROMPT\n"
         "  pull URL|hf://org/repo/file.gguf [--name NAME]   download a GGUF into the model store\n"
         "  bench -m MODEL [-p 512] [-n 128] [-t THREADS] [-r 5] [-o md|json]   llama-bench style speed test\n"
         "  plugins [--config FILE]   list plugin files found, what was loaded, and why any was refused\n"
         "  tokenize --model MODEL|GGUF [--no-bos] [--no-parse-special] [-f FILE | --stdin | TEXT]\n"
         "  detokenize --model MODEL|GGUF \"[ids]\"\n"
         "  version                   print the version\n\n"
         "Environment: LLMHOST_CONFIG, LLMHOST_HOST, LLMHOST_MODELS, LLMHOST_BACKEND, LLMHOST_KEEP_ALIVE,\n"
         "LLMHOST_API_KEY, LLMHOST_NUM_PARALLEL, LLMHOST_MAX_LOADED_MODELS, LLMHOST_CONTEXT_LENGTH,\n"
         "LLMHOST_ORIGINS, LLMHOST_PLUGIN_PATH, LLMHOST_LOG_LEVEL (see docs/configuration.md).\n";
}

} // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) {
    usage(std::cerr);
    return 2;
  }
  const std::string cmd = args.front();
  args.erase(args.begin());
  using namespace llmhost::cli;
  if (cmd == "serve") return cmd_serve(args);
  if (cmd == "plugins") return cmd_plugins(args);
  if (cmd == "run") return cmd_run(args);
  if (cmd == "bench") return cmd_bench(args);
  if (cmd == "pull") return cmd_pull(args);
  if (cmd == "tokenize") return llmhost::tok::run_tokenize_command(with_model_path(args), std::cout, std::cerr);
  if (cmd == "detokenize") return llmhost::tok::run_detokenize_command(with_model_path(args), std::cout, std::cerr);
  if (cmd == "version" || cmd == "--version" || cmd == "-v") {
    std::cout << "llmhost version " << LLMHOST_VERSION << "\n";
    return 0;
  }
  if (cmd == "help" || cmd == "--help" || cmd == "-h") {
    usage(std::cout);
    return 0;
  }
  std::cerr << "llmhost: unknown command '" << cmd << "'\n\n";
  usage(std::cerr);
  return 2;
}
