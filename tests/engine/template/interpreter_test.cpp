// The interpreter's behaviour that needs no oracle: error reporting, Undefined, value
// formatting, and how a chat input becomes template variables.
#include <gtest/gtest.h>

#include "engine/template/chat_template.hpp"
#include "engine/template/value.hpp"

namespace llmhost::tmpl {
namespace {

std::string render(const std::string& source, const nlohmann::ordered_json& vars = nlohmann::ordered_json::object()) {
  auto t = ChatTemplate::parse(source);
  if (!t) return "PARSE ERROR: " + t.status().message;
  auto r = t->render_variables(vars);
  return r ? *r : "RENDER ERROR: " + r.status().message;
}

Status render_status(const std::string& source) {
  auto t = ChatTemplate::parse(source);
  if (!t) return t.status();
  auto r = t->render_variables(nlohmann::ordered_json::object());
  return r ? Status::success() : r.status();
}

TEST(TemplateInterpreter, SyntaxErrorsNameLineAndColumn) {
  auto t = ChatTemplate::parse("line one\n{% if x %}\n  {{ 1 + }}\n{% endif %}");
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().code, ErrorCode::invalid_request);
  EXPECT_NE(t.status().message.find("line 3, column 10"), std::string::npos) << t.status().message;

  auto unclosed = ChatTemplate::parse("{% for m in messages %}text");
  ASSERT_FALSE(unclosed.ok());
  EXPECT_NE(unclosed.status().message.find("endfor"), std::string::npos) << unclosed.status().message;

  auto unknown = ChatTemplate::parse("ok\n  {% frobnicate %}");
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message.find("unknown tag 'frobnicate'"), std::string::npos);
  EXPECT_NE(unknown.status().message.find("line 2"), std::string::npos);
}

TEST(TemplateInterpreter, RuntimeErrorsAreStatusesWithPositions) {
  Status s = render_status("ab\n{{ raise_exception('Only user and assistant roles are supported!') }}");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message.find("Only user and assistant roles are supported!"), std::string::npos) << s.message;
  EXPECT_NE(s.message.find("line 2"), std::string::npos) << s.message;

  Status attr = render_status("{{ missing.field }}");
  ASSERT_FALSE(attr.ok());
  EXPECT_NE(attr.message.find("'missing' is undefined"), std::string::npos) << attr.message;

  Status type = render_status("{{ 1 + 'a' }}");
  ASSERT_FALSE(type.ok());
  EXPECT_NE(type.message.find("unsupported operand type(s) for +: 'int' and 'str'"), std::string::npos) << type.message;

  Status mutate = render_status("{% set l = [1] %}{{ l.append(2) }}");
  ASSERT_FALSE(mutate.ok());
  EXPECT_NE(mutate.message.find("unsafe"), std::string::npos) << mutate.message;

  EXPECT_FALSE(render_status("{{ x|no_such_filter }}").ok());
  EXPECT_FALSE(render_status("{{ 1 // 0 }}").ok());
}

TEST(TemplateInterpreter, UndefinedBehavesLikeJinja2Default) {
  EXPECT_EQ(render("[{{ nope }}][{{ nope is defined }}][{{ nope|length }}][{{ nope|default('d') }}][{{ nope ~ 'x' }}]"),
            "[][False][0][d][x]");
  EXPECT_EQ(render("{% for x in nope %}x{% else %}empty{% endfor %}"), "empty");
  EXPECT_EQ(render("{{ d.missing is defined }}|{{ d.missing }}|{{ d['missing'] }}", {{"d", {{"a", 1}}}}), "False||");
  EXPECT_EQ(render("{% if nope %}t{% else %}f{% endif %}{% if not nope %}!{% endif %}"), "f!");
}

TEST(TemplateInterpreter, PythonValueFormatting) {
  EXPECT_EQ(format_float(1.0), "1.0");
  EXPECT_EQ(format_float(0.1), "0.1");
  EXPECT_EQ(format_float(1e16), "1e+16");
  EXPECT_EQ(format_float(1e-5), "1e-05");
  EXPECT_EQ(format_float(0.0001), "0.0001");
  EXPECT_EQ(format_float(123.456), "123.456");
  EXPECT_EQ(format_float(-2.5), "-2.5");
  EXPECT_EQ(render("{{ [1, 'it\\'s', none, true, 2.0, {'k': 'v'}] }}"), "[1, \"it's\", None, True, 2.0, {'k': 'v'}]");
  EXPECT_EQ(render("{{ {'a': 'é', 'b': [1, 2]}|tojson }}"), "{\"a\": \"é\", \"b\": [1, 2]}");
  EXPECT_EQ(render("{{ {'a': [1]}|tojson(indent=2) }}"), "{\n  \"a\": [\n    1\n  ]\n}");
}

TEST(TemplateInterpreter, WhitespaceControlFollowsHuggingFaceSettings) {
  // trim_blocks drops the newline after a block tag; lstrip_blocks drops indentation before it.
  EXPECT_EQ(render("{% for x in [1, 2] %}\n    {% if x %}\n{{ x }}\n    {% endif %}\n{% endfor %}\n"), "1\n2\n");
  EXPECT_EQ(render("a  {%- if true -%}  b  {%- endif -%}  c"), "abc");
  EXPECT_EQ(render("  {%+ if true %}x{% endif %}"), "  x");
  EXPECT_EQ(render("{% raw %}{{ kept }}{% endraw %}"), "{{ kept }}");
}

