"""integrator.io's Handlebars semantics: escaping by where a template is, the compile errors
(integrator.io's space after `{{` included) with their place, real Handlebars' structure
(`@root`, `../`, `@index`, raw blocks, comments), one record failing alone, the contexts
of each stage and an export's or import's rendered request.

Sources: `AI:SKILL` / `AI:syntax` are celigo/ai skills/writing-handlebars/SKILL.md and
references/helpers/syntax-and-recipes.md; `FM` is flows-and-mappings.md's Handlebars part;
`spec` the runtime objects' specification (exports.run / imports.run).
"""

from __future__ import annotations

from typing import Any

import pytest

from jsrt.transform import TransformError, shared_engine
from jsrt.transform.handlebars import (
    RenderedRequest,
    TemplateRenderError,
    export_context,
    import_context,
    lookup_context,
    render,
    render_request,
    run_data_context,
)

VALUE = {"q": 'a&b <c> "d" e/f?g=h'}


def test_body_escaping_html_escapes_double_braces_and_leaves_triple_raw() -> None:
    # FM: `{{ }}` is HTML-escaped in bodies ("users see &amp; in JSON bodies"); `{{{ }}}` raw.
    assert render("{{q}}|{{{q}}}", VALUE) == (
        "a&amp;b &lt;c&gt; &quot;d&quot; e/f?g&#x3D;h|" + VALUE["q"]
    )


def test_uri_escaping_url_encodes_double_braces_and_leaves_triple_raw() -> None:
    # AI:SKILL "In URLs, URL-encodes" (double braces); triple braces stay raw.
    assert render("/x/{{q}}?r={{{q}}}", VALUE, escape="uri") == (
        "/x/a%26b%20%3Cc%3E%20%22d%22%20e%2Ff%3Fg%3Dh?r=" + VALUE["q"]
    )


def test_uri_escaping_encodes_what_a_helper_returns_and_a_missing_value_is_empty() -> None:
    template = '{{join " " a b}}|{{uppercase a}}|{{missing}}|{{{join " " a b}}}|{{@root.a}}'
    assert render(template, {"a": "x y", "b": "&"}, escape="uri") == (
        "x%20y%20%26|X%20Y||x y &|x%20y"
    )


def test_no_escaping_leaves_both_forms_raw() -> None:
    assert render("{{q}}|{{{q}}}", VALUE, escape="none") == f"{VALUE['q']}|{VALUE['q']}"


def test_an_unknown_escape_mode_is_refused() -> None:
    with pytest.raises(TransformError, match='unknown escape mode "sql"'):
        render("{{a}}", {}, escape="sql")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("template", "line", "column"),
    [("{{ name}}", 1, 3), ("Dear\n  {{{ record.name}}}", 2, 6), ("{{#if a}}{{\tb}}{{/if}}", 1, 12)],
)
def test_a_space_right_after_the_opening_braces_is_integrator_ios_compile_error(
    template: str, line: int, column: int
) -> None:
    # AI:syntax "Whitespace": `{{ expression}}` is a compile error in integrator.io.
    with pytest.raises(TransformError) as refused:
        render(template, {"name": "x"}, path="http.body")
    error = refused.value
    assert error.details["code"] == "invalid_template"
    assert (error.line, error.column) == (line, column)
    assert error.details["path"] == "http.body"
    assert 'refuses a space right after "{{"' in error.message
    assert error.message.startswith("http.body: ")
    assert error.hint == "remove the space: write {{name}}, not {{ name}}"


def test_spaces_elsewhere_comments_and_escaped_braces_are_accepted() -> None:
    # AI:syntax: `{{! single line comment }}`, `\{{escaped}}`, spaces between arguments.
    template = '{{! a comment }}{{!-- long\n comment --}}\\{{ not parsed}} {{join "-" a b }}'
    assert render(template, {"a": "1", "b": "2"}) == "{{ not parsed}} 1-2"


def test_raw_blocks_print_their_body_literally() -> None:
    # AI:syntax: raw blocks `{{{{raw}}}} ... {{{{/raw}}}}` keep Handlebars syntax as text.
    template = "{{{{raw}}}}{{this is not parsed}} {{ nor this}}{{{{/raw}}}}"
    assert render(template, {}) == "{{this is not parsed}} {{ nor this}}"
    assert (
        render("{{{{name}}}}\n  {{Samantha}}\n{{{{/name}}}}", {"name": "x"}) == "  {{Samantha}}\n"
    )


