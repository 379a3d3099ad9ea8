// Interpreter features, one small template each, checked against Python's jinja2 configured as
// Hugging Face does. Each snippet must render identically, or fail on both sides.
#include <gtest/gtest.h>

#include "engine/template/chat_template.hpp"
#include "oracle.hpp"

namespace llmhost::tmpl {
namespace {

const char* kVariables = R"({
  "d": {"a": 1, "b": {"c": "deep"}},
  "l": [1, 2, 3],
  "x": [10, 20, 30],
  "users": [{"name": "amy", "age": 31, "admin": true},
            {"name": "bob", "age": 25, "admin": false},
            {"name": "cy", "age": 40, "admin": false}]})";

struct Snippet {
  const char* name;
  const char* source;
};

const Snippet kSnippets[] = {
    {"literals", "{{ 1 }}|{{ 1.0 }}|{{ 1.5e10 }}|{{ 1e20 }}|{{ 0.1 + 0.2 }}|{{ none }}|{{ true }}|{{ [1, 'a', none, true] }}|{{ {'a': 1, \"b'\": 'x'} }}"},
    {"arithmetic", "{{ 7 // 2 }} {{ -7 // 2 }} {{ 7 % 3 }} {{ -7 % 3 }} {{ 7 / 2 }} {{ 2 ** 10 }} {{ 'ab' * 3 }} {{ 1 + 2.5 }} {{ 'a' ~ 1 ~ none }} {{ -(3) }} {{ 7.5 // 2 }}"},
    {"comparisons", "{{ 1 < 2 < 3 }} {{ 'a' in 'cat' }} {{ 3 not in [1,2] }} {{ 1 == 1.0 }} {{ true == 1 }} {{ [1,2] == [1,2] }} {{ {'a':1} == {'a':1} }} {{ 'abc' < 'abd' }} {{ [1,2] < [1,3] }} {{ none == none }}"},
    {"logic", "{{ 0 or 'x' }} {{ 'a' and 'b' }} {{ not none }} {{ 'y' if false }}|{{ 'y' if 0 else 'n' }} {{ 1 if 2 > 1 else 0 }}"},
    {"slicing", "{{ 'hello'[::-1] }} {{ 'hello'[1:3] }} {{ [1,2,3,4,5][::2] }} {{ [1,2,3][-1] }} {{ 'héllo'[1] }} {{ [1,2,3,4][-3:-1] }} {{ 'abc'[5:] }}|{{ x[1:] }} {{ x[::-1] }} {{ x[:-1] }} {{ 'ab🙂'[::-1] }} {{ x[5:1:-2] }}"},
    {"item_access", "{{ d.a }} {{ d['b'].c }} {{ d.missing }}|{{ d.get('missing', 'dflt') }} {{ d.get('a') }} {{ l[10] }}|{{ d['b']['c'] }} {{ x.1 }} {{ d.missing is none }} {{ d.missing is not defined }}"},
    {"undefined", "{{ undefined_var }}|{{ undefined_var is defined }}|{{ undefined_var|default('x') }}|{{ undefined_var|length }}|{% for x in undefined_var %}no{% else %}empty{% endfor %}|{{ undefined_var ~ 'a' }}|{{ undefined_var == none }}|{{ none|default('n') }}|{{ ''|default('e', true) }}"},
    {"tests", "{{ 3 is odd }} {{ 4 is even }} {{ 9 is divisibleby 3 }} {{ 'a' is string }} {{ 1 is number }} {{ true is number }} {{ 1.5 is float }} {{ 1 is integer }} {{ d is mapping }} {{ l is iterable }} {{ 'a' is sequence }} {{ none is none }} {{ true is true }} {{ 1 is true }} {{ l is not string }} {{ 'a' is in 'abc' }} {{ 2 is eq 2 }} {{ 'Ab' is lower }} {{ 'ab' is lower }} {{ l is sequence }} {{ d is iterable }} {{ 1 is boolean }}"},
    {"string_filters", "{{ '  hi  '|trim }}|{{ 'xxhixx'|trim('x') }}|{{ 'Hello World'|lower }}|{{ 'hello world'|upper }}|{{ 'hello wORLD'|title }}|{{ 'hello World'|capitalize }}|{{ 'a-b-c'|replace('-', '+') }}|{{ 'aaa'|replace('a','b',2) }}|{{ 'one two  three'|wordcount }}|{{ 'x'|center(5) }}|{{ 42|string }}|{{ 'ab'|list }}|{{ 'ab'|length }}|{{ 'héllo 🙂'|length }}"},
    {"list_filters", "{{ l|join(', ') }}|{{ l|first }}|{{ l|last }}|{{ l|length }}|{{ l|count }}|{{ l|reverse|list }}|{{ [3,1,2]|sort }}|{{ [3,1,2]|sort(reverse=true) }}|{{ ['b','A','a']|unique|list }}|{{ [1,2,3]|sum }}|{{ [1,5,3]|max }}|{{ [1,5,3]|min }}|{{ range(5)|batch(2)|list }}|{{ ['a','B']|map('upper')|list }}|{{ [1,2,3,4]|select('odd')|list }}|{{ [1,2,3,4]|reject('odd')|list }}|{{ ['b','a','C']|sort }}|{{ [1, 2]|join }}"},
    {"attribute_filters", "{{ users|map(attribute='name')|join(',') }}|{{ users|selectattr('admin')|map(attribute='name')|list }}|{{ users|rejectattr('admin')|list|length }}|{{ users|selectattr('age', 'gt', 30)|map(attribute='name')|first }}|{{ users|sort(attribute='age')|map(attribute='name')|join }}|{{ users|map(attribute='missing', default='?')|list }}|{{ users|selectattr('name', 'equalto', 'bob')|list|length }}|{{ users|join(', ', attribute='age') }}|{{ users|sum(attribute='age') }}"},
    {"dict_filters", "{{ d|dictsort }}|{{ d|items|list }}|{% for k, v in d.items() %}{{ k }}={{ v }};{% endfor %}|{{ d.keys()|list }}|{{ d.values()|list }}|{{ d|length }}|{{ 'a' in d }}|{{ {'x': 1}.x }}|{{ dict(a=1, b=2)|tojson }}|{{ {'b': 2, 'A': 1, 'c': 0}|dictsort }}|{{ {'b': 2, 'a': 3}|dictsort(by='value') }}"},
    {"tojson", "{{ 'é\"\\n<\\t\\u0001'|tojson }}|{{ [1, 2.0, none, true, {}, []]|tojson }}|{{ {'b': 1, 'a': [ ]}|tojson(sort_keys=true) }}|{{ {'a': {'b': [1, {'c': 2}]}}|tojson(indent=4) }}|{{ 'é🙂'|tojson(ensure_ascii=true) }}|{{ {'a':1, 'b': [1,2]}|tojson(separators=(',', ':')) }}|{{ d|tojson(indent=2) }}|{{ 1e100|tojson }}|{{ 0.5|tojson }}"},
    {"numbers", "{{ '42'|int }}|{{ '4.7'|int }}|{{ 'x'|int }}|{{ 'x'|int(7) }}|{{ 3.9|int }}|{{ '2.5'|float }}|{{ 2|float }}|{{ -3|abs }}|{{ 2.567|round(2) }}|{{ 2.5|round }}|{{ 3|string ~ 'x' }}|{{ 1e-5 }}|{{ 123456789012345678.0 }}|{{ 1/3 }}|{{ 2.5|round(0, 'floor') }}|{{ 10 / 4 }}|{{ 1e16 }}|{{ 0.0001 }}|{{ -0.0 }}"},
    {"indent", "{{ 'a\\nb\\n\\nc'|indent(2) }}|{{ 'a\\nb'|indent(2, true) }}|{{ 'a\\n\\nb'|indent(2, blank=true) }}|{{ 'x\\ny'|indent('> ') }}"},
    {"string_methods", "{{ ' a b '.strip() }}|{{ 'a,b,,c'.split(',') }}|{{ ' a  b '.split() }}|{{ 'a b c'.split(' ', 1) }}|{{ 'a.b.c'.rsplit('.', 1) }}|{{ 'hello'.startswith('he') }}|{{ 'hello'.endswith(('x','lo')) }}|{{ 'hello'.find('l') }}|{{ 'hello'.rfind('l') }}|{{ 'hello'.replace('l','L') }}|{{ 'hello world-wide'.title() }}|{{ 'a{}b{x}'.format(1, x=2) }}|{{ '{0}-{0}'.format(3) }}|{{ ','.join(['a','b']) }}|{{ 'xxhixx'.lstrip('x') }}|{{ 'xxhixx'.rstrip('x') }}|{{ 'abc'.upper() }}|{{ 'ABC'.lower() }}|{{ 'a\\nb'.splitlines() }}|{{ 'hello'.count('l') }}|{{ 'abc'.removeprefix('a') }}|{{ '7'.zfill(3) }}|{{ 'x=1'.partition('=')[2] }}|{{ 'héllo'.find('l') }}|{{ 'Hello'.capitalize() }}|{{ '42'.isdigit() }}"},
    {"loop_variables", "{% for x in l %}{{ loop.index }}/{{ loop.index0 }}/{{ loop.revindex }}/{{ loop.revindex0 }}/{{ loop.first }}/{{ loop.last }}/{{ loop.length }}/{{ loop.previtem }}/{{ loop.nextitem }}/{{ loop.cycle('a','b') }};{% endfor %}"},
    {"loop_control", "{% for x in range(10) if x is odd %}{% if x > 6 %}{% break %}{% endif %}{% if x == 3 %}{% continue %}{% endif %}{{ x }}{{ loop.length }},{% endfor %}|{% for x in [] %}x{% else %}none{% endfor %}|{% for k in d %}{{ k }}{% endfor %}|{% for k, v in d|dictsort %}{{ k }}{% endfor %}|{% for a in [1,2] %}{% for b in [3,4] %}{{ loop.index }}{% endfor %}{{ loop.index }}{% endfor %}|{% for c in 'héj' %}{{ c }}.{% endfor %}"},
    {"scoping", "{% set x = 1 %}{% for i in [1,2] %}{% set x = x + i %}{{ x }}{% endfor %}{{ x }}|{% set ns = namespace(total=0, items=[]) %}{% for i in [1,2,3] %}{% set ns.total = ns.total + i %}{% set ns.items = ns.items + [i] %}{% endfor %}{{ ns.total }}{{ ns.items }}|{% if true %}{% set y = 5 %}{% endif %}{{ y }}|{% for a, b in [[1,2],[3,4]] %}{{ a + b }}{% endfor %}|{% set p, q = [1, 2] %}{{ q }}{{ p }}|{% set ns2 = namespace(d) %}{{ ns2.a }}"},
    {"macros", "{% macro greet(name, greeting='Hi') %}{{ greeting }}, {{ name }}!{% endmacro %}{{ greet('Ann') }} {{ greet('Bob', greeting='Yo') }} {{ greet(name='Cy', greeting='Hey') }}|{% macro wrap(tag) %}<{{ tag }}>{{ caller() }}</{{ tag }}>{% endmacro %}{% call wrap('b') %}bold {{ 1 + 1 }}{% endcall %}|{% macro rec(n) %}{% if n > 0 %}{{ n }}{{ rec(n - 1) }}{% endif %}{% endmacro %}{{ rec(3) }}|{% macro uses_global() %}{{ l|length }}{% endmacro %}{{ uses_global() }}"},
    {"block_set_and_filter", "{% set body %}Hello {{ 'World' }}{% endset %}{{ body|upper }}|{% filter upper %}shout {{ 'it' }}{% endfilter %}|{% set t | trim %}   padded   {% endset %}[{{ t }}]"},
    {"whitespace_control", "a  {%- if true -%}  b  {%- endif -%}  c|{{- '  x  ' -}}  |  {{ 'y' }} {#- gone -#} z"},
    {"trim_and_lstrip_blocks", "<ul>\n  {% for x in [1,2] %}\n    <li>{{ x }}</li>\n  {% endfor %}\n</ul>\n  {# comment #}\n  {%+ if true %}kept{% endif %}\n{% raw %}{{ not rendered }} {% if %}{% endraw %}\n{%- if true +%}\nplus{% endif %}\n  {{ 'var' }}\n  text {% if true %}mid{% endif %}\nend"},
    {"markup", "{{ 'a<'|safe + '<b>' }}|{{ '<b>' + 'x'|safe }}|{{ '<i>'|e }}|{{ ('<i>'|safe)|e }}|{{ ('a&' + 'b')|escape }}"},
    {"string_literals", "{{ \"tab\\tquote\\\"uni\\u00e9\" }}|{{ 'it' 's' }}|{{ 'a\\\\b' }}|{{ '\\x41' }}"},
    {"globals", "{{ strftime_now('%d %b %Y %H:%M') }}|{{ range(2, 10, 3)|list }}|{{ range(3)|list }}|{{ namespace(a=1).a }}"},
    {"generators", "{{ l|map('string')|list|tojson }}|{{ l|select('odd')|first }}|{{ 'yes' if l|select('gt', 5) else 'no' }}|{% for u in users|selectattr('admin') %}{{ u.name }}{% endfor %}"},
    {"tuples", "{{ (1, 2) }}|{{ (1,) }}|{{ (1, 2) == [1, 2] }}|{{ 'a=b'.partition('=') }}|{{ d.items()|list }}|{{ (1, 2)|tojson }}"},
    {"raise_exception", "before{{ raise_exception('the template says no') }}"},
    {"error_attribute_of_undefined", "{{ d.missing.deeper }}"},
    {"error_type_mismatch", "{{ 1 + 'a' }}"},
    {"error_list_mutation", "{{ l.append(4) }}"},
    {"error_syntax_for", "{% for %}{% endfor %}"},
    {"error_unknown_filter", "{{ l|no_such_filter }}"},
    {"error_unknown_filter_in_unreached_loop", "{% for x in [] %}{{ x|no_such_filter }}{% endfor %}"},
    {"unknown_filter_in_untaken_if", "{% if false %}{{ x|no_such_filter }}{% endif %}ok{{ 1 if true else x|nope }}"},
    {"error_unknown_test", "{% for x in [] %}{{ x is no_such_test }}{% endfor %}"},
    {"error_call_undefined", "{{ no_such_function() }}"},
    {"error_unclosed_if", "{% if true %}open"},
    {"error_unterminated_expression", "{{ 'a' "},
    {"error_generator_length", "{{ l|select('odd')|length }}"},
    {"error_generator_tojson", "{{ l|map('string')|tojson }}"},
    {"error_divide_by_zero", "{{ 1 / 0 }}"},
    {"error_unknown_tag", "{% frobnicate %}"},
};

