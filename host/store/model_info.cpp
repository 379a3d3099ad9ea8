#include "store/model_info.hpp"

#include <array>
#include <charconv>
#include <cstdlib>
#include <cmath>
#include <cstdio>
#include <map>

#include "llmhost/tensor_type.hpp"
#include "store/rfc3339.hpp"

namespace llmhost::store {

namespace {

nlohmann::json to_json(const gguf::Value& v, bool verbose) {
  using gguf::ValueType;
  switch (v.type) {
    case ValueType::boolean: return v.as_bool().value_or(false);
    case ValueType::string: return std::string(v.as_string().value_or(""));
    case ValueType::f32: {
      // Shortest text of the float (1e-05, not 9.99999974737875e-06), as Ollama prints float32.
      const float f = static_cast<float>(v.as_f64().value_or(0.0));
      if (!std::isfinite(f)) return nullptr;
      char buf[32];
      const auto res = std::to_chars(buf, buf + sizeof buf, f);
      return std::strtod(std::string(buf, res.ptr).c_str(), nullptr);
    }
    case ValueType::f64: {
      const double d = v.as_f64().value_or(0.0);
      return std::isfinite(d) ? nlohmann::json(d) : nlohmann::json(nullptr);
    }
    case ValueType::u8:
    case ValueType::u16:
    case ValueType::u32:
    case ValueType::u64: return v.as_u64().value_or(0);
    case ValueType::i8:
    case ValueType::i16:
    case ValueType::i32:
    case ValueType::i64: return v.as_i64().value_or(0);
    case ValueType::array: {
      if (!verbose) return nullptr; // as Ollama: arrays are not collected unless verbose
      nlohmann::json items = nlohmann::json::array();
      if (const gguf::Array* a = v.as_array())
        for (const auto& item : a->items) items.push_back(to_json(item, verbose));
      return items;
    }
  }
  return nullptr;
}

bool is_embedding_architecture(std::string_view arch) {
  return arch == "bert" || arch == "nomic-bert" || arch == "jina-bert-v2" || arch == "nomic-bert-moe" ||
         arch == "modern-bert" || arch == "neo-bert" || arch == "t5encoder";
}

} // namespace

uint64_t parameter_count(const gguf::File& file) {
  uint64_t total = 0;
  for (const auto& t : file.tensors()) total += static_cast<uint64_t>(std::max<int64_t>(t.desc.elements(), 0));
  return total;
}

nlohmann::json model_info_json(const gguf::File& file, bool verbose) {
  nlohmann::json info = nlohmann::json::object();
  for (const auto& [key, value] : file.metadata()) {
    if (key == "general.name" || key == "tokenizer.chat_template") continue;
    info[std::string(key)] = to_json(value, verbose);
  }
  if (!info.contains("general.parameter_count")) info["general.parameter_count"] = parameter_count(file);
  return info;
}

std::string format_parameter_count(uint64_t n) {
  char buf[32];
  auto scaled = [&](double value, const char* suffix, int decimals) {
    if (value == std::floor(value)) decimals = 0;
    std::snprintf(buf, sizeof buf, "%.*f%s", decimals, value, suffix);
    return std::string(buf);
  };
  if (n >= 1'000'000'000) return scaled(double(n) / 1e9, "B", 1);
  if (n >= 1'000'000) return scaled(double(n) / 1e6, "M", 2);
  if (n >= 1'000) {
    std::snprintf(buf, sizeof buf, "%.0fK", double(n) / 1e3);
    return buf;
  }
  return std::to_string(n);
}

std::string file_type_name(uint64_t file_type) {
  // llama.cpp's llama_ftype ids, named as Ollama reports them.
  static const std::map<uint64_t, const char*> names{
      {0, "F32"},      {1, "F16"},     {2, "Q4_0"},    {3, "Q4_1"},     {7, "Q8_0"},     {8, "Q5_0"},
      {9, "Q5_1"},     {10, "Q2_K"},   {11, "Q3_K_S"}, {12, "Q3_K_M"},  {13, "Q3_K_L"},  {14, "Q4_K_S"},
      {15, "Q4_K_M"},  {16, "Q5_K_S"}, {17, "Q5_K_M"}, {18, "Q6_K"},    {19, "IQ2_XXS"}, {20, "IQ2_XS"},
      {21, "Q2_K_S"},  {22, "IQ3_XS"}, {23, "IQ3_XXS"}, {24, "IQ1_S"},  {25, "IQ4_NL"},  {26, "IQ3_S"},
      {27, "IQ3_M"},   {28, "IQ2_S"},  {29, "IQ2_M"},  {30, "IQ4_XS"},  {31, "IQ1_M"},   {32, "BF16"},
      {36, "TQ1_0"},   {37, "TQ2_0"},
  };
  const auto it = names.find(file_type);
  return it == names.end() ? std::string{} : it->second;
}

ModelDetails details_from_gguf(const gguf::File& file) {
  ModelDetails d;
  d.format = "gguf";
  d.family = std::string(file.architecture());
  if (!d.family.empty()) d.families = {d.family};
  const auto declared = file.get_u64("general.parameter_count");
  d.parameter_size = format_parameter_count(declared ? *declared : parameter_count(file));
  if (auto ft = file.get_u64("general.file_type")) d.quantization_level = file_type_name(*ft);
  if (d.quantization_level.empty()) {
    // The weight type covering the most elements among matrices.
    std::map<uint32_t, uint64_t> elements_by_type;
    for (const auto& t : file.tensors())
      if (t.n_dims >= 2) elements_by_type[static_cast<uint32_t>(t.desc.type)] += uint64_t(t.desc.elements());
    uint64_t best = 0;
    for (const auto& [type, count] : elements_by_type)
      if (count > best) {
        best = count;
        d.quantization_level = std::string(type_name(static_cast<TensorType>(type)));
      }
  }
  return d;
}

ModelSummary summarize(const ModelEntry& entry, ModelDetails details) {
  ModelSummary s;
  s.name = entry.ref.full();
  s.modified_at = to_rfc3339(entry.modified);
  s.size = entry.size;
  s.digest = entry.sha256;
  details.parent_model = entry.parent;
  s.details = std::move(details);
  return s;
}

std::string parameters_text(const std::map<std::string, std::string>& parameters) {
  std::string out;
  for (const auto& [key, value] : parameters) {
    // "stop" may hold several strings, one per line: one line each, quoted as Ollama shows them.
    std::vector<std::string> values;
    if (key == "stop") {
      size_t start = 0;
      while (start <= value.size()) {
        const size_t nl = value.find('\n', start);
        std::string piece = value.substr(start, nl == std::string::npos ? std::string::npos : nl - start);
        if (!piece.empty()) values.push_back(nlohmann::json(piece).dump());
        if (nl == std::string::npos) break;
        start = nl + 1;
      }
    } else {
      values.push_back(value);
    }
    for (const auto& v : values) {
      std::string line = key;
      line.resize(std::max<size_t>(line.size() + 1, 31), ' ');
      out += line + v + "\n";
    }
  }
  if (!out.empty()) out.pop_back();
  return out;
}

std::vector<std::string> capabilities(const gguf::File& file, std::string_view template_text) {
  std::vector<std::string> caps;
  const std::string arch(file.architecture());
  const bool embedding = is_embedding_architecture(arch) || file.find(arch + ".pooling_type") != nullptr;
  caps.push_back(embedding ? "embedding" : "completion");
  if (!embedding) {
    if (template_text.find("tools") != std::string_view::npos) caps.push_back("tools");
    if (template_text.find("suffix") != std::string_view::npos) caps.push_back("insert");
  }
  if (file.find(arch + ".vision.block_count") != nullptr || file.find("clip.has_vision_encoder") != nullptr)
    caps.push_back("vision");
  return caps;
}

} // namespace llmhost::store
