#include "engine/tokenizer/tokenize_cli.hpp"

#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

#include <nlohmann/json.hpp>

#include "engine/gguf/gguf_file.hpp"
#include "engine/tokenizer/tokenizer.hpp"

namespace llmhost::tok {
namespace {

Result<std::unique_ptr<Tokenizer>> load(const std::string& path) {
  auto file = gguf::File::open(path);
  if (!file) return file.status();
  auto vocab = vocab_from_gguf(**file);
  if (!vocab) return vocab.status();
  return Tokenizer::create(std::move(*vocab));
}

constexpr const char* kTokenizeUsage =
    "usage: llmhost tokenize --model PATH.gguf [--no-bos] [--no-parse-special] [-f FILE | --stdin | TEXT]\n";
constexpr const char* kDetokenizeUsage = "usage: llmhost detokenize --model PATH.gguf [--no-special] \"[1,2,3]\"\n";

} // namespace

int run_tokenize_command(std::span<const std::string> args, std::ostream& out, std::ostream& err) {
  std::string model, text, file;
  bool have_text = false, use_stdin = false, add_special = true, parse_special = true;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if ((a == "--model" || a == "-m") && i + 1 < args.size()) model = args[++i];
    else if (a == "--no-bos") add_special = false;
    else if (a == "--no-parse-special") parse_special = false;
    else if (a == "--stdin") use_stdin = true;
    else if ((a == "-f" || a == "--file") && i + 1 < args.size()) file = args[++i];
    else if ((a == "-p" || a == "--prompt") && i + 1 < args.size()) text = args[++i], have_text = true;
    else if (a == "-h" || a == "--help") {
      out << kTokenizeUsage;
      return 0;
    } else if (!a.starts_with("-") && !have_text) text = a, have_text = true;
    else {
      err << "tokenize: unexpected argument '" << a << "'\n" << kTokenizeUsage;
      return 2;
    }
  }
  if (model.empty() || (int(have_text) + int(use_stdin) + int(!file.empty())) != 1) {
    err << kTokenizeUsage;
    return 2;
  }
  if (use_stdin) {
    text.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  } else if (!file.empty()) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
      err << "tokenize: cannot read " << file << "\n";
      return 1;
    }
    text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  auto tok = load(model);
  if (!tok) {
    err << "tokenize: " << tok.status().message << "\n";
    return 1;
  }
  const auto ids = (*tok)->tokenize(text, add_special, parse_special);
  out << '[';
  for (size_t i = 0; i < ids.size(); ++i) out << (i ? ", " : "") << ids[i];
  out << "]\n";
  return 0;
}

int run_detokenize_command(std::span<const std::string> args, std::ostream& out, std::ostream& err) {
  std::string model, ids_json;
  bool render_special = true;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if ((a == "--model" || a == "-m") && i + 1 < args.size()) model = args[++i];
    else if (a == "--no-special") render_special = false;
    else if (a == "-h" || a == "--help") {
      out << kDetokenizeUsage;
      return 0;
    } else if (ids_json.empty()) ids_json = a;
    else {
      err << "detokenize: unexpected argument '" << a << "'\n" << kDetokenizeUsage;
      return 2;
    }
  }
  if (model.empty() || ids_json.empty()) {
    err << kDetokenizeUsage;
    return 2;
  }
  const auto j = nlohmann::json::parse(ids_json, nullptr, false);
  std::vector<int32_t> ids;
  bool ok = j.is_array();
  if (ok)
    for (const auto& v : j) {
      if (!v.is_number_integer()) {
        ok = false;
        break;
      }
      ids.push_back(int32_t(v.get<int64_t>()));
    }
  if (!ok) {
    err << "detokenize: expected a JSON array of token ids, e.g. \"[1, 2, 3]\"\n";
    return 2;
  }
  auto tok = load(model);
  if (!tok) {
    err << "detokenize: " << tok.status().message << "\n";
    return 1;
  }
  for (int32_t id : ids)
    if (id < 0 || id >= (*tok)->n_vocab()) {
      err << "detokenize: token id " << id << " is outside the vocabulary (0.." << (*tok)->n_vocab() - 1 << ")\n";
      return 1;
    }
  out << (*tok)->detokenize(ids, false, render_special) << "\n";
  return 0;
}

} // namespace llmhost::tok
