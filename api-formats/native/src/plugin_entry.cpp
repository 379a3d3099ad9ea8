// The plugin module's one exported symbol: the descriptor that creates NativeFormat.
#include "native_format.hpp"

LLMHOST_PLUGIN(llmhost::native::NativeFormat, llmhost::PluginKind::format, "native", "0.1.0")
