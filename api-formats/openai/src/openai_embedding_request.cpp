// POST /v1/embeddings -> EmbedRequest.
#include <string>

#include "openai_fields.hpp"
#include "openai_requests.hpp"

namespace llmhost::openai {

namespace {

constexpr size_t kMaxInputs = 2048; // the reference API's limit per request

void read_input(const json& body, EmbedRequest& r) {
  const json* input = find_field(body, "input");
  if (!input) fail("input", "Missing required parameter: 'input'.");
  if (input->is_string()) {
    if (input->get<std::string>().empty()) fail("input", "Invalid 'input': string must not be empty.");
    r.inputs.push_back(input->get<std::string>());
    return;
  }
  if (!input->is_array())
    fail("input", "Invalid type for 'input': expected a string or an array, but got " + json_kind(*input) + " instead.");
  if (input->empty()) fail("input", "Invalid 'input': empty array.");
  if (input->size() > kMaxInputs)
    fail("input", "Invalid 'input': array too long. Expected an array with maximum length 2048.");
  if (is_integer_array(*input)) {
    r.token_inputs.push_back(read_token_array(*input, "input"));
    return;
  }
  const bool strings = input->front().is_string();
  for (size_t i = 0; i < input->size(); ++i) {
    const json& e = (*input)[i];
    const std::string p = "input[" + std::to_string(i) + "]";
    if (strings) {
      if (!e.is_string()) fail("input", "Invalid type for '" + p + "': expected a string (all inputs must have one type).");
      if (e.get<std::string>().empty()) fail("input", "Invalid '" + p + "': string must not be empty.");
      r.inputs.push_back(e.get<std::string>());
    } else {
      if (!is_integer_array(e))
        fail("input", "Invalid type for '" + p + "': expected a string or a non-empty array of integers.");
      r.token_inputs.push_back(read_token_array(e, p));
    }
  }
}

} // namespace

EmbedRequest parse_embedding_request(const json& body) {
  EmbedRequest r;
  const auto model = read_string(body, "model");
  if (!model || model->empty()) fail("model", "you must provide a model parameter");
  r.model = *model;
  read_input(body, r);
  const auto encoding = read_string(body, "encoding_format").value_or("float");
  if (encoding != "float" && encoding != "base64")
    fail("encoding_format", "Invalid value: '" + encoding + "'. Supported values are: 'float' and 'base64'.");
  r.format_hints[kHintEncodingFormat] = encoding;
  if (auto d = read_integer(body, "dimensions", 1, 1 << 20)) r.dimensions = static_cast<int>(*d);
  read_string(body, "user");
  return r;
}

} // namespace llmhost::openai
