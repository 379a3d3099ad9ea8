#include "plugins/plugin_loader.hpp"

#include <algorithm>
#include <cstring>

#define BOOST_DLL_USE_STD_FS
#include <boost/dll/runtime_symbol_info.hpp>
#include <boost/dll/shared_library.hpp>
#include <spdlog/spdlog.h>

namespace llmhost::plugins {
namespace {

class PluginServices final : public HostServices {
 public:
  PluginServices(std::string name, std::string options) : name_(std::move(name)), options_(std::move(options)) {}
  void log(LogLevel level, std::string_view message) override {
    const auto lvl = level == LogLevel::trace   ? spdlog::level::trace
                     : level == LogLevel::debug ? spdlog::level::debug
                     : level == LogLevel::info  ? spdlog::level::info
                     : level == LogLevel::warn  ? spdlog::level::warn
                                                : spdlog::level::err;
    spdlog::log(lvl, "[plugin {}] {}", name_, message);
  }
  std::string options_json() const override { return options_; }

 private:
  std::string name_;
  std::string options_;
};

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

bool looks_like_library(const std::filesystem::path& p) {
  const auto name = p.filename().string();
  return name.size() > 3 && (name.ends_with(".so") || name.find(".so.") != std::string::npos ||
                             name.ends_with(".dylib") || name.ends_with(".dll"));
}

// Files to try, in order, without duplicates.
std::vector<std::filesystem::path> candidate_files(const std::vector<std::filesystem::path>& paths,
                                                   std::vector<Finding>& findings) {
  std::vector<std::filesystem::path> files;
  auto add = [&](const std::filesystem::path& p) {
    std::error_code ec;
    auto canon = std::filesystem::weakly_canonical(p, ec);
    if (ec) canon = p;
    if (std::find(files.begin(), files.end(), canon) == files.end()) files.push_back(canon);
  };
  for (const auto& p : paths) {
    std::error_code ec;
    if (std::filesystem::is_directory(p, ec)) {
      std::vector<std::filesystem::path> in_dir;
      for (const auto& e : std::filesystem::directory_iterator(p, ec))
        if (e.is_regular_file(ec) && looks_like_library(e.path())) in_dir.push_back(e.path());
      std::sort(in_dir.begin(), in_dir.end());
      for (const auto& f : in_dir) add(f);
    } else if (std::filesystem::exists(p, ec)) {
      add(p);
    } else if (looks_like_library(p)) {
      findings.push_back({p, "", "", "", Finding::Outcome::refused, "file not found"});
    }
  }
  return files;
}

std::string check_descriptor(const llmhost_plugin_v1& d) {
  if (d.struct_size < sizeof(llmhost_plugin_v1))
    return "descriptor too small (" + std::to_string(d.struct_size) + " bytes): built against an older SDK";
  if (d.abi_major != LLMHOST_ABI_MAJOR)
    return "ABI version " + std::to_string(d.abi_major) + "." + std::to_string(d.abi_minor) +
           " does not match the host's " + std::to_string(LLMHOST_ABI_MAJOR) + "." + std::to_string(LLMHOST_ABI_MINOR);
  if (d.abi_minor > LLMHOST_ABI_MINOR)
    return "ABI minor version " + std::to_string(d.abi_minor) + " is newer than the host's " +
           std::to_string(LLMHOST_ABI_MINOR) + ": upgrade the host";
  if (d.toolchain == nullptr || std::strcmp(d.toolchain, LLMHOST_TOOLCHAIN) != 0)
    return std::string("built with toolchain '") + (d.toolchain ? d.toolchain : "?") + "', host uses '" +
           LLMHOST_TOOLCHAIN + "'";
  if (d.name == nullptr || d.name[0] == '\0') return "descriptor has no name";
  if (d.kind != static_cast<uint32_t>(PluginKind::format) && d.kind != static_cast<uint32_t>(PluginKind::backend))
    return "unknown plugin kind " + std::to_string(d.kind);
  if (d.create == nullptr || d.destroy == nullptr) return "descriptor lacks create/destroy";
  return {};
}

} // namespace

LoadedPlugin::LoadedPlugin(std::filesystem::path path, std::shared_ptr<boost::dll::shared_library> library,
                           const llmhost_plugin_v1& d, Plugin* object)
    : path_(std::move(path)),
      name_(d.name),
      kind_(static_cast<PluginKind>(d.kind)),
      version_(d.version ? d.version : ""),
      library_(std::move(library)),
      destroy_(d.destroy),
      object_(object) {}

LoadedPlugin::~LoadedPlugin() {
  if (object_) destroy_(object_); // before library_ releases the code
}

PluginSet::~PluginSet() {
  plugins_.clear(); // objects and libraries go before the services they were handed
}

std::unique_ptr<PluginSet> PluginSet::load(const LoadRequest& request) {
  auto set = std::unique_ptr<PluginSet>(new PluginSet());
  auto& findings = set->findings_;
  const auto files = candidate_files(request.search_paths, findings);

  struct Candidate {
    std::filesystem::path path;
    std::shared_ptr<boost::dll::shared_library> lib;
    const llmhost_plugin_v1* desc;
    int score;
    size_t finding;
  };
  std::map<std::string, Candidate> chosen; // by name: the best-scoring variant

  for (const auto& file : files) {
    Finding f{file, "", "", "", Finding::Outcome::refused, ""};
    auto lib = std::make_shared<boost::dll::shared_library>();
    try {
      lib->load(file, boost::dll::load_mode::rtld_lazy | boost::dll::load_mode::rtld_local);
    } catch (const std::exception& e) {
      f.reason = std::string("cannot be loaded as a shared library: ") + e.what();
      findings.push_back(std::move(f));
      continue;
    }
    if (!lib->has(LLMHOST_PLUGIN_SYMBOL)) {
      f.reason = "not an llmhost plugin (no " LLMHOST_PLUGIN_SYMBOL " symbol)";
      findings.push_back(std::move(f));
      continue;
    }
    const auto& desc = lib->get<llmhost_plugin_v1>(LLMHOST_PLUGIN_SYMBOL);
    if (auto why = check_descriptor(desc); !why.empty()) {
      if (desc.struct_size >= sizeof(uint32_t) * 2 + sizeof(const char*) && desc.name) f.name = desc.name;
      f.reason = why;
      findings.push_back(std::move(f));
      continue;
    }
    f.name = desc.name;
    f.kind = plugin_kind_name(static_cast<PluginKind>(desc.kind));
    f.version = desc.version ? desc.version : "";
    const bool as_format = contains(request.formats, f.name);
    const bool as_backend = contains(request.backends, f.name);
    if (!as_format && !as_backend) {
      f.outcome = Finding::Outcome::skipped;
      f.reason = "not enabled in the configuration";
      findings.push_back(std::move(f));
      continue;
    }
    const auto kind = static_cast<PluginKind>(desc.kind);
    if ((as_format && kind != PluginKind::format) || (as_backend && kind != PluginKind::backend)) {
      f.reason = std::string("wrong kind: it is a ") + f.kind + " plugin but the configuration lists it under " +
                 (as_format ? "plugins.formats" : "plugins.backends");
      findings.push_back(std::move(f));
      continue;
    }
    int score = 0;
    if (desc.score) {
      try {
        score = desc.score();
      } catch (...) {
        score = -1;
      }
    }
    if (score < 0) {
      f.reason = "reports it cannot run on this machine (score " + std::to_string(score) + ")";
      findings.push_back(std::move(f));
      continue;
    }
    findings.push_back(std::move(f));
    const size_t idx = findings.size() - 1;
    auto it = chosen.find(desc.name);
    if (it == chosen.end()) {
      chosen.emplace(desc.name, Candidate{file, lib, &desc, score, idx});
    } else if (score > it->second.score) {
      findings[it->second.finding].reason = "duplicate plugin name '" + findings[idx].name + "': a variant with a higher score was chosen (" +
                                            file.filename().string() + ")";
      it->second = Candidate{file, lib, &desc, score, idx};
    } else {
      findings[idx].reason = "duplicate plugin name '" + findings[idx].name + "' (already provided by " +
                             it->second.path.filename().string() + ")";
    }
  }

  // Create and initialise in configured order: formats, then backends.
  std::vector<std::string> order = request.formats;
  order.insert(order.end(), request.backends.begin(), request.backends.end());
  for (const auto& name : order) {
    auto it = chosen.find(name);
    if (it == chosen.end()) {
      bool seen = std::any_of(findings.begin(), findings.end(), [&](const Finding& f) { return f.name == name; });
      if (!seen)
        findings.push_back({"", name, "", "", Finding::Outcome::refused, "no plugin named '" + name + "' found on the search paths"});
      continue;
    }
    auto& cand = it->second;
    auto& f = findings[cand.finding];
    Plugin* obj = nullptr;
    try {
      obj = cand.desc->create();
    } catch (...) {
      obj = nullptr;
    }
    if (!obj) {
      f.reason = "failed to create its plugin object";
      continue;
    }
    auto loaded = std::make_unique<LoadedPlugin>(cand.path, cand.lib, *cand.desc, obj);
    if (loaded->kind() == PluginKind::format ? loaded->as_format() == nullptr : loaded->as_backend() == nullptr) {
      f.reason = std::string("declares kind ") + f.kind + " but its object does not implement the " + f.kind + " interface";
      continue;
    }
    auto opt = request.options.find(name);
    auto services = std::make_unique<PluginServices>(name, opt == request.options.end() ? "{}" : opt->second);
    Status st;
    try {
      st = obj->init(*services);
    } catch (const std::exception& e) {
      st = Status::error(ErrorCode::internal, std::string("threw while initialising: ") + e.what());
    } catch (...) {
      st = Status::error(ErrorCode::internal, "threw while initialising (unknown exception)");
    }
    if (!st) {
      f.reason = st.message.rfind("threw", 0) == 0 ? st.message : "initialisation failed: " + st.message;
      continue;
    }
    f.outcome = Finding::Outcome::loaded;
    f.reason.clear();
    set->services_.push_back(std::move(services));
    set->plugins_.push_back(std::move(loaded));
  }
  // Anything chosen but left without an outcome reason and not loaded was displaced above.
  for (auto& f : findings)
    if (f.outcome == Finding::Outcome::refused && f.reason.empty()) f.reason = "not loaded";
  return set;
}

FormatPlugin* PluginSet::format(const std::string& name) {
  for (auto& p : plugins_)
    if (p->name() == name) return p->as_format();
  return nullptr;
}

BackendPlugin* PluginSet::backend(const std::string& name) {
  for (auto& p : plugins_)
    if (p->name() == name) return p->as_backend();
  return nullptr;
}

std::vector<FormatPlugin*> PluginSet::formats() {
  std::vector<FormatPlugin*> out;
  for (auto& p : plugins_)
    if (auto* f = p->as_format()) out.push_back(f);
  return out;
}

std::vector<std::string> PluginSet::backend_names() const {
  std::vector<std::string> out;
  for (const auto& p : plugins_)
    if (p->kind() == PluginKind::backend) out.push_back(p->name());
  return out;
}

std::vector<std::filesystem::path> default_search_paths() {
  std::error_code ec;
  const auto exe_dir = boost::dll::program_location(ec).parent_path();
  if (ec) return {};
  return {exe_dir.parent_path() / "plugins", exe_dir.parent_path() / "lib" / "llmhost" / "plugins"};
}

} // namespace llmhost::plugins
