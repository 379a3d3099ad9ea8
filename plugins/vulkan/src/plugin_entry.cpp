// The plugin module's one exported symbol: the descriptor for the "vulkan" backend, whose
// implementation lives in the llmhost_vulkan_backend static library.
#include "llmhost/plugin.hpp"
#include "vulkan_backend/vulkan_backend.hpp"

LLMHOST_PLUGIN_FROM_FACTORY(llmhost::vk::create_backend, llmhost::PluginKind::backend, "vulkan", "0.1.0")
