// Where a pull downloads from and the name it is stored under.
//
//   https://host/path/file.gguf            any http(s) URL
//   hf://org/repo/path/file.gguf           https://huggingface.co/org/repo/resolve/main/path/file.gguf
//   hf://org/repo@revision/file.gguf       ... /resolve/<revision>/file.gguf
#pragma once

#include <string>
#include <string_view>

#include "llmhost/status.hpp"
#include "store/model_name.hpp"

namespace llmhost::pull {

struct ResolvedSource {
  std::string url;       // http(s) URL to fetch
  store::ModelRef name;  // where it goes in the store
  std::string file_name; // last path segment of the URL (for messages)
};

// `model` is a store name, a URL or an hf:// reference; `url` (optional) is a URL or hf://
// reference. With both, `model` names the result; with a source only, the name is the file's
// stem in lower case, tag "latest". A bare name without a source is an invalid_request: there
// is no registry to look names up in.
Result<ResolvedSource> resolve_source(std::string_view model, std::string_view url);

// True for strings that look like a source (http://, https:// or hf://) rather than a name.
bool is_source_reference(std::string_view text);

// hf://org/repo[@rev]/path -> https://huggingface.co/org/repo/resolve/<rev|main>/path.
Result<std::string> expand_hf_reference(std::string_view reference);

// A store name derived from a file name: stem without ".gguf", lower case, characters outside
// [a-z0-9._-] replaced by '-', tag "latest".
Result<store::ModelRef> name_from_file(std::string_view file_name);

} // namespace llmhost::pull
