// Sampling fields common to /v1/chat/completions and /v1/completions.
#include <cstdint>
#include <string>

#include "openai_fields.hpp"
#include "openai_requests.hpp"

namespace llmhost::openai {

namespace {

constexpr size_t kMaxStopSequences = 4;

std::vector<std::string> read_stop(const json& body) {
  const json* stop = find_field(body, "stop");
  if (!stop) return {};
  if (stop->is_string()) return {stop->get<std::string>()};
  if (!stop->is_array())
    fail("stop", "Invalid type for 'stop': expected a string or an array of strings, but got " +
                     json_kind(*stop) + " instead.");
  if (stop->size() > kMaxStopSequences)
    fail("stop", "Invalid 'stop': array too long. Expected an array with maximum length 4, but got "
                 "an array with length " + std::to_string(stop->size()) + " instead.");
  std::vector<std::string> out;
  for (size_t i = 0; i < stop->size(); ++i) {
    const json& s = (*stop)[i];
    if (!s.is_string())
      fail("stop", "Invalid type for 'stop[" + std::to_string(i) + "]': expected a string, but got " +
                       json_kind(s) + " instead.");
    out.push_back(s.get<std::string>());
  }
  return out;
}

std::map<int32_t, float> read_logit_bias(const json& body) {
  const json* bias = find_field(body, "logit_bias");
  if (!bias) return {};
  if (!bias->is_object())
    fail("logit_bias", "Invalid type for 'logit_bias': expected an object, but got " + json_kind(*bias) +
                           " instead.");
  std::map<int32_t, float> out;
  for (auto it = bias->begin(); it != bias->end(); ++it) {
    const std::string& key = it.key();
    size_t used = 0;
    long long id = -1;
    try {
      id = std::stoll(key, &used);
    } catch (...) {
      used = 0;
    }
    if (used != key.size() || key.empty() || id < 0 || id > INT32_MAX)
      fail("logit_bias", "Invalid key in 'logit_bias': '" + key + "' is not a valid token id.");
    const auto value = read_number(*bias, key, -100.0, 100.0, "logit_bias." + key);
    if (value) out[static_cast<int32_t>(id)] = static_cast<float>(*value);
  }
  return out;
}

} // namespace

void read_sampling_fields(const json& body, Options& o, int& n, bool& stream,
                          std::map<std::string, std::string>& hints) {
  if (auto v = read_number(body, "temperature", 0.0, 2.0)) o.temperature = static_cast<float>(*v);
  if (auto v = read_number(body, "top_p", 0.0, 1.0)) o.top_p = static_cast<float>(*v);
  if (auto v = read_number(body, "presence_penalty", -2.0, 2.0)) o.presence_penalty = static_cast<float>(*v);
  if (auto v = read_number(body, "frequency_penalty", -2.0, 2.0)) o.frequency_penalty = static_cast<float>(*v);
  // Extensions llama.cpp's and vLLM's OpenAI servers accept too.
  if (auto v = read_integer(body, "top_k", 0, 1 << 20)) o.top_k = static_cast<int>(*v);
  if (auto v = read_number(body, "min_p", 0.0, 1.0)) o.min_p = static_cast<float>(*v);
  if (auto v = read_number(body, "repeat_penalty", 0.0, 10.0)) o.repeat_penalty = static_cast<float>(*v);
  // Seeds are 64-bit; negative ones keep their bit pattern so each still names one sequence.
  if (auto v = read_integer(body, "seed", INT64_MIN, INT64_MAX)) o.seed = static_cast<uint64_t>(*v);
  o.stop = read_stop(body);
  o.logit_bias = read_logit_bias(body);
  if (auto v = read_integer(body, "n", 1, 128)) n = static_cast<int>(*v);
  stream = read_bool(body, "stream").value_or(false);
  if (const json* so = find_field(body, "stream_options")) {
    if (!stream)
      fail("stream_options", "The 'stream_options' parameter is only allowed when 'stream' is enabled.");
    if (!so->is_object())
      fail("stream_options", "Invalid type for 'stream_options': expected an object, but got " +
                                 json_kind(*so) + " instead.");
    if (read_bool(*so, "include_usage", "stream_options.include_usage").value_or(false))
      hints[kHintIncludeUsage] = "true";
  }
  read_string(body, "user"); // accepted for compatibility, type-checked, otherwise unused
}

} // namespace llmhost::openai
