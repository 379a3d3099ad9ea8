#include "store/manifest.hpp"

#include <fstream>
#include <iterator>
#include <random>
#include <system_error>

#include <yaml-cpp/yaml.h>

namespace llmhost::store {

namespace fs = std::filesystem;

namespace {

Status bad_manifest(const fs::path& file, const std::string& why) {
  return Status::error(ErrorCode::internal, "manifest " + file.filename().string() + ": " + why);
}

std::string optional_string(const YAML::Node& root, const char* key) {
  const YAML::Node n = root[key];
  return n && n.IsScalar() ? n.as<std::string>() : std::string{};
}

} // namespace

Result<Manifest> read_manifest(const fs::path& file) {
  try {
    // Read it ourselves: YAML::LoadFile's errors carry the full path.
    std::ifstream in(file, std::ios::binary);
    if (!in) return bad_manifest(file, "cannot read");
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const YAML::Node root = YAML::Load(text);
    if (!root.IsMap()) return bad_manifest(file, "not a YAML mapping");
    Manifest m;
    m.gguf = optional_string(root, "gguf");
    if (m.gguf.empty()) return bad_manifest(file, "missing 'gguf'");
    m.sha256 = optional_string(root, "sha256");
    if (root["size"]) m.size = root["size"].as<uint64_t>();
    m.modified = optional_string(root, "modified");
    m.template_text = optional_string(root, "template");
    m.system = optional_string(root, "system");
    m.parent = optional_string(root, "parent");
    if (const YAML::Node params = root["parameters"]; params) {
      if (!params.IsMap()) return bad_manifest(file, "'parameters' must be a mapping");
      for (const auto& kv : params) m.parameters[kv.first.as<std::string>()] = kv.second.as<std::string>();
    }
    return m;
  } catch (const YAML::Exception& e) {
    return bad_manifest(file, std::string("invalid YAML: ") + e.msg);
  }
}

Status write_manifest_file(const fs::path& file, const Manifest& m) {
  YAML::Emitter out;
  out << YAML::BeginMap;
  out << YAML::Key << "gguf" << YAML::Value << m.gguf;
  if (!m.sha256.empty()) out << YAML::Key << "sha256" << YAML::Value << m.sha256;
  out << YAML::Key << "size" << YAML::Value << m.size;
  out << YAML::Key << "modified" << YAML::Value << m.modified;
  if (!m.template_text.empty())
    out << YAML::Key << "template" << YAML::Value << YAML::DoubleQuoted << m.template_text;
  if (!m.system.empty()) out << YAML::Key << "system" << YAML::Value << YAML::DoubleQuoted << m.system;
  if (!m.parameters.empty()) {
    out << YAML::Key << "parameters" << YAML::Value << YAML::BeginMap;
    for (const auto& [k, v] : m.parameters) out << YAML::Key << k << YAML::Value << YAML::DoubleQuoted << v;
    out << YAML::EndMap;
  }
  if (!m.parent.empty()) out << YAML::Key << "parent" << YAML::Value << YAML::DoubleQuoted << m.parent;
  out << YAML::EndMap;
  if (!out.good()) return bad_manifest(file, std::string("cannot encode: ") + out.GetLastError());

  std::error_code ec;
  fs::create_directories(file.parent_path(), ec);
  if (ec) return bad_manifest(file, "cannot create its folder");
  const fs::path temp = file.parent_path() / (".tmp-" + file.filename().string() + "-" +
                                              std::to_string(std::random_device{}()));
  {
    std::ofstream f(temp, std::ios::binary | std::ios::trunc);
    f << out.c_str() << '\n';
    f.close();
    if (!f) {
      fs::remove(temp, ec);
      return bad_manifest(file, "write failed");
    }
  }
  fs::rename(temp, file, ec);
  if (ec) {
    fs::remove(temp, ec);
    return bad_manifest(file, "cannot move into place");
  }
  return Status::success();
}

} // namespace llmhost::store
