#include "store/parameters.hpp"

#include <charconv>
#include <functional>
#include <optional>
#include <string_view>

namespace llmhost::store {

namespace {

template <typename T>
std::optional<T> parse_number(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  T value{};
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc{} || end != s.data() + s.size() || s.empty()) return std::nullopt;
  return value;
}

// Parses `text` into `field` unless the request already set it.
template <typename T>
bool fill(std::optional<T>& field, std::string_view text) {
  auto v = parse_number<T>(text);
  if (!v) return false;
  if (!field) field = *v;
  return true;
}

using Setter = std::function<bool(Options&, std::string_view)>;

const std::map<std::string, Setter, std::less<>>& setters() {
  static const std::map<std::string, Setter, std::less<>> table{
      {"temperature", [](Options& o, std::string_view v) { return fill(o.temperature, v); }},
      {"top_k", [](Options& o, std::string_view v) { return fill(o.top_k, v); }},
      {"top_p", [](Options& o, std::string_view v) { return fill(o.top_p, v); }},
      {"min_p", [](Options& o, std::string_view v) { return fill(o.min_p, v); }},
      {"typical_p", [](Options& o, std::string_view v) { return fill(o.typical_p, v); }},
      {"repeat_last_n", [](Options& o, std::string_view v) { return fill(o.repeat_last_n, v); }},
      {"repeat_penalty", [](Options& o, std::string_view v) { return fill(o.repeat_penalty, v); }},
      {"presence_penalty", [](Options& o, std::string_view v) { return fill(o.presence_penalty, v); }},
      {"frequency_penalty", [](Options& o, std::string_view v) { return fill(o.frequency_penalty, v); }},
      {"seed",
       [](Options& o, std::string_view v) {
         if (auto neg = parse_number<int64_t>(v); neg && *neg < 0) { // -1: random
           if (!o.seed) o.seed = UINT64_MAX;
           return true;
         }
         return fill(o.seed, v);
       }},
      {"num_predict", [](Options& o, std::string_view v) { return fill(o.num_predict, v); }},
      {"num_ctx", [](Options& o, std::string_view v) { return fill(o.num_ctx, v); }},
      {"num_keep", [](Options& o, std::string_view v) { return fill(o.num_keep, v); }},
      {"num_batch", [](Options& o, std::string_view v) { return fill(o.num_batch, v); }},
      {"num_thread", [](Options& o, std::string_view v) { return fill(o.num_thread, v); }},
      {"num_gpu", [](Options& o, std::string_view v) { return fill(o.num_gpu, v); }},
      {"stop",
       [](Options& o, std::string_view v) {
         if (!o.stop.empty()) return true; // the request's stops replace the model's
         size_t start = 0;
         while (start <= v.size()) {
           const size_t nl = v.find('\n', start);
           const auto piece = v.substr(start, nl == std::string_view::npos ? std::string_view::npos : nl - start);
           if (!piece.empty()) o.stop.emplace_back(piece);
           if (nl == std::string_view::npos) break;
           start = nl + 1;
         }
         return true;
       }},
  };
  return table;
}

Status apply_to(const std::map<std::string, std::string>& parameters, Options& options) {
  for (const auto& [key, value] : parameters) {
    const auto it = setters().find(key);
    if (it == setters().end())
      return Status::error(ErrorCode::invalid_request, "unknown parameter '" + key.substr(0, 64) + "'", "parameters");
    if (!it->second(options, value))
      return Status::error(ErrorCode::invalid_request, "invalid value for parameter '" + key + "'",
                           "parameters");
  }
  return Status::success();
}

} // namespace

Status validate_parameters(const std::map<std::string, std::string>& parameters) {
  Options scratch;
  return apply_to(parameters, scratch);
}

Status apply_parameters(const std::map<std::string, std::string>& parameters, Options& options) {
  return apply_to(parameters, options);
}

} // namespace llmhost::store
