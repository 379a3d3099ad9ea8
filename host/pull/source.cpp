#include "pull/source.hpp"

#include <algorithm>
#include <cctype>

#include <Poco/Exception.h>
#include <Poco/URI.h>

namespace llmhost::pull {

namespace {

bool starts_with_ci(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(text[i])) != prefix[i]) return false;
  return true;
}

// Quotes at most a short prefix of client input in messages.
std::string quoted(std::string_view text) {
  std::string out;
  for (char c : text.substr(0, 120)) out += std::isprint(static_cast<unsigned char>(c)) ? c : '?';
  if (text.size() > 120) out += "...";
  return "'" + out + "'";
}

Status bad(std::string message, std::string param = "model") {
  return Status::error(ErrorCode::invalid_request, std::move(message), std::move(param));
}

// Validates an http(s) URL; returns its last path segment.
Result<std::string> check_http_url(const std::string& url, const std::string& param) {
  Poco::URI uri;
  try {
    uri = Poco::URI(url);
  } catch (const Poco::Exception&) {
    return bad("invalid url " + quoted(url), param);
  }
  const std::string scheme = uri.getScheme();
  if (scheme != "http" && scheme != "https")
    return bad("invalid url " + quoted(url) + ": only http://, https:// and hf:// sources are supported", param);
  if (uri.getHost().empty()) return bad("invalid url " + quoted(url) + ": no host", param);
  const std::string path = uri.getPath();
  const auto slash = path.find_last_of('/');
  std::string file = slash == std::string::npos ? path : path.substr(slash + 1);
  if (file.empty()) return bad("invalid url " + quoted(url) + ": it names no file", param);
  return file;
}

} // namespace

bool is_source_reference(std::string_view text) {
  return starts_with_ci(text, "http://") || starts_with_ci(text, "https://") || starts_with_ci(text, "hf://");
}

Result<std::string> expand_hf_reference(std::string_view reference) {
  if (!starts_with_ci(reference, "hf://")) return bad("not an hf:// reference: " + quoted(reference));
  const std::string_view rest = reference.substr(5);
  // org / repo[@rev] / path...
  const auto first = rest.find('/');
  const auto second = first == std::string_view::npos ? first : rest.find('/', first + 1);
  if (first == 0 || second == std::string_view::npos || second + 1 >= rest.size())
    return bad("invalid hf:// reference " + quoted(reference) + ": expected hf://org/repo/file.gguf");
  const std::string_view org = rest.substr(0, first);
  std::string_view repo = rest.substr(first + 1, second - first - 1);
  const std::string_view path = rest.substr(second + 1);
  std::string revision = "main";
  if (const auto at = repo.find('@'); at != std::string_view::npos) {
    revision = std::string(repo.substr(at + 1));
    repo = repo.substr(0, at);
  }
  auto plain = [](std::string_view part, bool allow_slash) {
    if (part.empty() || part == "." || part == "..") return false;
    return std::all_of(part.begin(), part.end(), [&](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' || (allow_slash && c == '/');
    });
  };
  if (!plain(org, false) || !plain(repo, false) || !plain(revision, false) || !plain(path, true) ||
      path.front() == '/' || path.find("..") != std::string_view::npos || path.find("//") != std::string_view::npos || path.back() == '/')
    return bad("invalid hf:// reference " + quoted(reference) + ": expected hf://org/repo[@revision]/path/file.gguf");
  return "https://huggingface.co/" + std::string(org) + "/" + std::string(repo) + "/resolve/" + revision + "/" +
         std::string(path);
}

Result<store::ModelRef> name_from_file(std::string_view file_name) {
  std::string stem(file_name);
  if (stem.size() >= 5 && starts_with_ci(std::string_view(stem).substr(stem.size() - 5), ".gguf"))
    stem.resize(stem.size() - 5);
  for (char& c : stem) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '-') c = '-';
  }
  while (!stem.empty() && !std::isalnum(static_cast<unsigned char>(stem.front())) && stem.front() != '_')
    stem.erase(stem.begin());
  if (stem.size() > store::kMaxPartLength) stem.resize(store::kMaxPartLength);
  while (stem.find("..") != std::string::npos) stem.replace(stem.find(".."), 2, "-");
  if (stem.empty()) return bad("cannot derive a model name from " + quoted(file_name) + ": give one");
  return store::parse_model_name(stem);
}

Result<ResolvedSource> resolve_source(std::string_view model, std::string_view url) {
  const bool model_is_source = is_source_reference(model);
  if (url.empty() && !model_is_source) {
    if (model.empty()) return bad("model is required");
    return bad("pull needs a URL or hf:// reference: there is no model registry (give \"url\", or a URL or "
               "hf://org/repo/file.gguf as the model)");
  }
  const std::string_view source = url.empty() ? model : url;
  const std::string param = url.empty() ? "model" : "url";

  ResolvedSource out;
  if (starts_with_ci(source, "hf://")) {
    auto expanded = expand_hf_reference(source);
    if (!expanded) return Status::error(expanded.status().code, expanded.status().message, param);
    out.url = expanded.value();
  } else {
    out.url = std::string(source);
  }
  auto file = check_http_url(out.url, param);
  if (!file) return file.status();
  out.file_name = file.value();

  if (!url.empty() && !model.empty() && !model_is_source) {
    auto ref = store::parse_model_name(model);
    if (!ref) return Status::error(ref.status().code, ref.status().message, "model");
    out.name = ref.value();
  } else {
    auto ref = name_from_file(out.file_name);
    if (!ref) return ref.status();
    out.name = ref.value();
  }
  return out;
}

} // namespace llmhost::pull
