// Embedding and model-management requests: embed, embeddings, show, pull, copy, delete, create,
// blobs.
#include <cctype>

#include "native_fields.hpp"
#include "native_requests.hpp"

namespace llmhost::native {

EmbedRequest parse_embed_request(const json& body) {
  EmbedRequest r;
  r.model = read_model_name(body);
  const json* input = find_field(body, "input");
  if (input && input->is_string()) {
    r.inputs.push_back(input->get<std::string>());
  } else if (input && input->is_array()) {
    for (const auto& e : *input) {
      if (!e.is_string()) fail("input", "invalid input type: expected a string or an array of strings");
      r.inputs.push_back(e.get<std::string>());
    }
  } else if (input) {
    fail("input", "invalid input type: expected a string or an array of strings");
  }
  r.truncate = read_bool(body, "truncate").value_or(true);
  if (auto d = read_integer(body, "dimensions")) {
    if (*d < 1) fail("dimensions", "dimensions must be a positive integer");
    r.dimensions = static_cast<int>(*d);
  }
  r.options = read_options(body);
  r.keep_alive = read_keep_alive(body);
  return r;
}

EmbedRequest parse_legacy_embeddings_request(const json& body) {
  EmbedRequest r;
  r.model = read_model_name(body);
  r.inputs.push_back(read_string(body, "prompt").value_or(""));
  r.options = read_options(body);
  r.keep_alive = read_keep_alive(body);
  return r;
}

ShowModelRequest parse_show_request(const json& body) {
  ShowModelRequest r;
  r.model = read_model_name(body);
  r.verbose = read_bool(body, "verbose").value_or(false);
  return r;
}

PullModelRequest parse_pull_request(const json& body) {
  PullModelRequest r;
  r.model = read_model_name(body);
  r.insecure = read_bool(body, "insecure").value_or(false);
  r.stream = read_bool(body, "stream").value_or(true);
  // Extension: pull a GGUF straight from a URL, optionally pinned by its sha256.
  r.source_url = read_string(body, "url").value_or("");
  if (!r.source_url.empty() && r.source_url.rfind("http://", 0) != 0 && r.source_url.rfind("https://", 0) != 0)
    fail("url", "invalid url: only http:// and https:// URLs are supported");
  r.sha256 = read_string(body, "sha256").value_or("");
  if (r.sha256.rfind("sha256:", 0) == 0) r.sha256 = r.sha256.substr(7);
  if (!r.sha256.empty()) {
    bool hex = r.sha256.size() == 64;
    for (char& c : r.sha256) {
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      hex = hex && std::isxdigit(static_cast<unsigned char>(c));
    }
    if (!hex) fail("sha256", "invalid sha256: expected 64 hexadecimal digits");
  }
  return r;
}

CopyModelRequest parse_copy_request(const json& body) {
  CopyModelRequest r;
  r.source = read_string(body, "source").value_or("");
  r.destination = read_string(body, "destination").value_or("");
  if (r.source.empty() || r.destination.empty()) fail(r.source.empty() ? "source" : "destination", "source and destination are required");
  return r;
}

DeleteModelRequest parse_delete_request(const json& body) { return DeleteModelRequest{read_model_name(body)}; }

CreateModelRequest parse_create_request(const json& body) {
  CreateModelRequest r;
  r.model = read_model_name(body);
  r.from = read_string(body, "from").value_or("");
  if (const json* files = find_field(body, "files")) {
    if (!files->is_object()) fail("files", "invalid value for \"files\": expected an object of file name to digest");
    for (auto it = files->begin(); it != files->end(); ++it) {
      if (!it->is_string()) fail("files", "invalid value for \"files." + it.key() + "\": expected a digest string");
      r.files[it.key()] = parse_blob_digest(it->get<std::string>());
    }
  }
  r.template_text = read_string(body, "template").value_or("");
  r.system = read_string(body, "system").value_or("");
  if (const json* params = find_field(body, "parameters")) {
    if (!params->is_object()) fail("parameters", "invalid value for \"parameters\": expected an object");
    for (auto it = params->begin(); it != params->end(); ++it)
      r.parameters[it.key()] = it->is_string() ? it->get<std::string>() : it->dump();
  }
  r.stream = read_bool(body, "stream").value_or(true);
  if (!read_string(body, "quantize").value_or("").empty())
    fail("quantize", "quantize is not supported by this server; import an already quantized GGUF");
  if (r.from.empty() && r.files.empty()) fail("from", "neither 'from' or 'files' was specified");
  return r;
}

std::string parse_blob_digest(std::string_view digest) {
  std::string d(digest);
  if (d.rfind("sha256-", 0) == 0) d[6] = ':';
  bool ok = d.size() == 71 && d.rfind("sha256:", 0) == 0;
  for (size_t i = 7; ok && i < d.size(); ++i) ok = std::isxdigit(static_cast<unsigned char>(d[i])) != 0;
  if (!ok) fail("digest", "invalid digest format");
  return d;
}

} // namespace llmhost::native
