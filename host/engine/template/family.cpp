// Built-in renderings of well-known chat template families, used when a model's own template
// is missing or cannot be rendered. Each follows that family's canonical Hugging Face template.
#include <optional>
#include <string>

#include "engine/template/chat_template.hpp"
#include "engine/template/text.hpp"

namespace llmhost::tmpl {
namespace {

bool has(std::string_view s, std::string_view marker) { return s.find(marker) != std::string_view::npos; }

std::string trimmed(const std::string& s) { return strip(s, std::nullopt, true, true); }

// The system prompt (first message, when it is a system message) and where the rest start.
std::pair<std::string, size_t> split_system(const ChatInput& in) {
  if (!in.messages.empty() && in.messages[0].role == "system") return {in.messages[0].content, 1};
  return {"", 0};
}

std::string render_chatml(const ChatInput& in) {
  std::string out;
  for (const auto& m : in.messages) out += "<|im_start|>" + m.role + "\n" + m.content + "<|im_end|>\n";
  if (in.add_generation_prompt) out += "<|im_start|>assistant\n";
  return out;
}

std::string render_llama3(const ChatInput& in) {
  std::string out = in.bos_token;
  for (const auto& m : in.messages)
    out += "<|start_header_id|>" + m.role + "<|end_header_id|>\n\n" + trimmed(m.content) + "<|eot_id|>";
  if (in.add_generation_prompt) out += "<|start_header_id|>assistant<|end_header_id|>\n\n";
  return out;
}

std::string render_llama2(const ChatInput& in) {
  auto [system, first] = split_system(in);
  std::string out;
  for (size_t i = first; i < in.messages.size(); ++i) {
    const auto& m = in.messages[i];
    std::string content = m.content;
    if (i == first && !system.empty()) content = "<<SYS>>\n" + system + "\n<</SYS>>\n\n" + content;
    if (m.role == "assistant") out += " " + trimmed(content) + " " + in.eos_token;
    else out += in.bos_token + "[INST] " + trimmed(content) + " [/INST]";
  }
  return out;
}

std::string render_mistral(const ChatInput& in) {
  auto [system, first] = split_system(in);
  std::string out = in.bos_token;
  bool system_pending = !system.empty();
  for (size_t i = first; i < in.messages.size(); ++i) {
    const auto& m = in.messages[i];
    if (m.role == "assistant") {
      out += m.content + in.eos_token;
    } else {
      std::string content = system_pending ? system + "\n\n" + m.content : m.content;
      system_pending = false;
      out += "[INST] " + content + " [/INST]";
    }
  }
  return out;
}

std::string render_zephyr(const ChatInput& in) {
  std::string out;
  for (const auto& m : in.messages) out += "<|" + m.role + "|>\n" + m.content + in.eos_token + "\n";
  if (in.add_generation_prompt) out += "<|assistant|>\n";
  return out;
}

std::string render_gemma(const ChatInput& in) {
  auto [system, first] = split_system(in);
  std::string out = in.bos_token;
  for (size_t i = first; i < in.messages.size(); ++i) {
    const auto& m = in.messages[i];
    std::string role = m.role == "assistant" ? "model" : "user";
    std::string content = trimmed(m.content);
    if (i == first && !system.empty()) content = trimmed(system) + "\n\n" + content;
    out += "<start_of_turn>" + role + "\n" + content + "<end_of_turn>\n";
  }
  if (in.add_generation_prompt) out += "<start_of_turn>model\n";
  return out;
}

std::string render_phi3(const ChatInput& in) {
  std::string out;
  for (const auto& m : in.messages) {
    if (m.role == "system" && m.content.empty()) continue;
    if (m.role != "system" && m.role != "user" && m.role != "assistant") continue;
    out += "<|" + m.role + "|>\n" + m.content + "<|end|>\n";
  }
  out += in.add_generation_prompt ? "<|assistant|>\n" : in.eos_token;
  return out;
}

} // namespace

const char* family_name(Family family) {
  switch (family) {
    case Family::chatml: return "chatml";
    case Family::llama2: return "llama2";
    case Family::llama3: return "llama3";
    case Family::mistral: return "mistral";
    case Family::zephyr: return "zephyr";
    case Family::gemma: return "gemma";
    case Family::phi3: return "phi3";
    case Family::unknown: return "unknown";
  }
  return "unknown";
}

Family detect_family(std::string_view s) {
  if (has(s, "<|im_start|>")) return Family::chatml;
  if (has(s, "<|start_header_id|>")) return Family::llama3;
  if (has(s, "<start_of_turn>")) return Family::gemma;
  if (has(s, "<|user|>") && has(s, "<|end|>")) return Family::phi3;
  if (has(s, "<|user|>")) return Family::zephyr;
  if (has(s, "[INST]")) return has(s, "<<SYS>>") ? Family::llama2 : Family::mistral;
  return Family::unknown;
}

std::string render_family(Family family, const ChatInput& in) {
  switch (family) {
    case Family::llama2: return render_llama2(in);
    case Family::llama3: return render_llama3(in);
    case Family::mistral: return render_mistral(in);
    case Family::zephyr: return render_zephyr(in);
    case Family::gemma: return render_gemma(in);
    case Family::phi3: return render_phi3(in);
    case Family::chatml:
    case Family::unknown: return render_chatml(in);
  }
  return render_chatml(in);
}

} // namespace llmhost::tmpl
