// Every shared chat template, rendered over a set of conversations by our interpreter and by
// Python's jinja2 configured as Hugging Face transformers configures it; the outputs must match
// exactly, and where jinja2 rejects a conversation our renderer must reject it too.
#include <algorithm>
#include <filesystem>
#include <iostream>
#include <map>

#include <gtest/gtest.h>

#include "engine/template/chat_template.hpp"
#include "oracle.hpp"
#include "testdata.hpp"

namespace llmhost::tmpl {
namespace {

constexpr int64_t kFixedNow = 1721995200; // 2024-07-26 12:00:00 UTC, both sides

const char* kTools = R"([{"type": "function", "function": {"name": "get_weather",
  "description": "Get the current weather in a city",
  "parameters": {"type": "object", "properties": {
    "city": {"type": "string", "description": "City name, e.g. Paris"},
    "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]}},
  "required": ["city"]}}}])";

Message msg(std::string role, std::string content) {
  Message m;
  m.role = std::move(role);
  m.content = std::move(content);
  return m;
}

struct Conversation {
  std::string name;
  ChatInput input;
};

std::vector<Conversation> conversations() {
  std::vector<Conversation> out;
  auto base = [](std::vector<Message> msgs, bool gen = true) {
    ChatInput in;
    in.messages = std::move(msgs);
    in.add_generation_prompt = gen;
    in.bos_token = "<s>";
    in.eos_token = "</s>";
    in.now_unix = kFixedNow;
    return in;
  };
  out.push_back({"system_user", base({msg("system", "You are a helpful assistant."), msg("user", "Hello! Wie geht's? 你好 🙂")})});
  out.push_back({"user_only", base({msg("user", "What is 2+2?")})});
  out.push_back({"multi_turn", base({msg("system", "Be brief."), msg("user", "Hi"), msg("assistant", "Hello, how can I help?"),
                                     msg("user", "Tell me a \"joke\" about <tags> & 'quotes'.")})});
  out.push_back({"multi_turn_no_generation_prompt",
                 base({msg("user", "Hi"), msg("assistant", "  Hello there.  ")}, false)});
  out.push_back({"template_syntax_in_content", base({msg("user", "Explain {{ x }} and {% if %} and \\n in Jinja.\n\n  Indented line.")})});
  out.push_back({"system_only", base({msg("system", "Only a system prompt.")})});
  out.push_back({"empty_content", base({msg("system", ""), msg("user", "")})});

  Message call = msg("assistant", "");
  call.tool_calls.push_back(ToolCall{"call_1", "get_weather", R"({"city": "Paris", "unit": "celsius"})"});
  Message result = msg("tool", R"({"temperature": 22.5, "condition": "sunny"})");
  result.tool_call_id = "call_1";
  result.name = "get_weather";
  auto tools = base({msg("system", "You can call tools."), msg("user", "Weather in Paris?"), call, result});
  tools.tools_json = kTools;
  out.push_back({"tool_call_and_result", tools});
  auto tools_first = base({msg("user", "Weather in Paris?")});
  tools_first.tools_json = kTools;
  out.push_back({"tools_offered", tools_first});

  Message two_calls = msg("assistant", "Let me check both.");
  two_calls.tool_calls.push_back(ToolCall{"call_a", "get_weather", R"({"city": "Zürich"})"});
  two_calls.tool_calls.push_back(ToolCall{"call_b", "get_weather", R"({"city": "Oslo", "unit": "fahrenheit", "days": [1, 2.5], "detail": {"hourly": true, "limit": null}})"});
  Message r1 = msg("tool", "18 C");
  r1.tool_call_id = "call_a";
  r1.name = "get_weather";
  Message r2 = msg("tool", "41 F");
  r2.tool_call_id = "call_b";
  r2.name = "get_weather";
  auto parallel = base({msg("user", "Weather in Zürich and Oslo?"), two_calls, r1, r2,
                        msg("assistant", "Zürich: 18 C, Oslo: 41 F.")}, false);
  parallel.tools_json = kTools;
  out.push_back({"parallel_tool_calls", parallel});

  Message thought = msg("assistant", "The answer is 4.");
  thought.thinking = "2+2 is 4.";
  auto thinking = base({msg("user", "What is 2+2?"), thought, msg("user", "And 3+3?")});
  thinking.extra = {{"enable_thinking", false}};
  out.push_back({"thinking_disabled", thinking});
  thinking.extra = {{"enable_thinking", true}};
  out.push_back({"thinking_enabled", thinking});
  return out;
}