@pytest.mark.parametrize(
    ("template", "line", "column", "message"),
    [
        ("x\n{{#if a}}x{{/iff}}", 2, 4, "if doesn't match iff"),
        ("ab\n  {{foo", 2, 5, "Handlebars cannot parse it: Expecting 'ID'"),
        ("{{foo bar=}}", 1, 11, "Handlebars cannot parse it"),
    ],
)
def test_a_template_that_does_not_compile_names_its_line_and_column(
    template: str, line: int, column: int, message: str
) -> None:
    with pytest.raises(TransformError) as refused:
        render(template, {})
    error = refused.value
    assert error.details["code"] == "invalid_template"
    assert message in error.message
    assert f"(line {line}, column {column})" in error.message
    assert (error.line, error.column) == (line, column)
    assert error.exit_code == 2


def test_root_parent_and_iteration_data_are_real_handlebars() -> None:
    # AI:syntax "Parent context in #each loops" and the data variables of block-helpers.md.
    context = {
        "record": {"orderId": "O1", "lineItems": [{"sku": "A"}, {"sku": "B"}]},
        "connection": {"http": {"encrypted": {"apiKey": "K"}}},
        "child": {"childTitle": "T", "childBody": "B"},
    }
    template = (
        "{{#each record.lineItems}}{{@index}}:{{this.sku}}:{{../record.orderId}}:"
        "{{@root.connection.http.encrypted.apiKey}}:{{@first}}:{{@last}};{{/each}}"
        "{{#each @root.child}}{{#if @first}}{{@key}}{{/if}}{{/each}}"
    )
    assert render(template, context) == "0:A:O1:K:true:false;1:B:O1:K:false:true;childTitle"


def test_a_json_body_with_nested_iteration_renders_as_documented() -> None:
    # AI:syntax "Complex JSON template with nested iteration", shortened.
    template = (
        '[{{#each data}}{"ExternalID": "{{0.id}}", "City": "{{0.[Shipping City]}}", "Items": ['
        '{{#each this}}{"Inv": "{{Item}}"}{{#if @last}}{{else}},{{/if}}{{/each}}]}'
        "{{#if @last}}{{else}},{{/if}}{{/each}}]"
    )
    data = [[{"id": "1", "Shipping City": "San Mateo", "Item": "a"}, {"id": "1", "Item": "b"}]]
    assert render(template, {"data": data}) == (
        '[{"ExternalID": "1", "City": "San Mateo", "Items": [{"Inv": "a"},{"Inv": "b"}]}]'
    )


def test_a_failing_helper_fails_only_its_own_record() -> None:
    outcomes = shared_engine().call(
        "render",
        {
            "template": "{{jsonSerialize (jsonParse payload)}}",
            "escape": "none",
            "contexts": [{"payload": '{"a":1}'}, {"payload": "{broken"}, {"payload": "[2]"}],
        },
    )
    assert outcomes[0] == {"data": '{"a":1}'}
    assert outcomes[1]["errors"][0]["code"] == "template_error"
    assert 'helper "jsonParse": the value is not JSON' in outcomes[1]["errors"][0]["message"]
    assert outcomes[2] == {"data": "[2]"}


def test_a_failure_on_the_data_is_a_render_error_naming_the_template() -> None:
    with pytest.raises(TemplateRenderError) as failed:
        render("{{#each}}{{/each}}", {}, path="http.relativeURI")
    assert failed.value.message == (
        "http.relativeURI: the template failed on this data: Must pass iterator to #each"
    )
    assert failed.value.details["path"] == "http.relativeURI"


def test_the_same_template_is_compiled_once_per_escape_mode() -> None:
    # Compiled templates are cached by source and mode: the two modes differ, each stays stable.
    for _ in range(3):
        assert render("{{a}}", {"a": "x y"}, escape="uri") == "x%20y"
        assert render("{{a}}", {"a": "x y"}) == "x y"


def test_the_import_context_has_the_captured_shape_and_record() -> None:
    # AI:SKILL "Import bubble": {"0", data, lookup, recordLookupError, settings: {import,
    # connection}, connection, import, job, testMode}; AFE 2.0 templates read `record.`.
    record = {"id": "7", "name": "Ann"}
    context = import_context(
        record,
        import_={"_id": "i1", "settings": {"s": 1}},
        connection={"_id": "c1", "settings": {"t": 2}, "http": {"baseURI": "https://x"}},
        lookup={"ship": "Overnight"},
        job={"_id": "j1"},
    )
    assert context["0"] is record and context["record"] is record and context["data"] == [record]
    assert context["settings"] == {"import": {"s": 1}, "connection": {"t": 2}}
    template = (
        "{{record.name}}|{{0.name}}|{{data.[0].id}}|{{lookup.ship}}|{{settings.import.s}}|"
        "{{connection.http.baseURI}}|{{import._id}}|{{job._id}}|{{testMode}}"
    )
    assert render(template, context) == "Ann|Ann|7|Overnight|1|https://x|i1|j1|false"


