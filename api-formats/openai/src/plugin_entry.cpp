// The plugin module's one exported symbol: the descriptor that creates OpenAIFormat.
#include "openai_format.hpp"

LLMHOST_PLUGIN(llmhost::openai::OpenAIFormat, llmhost::PluginKind::format, "openai", "0.1.0")
