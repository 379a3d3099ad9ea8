#!/usr/bin/env python3
"""Test oracle: renders chat templates with Python's jinja2 the way Hugging Face transformers'
apply_chat_template does (immutable sandbox, trim_blocks, lstrip_blocks, loopcontrols, tojson via
json.dumps(ensure_ascii=False), raise_exception, strftime_now), with a fixed clock.

usage: render_oracle.py CASES.json RESULTS.json
CASES.json: {"now_unix": int, "cases": [{"template": path | "source": text, "variables": {...}}, ...]}
RESULTS.json: [{"ok": bool, "text": str, "error": str}, ...] in the same order.
"""
import datetime
import json
import sys

import jinja2
from jinja2 import nodes
from jinja2.ext import Extension, loopcontrols
from jinja2.sandbox import ImmutableSandboxedEnvironment


class GenerationBlock(Extension):
    """{% generation %}...{% endgeneration %}: transformers marks assistant text with it."""
    tags = {"generation"}

    def parse(self, parser):
        lineno = next(parser.stream).lineno
        body = parser.parse_statements(("name:endgeneration",), drop_needle=True)
        return nodes.CallBlock(self.call_method("_render", []), [], [], body).set_lineno(lineno)

    def _render(self, caller):
        return caller()


def make_env(now):
    def raise_exception(message):
        raise jinja2.exceptions.TemplateError(message)

    def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
        return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators,
                          sort_keys=sort_keys)

    def strftime_now(fmt):
        return now.strftime(fmt)

    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True,
                                        extensions=[GenerationBlock, loopcontrols])
    env.filters["tojson"] = tojson
    env.globals["raise_exception"] = raise_exception
    env.globals["strftime_now"] = strftime_now
    return env


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        spec = json.load(f)
    now = datetime.datetime.fromtimestamp(spec["now_unix"], datetime.timezone.utc).replace(tzinfo=None)
    env = make_env(now)
    compiled = {}
    results = []
    for case in spec["cases"]:
        path = case.get("template")
        try:
            if path is None:
                template = env.from_string(case["source"])
            else:
                if path not in compiled:
                    with open(path, encoding="utf-8") as f:
                        compiled[path] = env.from_string(f.read())
                template = compiled[path]
            text = template.render(**case["variables"])
            results.append({"ok": True, "text": text, "error": ""})
        except Exception as e:  # the template rejected the input, or failed to compile
            results.append({"ok": False, "text": "", "error": f"{type(e).__name__}: {e}"})
    with open(sys.argv[2], "w", encoding="utf-8") as f:
        json.dump(results, f, ensure_ascii=False)


if __name__ == "__main__":
    main()
