// Runs the Python jinja2 oracle (render_oracle.py) once over a batch of cases.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>

#include <nlohmann/json.hpp>

namespace llmhost::tmpl::jinja_oracle {

struct OracleResult {
  bool ok = false;
  std::string text, error;
};

inline bool have_python_jinja2() { return std::system("python3 -c 'import jinja2' >/dev/null 2>&1") == 0; }

inline std::string read_text(const std::filesystem::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

// `cases`: [{"template": path | "source": text, "variables": {...}}]. Empty result on failure.
inline std::vector<OracleResult> run_oracle(const nlohmann::ordered_json& cases, int64_t now_unix) {
  nlohmann::ordered_json spec;
  spec["now_unix"] = now_unix;
  spec["cases"] = cases;
  static int run = 0;
  auto dir = std::filesystem::temp_directory_path() /
             ("llmhost-template-oracle-" + std::to_string(getpid()) + "-" + std::to_string(run++));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "cases.json") << spec.dump();
  std::string cmd = "python3 '" + std::string(LLMHOST_TEMPLATE_ORACLE) + "' '" + (dir / "cases.json").string() +
                    "' '" + (dir / "results.json").string() + "'";
  std::vector<OracleResult> out;
  if (std::system(cmd.c_str()) == 0) {
    auto results = nlohmann::json::parse(read_text(dir / "results.json"));
    for (const auto& r : results)
      out.push_back({r["ok"].get<bool>(), r["text"].get<std::string>(), r["error"].get<std::string>()});
  }
  std::filesystem::remove_all(dir);
  return out;
}

} // namespace llmhost::tmpl::jinja_oracle
