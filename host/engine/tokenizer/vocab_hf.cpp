// Hugging Face tokenizer.json (+ tokenizer_config.json) -> Vocab, following what llama.cpp's
// convert_hf_to_gguf.py writes for byte-level BPE models: ids in order with "[PAD<i>]" holes,
// added tokens as CONTROL (special, or looking special) or USER_DEFINED, merges as "a b".
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "engine/tokenizer/vocab.hpp"

namespace llmhost::tok {
namespace {

using nlohmann::json;

Status bad(std::string msg) { return Status::error(ErrorCode::invalid_request, std::move(msg)); }

Result<json> read_json(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::error(ErrorCode::not_found, "cannot open " + path.filename().string());
  std::stringstream ss;
  ss << in.rdbuf();
  json j = json::parse(ss.str(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return bad(path.filename().string() + " is not valid JSON");
  return j;
}

// convert_hf_to_gguf.py's does_token_look_special.
bool looks_special(const std::string& t) {
  auto starts = [&](std::string_view p) { return t.rfind(p, 0) == 0; };
  auto ends = [&](std::string_view s) { return t.size() >= s.size() && t.compare(t.size() - s.size(), s.size(), s) == 0; };
  if (t == "<pad>" || t == "<mask>" || t == "<2mass>" || t == "[@BOS@]") return true;
  if (starts("<|") && ends("|>")) return true;
  if (starts("<\xEF\xBD\x9C") && ends("\xEF\xBD\x9C>")) return true; // <｜ ... ｜>
  return starts("<unused") && ends(">");
}

// The pre-tokenizer name llama.cpp's converter would pick, recognised by the Split regex.
Result<std::string> detect_pre(const json& tj) {
  const json pre = tj.value("pre_tokenizer", json());
  std::vector<json> steps;
  if (pre.is_object() && pre.value("type", "") == "Sequence" && pre.contains("pretokenizers") && pre["pretokenizers"].is_array())
    for (const auto& s : pre["pretokenizers"]) steps.push_back(s);
  else if (pre.is_object())
    steps.push_back(pre);
  std::string regex;
  bool byte_level_regex = false;
  for (const auto& s : steps) {
    if (!s.is_object()) continue;
    const std::string type = s.value("type", "");
    if (type == "Split" && s.contains("pattern") && s["pattern"].is_object() && s["pattern"].contains("Regex") &&
        s["pattern"]["Regex"].is_string())
      regex = s["pattern"]["Regex"].get<std::string>();
    if (type == "ByteLevel" && s.value("use_regex", true)) byte_level_regex = true;
  }
  static const std::pair<std::string_view, std::string_view> kKnown[] = {
      {R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)",
       "llama-bpe"},
      {R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)",
       "qwen2"},
      {R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?[\p{L}\p{M}]+|\p{N}| ?[^\s\p{L}\p{M}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)",
       "qwen35"},
  };
  if (!regex.empty()) {
    for (const auto& [pattern, name] : kKnown)
      if (regex == pattern) return std::string(name);
    return Status::error(ErrorCode::unsupported, "unrecognised pre-tokenizer regex in tokenizer.json: " + regex);
  }
  if (byte_level_regex) return std::string("gpt-2");
  return Status::error(ErrorCode::unsupported, "tokenizer.json has no recognisable byte-level pre-tokenizer");
}

// A config token entry: "text" or {"content": "text", ...}; empty when absent or null.
std::string config_token(const json& cfg, const char* key) {
  if (!cfg.is_object() || !cfg.contains(key)) return {};
  const json& v = cfg[key];
  if (v.is_string()) return v.get<std::string>();
  if (v.is_object() && v.contains("content") && v["content"].is_string()) return v["content"].get<std::string>();
  return {};
}

} // namespace

Result<Vocab> vocab_from_hf(const std::filesystem::path& tokenizer_json,
                            const std::filesystem::path& tokenizer_config_json) {
  auto tj = read_json(tokenizer_json);
  if (!tj) return tj.status();
  json cfg = json::object();
  if (!tokenizer_config_json.empty()) {
    auto c = read_json(tokenizer_config_json);
    if (!c) return c.status();
    cfg = std::move(*c);
  }
  const json& model = (*tj)["model"];
  if (!model.is_object() || model.value("type", "") != "BPE")
    return Status::error(ErrorCode::unsupported, "only byte-level BPE tokenizer.json files are supported");
  if (!model.contains("vocab") || !model["vocab"].is_object()) return bad("tokenizer.json has no model.vocab");

  Vocab v;
  v.model = "gpt2";
  auto pre = detect_pre(*tj);
  if (!pre) return pre.status();
  v.pre = *pre;
  if (Status s = apply_model_defaults(v); !s) return s;

  struct Added {
    bool special = false;
    bool lstrip = false;
    bool rstrip = false;
  };
  std::vector<std::pair<int64_t, std::string>> entries;
  std::unordered_map<int64_t, Added> added;
  for (const auto& [text, id] : model["vocab"].items()) {
    if (!id.is_number_integer() || id.get<int64_t>() < 0) return bad("tokenizer.json vocab id is not a non-negative integer");
    entries.emplace_back(id.get<int64_t>(), text);
  }
  if (tj->contains("added_tokens") && (*tj)["added_tokens"].is_array()) {
    for (const auto& a : (*tj)["added_tokens"]) {
      if (!a.is_object() || !a.contains("id") || !a["id"].is_number_integer() || !a.contains("content") || !a["content"].is_string())
        return bad("tokenizer.json added_tokens entry lacks id/content");
      const int64_t id = a["id"].get<int64_t>();
      if (id < 0) return bad("tokenizer.json added token id is negative");
      entries.emplace_back(id, a["content"].get<std::string>());
      added[id] = Added{a.value("special", false), a.value("lstrip", false), a.value("rstrip", false)};
    }
  }
  int64_t n = 0;
  for (const auto& e : entries) n = std::max(n, e.first + 1);
  if (n > (int64_t(1) << 24)) return bad("tokenizer.json vocabulary is implausibly large");
  v.tokens.assign(size_t(n), std::string());
  std::vector<bool> present(size_t(n), false);
  for (auto& [id, text] : entries) {
    v.tokens[size_t(id)] = text;
    present[size_t(id)] = true;
  }
  v.token_types.assign(size_t(n), int32_t(TokenType::normal));
  v.token_attrs.assign(size_t(n), kAttrNormal);
  for (int64_t id = 0; id < n; ++id) {
    if (!present[size_t(id)]) {
      v.tokens[size_t(id)] = "[PAD" + std::to_string(id) + "]";
      v.token_types[size_t(id)] = int32_t(TokenType::unused);
      v.token_attrs[size_t(id)] = kAttrUnused;
      continue;
    }
    auto it = added.find(id);
    if (it == added.end()) continue;
    std::string& text = v.tokens[size_t(id)];
    uint32_t attr;
    if (it->second.special || looks_special(text)) {
      v.token_types[size_t(id)] = int32_t(TokenType::control);
      attr = kAttrControl;
    } else {
      for (size_t p; (p = text.find("\xE2\x96\x81")) != std::string::npos;) text.replace(p, 3, " ");
      v.token_types[size_t(id)] = int32_t(TokenType::user_defined);
      attr = kAttrUserDefined;
    }
    if (it->second.lstrip) attr |= kAttrLstrip;
    if (it->second.rstrip) attr |= kAttrRstrip;
    v.token_attrs[size_t(id)] = attr;
  }

  if (model.contains("merges") && model["merges"].is_array()) {
    for (const auto& m : model["merges"]) {
      if (m.is_string()) v.merges.push_back(m.get<std::string>());
      else if (m.is_array() && m.size() == 2 && m[0].is_string() && m[1].is_string())
        v.merges.push_back(m[0].get<std::string>() + " " + m[1].get<std::string>());
      else return bad("tokenizer.json merge entry is neither \"a b\" nor [a, b]");
    }
  }

  auto id_of = [&](const std::string& text) -> int32_t {
    if (text.empty()) return kNoToken;
    for (size_t i = 0; i < v.tokens.size(); ++i)
      if (v.tokens[i] == text) return int32_t(i);
    return kNoToken;
  };
  if (int32_t id = id_of(config_token(cfg, "bos_token")); id != kNoToken) v.bos = id;
  else if (int32_t eot = id_of("<|endoftext|>"); eot != kNoToken) v.bos = eot; // Qwen's config.json choice
  if (int32_t id = id_of(config_token(cfg, "eos_token")); id != kNoToken) v.eos = id;
  else if (int32_t eot = id_of("<|endoftext|>"); eot != kNoToken) v.eos = eot;
  v.unk = id_of(config_token(cfg, "unk_token"));
  v.pad = id_of(config_token(cfg, "pad_token"));
  if (cfg.contains("add_bos_token") && cfg["add_bos_token"].is_boolean()) v.add_bos = cfg["add_bos_token"].get<bool>();
  if (cfg.contains("add_eos_token") && cfg["add_eos_token"].is_boolean()) v.add_eos = cfg["add_eos_token"].get<bool>();

  if (Status s = resolve(v); !s) return s;
  return v;
}

} // namespace llmhost::tok