TEST(TemplateInterpreter, NamespaceCarriesValuesOutOfLoops) {
  EXPECT_EQ(render("{% set ns = namespace(n=0, last='') %}{% set plain = 0 %}"
                   "{% for m in messages %}{% set ns.n = ns.n + 1 %}{% set ns.last = m %}{% set plain = 5 %}{% endfor %}"
                   "{{ ns.n }} {{ ns.last }} {{ plain }}",
                   {{"messages", {"a", "b", "c"}}}),
            "3 c 0");
}

TEST(TemplateInterpreter, StrftimeNowUsesTheGivenClock) {
  auto t = ChatTemplate::parse("{{ strftime_now('%Y-%m-%d') }}");
  ASSERT_TRUE(t.ok());
  auto r = t->render_variables(nlohmann::ordered_json::object(), 1721995200);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, "2024-07-26");
}

TEST(TemplateInterpreter, ChatVariablesFollowTransformers) {
  ChatInput in;
  Message user;
  user.role = "user";
  user.content = "Weather?";
  Message call;
  call.role = "assistant";
  call.tool_calls.push_back(ToolCall{"c1", "get_weather", R"({"city": "Paris", "n": 2})"});
  call.thinking = "need the tool";
  Message result;
  result.role = "tool";
  result.content = "sunny";
  result.tool_call_id = "c1";
  result.name = "get_weather";
  in.messages = {user, call, result};
  in.tools_json = R"([{"type": "function", "function": {"name": "get_weather"}}])";
  in.bos_token = "<s>";
  in.extra = {{"enable_thinking", false}};
  auto vars = chat_variables(in);
  ASSERT_TRUE(vars.ok());
  EXPECT_EQ(vars->dump(),
            R"({"messages":[{"role":"user","content":"Weather?"},)"
            R"({"role":"assistant","content":"","tool_calls":[{"type":"function","id":"c1","function":{"name":"get_weather","arguments":{"city":"Paris","n":2}}}],"thinking":"need the tool"},)"
            R"({"role":"tool","content":"sunny","tool_call_id":"c1","name":"get_weather"}],)"
            R"("tools":[{"type":"function","function":{"name":"get_weather"}}],)"
            R"("bos_token":"<s>","eos_token":"","add_generation_prompt":true,"enable_thinking":false})");

  // Arguments reach the template as a dict, so templates can iterate or re-serialize them.
  auto t = ChatTemplate::parse("{% for m in messages %}{% for c in m.tool_calls %}{% for k, v in c.function.arguments|items %}{{ k }}={{ v }};{% endfor %}{{ c.function.arguments|tojson }}{% endfor %}{% endfor %}");
  ASSERT_TRUE(t.ok());
  auto r = t->render(in);
  ASSERT_TRUE(r.ok()) << r.status().message;
  EXPECT_EQ(*r, "city=Paris;n=2;{\"city\": \"Paris\", \"n\": 2}");

  in.tools_json = "{not json";
  auto bad = chat_variables(in);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().param, "tools");
}

TEST(TemplateInterpreter, ParsedTemplatesAreReusable) {
  auto t = ChatTemplate::parse("{% set n = messages|length %}{{ n }}");
  ASSERT_TRUE(t.ok());
  ChatInput a, b;
  a.messages.resize(2);
  b.messages.resize(5);
  EXPECT_EQ(*t->render(a), "2");
  EXPECT_EQ(*t->render(b), "5");
  EXPECT_EQ(*t->render(a), "2");
}

} // namespace
} // namespace llmhost::tmpl

namespace llmhost::tmpl {
namespace {

// Hostile or broken templates end in an error Status, never a crash or a hang.
TEST(TemplateInterpreter, HostileTemplatesFailCleanly) {
  EXPECT_FALSE(render_status("{{ " + std::string(5000, '(') + "1" + std::string(5000, ')') + " }}").ok());
  EXPECT_FALSE(render_status("{{ " + std::string(3000, '-') + "1 }}").ok());
  EXPECT_FALSE(render_status(std::string(300, ' ').replace(0, 0, "") + [] {
    std::string nested;
    for (int i = 0; i < 300; ++i) nested += "{% if true %}";
    return nested;
  }()).ok());
  EXPECT_FALSE(render_status("{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}").ok());
  EXPECT_FALSE(render_status("{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}").ok());
  EXPECT_FALSE(render_status("{{ 'x' * 100000000000 }}").ok());
  EXPECT_FALSE(render_status("{{ (-9223372036854775807 - 1) // -1 }}").ok());
  EXPECT_FALSE(render_status("{{ x.99999999999999999999999 }}").ok());
  EXPECT_FALSE(render_status("{{ '\\xZZ' }}").ok());
  EXPECT_FALSE(render_status("{{ 'x'|center(100000000000) }}").ok());
  EXPECT_EQ(render("{{ 2 ** 62 }} {{ 9223372036854775807 + 1 }}"), "4611686018427387904 9.223372036854776e+18");
  for (const char* broken : {"{{", "{%", "{#", "{{ 'a", "{% if %}", "{% for x in %}{% endfor %}", "{{ a[ }}",
                             "{{ f(a=1, 2) }}", "{% set %}", "{% macro %}", "{% endif %}", "{{ } }}", "{% raw %}x"})
    EXPECT_FALSE(ChatTemplate::parse(broken).ok()) << broken;
}

} // namespace
} // namespace llmhost::tmpl
