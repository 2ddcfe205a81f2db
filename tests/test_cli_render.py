"""`jsrt render` through click's CliRunner: a Handlebars template rendered with
integrator.io's helpers, escaping and stage contexts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from jsrt.cli import main

RECORD = {"id": "SO 1&2", "qty": 3, "lines": [{"sku": "A"}, {"sku": "B"}]}


def jsrt_render(*args: str, stdin: str | None = None):
    return CliRunner().invoke(main, ["render", *args], input=stdin, catch_exceptions=False)


def write(tmp_path: Path, name: str, value: Any) -> str:
    path = tmp_path / name
    path.write_text(value if isinstance(value, str) else json.dumps(value), encoding="utf-8")
    return str(path)


def test_a_template_file_renders_against_the_context(tmp_path: Path) -> None:
    template = write(tmp_path, "body.hbs", '{"ref": "{{{id}}}", "n": {{qty}} }\n')
    context = write(tmp_path, "record.json", RECORD)
    run = jsrt_render(template, "--context", context)
    assert run.exit_code == 0, run.output
    assert run.output == '{"ref": "SO 1&2", "n": 3 }\n'


# celigo/ai writing-handlebars/SKILL.md: {{x}} is URL-encoded in a relativeURI and
# HTML-escaped in a body; {{{x}}} is never escaped.
def test_escape_uri_url_encodes_and_body_html_escapes(tmp_path: Path) -> None:
    context = write(tmp_path, "record.json", RECORD)
    uri = jsrt_render("-t", "/orders/{{id}}", "--context", context, "--escape", "uri")
    body = jsrt_render("-t", "{{id}}|{{{id}}}", "--context", context)
    plain = jsrt_render("-t", "{{id}}", "--context", context, "--escape", "none")
    assert uri.output == "/orders/SO%201%262\n"
    assert body.output == "SO 1&amp;2|SO 1&2\n"
    assert plain.output == "SO 1&2\n"


def test_standard_input_is_the_template_with_each_and_its_index(tmp_path: Path) -> None:
    context = write(tmp_path, "record.yaml", "lines: [{sku: A}, {sku: B}]\n")
    run = jsrt_render(
        "-", "--context", context, stdin="{{#each lines}}{{@index}}={{sku}};{{/each}}"
    )
    assert run.exit_code == 0, run.output
    assert run.output == "0=A;1=B;\n"


# celigo/ai writing-handlebars/SKILL.md, "Import bubble": an import's templates see the
# record as {{record.x}}, {{0.x}} and in {{data}}, the page.
def test_the_import_stage_puts_the_record_where_an_import_sees_it(tmp_path: Path) -> None:
    context = write(tmp_path, "record.json", RECORD)
    run = jsrt_render(
        "-t",
        "{{record.qty}} {{[0].qty}} {{data.[0].qty}}",
        "--context",
        context,
        "--stage",
        "import",
    )
    assert run.exit_code == 0, run.output
    assert run.output == "3 3 3\n"


def test_the_lookup_stage_puts_the_record_fields_at_the_top(tmp_path: Path) -> None:
    context = write(tmp_path, "record.json", RECORD)
    run = jsrt_render("-t", "{{qty}} {{data.qty}}", "--context", context, "--stage", "lookup")
    assert run.output == "3 3\n"


def test_json_gives_the_output(tmp_path: Path) -> None:
    context = write(tmp_path, "record.json", RECORD)
    run = jsrt_render("-t", "{{toUpperCase id}}", "--context", context, "--json")
    assert run.exit_code == 0, run.output
    assert json.loads(run.output) == {"ok": True, "output": "SO 1&amp;2"}


# celigo/ai writing-handlebars/SKILL.md: integrator.io refuses a space right after "{{".
def test_a_template_that_does_not_compile_is_exit_2_with_line_and_column() -> None:
    run = jsrt_render("-t", "ok\n{{ id}}", "--json")
    assert run.exit_code == 2
    error = json.loads(run.output)["error"]
    assert error["type"] == "TransformError"
    assert error["code"] == "invalid_template"
    assert (error["line"], error["column"]) == (2, 3)
    assert error["hint"]


def test_a_bad_context_file_is_exit_2_with_its_place(tmp_path: Path) -> None:
    context = write(tmp_path, "record.json", '{"id": }')
    run = jsrt_render("-t", "{{id}}", "--context", context)
    assert run.exit_code == 2
    assert f"error: {context}:1:8: invalid JSON in context" in run.stderr


def test_a_template_file_and_text_together_or_neither_is_a_usage_error(tmp_path: Path) -> None:
    template = write(tmp_path, "t.hbs", "{{id}}")
    both = jsrt_render(template, "-t", "{{id}}")
    neither = jsrt_render()
    assert (both.exit_code, neither.exit_code) == (2, 2)
    assert "give either a TEMPLATE file" in both.stderr
    assert "give either a TEMPLATE file" in neither.stderr


def test_an_unknown_escape_is_refused_with_the_choices() -> None:
    run = jsrt_render("-t", "{{id}}", "--escape", "html")
    assert run.exit_code == 2
    assert "'body', 'uri', 'none'" in run.output


def test_a_missing_template_file_is_exit_2(tmp_path: Path) -> None:
    run = jsrt_render(str(tmp_path / "nope.hbs"))
    assert run.exit_code == 2
    assert "no such template file" in run.stderr


def test_a_template_that_fails_on_its_data_is_exit_1(tmp_path: Path) -> None:
    context = write(tmp_path, "record.json", {"payload": "{not json"})
    run = jsrt_render("-t", "{{jsonParse payload}}", "--context", context, "--json")
    assert run.exit_code == 1
    error = json.loads(run.output)["error"]
    assert error["type"] == "TemplateRenderError"
    assert "jsonParse" in error["message"]