def test_the_lookup_context_spreads_the_record_and_keeps_its_initial_data() -> None:
    # AI:SKILL "Lookup bubble": record fields at the top, data = record + _INITDATA.
    context = lookup_context(
        {"id": "9"},
        initial_record={"id": "9", "raw": True},
        export={"settings": {"e": 1}},
        export_start_time="2025-01-01T00:00:00.000Z",
    )
    template = (
        "{{id}}|{{data.id}}|{{data._INITDATA.raw}}|{{record.id}}|"
        "{{settings.export.e}}|{{exportStartTime}}"
    )
    assert render(template, context) == "9|9|true|9|1|2025-01-01T00:00:00.000Z"


def test_the_export_context_has_the_delta_dates_and_no_record() -> None:
    # AI:SKILL "Export bubble": lastExportDateTime, currentExportDateTime, settings, connection.
    context = export_context(
        export={"settings": {"page": 5}}, last_export_date_time="2025-01-01T00:00:00Z"
    )
    assert "record" not in context
    assert render("since={{{lastExportDateTime}}}&p={{settings.export.page}}", context) == (
        "since=2025-01-01T00:00:00Z&p=5"
    )


@pytest.mark.parametrize(
    ("data", "netsuite", "template", "expected"),
    [
        ([{"id": "a1"}], False, "{{data.[0].id}}", "a1"),
        ({"id": "o1"}, False, "{{data.id}}", "o1"),
        ([{"id": "n1"}], True, "{{[0].id}}", "n1"),
        ({"id": "n2"}, True, "{{id}}", "n2"),
    ],
)
def test_run_data_is_where_the_runtime_specification_says(
    data: Any, netsuite: bool, template: str, expected: str
) -> None:
    # spec exports.run / imports.run: "NetSuite - Array {{[0].id}} ; Object {{id}}; Others -
    # Array {{data.[0].id}} ; Object {{data.id}}".
    assert render(template, run_data_context(data, netsuite=netsuite)) == expected


def test_an_export_request_renders_uri_body_and_headers_with_their_escaping() -> None:
    export = {
        "http": {
            "method": "POST",
            "relativeURI": "/customers/{{record.name}}?q={{{record.query}}}",
            "body": '{"name": "{{record.name}}", "raw": "{{{record.name}}}"}',
            "headers": [{"name": "X-Name", "value": "{{record.name}}"}],
        }
    }
    context = {"record": {"name": "A & B", "query": "a=1&b=2"}}
    assert render_request(export, context) == RenderedRequest(
        method="POST",
        relative_uri="/customers/A%20%26%20B?q=a=1&b=2",
        body='{"name": "A &amp; B", "raw": "A & B"}',
        headers={"X-Name": "A &amp; B"},
    )


def test_an_import_request_picks_the_operation_of_its_request_type() -> None:
    # configuring-imports schemas/http.yml: relativeURI, method and body align with requestType.
    resource = {
        "http": {
            "requestType": ["UPDATE", "CREATE"],
            "method": ["PUT", "POST"],
            "relativeURI": ["/items/{{record.id}}", "/items"],
            "body": ['{"u": "{{record.id}}"}', '{"c": "{{record.id}}"}'],
        }
    }
    context = import_context({"id": "7"})
    create = render_request(resource, context, request_type="create")
    assert (create.method, create.relative_uri, create.body) == ("POST", "/items", '{"c": "7"}')
    update = render_request(resource, context)
    assert (update.method, update.relative_uri, update.body) == ("PUT", "/items/7", '{"u": "7"}')
    with pytest.raises(TransformError, match="the import has no DELETE request") as missing:
        render_request(resource, context, request_type="delete")
    assert missing.value.details["path"] == "http.requestType"


def test_a_request_template_error_names_its_place_in_the_resource() -> None:
    resource = {"http": {"relativeURI": "/ok", "headers": [{"name": "A", "value": "{{ x}}"}]}}
    with pytest.raises(TransformError) as refused:
        render_request(resource, {})
    assert refused.value.details["path"] == "http.headers[0].value"
    with pytest.raises(TransformError, match="no http settings") as missing:
        render_request({"name": "ftp export"}, {})
    assert missing.value.details["path"] == "http"


def test_a_request_takes_the_connections_headers_and_base_uri() -> None:
    # configuring-exports schemas/http.yml: the export's headers are merged with, and
    # override, the connection's; relativeURI is appended to the connection's baseURI.
    connection = {
        "http": {
            "baseURI": "https://api.example.com/v1/",
            "headers": [
                {"name": "accept", "value": "text/plain"},
                {"name": "X-Key", "value": "{{{connection.http.encrypted.key}}}"},
            ],
            "encrypted": {"key": "s3cr&t"},
        }
    }
    export = {
        "http": {
            "relativeURI": "/items",
            "headers": [{"name": "Accept", "value": "application/json"}],
        }
    }
    sent = render_request(export, {"connection": connection}, connection=connection)
    assert sent.url == "https://api.example.com/v1/items"
    assert sent.headers == {"X-Key": "s3cr&t", "Accept": "application/json"}
