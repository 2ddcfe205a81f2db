"""integrator.io's transformation engine: Mapper 2.0 and 1.0, lookups, Handlebars, filters,
transforms and response mapping, run the way integrator.io runs them.

The engine is JavaScript running in a V8 isolate of its own (`engine.TransformEngine`):
integrator.io's templates are Handlebars and its paths JSONPath, and the faithful way to
evaluate both is with the real libraries (handlebars, jsonpath-plus, moment and
moment-timezone, fetched from npm by `jsrt.modules`), next to jsrt's own code in `js/`,
which compiles each definition once and applies it record by record. A hook isolate
cannot be re-entered while it waits on a bridge call, so `imports.runMapping` reaches
this engine's isolate, never the hook's own.

Python callers use `TransformEngine` (or the process's shared one, `shared_engine()`);
the local backend, the flow runner, the CLI and case files all go through it.
"""

from __future__ import annotations

from jsrt.transform.engine import LookupSource, TransformEngine, TransformError, shared_engine
from jsrt.transform.filters import filter_records, script_filter_of
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
from jsrt.transform.mapping import (
    MappedPage,
    MappingProblem,
    RecordOutcome,
    check_mapping,
    map_page_text,
    map_records,
)
from jsrt.transform.response_mapping import (
    ResponseKind,
    apply_response_mapping,
    apply_response_mappings,
)
from jsrt.transform.transforms import apply_transform, script_transform_of

__all__ = [
    "LookupSource",
    "MappedPage",
    "MappingProblem",
    "RecordOutcome",
    "RenderedRequest",
    "ResponseKind",
    "TemplateRenderError",
    "TransformEngine",
    "TransformError",
    "apply_response_mapping",
    "apply_response_mappings",
    "apply_transform",
    "check_mapping",
    "export_context",
    "filter_records",
    "import_context",
    "lookup_context",
    "map_page_text",
    "map_records",
    "render",
    "render_request",
    "run_data_context",
    "script_filter_of",
    "script_transform_of",
    "shared_engine",
]
