#include "llmhost/plugin.hpp"

namespace llmhost {

const char* plugin_kind_name(PluginKind kind) {
  switch (kind) {
    case PluginKind::format: return "format";
    case PluginKind::backend: return "backend";
  }
  return "unknown";
}

} // namespace llmhost

#include "llmhost/backend.hpp"

namespace llmhost {

const char* device_type_name(DeviceType t) {
  switch (t) {
    case DeviceType::cpu: return "cpu";
    case DeviceType::gpu_discrete: return "discrete-gpu";
    case DeviceType::gpu_integrated: return "integrated-gpu";
    case DeviceType::gpu_virtual: return "virtual-gpu";
    case DeviceType::other: return "other";
  }
  return "other";
}

} // namespace llmhost