TEST(TemplateSnippets, MatchJinja2) {
  if (!jinja_oracle::have_python_jinja2()) GTEST_SKIP() << "python3-jinja2 not installed";
  auto vars = nlohmann::ordered_json::parse(kVariables);
  nlohmann::ordered_json cases = nlohmann::ordered_json::array();
  for (const auto& s : kSnippets) cases.push_back({{"source", s.source}, {"variables", vars}});
  const int64_t now = 1721995200;
  auto expected = jinja_oracle::run_oracle(cases, now);
  ASSERT_EQ(expected.size(), std::size(kSnippets)) << "the Python oracle failed to run";
  for (size_t i = 0; i < expected.size(); ++i) {
    const Snippet& s = kSnippets[i];
    auto tmpl = ChatTemplate::parse(s.source);
    Result<std::string> got = tmpl ? tmpl->render_variables(vars, now) : Result<std::string>(tmpl.status());
    if (expected[i].ok) {
      ASSERT_TRUE(got.ok()) << s.name << ": we failed (" << got.status().message << ") but jinja2 rendered "
                            << nlohmann::json(expected[i].text).dump();
      EXPECT_EQ(*got, expected[i].text) << s.name;
    } else {
      EXPECT_FALSE(got.ok()) << s.name << ": jinja2 failed (" << expected[i].error << ") but we rendered "
                             << nlohmann::json(*got).dump();
    }
  }
}

} // namespace
} // namespace llmhost::tmpl
