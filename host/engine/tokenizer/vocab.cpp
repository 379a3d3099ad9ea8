#include "engine/tokenizer/vocab.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <string_view>

#include "engine/tokenizer/pretokenize.hpp"

namespace llmhost::tok {
namespace {

bool one_of(std::string_view s, std::initializer_list<std::string_view> list) {
  return std::find(list.begin(), list.end(), s) != list.end();
}

uint32_t attr_from_type(int32_t type) {
  switch (TokenType(type)) {
    case TokenType::unknown: return kAttrUnknown;
    case TokenType::unused: return kAttrUnused;
    case TokenType::normal: return kAttrNormal;
    case TokenType::control: return kAttrControl;
    case TokenType::user_defined: return kAttrUserDefined;
    case TokenType::byte: return kAttrByte;
    default: return kAttrUndefined;
  }
}

// Token texts llama.cpp recognises as special roles when metadata does not name them.
constexpr std::array<std::string_view, 10> kEotTexts = {
    "<|eot_id|>", "<|im_end|>", "<|end|>", "<end_of_turn>", "<|endoftext|>",
    "<|end_of_text|>", "<EOT>", "_<EOT>", "<\xEF\xBD\x9C" "end\xE2\x96\x81of\xE2\x96\x81sentence\xEF\xBD\x9C>",
    "<end_of_utterance>"};
constexpr std::array<std::string_view, 12> kEogTexts = {
    "<|eot_id|>", "<|im_end|>", "<|end|>", "<|return|>", "<|call|>", "<end_of_turn>",
    "<|endoftext|>", "<|eom_id|>", "<EOT>", "_<EOT>", "<|end_of_text|>", "<end_of_utterance>"};

struct FimRole {
  int32_t Vocab::*id;
  std::initializer_list<std::string_view> texts;
};

} // namespace

Status apply_model_defaults(Vocab& v) {
  v.eot = v.eom = v.sep = v.pad = v.mask = kNoToken;
  v.add_eos = false;
  v.add_sep = false;
  v.ignore_merges = false;
  if (v.model == "llama") {
    v.bos = 1;
    v.eos = 2;
    v.unk = 0;
    v.add_bos = true;
    v.add_space_prefix = true;
    v.clean_spaces = false;
    v.pre = "default";
    return Status::success();
  }
  if (v.model == "bert") {
    v.bos = 101;
    v.eos = kNoToken;
    v.unk = 100;
    v.sep = 102;
    v.pad = 0;
    v.mask = 103;
    v.add_bos = true;
    v.add_sep = true;
    v.add_space_prefix = false;
    v.clean_spaces = true;
    return Status::success();
  }
  if (v.model == "gpt2") {
    v.bos = 11;
    v.eos = 11;
    v.unk = kNoToken;
    v.add_bos = false;
    v.add_space_prefix = false;
    v.clean_spaces = true;
    auto kind = pre_kind_from_name(v.pre);
    if (!kind) return kind.status();
    const std::string_view pre = v.pre;
    if (*kind == PreKind::llama3 && !one_of(pre, {"dbrx", "smaug-bpe"})) {
      v.ignore_merges = true;
      v.add_bos = true;
    }
    if (one_of(pre, {"deepseek-llm", "deepseek-coder", "command-r", "qwen2", "qwen35",
                     "deepseek-r1-qwen", "megrez", "smollm", "poro-chat", "viking"})) {
      v.clean_spaces = false;
    }
    return Status::success();
  }
  return Status::error(ErrorCode::unsupported,
                       "unsupported tokenizer model '" + v.model + "' (supported: llama, gpt2, bert)");
}

Status resolve(Vocab& v) {
  const size_t n = v.tokens.size();
  if (n == 0) return Status::error(ErrorCode::invalid_request, "vocabulary has no tokens");
  if (n > size_t(INT32_MAX)) return Status::error(ErrorCode::invalid_request, "vocabulary too large");
  if (!v.scores.empty() && v.scores.size() != n)
    return Status::error(ErrorCode::invalid_request, "tokenizer.ggml.scores length differs from tokens");
  if (!v.token_types.empty() && v.token_types.size() != n)
    return Status::error(ErrorCode::invalid_request, "tokenizer.ggml.token_type length differs from tokens");

  if (v.token_attrs.size() != n) {
    v.token_attrs.assign(n, kAttrNormal);
    for (size_t i = 0; i < v.token_types.size(); ++i) v.token_attrs[i] = attr_from_type(v.token_types[i]);
  }

  auto in_range = [n](int32_t& id) {
    if (id < 0 || size_t(id) >= n) id = kNoToken;
  };
  for (int32_t* id : {&v.bos, &v.eos, &v.eot, &v.eom, &v.unk, &v.pad, &v.sep, &v.mask, &v.fim_pre,
                      &v.fim_suf, &v.fim_mid, &v.fim_pad, &v.fim_rep, &v.fim_sep})
    in_range(*id);

  auto mark_control = [&](int32_t id) {
    v.token_attrs[id] = (v.token_attrs[id] & ~(kAttrNormal | kAttrUserDefined)) | kAttrControl;
  };

  // Roles found by token text, as llama.cpp does when the metadata does not name them.
  const FimRole fim_roles[] = {
      {&Vocab::fim_pre, {"<|fim_prefix|>", "<fim-prefix>", "<fim_prefix>",
                         "<\xEF\xBD\x9C" "fim\xE2\x96\x81" "begin\xEF\xBD\x9C>", "<PRE>", "\xE2\x96\x81<PRE>",
                         "<|code_prefix|>"}},
      {&Vocab::fim_suf, {"<|fim_suffix|>", "<fim-suffix>", "<fim_suffix>",
                         "<\xEF\xBD\x9C" "fim\xE2\x96\x81" "hole\xEF\xBD\x9C>", "<SUF>", "\xE2\x96\x81<SUF>",
                         "<|code_suffix|>"}},
      {&Vocab::fim_mid, {"<|fim_middle|>", "<fim-middle>", "<fim_middle>",
                         "<\xEF\xBD\x9C" "fim\xE2\x96\x81" "end\xEF\xBD\x9C>", "<MID>", "\xE2\x96\x81<MID>",
                         "<|code_middle|>"}},
      {&Vocab::fim_pad, {"<|fim_pad|>", "<fim-pad>", "<fim_pad>"}},
      {&Vocab::fim_rep, {"<|fim_repo|>", "<|repo_name|>", "<fim-repo>", "<REPO>", "<reponame>"}},
      {&Vocab::fim_sep, {"<|file_sep|>"}},
  };
  for (int32_t id = 0; id < int32_t(n); ++id) {
    const std::string_view text = v.tokens[id];
    if (v.eot == kNoToken && std::find(kEotTexts.begin(), kEotTexts.end(), text) != kEotTexts.end()) {
      v.eot = id;
      mark_control(id);
    }
    if (v.eom == kNoToken && text == "<|eom_id|>") {
      v.eom = id;
      mark_control(id);
    }
    for (const auto& role : fim_roles) {
      if (v.*role.id == kNoToken && one_of(text, role.texts)) {
        v.*role.id = id;
        mark_control(id);
      }
    }
  }

  v.eog_ids.clear();
  for (int32_t id : {v.fim_pad, v.fim_rep, v.fim_sep, v.eos, v.eot, v.eom})
    if (id != kNoToken) v.eog_ids.push_back(id);
  for (int32_t id = 0; id < int32_t(n); ++id) {
    if (std::find(kEogTexts.begin(), kEogTexts.end(), std::string_view(v.tokens[id])) != kEogTexts.end()) {
      v.eog_ids.push_back(id);
      mark_control(id);
    }
  }
  std::sort(v.eog_ids.begin(), v.eog_ids.end());
  v.eog_ids.erase(std::unique(v.eog_ids.begin(), v.eog_ids.end()), v.eog_ids.end());

  // Per-model attributes llama.cpp sets by name: Phi-3 strips whitespace after special tokens.
  std::string lname = v.name;
  for (char& c : lname) c = char(std::tolower(uint8_t(c)));
  if (lname.find("phi-3") != std::string::npos || lname.find("phi3") != std::string::npos) {
    for (size_t id = 0; id < n; ++id) {
      if (v.token_attrs[id] & (kAttrControl | kAttrUserDefined | kAttrUnknown)) v.token_attrs[id] |= kAttrRstrip;
      if (v.tokens[id] == "</s>") v.token_attrs[id] |= kAttrRstrip;
      if (one_of(v.tokens[id], {"<unk>", "<s>", "<|endoftext|>"})) v.token_attrs[id] &= ~kAttrRstrip;
    }
  }
  return Status::success();
}

} // namespace llmhost::tok
