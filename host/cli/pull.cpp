// `llmhost pull URL|hf://org/repo/file.gguf [--name NAME] [--sha256 HEX] [--config FILE]`:
// downloads a GGUF straight into the configured model store (no running host needed), with a
// progress bar on a terminal and plain progress lines otherwise.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <iostream>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "pull/downloader.hpp"
#include "pull/source.hpp"

namespace llmhost::cli {
namespace {

using Clock = std::chrono::steady_clock;

std::string human_bytes(double bytes) {
  static const char* units[] = {"B", "KB", "MB", "GB", "TB"};
  int unit = 0;
  while (bytes >= 1000.0 && unit < 4) {
    bytes /= 1000.0;
    ++unit;
  }
  char text[32];
  std::snprintf(text, sizeof text, unit == 0 ? "%.0f %s" : "%.1f %s", bytes, units[unit]);
  return text;
}

std::string clock_text(double seconds) {
  const long s = static_cast<long>(seconds + 0.5);
  char text[32];
  if (s >= 3600) std::snprintf(text, sizeof text, "%ld:%02ld:%02ld", s / 3600, (s / 60) % 60, s % 60);
  else std::snprintf(text, sizeof text, "%ld:%02ld", s / 60, s % 60);
  return text;
}

// Draws pull progress: a bar redrawn in place on a terminal, a line per 10% otherwise.
class ProgressPrinter {
 public:
  explicit ProgressPrinter(bool terminal) : terminal_(terminal) {}

  bool operator()(const ProgressEvent& e) {
    if (e.status == "downloading") {
      downloading(e);
      return true;
    }
    end_bar();
    if (e.status != "success") std::cout << e.status << "\n" << std::flush;
    return true;
  }

  void end_bar() {
    if (bar_open_) std::cout << "\n" << std::flush;
    bar_open_ = false;
  }

 private:
  void downloading(const ProgressEvent& e) {
    const auto now = Clock::now();
    if (!started_) {
      started_ = true;
      start_ = now;
      start_bytes_ = e.completed;
      if (!terminal_) std::cout << "downloading " << (e.total ? human_bytes(double(e.total)) : "(size unknown)") << "\n";
    }
    const double elapsed = std::chrono::duration<double>(now - start_).count();
    const double rate = elapsed > 0.05 ? double(e.completed - start_bytes_) / elapsed : 0.0;
    const int percent = e.total ? static_cast<int>(100.0 * double(e.completed) / double(e.total)) : -1;
    if (terminal_) return draw_bar(e, percent, rate);
    // Plain lines: every 10%, so logs stay short.
    if (percent >= 0 && percent / 10 > last_decile_) {
      last_decile_ = percent / 10;
      std::cout << "downloading " << percent << "% (" << human_bytes(double(e.completed)) << " / "
                << human_bytes(double(e.total)) << ")\n" << std::flush;
    }
  }

  void draw_bar(const ProgressEvent& e, int percent, double rate) {
    constexpr int kWidth = 30;
    std::string line = "\rdownloading ";
    if (percent >= 0) {
      const int filled = percent * kWidth / 100;
      line += "[" + std::string(filled, '#') + std::string(kWidth - filled, ' ') + "] ";
      line += std::to_string(percent) + "% ";
      line += human_bytes(double(e.completed)) + " / " + human_bytes(double(e.total));
    } else {
      line += human_bytes(double(e.completed));
    }
    if (rate > 0) {
      line += "  " + human_bytes(rate) + "/s";
      if (e.total > e.completed) line += "  ETA " + clock_text(double(e.total - e.completed) / rate);
    }
    line += "    "; // wipes what a longer previous line left
    std::cout << line << std::flush;
    bar_open_ = true;
  }

  bool terminal_;
  bool started_ = false;
  bool bar_open_ = false;
  int last_decile_ = 0;
  Clock::time_point start_{};
  uint64_t start_bytes_ = 0;
};

void usage() {
  std::cerr << "usage: llmhost pull URL|hf://org/repo[@revision]/file.gguf [--name NAME] [--sha256 HEX] [--config FILE]\n"
               "  downloads a GGUF file into the model store (models.dir); interrupted downloads resume\n";
}

} // namespace

int cmd_pull(const std::vector<std::string>& argv) {
  auto args = parse_args(argv, {"help", "h"});
  if (!args) {
    std::cerr << "llmhost pull: " << args.status().message << "\n";
    usage();
    return 2;
  }
  if (args->has("help") || args->has("h")) {
    usage();
    return 0;
  }
  if (args->positional.size() != 1) {
    usage();
    return 2;
  }
  auto cfg = load_config_or_report(args.value());
  if (!cfg) return 2;
  config::LoggingConfig quiet = cfg->logging;
  quiet.level = "warn";
  setup_logging(quiet);

  PullModelRequest request;
  request.model = args->get("name").value_or("");
  request.source_url = args->positional.front();
  if (!pull::is_source_reference(request.source_url) && request.model.empty()) {
    request.model = request.source_url; // a bare name: resolve_source explains what is needed
    request.source_url.clear();
  }
  request.sha256 = args->get("sha256").value_or("");

  pull::FetchOptions options;
  options.allow_private = cfg->models.pull_allow_private; // the same policy as the server's
  store::ModelStore store(cfg->models.dir, cfg->models.import_dir);
  ProgressPrinter printer(isatty(STDOUT_FILENO) != 0);
  auto pulled = pull::pull_model(store, request, options, std::ref(printer));
  printer.end_bar();
  if (!pulled) {
    std::cerr << "llmhost pull: " << pulled.status().message << "\n";
    return 1;
  }
  std::cout << "success: " << pulled->ref.full() << " (" << human_bytes(double(pulled->size)) << ", sha256 "
            << pulled->sha256 << ")\n";
  return 0;
}

} // namespace llmhost::cli
