// Plugin identity, ABI version and the one exported entry point.
//
// A plugin library exports exactly one symbol, the constant-initialised descriptor
// `llmhost_plugin_v1`, defined by LLMHOST_PLUGIN(...). The host reads it with Boost.DLL and checks
// struct size, ABI major/minor, toolchain and kind before calling any plugin code.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "llmhost/status.hpp"

#define LLMHOST_ABI_MAJOR 1
#define LLMHOST_ABI_MINOR 0

// The C++ standard library and compiler family a plugin was built with: C++ objects cross the
// boundary, so both sides must agree.
#if defined(_LIBCPP_VERSION)
#define LLMHOST_TOOLCHAIN_STDLIB "libc++"
#elif defined(__GLIBCXX__)
#define LLMHOST_TOOLCHAIN_STDLIB "libstdc++"
#else
#define LLMHOST_TOOLCHAIN_STDLIB "unknown-stdlib"
#endif
#define LLMHOST_TOOLCHAIN LLMHOST_TOOLCHAIN_STDLIB "/c++20"

namespace llmhost {

enum class PluginKind : uint32_t { format = 1, backend = 2 };
const char* plugin_kind_name(PluginKind kind);

enum class LogLevel { trace, debug, info, warn, error };

// Logging and configuration the host hands a plugin at initialisation.
class HostServices {
 public:
  virtual ~HostServices() = default;
  virtual void log(LogLevel level, std::string_view message) = 0;
  // This plugin's options from the configuration (`plugins.options.<name>`), as JSON text
  // ("{}" when none).
  virtual std::string options_json() const = 0;
};

// Base of every plugin object. The host owns it; it is destroyed before its library unloads,
// and its destructor must join any thread it started.
class Plugin {
 public:
  virtual ~Plugin() = default;
  // Called once after creation. A non-ok status refuses the plugin with that message.
  virtual Status init(HostServices& host) = 0;
};

} // namespace llmhost

extern "C" {
// Read by the host before any plugin code runs. Append fields only (struct_size tells which).
struct llmhost_plugin_v1 {
  uint32_t struct_size;
  uint32_t kind;           // llmhost::PluginKind
  const char* name;        // unique among loaded plugins: "openai", "cpu", ...
  const char* version;     // the plugin's own version
  uint16_t abi_major;      // must equal the host's
  uint16_t abi_minor;      // must be <= the host's
  const char* toolchain;   // must equal the host's LLMHOST_TOOLCHAIN
  int (*score)();          // optional (may be null): higher wins among same-name variants; < 0 = unusable here
  llmhost::Plugin* (*create)();            // new plugin object, or null on failure
  void (*destroy)(llmhost::Plugin*);       // deletes an object create() returned
};
}

#if defined(_WIN32)
#define LLMHOST_EXPORT __declspec(dllexport)
#else
#define LLMHOST_EXPORT __attribute__((visibility("default")))
#endif

// The descriptor itself, for the create function the macros below define.
#define LLMHOST_PLUGIN_DESCRIPTOR(KIND, NAME, VERSION, SCORE_FN)                                  \
  namespace {                                                                                \
  void llmhost_plugin_destroy(llmhost::Plugin* p) { delete p; }                              \
  }                                                                                          \
  extern "C" LLMHOST_EXPORT const llmhost_plugin_v1 llmhost_plugin_v1_descriptor = {         \
      sizeof(llmhost_plugin_v1),                                                             \
      static_cast<uint32_t>(KIND),                                                           \
      NAME,                                                                                  \
      VERSION,                                                                               \
      LLMHOST_ABI_MAJOR,                                                                     \
      LLMHOST_ABI_MINOR,                                                                     \
      LLMHOST_TOOLCHAIN,                                                                     \
      SCORE_FN,                                                                              \
      &llmhost_plugin_create,                                                                \
      &llmhost_plugin_destroy};

// Defines the plugin's descriptor. CLASS must derive from llmhost::FormatPlugin or
// llmhost::BackendPlugin matching KIND, and be default-constructible.
//   LLMHOST_PLUGIN(MyFormat, llmhost::PluginKind::format, "myformat", "1.0.0")
#define LLMHOST_PLUGIN_WITH_SCORE(CLASS, KIND, NAME, VERSION, SCORE_FN)                       \
  namespace {                                                                                \
  llmhost::Plugin* llmhost_plugin_create() {                                                 \
    try {                                                                                    \
      return new CLASS();                                                                    \
    } catch (...) {                                                                          \
      return nullptr;                                                                        \
    }                                                                                        \
  }                                                                                          \
  }                                                                                          \
  LLMHOST_PLUGIN_DESCRIPTOR(KIND, NAME, VERSION, SCORE_FN)

#define LLMHOST_PLUGIN(CLASS, KIND, NAME, VERSION) LLMHOST_PLUGIN_WITH_SCORE(CLASS, KIND, NAME, VERSION, nullptr)

// The same for a plugin object made by FACTORY, a function taking no arguments and returning a
// std::unique_ptr to it (a backend whose implementation lives in a static library, say).
//   LLMHOST_PLUGIN_FROM_FACTORY(llmhost::cpu::create_backend, llmhost::PluginKind::backend, "cpu", "1.0.0")
#define LLMHOST_PLUGIN_FROM_FACTORY(FACTORY, KIND, NAME, VERSION)                                \
  namespace {                                                                                \
  llmhost::Plugin* llmhost_plugin_create() {                                                 \
    try {                                                                                    \
      return FACTORY().release();                                                            \
    } catch (...) {                                                                          \
      return nullptr;                                                                        \
    }                                                                                        \
  }                                                                                          \
  }                                                                                          \
  LLMHOST_PLUGIN_DESCRIPTOR(KIND, NAME, VERSION, nullptr)

// The symbol name the host looks up.
#define LLMHOST_PLUGIN_SYMBOL "llmhost_plugin_v1_descriptor"
