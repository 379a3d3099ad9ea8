// Finds plugin libraries on the search paths, checks their descriptor before running any of
// their code, and creates and initialises the plugins the configuration asks for. Every refusal
// names the file and the reason.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "llmhost/backend.hpp"
#include "llmhost/format.hpp"
#include "llmhost/plugin.hpp"

namespace boost::dll {
class shared_library;
}

namespace llmhost::plugins {

// A plugin object and the library its code lives in. Members are ordered so that the object is
// destroyed before the library unloads.
class LoadedPlugin {
 public:
  LoadedPlugin(std::filesystem::path path, std::shared_ptr<boost::dll::shared_library> library,
               const llmhost_plugin_v1& descriptor, Plugin* object);
  ~LoadedPlugin();
  LoadedPlugin(const LoadedPlugin&) = delete;
  LoadedPlugin& operator=(const LoadedPlugin&) = delete;

  const std::string& name() const { return name_; }
  PluginKind kind() const { return kind_; }
  const std::string& version() const { return version_; }
  const std::filesystem::path& path() const { return path_; }
  Plugin& object() { return *object_; }
  FormatPlugin* as_format() { return dynamic_cast<FormatPlugin*>(object_); }
  BackendPlugin* as_backend() { return dynamic_cast<BackendPlugin*>(object_); }

 private:
  std::filesystem::path path_;
  std::string name_;
  PluginKind kind_;
  std::string version_;
  std::shared_ptr<boost::dll::shared_library> library_;
  void (*destroy_)(Plugin*);
  Plugin* object_;
};

// What the loader found in one file, for `llmhost plugins` and the start-up log.
struct Finding {
  std::filesystem::path path;
  std::string name;    // empty when the descriptor could not be read
  std::string kind;    // "format", "backend" or empty
  std::string version;
  enum class Outcome { loaded, skipped, refused } outcome = Outcome::refused;
  std::string reason;  // why skipped or refused
};

struct LoadRequest {
  std::vector<std::filesystem::path> search_paths; // folders to scan, or plugin files
  std::vector<std::string> formats;                // names to load as format plugins
  std::vector<std::string> backends;               // names to load as backend plugins
  std::map<std::string, std::string> options;      // name -> options JSON text
};

class PluginSet {
 public:
  static std::unique_ptr<PluginSet> load(const LoadRequest& request);
  ~PluginSet();

  const std::vector<Finding>& findings() const { return findings_; }
  std::vector<std::unique_ptr<LoadedPlugin>>& plugins() { return plugins_; }
  FormatPlugin* format(const std::string& name);
  BackendPlugin* backend(const std::string& name);
  std::vector<FormatPlugin*> formats();
  // Names of loaded backends in the configured order.
  std::vector<std::string> backend_names() const;

 private:
  std::vector<Finding> findings_;
  std::vector<std::unique_ptr<LoadedPlugin>> plugins_;
  std::vector<std::unique_ptr<HostServices>> services_; // outlive the plugins that use them
};

// Folders searched before the configured ones: <exe dir>/../plugins (build tree) and
// <exe dir>/../lib/llmhost/plugins (installed).
std::vector<std::filesystem::path> default_search_paths();

} // namespace llmhost::plugins
