// llmhost-gguf: write synthetic GGUF models and inspect GGUF files.
//   llmhost-gguf synth --arch llama --n-embd 2048 ... --type Q4_K_M -o out.gguf
//   llmhost-gguf info FILE
#include <charconv>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#include "engine/gguf/gguf_file.hpp"
#include "engine/gguf/synthetic.hpp"

namespace {

using namespace llmhost;
using namespace llmhost::gguf;

constexpr const char* kUsage = R"(usage:
  llmhost-gguf synth --arch llama|qwen2|qwen3 --n-embd N --n-layer N --n-head N --n-head-kv N
                     --n-ff N [--head-dim N] [--ctx N] --type TYPE [--seed N]
                     [--vocab FILE.gguf | --byte-vocab] [--tied] [--threads N] [--name S]
                     -o OUT.gguf
      TYPE: F32 F16 BF16 Q8_0 Q4_0 Q4_1 Q5_0 Q5_1 Q4_K Q5_K Q6_K Q4_K_S Q4_K_M Q5_K_S Q5_K_M
  llmhost-gguf info FILE [--all]
)";

bool parse_int(std::string_view s, int64_t& out) {
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

int synth(const std::vector<std::string_view>& args) {
  SynthOptions o;
  std::string out;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string_view a = args[i];
    if (a == "--tied") { o.tied = true; continue; }
    if (a == "--byte-vocab") { o.vocab.clear(); continue; }
    if (i + 1 >= args.size()) {
      std::cerr << "llmhost-gguf: " << a << " needs a value (or is unknown)\n" << kUsage;
      return 2;
    }
    const std::string_view v = args[++i];
    int64_t n = 0;
    auto num = [&](int64_t& field) {
      if (!parse_int(v, n)) return false;
      field = n;
      return true;
    };
    bool ok = true;
    if (a == "--arch") o.arch = v;
    else if (a == "--n-embd") ok = num(o.n_embd);
    else if (a == "--n-layer") ok = num(o.n_layer);
    else if (a == "--n-head") ok = num(o.n_head);
    else if (a == "--n-head-kv") ok = num(o.n_head_kv);
    else if (a == "--n-ff") ok = num(o.n_ff);
    else if (a == "--head-dim") ok = num(o.head_dim);
    else if (a == "--ctx") ok = num(o.n_ctx);
    else if (a == "--type") o.type = v;
    else if (a == "--seed") { ok = parse_int(v, n) && n >= 0; o.seed = static_cast<uint64_t>(n); }
    else if (a == "--vocab") o.vocab = std::string(v);
    else if (a == "--threads") { ok = parse_int(v, n); o.threads = static_cast<int>(n); }
    else if (a == "--name") o.name = v;
    else if (a == "-o" || a == "--output") out = v;
    else {
      std::cerr << "llmhost-gguf: unknown option " << a << "\n" << kUsage;
      return 2;
    }
    if (!ok) {
      std::cerr << "llmhost-gguf: bad number for " << a << ": " << v << "\n";
      return 2;
    }
  }
  if (out.empty()) {
    std::cerr << "llmhost-gguf: -o OUT.gguf is required\n" << kUsage;
    return 2;
  }
  const auto start = std::chrono::steady_clock::now();
  auto report = write_synthetic_model(o, out);
  if (!report) {
    std::cerr << "llmhost-gguf: " << report.status().message << "\n";
    return 1;
  }
  for (const auto& note : report->notes) std::cerr << "note: " << note << "\n";
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("wrote %s: %s %s, %zu tensors, %.1fM parameters, vocab %lld, %.1f s\n", out.c_str(),
              o.arch.c_str(), o.type.c_str(), report->n_tensors,
              static_cast<double>(report->n_params) / 1e6,
              static_cast<long long>(report->n_vocab), secs);
  return 0;
}

std::string show(const Value& v, bool all);

std::string show_array(const Array& a, bool all) {
  std::string s = "[" + std::string(value_type_name(a.type)) + " x " +
                  std::to_string(a.items.size()) + "] ";
  const size_t shown = all ? a.items.size() : std::min<size_t>(a.items.size(), 8);
  for (size_t i = 0; i < shown; ++i) s += (i ? ", " : "") + show(a.items[i], all);
  if (shown < a.items.size()) s += ", ...";
  return s;
}

std::string show(const Value& v, bool all) {
  if (const auto* a = v.as_array()) return "(" + show_array(*a, all) + ")";
  if (auto s = v.as_string()) {
    std::string out = "\"";
    const size_t limit = all ? s->size() : 120;
    for (char c : s->substr(0, limit)) out += c == '\n' ? std::string("\\n") : std::string(1, c);
    return out + (s->size() > limit ? "...\"" : "\"");
  }
  if (auto b = v.as_bool()) return *b ? "true" : "false";
  if (v.type == ValueType::f32 || v.type == ValueType::f64) return std::to_string(*v.as_f64());
  if (auto i = v.as_i64()) return std::to_string(*i);
  if (auto u = v.as_u64()) return std::to_string(*u);
  return "?";
}

int info(const std::vector<std::string_view>& args) {
  if (args.empty()) {
    std::cerr << kUsage;
    return 2;
  }
  const bool all = args.size() > 1 && args[1] == "--all";
  auto file = File::open(std::string(args[0]));
  if (!file) {
    std::cerr << "llmhost-gguf: " << file.status().message << "\n";
    return 1;
  }
  const File& f = **file;
  std::printf("GGUF v%u, %zu bytes, alignment %llu, %zu metadata keys, %zu tensors\n", f.version(),
              f.file_size(), static_cast<unsigned long long>(f.alignment()), f.metadata().size(),
              f.tensors().size());
  for (const auto& [key, value] : f.metadata())
    std::printf("  %-48.*s %-7s %s\n", static_cast<int>(key.size()), key.data(),
                value_type_name(value.type), show(value, all).c_str());
  uint64_t total = 0;
  for (const auto& t : f.tensors()) {
    std::string dims;
    for (uint32_t d = 0; d < std::max<uint32_t>(t.n_dims, 1); ++d)
      dims += (d ? " x " : "") + std::to_string(t.desc.ne[d]);
    std::printf("  %-40.*s %-5s [%s] @%llu %zu bytes\n", static_cast<int>(t.name.size()),
                t.name.data(), std::string(type_name(t.desc.type)).c_str(), dims.c_str(),
                static_cast<unsigned long long>(t.offset), t.data.size());
    total += static_cast<uint64_t>(t.desc.elements());
  }
  std::printf("%.2fM parameters\n", static_cast<double>(total) / 1e6);
  return 0;
}

} // namespace

int main(int argc, char** argv) {
  std::vector<std::string_view> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "-h" || args[0] == "--help") {
    std::cout << kUsage;
    return args.empty() ? 2 : 0;
  }
  const std::vector<std::string_view> rest(args.begin() + 1, args.end());
  if (args[0] == "synth") return synth(rest);
  if (args[0] == "info") return info(rest);
  std::cerr << "llmhost-gguf: unknown command " << args[0] << "\n" << kUsage;
  return 2;
}
