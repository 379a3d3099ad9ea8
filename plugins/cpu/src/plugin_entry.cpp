// The plugin module's one exported symbol: the descriptor for the "cpu" backend, whose
// implementation lives in the llmhost_cpu_backend static library.
#include "cpu/cpu_backend.hpp"
#include "llmhost/plugin.hpp"

LLMHOST_PLUGIN_FROM_FACTORY(llmhost::cpu::create_backend, llmhost::PluginKind::backend, "cpu", "0.1.0")