struct Case {
  std::string template_name;
  std::string conversation;
  std::string source;
  ChatInput input;
};

std::string first_difference(const std::string& a, const std::string& b) {
  size_t i = 0;
  while (i < a.size() && i < b.size() && a[i] == b[i]) ++i;
  size_t from = i > 60 ? i - 60 : 0;
  return "at byte " + std::to_string(i) + "\n  ours:   " + nlohmann::json(a.substr(from, 140)).dump() +
         "\n  jinja2: " + nlohmann::json(b.substr(from, 140)).dump();
}

TEST(TemplateOracle, AllSharedTemplatesMatchJinja2) {
  LLMHOST_REQUIRE_TESTDATA();
  if (!jinja_oracle::have_python_jinja2()) GTEST_SKIP() << "python3-jinja2 not installed";

  std::vector<Case> cases;
  std::vector<std::string> paths;
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(testing::testdata("templates")))
    if (entry.path().extension() == ".jinja") files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  ASSERT_GE(files.size(), 50u);
  auto convs = conversations();
  for (const auto& f : files) {
    std::string source = jinja_oracle::read_text(f);
    for (const auto& c : convs) {
      cases.push_back({f.stem().string(), c.name, source, c.input});
      paths.push_back(f.string());
    }
  }
  nlohmann::ordered_json specs = nlohmann::ordered_json::array();
  for (size_t i = 0; i < cases.size(); ++i) {
    auto vars = chat_variables(cases[i].input);
    ASSERT_TRUE(vars.ok()) << vars.status().message;
    specs.push_back({{"template", paths[i]}, {"variables", *vars}});
  }
  auto oracle = jinja_oracle::run_oracle(specs, kFixedNow);
  ASSERT_EQ(oracle.size(), cases.size()) << "the Python oracle failed to run";

  std::map<std::string, int> template_failures;
  int matched = 0, both_rejected = 0, oracle_rendered = 0;
  for (size_t i = 0; i < cases.size(); ++i) {
    const Case& c = cases[i];
    const jinja_oracle::OracleResult& want = oracle[i];
    auto tmpl = ChatTemplate::parse(c.source);
    Result<std::string> got = tmpl ? tmpl->render(c.input) : Result<std::string>(tmpl.status());
    std::string label = c.template_name + " / " + c.conversation;
    if (want.ok) ++oracle_rendered;
    if (want.ok && got.ok() && *got == want.text) {
      ++matched;
    } else if (!want.ok && !got.ok()) {
      ++matched;
      ++both_rejected;
    } else {
      ++template_failures[c.template_name];
      if (want.ok && got.ok()) ADD_FAILURE() << label << ": output differs " << first_difference(*got, want.text);
      else if (want.ok) ADD_FAILURE() << label << ": we failed but jinja2 rendered: " << got.status().message;
      else ADD_FAILURE() << label << ": jinja2 failed (" << want.error << ") but we rendered";
    }
  }
  std::cout << "[ template oracle ] " << matched << " / " << cases.size() << " cases match ("
            << both_rejected << " rejected by both, " << oracle_rendered << " rendered by jinja2); "
            << files.size() - template_failures.size() << " / " << files.size() << " templates fully match\n";
}

} // namespace
} // namespace llmhost::tmpl
