#include "openai_logprobs.hpp"

namespace llmhost::openai {

namespace {

using json = nlohmann::ordered_json;

// Token bytes as integers; handlers that leave `bytes` empty mean "the text's bytes".
json bytes_of(const TokenLogprob& t) {
  json out = json::array();
  if (!t.bytes.empty()) {
    for (uint8_t b : t.bytes) out.push_back(b);
  } else {
    for (unsigned char c : t.text) out.push_back(c);
  }
  return out;
}

json entry(const TokenLogprob& t) {
  return {{"token", t.text}, {"logprob", t.logprob}, {"bytes", bytes_of(t)}};
}

} // namespace

json chat_logprob_entries(std::span<const TokenChoiceLogprobs> tokens) {
  json out = json::array();
  for (const auto& tok : tokens) {
    json e = entry(tok.chosen);
    json top = json::array();
    for (const auto& alt : tok.top) top.push_back(entry(alt));
    e["top_logprobs"] = std::move(top);
    out.push_back(std::move(e));
  }
  return out;
}

TextLogprobs::TextLogprobs()
    : value_({{"tokens", json::array()},
              {"token_logprobs", json::array()},
              {"top_logprobs", json::array()},
              {"text_offset", json::array()}}) {}

void TextLogprobs::append(std::span<const TokenChoiceLogprobs> tokens, size_t offset) {
  for (const auto& tok : tokens) {
    value_["tokens"].push_back(tok.chosen.text);
    value_["token_logprobs"].push_back(tok.chosen.logprob);
    json top = json::object();
    for (const auto& alt : tok.top) top[alt.text] = alt.logprob;
    value_["top_logprobs"].push_back(std::move(top));
    value_["text_offset"].push_back(offset);
    offset += tok.chosen.text.size();
  }
}

json TextLogprobs::of(std::span<const TokenChoiceLogprobs> tokens, size_t offset) {
  TextLogprobs lp;
  lp.append(tokens, offset);
  return lp.value_;
}

} // namespace llmhost::openai
