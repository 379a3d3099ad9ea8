// The real CPU backend for engine tests, and loading a GGUF model onto it.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "cpu/cpu_backend.hpp"
#include "engine/gguf/gguf_file.hpp"
#include "engine/model/model.hpp"

namespace llmhost::engine::testing {

class QuietHost : public HostServices {
 public:
  void log(LogLevel, std::string_view) override {}
  std::string options_json() const override { return "{}"; }
};

// One initialised CPU backend shared by a test binary (plugins own their devices).
inline Device& cpu_device() {
  static QuietHost host;
  static std::unique_ptr<BackendPlugin> backend = [] {
    auto b = cpu::create_backend();
    Status s = b->init(host);
    if (!s) throw std::runtime_error("CPU backend init failed: " + s.message);
    return b;
  }();
  return *backend->device(0);
}

inline std::shared_ptr<const Model> load_model(const std::filesystem::path& path) {
  auto file = gguf::File::open(path);
  if (!file) {
    ADD_FAILURE() << "opening " << path << ": " << file.status().message;
    return nullptr;
  }
  auto model = Model::load(file.value(), cpu_device());
  if (!model) {
    ADD_FAILURE() << "loading " << path << ": " << model.status().message;
    return nullptr;
  }
  return model.value();
}

} // namespace llmhost::engine::testing
