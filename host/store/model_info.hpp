// What /api/show reports about a GGUF: its metadata as JSON, Ollama-style details and the
// model's capabilities.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/gguf/gguf_file.hpp"
#include "llmhost/events.hpp"
#include "store/model_store.hpp"

namespace llmhost::store {

// Every metadata key with its value, as Ollama's model_info: arrays become null unless
// `verbose`; general.name and tokenizer.chat_template are left out (the template is reported
// on its own); general.parameter_count is added when the file lacks it.
nlohmann::json model_info_json(const gguf::File& file, bool verbose);

// Total weight elements (sum over tensors).
uint64_t parameter_count(const gguf::File& file);
// "260K", "6.7B", "8B", as Ollama formats parameter counts.
std::string format_parameter_count(uint64_t count);
// Ollama's name for general.file_type ("Q4_K_M", "F16", ...); empty for unknown ids.
std::string file_type_name(uint64_t file_type);

// format "gguf", family = general.architecture, parameter_size, quantization_level (from
// general.file_type, else the most common weight type among 2-D tensors).
ModelDetails details_from_gguf(const gguf::File& file);

// The /api/tags entry of a model: name:tag, RFC 3339 time, size, digest (as known: call
// ModelStore::sha256_of first to be sure), `details` with parent_model from the entry.
ModelSummary summarize(const ModelEntry& entry, ModelDetails details);

// /api/show's `parameters`: "key<padding>value" lines, stop strings quoted, one per line.
std::string parameters_text(const std::map<std::string, std::string>& parameters);

// "completion" or "embedding" (bert-like / pooling models), plus "tools" when the template
// handles tools, "insert" when it handles a suffix, "vision" with a vision encoder.
std::vector<std::string> capabilities(const gguf::File& file, std::string_view template_text);

} // namespace llmhost::store
