"""Run a whole flow locally, page by page, step by step, the way integrator.io runs it.

The order of the work (celigo/ai skills/configuring-exports/SKILL.md "Export Execution
Pipeline", skills/configuring-imports/SKILL.md "Import Execution Pipeline",
/work/shared/docs/flows-and-mappings.md "How a flow runs a page"):

- each page generator makes its pages (`jsrt.flow.sources`), and each page goes through
  the export's transform, output filter and preSavePage;
- then through the page processors in order, or, in a flow with routers, from the first
  router through its branches (`jsrt.flow.routing`); a lookup (an export step): fan-out,
  input filter, a request per record, the lookup's transform, output filter and
  preSavePage on what it answered, response mapping, postResponseMap; an import:
  fan-out, input filter, preMap, mapping, postMap, submit, responseTransform, postSubmit,
  response mapping, postResponseMap;
- after the last page, postAggregate once per file import that received records.

Every hook runs once per page and step with the whole page (a filter, transform or
branching script once per page too: the runner calls its function per record inside one
run); mappings, filters, transforms and response mappings go through the transformation
engine (`jsrt.transform`), a page per call.

Pages in flight (`jsrt.flow.pipeline`): in a flow of page processors in a row (no
routers) whose run is not traced, a generator's next page goes through its export
pipeline while the page processors work on the pages before it, each processor works on
one page while the next works on the page before, and an import works in two halves
(up to its mapping; from postMap on) that do the same, as integrator.io streams pages
on (flows-and-mappings.md "How a flow runs a page"). Each step takes the pages in
order; a page keeps its own counts, stages and errors of a step until it leaves the
step, and its notes and failures until it leaves the last one, so the `FlowResult` is
the one a run page after page gives (tests/flow/test_flow_pipeline.py). What may now
interleave is the hooks of different steps: page n+1's preSavePage may run before or
after page n's preMap or postMap, so what hooks of different steps write to the world
(state, lookup caches) may land in either order; the hooks of one step still run page
after page, the worker runs one hook at a time, and the runner applies what each run
changed in the world in the order the worker ran them (`world_lock`, which a mapping's
questions to the world also hold). A flow with routers (a page may reach a step by
several branches, or none) and a traced run (journeys are numbered as records are made)
run page after page.

Records a filter drops skip that step only and go on to the next. A record that fails
at a step stops there unless the step says `proceedOnFailure` (celigo/ai
skills/building-flows/references/schemas/page-processor.yml). A hook's throw fails every
record of the page at that step (a page hook's throw fails its page: celigo-reference
§2.3); a per-record hook's throw fails that record. Each error carries `retryData`, the
record as the step received it (a cloud test run's errors "include retryData inline":
skills/troubleshooting-flows/SKILL.md).

Nothing is written: lookups and submits are answered by the world's mocks on every
backend, so a flow run never sends a request to a real system; the hooks' own
integrator-api calls go to the runtime's backend under its rules (on the REST backend
the write guard refuses writes unless allowed, as for any hook run). Nor does the run
record anything in the world (no import runs, no jobs): what each import would have
received is in the result.

Where the sources are silent, jsrt's reading (said again where it is coded): a
one-to-many parent goes on unless one of its children failed; a parent's
postResponseMap gets one response per parent made from its children's; a record a
preMap or postMap returns `{data, errors}` for is submitted, and then stops there like a
failed one; a lookup's transform, output filter and preSavePage run once per page over
every record's answers together. Not emulated: rendering the requests lookups and
imports would send, the file a file import writes (postAggregate gets `{success: true,
_json: {}}`), a lookup's own failures (every record is answered by the mock), page size
limits in bytes, retries and concurrency.
"""

from __future__ import annotations

import contextlib
import itertools
import threading
import time
from collections.abc import Callable, Generator, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from jsrt.backends.local import World
from jsrt.describe import describe
from jsrt.errors import InputError, UsageError
from jsrt.flow.hooks import HookRun, HookRunner, flow_hook_sites, hook_failure, record_failure
from jsrt.flow.pipeline import PagePipeline
from jsrt.flow.result import (
    FlowProgress,
    FlowResult,
    HookCount,
    Journey,
    JourneyStep,
    Stage,
    StepResult,
)
from jsrt.flow.routing import route
from jsrt.flow.sources import ImportAnswers, generator_pages, lookup_answer
from jsrt.hooks import WorldLike
from jsrt.hooks.page import data_only
from jsrt.integration.scripts import WorldPlace
from jsrt.integration.steps import FlowStep, HookSite, find_flow, flow_steps
from jsrt.transform import (
    LookupSource,
    ResponseKind,
    TransformError,
    apply_response_mappings,
    apply_transform,
    filter_records,
    map_records,
)

GeneratorData = Sequence[Any] | Mapping[str, Sequence[Any]]
"""Records given for the page generators: one list (the flow's only generator), or lists
by export `_id` or name."""

FILE_IMPORT_ADAPTORS = frozenset(
    {
        "FTPImport",
        "S3Import",
        "AS2Import",
        "FileSystemImport",
        "AzureBlobImport",
        "GoogleDriveImport",
    }
)
"""Adaptors that write files (celigo/ai skills/configuring-imports/SKILL.md, "File-Based
Imports"); an `HTTPImport` with `http.type: "file"` or any import with a `file` block
writes one too."""

PARENT_KEY = "_PARENT"
"""Where a one-to-many child record holds its parent (flows-and-mappings.md: "pathToMany
children become records with the parent under `_PARENT`")."""


@dataclass(eq=False)
class Item:
    """A record on its way through the flow (its value changes stage by stage; the item
    stays the same), with its journey when tracing."""

    record: Any
    journey: Journey | None = None


@dataclass
class _Fanned:
    """A step's records after a one-to-many fan-out: the children, each parent's
    position, and the path they came from; or the records themselves (`parents` None)."""

    items: list[Item]
    parents: list[int] | None = None
    path: str | None = None


class FlowRun:
    """One run of one flow: its steps, its hooks, what it has counted so far."""

    def __init__(
        self,
        world: WorldLike,
        place: WorldPlace,
        flow: Mapping[str, Any],
        run_hook: HookRunner,
        *,
        trace: bool,
        on_progress: Callable[[FlowProgress], None] | None,
        world_lock: AbstractContextManager[Any] | None = None,
    ) -> None:
        self.world = world
        self.place = place
        self.flow = flow
        self.flow_id = str(flow.get("_id"))
        self.run_hook = run_hook
        self.on_progress = on_progress
        self.steps = flow_steps(flow, world)
        self.sites = flow_hook_sites(world, place, self.flow_id)
        self.result = FlowResult(
            flow_id=self.flow_id,
            flow_name=flow.get("name") if isinstance(flow.get("name"), str) else None,
            steps=[_step_result(step) for step in self.steps],
            trace=[] if trace else None,
        )
        self._journeys = itertools.count()
        self._answers: dict[int, ImportAnswers] = {}
        self._local = _StepState()
        self._world_lock: AbstractContextManager[Any] = world_lock or threading.RLock()
        """Held by each question a mapping asks the world, and by whoever runs the hooks
        while a run changes the world (the runner's `Runtime._exchanges`): with pages in
        flight, a mapping never reads the world half changed."""
        self.started_at = datetime.now(UTC)
        for step in self.steps:
            if step.kind != "router" and step.resource is None:
                raise InputError(
                    f"{step.label} of flow {self.flow_id} names {step.kind} "
                    f"{step.resource_id!r}, which the world lacks",
                    hint=f"add the {step.kind} to the world's {step.kind}s",
                    file=place.label,
                )

    @property
    def failed(self) -> set[Item]:
        """The records that failed at the step now running (of the page it runs on: with
        pages in flight a step's work on a page may go on on another thread)."""
        page = self._local.page
        return page.failed if page is not None else self._local.failed

    @failed.setter
    def failed(self, items: set[Item]) -> None:
        page = self._local.page
        if page is not None:
            page.failed = items
        else:
            self._local.failed = items

    def tally(self, step: FlowStep) -> StepResult:
        """Where the step's counts, stages and errors go: the run's `StepResult`, or,
        with pages in flight, the page's own, added to the run's as the page leaves the
        step (so they come in page order whatever thread made them)."""
        page = self._local.page
        if page is None:
            return self.result.steps[step.index]
        found = page.tallies.get(step.index)
        if found is None:
            found = page.tallies[step.index] = _step_result(step)
        return found

    def _leave_step(self, work: _PageWork, step: FlowStep) -> None:
        """A page leaves a step: what it counted there joins the run's result."""
        tally = work.tallies.pop(step.index, None)
        if tally is not None:
            self.result.steps[step.index].add(tally)

    @property
    def _answer_errors(self) -> dict[Item, list[dict[str, Any]]] | None:
        """While what a lookup or an import answered goes through a pipeline of its own (a
        lookup's transform, filter and preSavePage; an import's responseTransform): the
        errors of each answer, which fail the record it answers."""
        return self._local.answer_errors

    @_answer_errors.setter
    def _answer_errors(self, errors: dict[Item, list[dict[str, Any]]] | None) -> None:
        self._local.answer_errors = errors

    def note(self, text: str) -> None:
        """A note on the run, in the order the run would make it page after page."""
        page = self._local.page
        (page.notes if page is not None else self.result.notes).append(text)

    def failure(self, failure: dict[str, Any]) -> None:
        """What stopped a page or the run, in the order of a run page after page."""
        page = self._local.page
        (page.failures if page is not None else self.result.failures).append(failure)

    # --- the run ----------------------------------------------------------------------

    def run(self, pages: int | None, data: GeneratorData | None) -> FlowResult:
        started = time.perf_counter()
        generators = [step for step in self.steps if step.place.startswith("pageGenerators")]
        given = _given_data(data, generators)
        for generator in generators:
            self._run_generator(generator, given.get(generator.index), pages)
        self._post_aggregate()
        self.result.duration_ms = (time.perf_counter() - started) * 1000
        return self.result

    def _run_generator(
        self, step: FlowStep, records: Sequence[Any] | None, limit: int | None
    ) -> None:
        label = f"{step.label} of flow {self.flow_id}"
        all_pages = generator_pages(step.resource or {}, records, label, self.place.label)
        made = all_pages if limit is None else all_pages[:limit]
        if records is None and "mockOutput" not in (step.resource or {}):
            self.note(
                f"{self.result.steps[step.index].label} has no mockOutput and no data was "
                "given for it: it made no pages (give its records as data, or a mockOutput "
                "in the world)"
            )
        if self._pipelined() and len(made) > 1:
            self._run_pages_pipelined(step, made)
            return
        for number, page_records in enumerate(made):
            work = _PageWork(step, self.result.pages, number, len(made), len(page_records))
            self._generate(work, page_records)
            self._after_generator(work.items, work.page)
            self._page_done(work)
            if work.abort:
                break

    def _generate(self, work: _PageWork, records: list[Any]) -> None:
        """A generator's next page, through the export's pipeline."""
        self.result.pages += 1
        items = [self._born(record, work.step, work.page) for record in records]
        work.items, work.abort = self._export_pipeline(work.step, items, work.page)

    def _page_done(self, work: _PageWork) -> None:
        """A page has been through every step: progress, and the end of the export's
        pages when its preSavePage said abort."""
        if self.on_progress is not None:
            self.on_progress(FlowProgress(work.step.index, work.number + 1, work.count, work.size))
        if work.abort:
            self.note(
                f"{self.result.steps[work.step.index].label}: preSavePage returned abort: "
                f"true on page {work.page}; the export made no further pages"
            )

    def _pipelined(self) -> bool:
        """Whether pages may be in flight together (`jsrt.flow.pipeline`): in a flow of
        page processors in a row, whose steps each see every page once, in order. A
        flow with routers, where a page may reach a step by several branches or none,
        and a traced run, whose journeys are numbered as records are made, run one page
        after another."""
        return self.result.trace is None and not self.flow.get("routers")

    def _run_pages_pipelined(self, generator: FlowStep, made: list[list[Any]]) -> None:
        """A generator's pages with the next page made while the page processors work on
        the ones before (`jsrt.flow.pipeline`). Each page's notes and failures are kept
        with it and added to the result as it leaves the last step, so they come in the
        order of a run page after page."""
        processors = self.processors("pageProcessors")

        def begin(step: FlowStep) -> Callable[[_PageWork], None]:
            def run(work: _PageWork) -> None:
                if work.items:  # a page none of whose records go on skips the rest
                    with self._on_page(work):
                        phases = self._processor_phases(step, work.items, work.page)
                        work.items, work.phases = _advance(phases, work.items)

            return run

        def end(step: FlowStep) -> Callable[[_PageWork], None]:
            def run(work: _PageWork) -> None:
                with self._on_page(work):
                    if work.phases is not None:
                        work.items, work.phases = _advance(work.phases, work.items, last=True)
                self._leave_step(work, step)

            return run

        def leave(work: _PageWork) -> None:
            with self._on_page(work):
                self._page_done(work)
            self.result.notes += work.notes
            self.result.failures += work.failures

        stages = [half(step) for step in processors for half in (begin, end)]
        pages: PagePipeline[_PageWork] = PagePipeline(
            [*stages, leave], name=f"jsrt-flow-{self.flow_id}"
        )
        try:
            for number, page_records in enumerate(made):
                if pages.stopped:
                    break
                work = _PageWork(generator, self.result.pages, number, len(made), len(page_records))
                try:
                    with self._on_page(work):
                        self._generate(work, page_records)
                    self._leave_step(work, generator)
                except Exception as error:  # the pages before it go through first
                    pages.fail(error)
                    break
                pages.feed(work)
                if work.abort:
                    break
        except BaseException:  # interrupted: no page goes on
            pages.stop()
            raise
        pages.finish()

    @contextlib.contextmanager
    def _on_page(self, work: _PageWork) -> Iterator[None]:
        """This thread works on `work`'s page: its notes and failures are kept with it."""
        self._local.page = work
        try:
            yield
        finally:
            self._local.page = None

    def _after_generator(self, items: list[Item], page: int) -> None:
        """A generator's page goes on to the page processors, or to the first router."""
        routers = self.flow.get("routers")
        if isinstance(routers, list) and routers:
            route(self, 0, items, page, ())
        else:
            self.process(self.processors("pageProcessors"), items, page)

    def processors(self, prefix: str) -> list[FlowStep]:
        """The processors written directly under `prefix` (`pageProcessors`, or
        `routers[0].branches[1].pageProcessors`), in order."""
        return [
            step
            for step in self.steps
            if step.kind != "router"
            and step.place.startswith(prefix + "[")
            and "." not in step.place[len(prefix) :]
        ]

    def begin_step(self) -> None:
        """A step starts on a page: no record has failed at it yet (a record that failed
        at an earlier step and goes on, by `proceedOnFailure`, starts afresh)."""
        self.failed = set()

    def process(self, processors: list[FlowStep], items: list[Item], page: int) -> list[Item]:
        """Run a page through page processors in order; what comes out of the last."""
        for step in processors:
            if not items:
                break
            items = self._processor(step, items, page)
        return items

    # --- page generators -----------------------------------------------------------------

    def _export_pipeline(
        self, step: FlowStep, items: list[Item], page: int
    ) -> tuple[list[Item], bool]:
        """transform → output filter → preSavePage on a generator's page (celigo/ai
        configuring-exports/SKILL.md "Export Execution Pipeline", steps 3 to 5)."""
        result = self.tally(step)
        self.begin_step()
        result.received += len(items)
        self.stage(step, "parse", page, [], items)
        items = self._transform(step, items, page)
        items, _dropped = self.filter_items(step, "filter", "outputFilter", items, page)
        items, abort = self._pre_save_page(step, items, page)
        result.passed += len(items)
        return items, abort

    def _delta_fields(self, export: Mapping[str, Any]) -> dict[str, Any]:
        """`lastExportDateTime` and `currentExportDateTime` for a delta export's hooks:
        the run's start, and the export's own `lastExportDateTime` when the world holds
        one, else a year before (what the UI's preview uses: src/utils/flowData/index.js
        `getLastExportDateTime`)."""
        if export.get("type") != "delta":
            return {}
        last = export.get("lastExportDateTime")
        if not isinstance(last, str):
            last = _timestamp(self.started_at - timedelta(days=365))
        return {"lastExportDateTime": last, "currentExportDateTime": _timestamp(self.started_at)}

    def _transform(
        self, step: FlowStep, items: list[Item], page: int, slot: str = "transform"
    ) -> list[Item]:
        """An export's `transform` (or an import's `responseTransform`, over its
        responses): expression rules through the engine, or a script."""
        transform = (step.resource or {}).get(slot)
        if not isinstance(transform, Mapping) or not items:
            return items
        records = [item.record for item in items]
        site = self.sites.get(step.index, {}).get(slot)
        if site is not None:
            outcomes = _record_outcomes(
                self.run_site(step, site, {"records": records}), len(records)
            )
            name = slot
        else:
            expression = transform.get("expression")
            if transform.get("type") != "expression" or not isinstance(expression, Mapping):
                return items
            with self._named(step, slot):
                engine = apply_transform(dict(transform), records)
            outcomes = [(o.data, _errors(o.errors)) for o in engine]
            name = slot
            if slot == "transform" and str(expression.get("version")) == "2":
                name = "transformTwoDotZero"
        out: list[Item] = []
        errors: list[dict[str, Any]] = []
        for index, (item, (data, failures)) in enumerate(zip(items, outcomes, strict=True)):
            if failures:
                errors += self.fail_record(step, name, page, index, item, failures)
            else:
                item.record = data
                out.append(item)
        self.stage(step, name, page, records, out, errors)
        return out

    def filter_items(
        self,
        step: FlowStep,
        slot: str,
        stage: str,
        items: list[Item],
        page: int,
        definition: Any = None,
        *,
        counted: bool = True,
    ) -> tuple[list[Item], list[Item]]:
        """(kept, dropped) by the filter at `slot` of the step's resource (or the given
        definition, a router branch's); a record the filter fails on fails the step. What
        it drops counts as the step's ignored records when `counted` (not a lookup's
        answers, nor a router's choice)."""
        filter_ = definition if definition is not None else (step.resource or {}).get(slot)
        if not isinstance(filter_, Mapping) or not items or not _filters_anything(filter_):
            return items, []
        records = [item.record for item in items]
        site = self.sites.get(step.index, {}).get(slot) if definition is None else None
        if site is not None:
            options: dict[str, Any] = {"records": records, "pageIndex": page}
            options.update(self._delta_fields(step.resource or {}))
            outcomes = _record_outcomes(self.run_site(step, site, options), len(records))
        else:
            context = {"pageIndex": page, **self._delta_fields(step.resource or {})}
            with self._named(step, slot):
                engine = filter_records(dict(filter_), records, context=context)
            outcomes = [(o.data, _errors(o.errors)) for o in engine]
        kept: list[Item] = []
        dropped: list[Item] = []
        errors: list[dict[str, Any]] = []
        for index, (item, (keep, failures)) in enumerate(zip(items, outcomes, strict=True)):
            if failures:
                errors += self.fail_record(step, stage, page, index, item, failures)
            elif keep:
                kept.append(item)
            else:
                dropped.append(item)
        if counted:
            self.tally(step).ignored += len(dropped)
        self.stage(step, stage, page, records, kept, errors)
        return kept, dropped

    def _pre_save_page(
        self, step: FlowStep, items: list[Item], page: int
    ) -> tuple[list[Item], bool]:
        """preSavePage with the page: what it returns as `data` goes on; its `errors` and
        `newErrorsAndRetryData` are the step's; `abort: true` ends the export's pages."""
        site = self.sites.get(step.index, {}).get("hooks.preSavePage")
        if site is None or not items:
            return items, False
        records = [item.record for item in items]
        options: dict[str, Any] = {"data": records, "errors": [], "pageIndex": page}
        options.update(self._delta_fields(step.resource or {}))
        run = self.run_site(step, site, options)
        returned = run.value if isinstance(run.value, Mapping) else None
        if returned is None or not isinstance(returned.get("data"), list):
            self._fail_page(step, "preSavePage", page, items, hook_failure(run))
            return [], False
        errors = [
            dict(error, source=error.get("source", "preSavePage"))
            for error in _list(returned.get("errors"))
            if isinstance(error, Mapping)
        ]
        for entry in _list(returned.get("newErrorsAndRetryData")):
            if isinstance(entry, Mapping):
                for error in _list(entry.get("errors")):
                    if isinstance(error, Mapping):
                        errors.append(dict(error, retryData=entry.get("retryData")))
        if not run.ok:
            errors.append(hook_failure(run))
        out = self._returned_page(items, returned["data"], step, page)
        result = self.tally(step)
        result.errors += [dict(error, stage="preSavePage", page=page) for error in errors]
        self.stage(step, "preSavePage", page, records, out, errors)
        return out, returned.get("abort") is True

    # --- page processors -------------------------------------------------------------------

    def _processor(self, step: FlowStep, items: list[Item], page: int) -> list[Item]:
        """A lookup or an import over a page: fan-out, input filter, its own work,
        response mapping, postResponseMap. What goes on: the records it processed and
        those its input filter dropped, not those that failed (unless it proceeds on
        failure); after a fan-out, the parents with their children back in place."""
        out, _rest = _advance(self._processor_phases(step, items, page), items, last=True)
        return out

    def _processor_phases(
        self, step: FlowStep, items: list[Item], page: int
    ) -> Generator[None, None, list[Item]]:
        """`_processor` in two phases: it pauses once, in an import between the mapping
        and postMap, where pages in flight hand the page from one thread to the next."""
        result = self.tally(step)
        self.begin_step()
        fanned = self._fan_out(step, items, page)
        result.received += len(fanned.items)
        kept, _dropped = self.filter_items(
            step, _input_filter_slot(step), "inputFilter", fanned.items, page
        )
        if step.kind == "export":
            responses = self._lookup(step, kept, page)
        else:
            responses = yield from self._import(step, kept, page)
        proceeds = self._proceeds(step)
        failed = self.failed
        answered = [(i, r) for i, r in responses if i not in failed or proceeds]
        going = [item for item, _ in answered]
        answers = [response for _, response in answered]
        self._response_map(step, going, answers, page)
        if fanned.parents is None:
            self._post_response_map(step, going, answers, page)
            out = [item for item in items if item not in failed or proceeds]
        elif _on_children(self.sites.get(step.index, {})):
            self._post_response_map(step, going, answers, page)
            out = self._gather_children(step, items, fanned)
        else:
            out = self._gather_children(step, items, fanned)
            self._post_response_map(step, out, _per_parent(fanned, responses, out, items), page)
        result.passed += len(out)
        return out

    def _lookup(
        self, step: FlowStep, items: list[Item], page: int
    ) -> list[tuple[Item, dict[str, Any]]]:
        """A request per record, answered by the lookup export's mock, then the lookup's
        transform, output filter and preSavePage on the answers (flows-and-mappings.md,
        "Lookup processor")."""
        if not items:
            return []
        label = f"{step.label} of flow {self.flow_id}"
        answer = lookup_answer(step.resource or {}, label, self.place.label)
        responses = [{**answer, "data": list(answer["data"]), "errors": []} for _ in items]
        self.stage(
            step,
            "request",
            page,
            [item.record for item in items],
            [r["data"] for r in responses],
            of=items,
        )
        self._lookup_answers(step, items, responses, page)
        return list(zip(items, responses, strict=True))

    def _lookup_answers(
        self, step: FlowStep, items: list[Item], responses: list[dict[str, Any]], page: int
    ) -> None:
        """The lookup's own transform, output filter and preSavePage, once per page over
        every record's answers together; each record gets back those of its answers that
        came through. An answer that fails (a transform's error, a preSavePage that
        throws) fails the record that asked for it, with its errors. A preSavePage that
        returns a different number of answers cannot be split back: each record then
        gets all it returned (a note says so)."""
        resource = step.resource or {}
        filter_ = resource.get("filter")
        if not (
            isinstance(resource.get("transform"), Mapping)
            or (isinstance(filter_, Mapping) and _filters_anything(filter_))
            or "hooks.preSavePage" in self.sites.get(step.index, {})
        ):
            return  # nothing would change the answers (what the three steps check first)
        owners: dict[Item, int] = {}
        answered: list[Item] = []
        for position, response in enumerate(responses):
            for record in response["data"]:
                answer = Item(record)
                owners[answer] = position
                answered.append(answer)
        if not answered:
            return
        self._answer_errors = {}
        try:
            stages = self._transform(step, answered, page)
            stages, _dropped = self.filter_items(
                step, "filter", "outputFilter", stages, page, counted=False
            )
            saved, _abort = self._pre_save_page(step, stages, page)
        finally:
            failed, self._answer_errors = self._answer_errors, None
        for answer, errors in failed.items():
            owner = owners[answer]
            item = items[owner]
            self.fail_record(step, errors[0]["stage"], page, owner, item, errors)
        if len(saved) != len(stages) and not failed:
            self.note(
                f"{self.result.steps[step.index].label}: the lookup's preSavePage returned a "
                "different number of records than it was given; jsrt runs it once per page "
                "over every record's answers, so each record got all of them"
            )
            for response in responses:
                response["data"] = [answer.record for answer in saved]
            return
        through = set(saved)
        for response in responses:
            response["data"] = []
        for answer in answered:
            if answer in through:
                responses[owners[answer]]["data"].append(answer.record)

    def _import(
        self, step: FlowStep, items: list[Item], page: int
    ) -> Generator[None, None, list[tuple[Item, dict[str, Any]]]]:
        """preMap → mapping → postMap → submit → postSubmit (celigo/ai
        configuring-imports/SKILL.md, "Import Execution Pipeline"); each record with its
        response. A record preMap or postMap skips (`{}`) is not submitted: its response
        says `ignored`. It pauses after the mapping (see `_processor_phases`)."""
        import_ = step.resource or {}
        mapped: dict[Item, Any] = {item: item.record for item in items}
        skipped: set[Item] = set()
        going = list(items)
        going = self._mapped_hook(
            step, "preMap", going, mapped, skipped, page, lambda g: {"data": [mapped[i] for i in g]}
        )
        originals = {item: mapped[item] for item in going}
        going = self._map(step, import_, going, mapped, page)
        yield
        going = self._mapped_hook(
            step,
            "postMap",
            going,
            mapped,
            skipped,
            page,
            lambda g: {
                "preMapData": [originals[i] for i in g],
                "postMapData": [mapped[i] for i in g],
            },
        )
        submitted = [mapped[item] for item in going]
        self.tally(step).submitted.append(submitted)
        answers = self._answers.setdefault(
            step.index, ImportAnswers(self.world, import_, f"{step.label} of flow {self.flow_id}")
        )
        sent = answers.answer(submitted) if submitted else []
        self.stage(step, "submit", page, submitted, sent, of=going)
        responses = dict(zip(going, sent, strict=True))
        unanswered = self._response_transform(step, going, responses, page)
        going = [item for item in going if item not in unanswered]
        if going:
            self._post_submit(step, going, originals, mapped, responses, page)
        for index, item in enumerate(going):
            response = responses[item]
            failures = [e for e in _list(response.get("errors")) if isinstance(e, Mapping)]
            status = response.get("statusCode", 200)
            if failures or not (isinstance(status, int) and 200 <= status < 300):
                failures = failures or [
                    {"code": str(response.get("statusCode")), "message": "the import failed"}
                ]
                self.fail_record(step, "submit", page, index, item, failures)
        ignored = {"statusCode": 200, "ignored": True, "errors": []}
        return [(item, responses[item] if item in responses else dict(ignored)) for item in items]

    def _response_transform(
        self, step: FlowStep, going: list[Item], responses: dict[Item, Any], page: int
    ) -> set[Item]:
        """An import's `responseTransform` reshapes each response after the submit, before
        postSubmit and response mapping (the UI's stage map: responseTransform follows
        sampleResponse; celigo/ai building-flows/references/schemas/overrides.yml: "reshapes
        the destination system's response after records are imported"). A response it
        fails on fails its record: those are returned."""
        if not going or not isinstance((step.resource or {}).get("responseTransform"), Mapping):
            return set()
        answers = [Item(responses[item]) for item in going]
        self._answer_errors = {}
        try:
            self._transform(step, answers, page, "responseTransform")
        finally:
            failed, self._answer_errors = self._answer_errors, None
        unanswered: set[Item] = set()
        for index, (item, answer) in enumerate(zip(going, answers, strict=True)):
            if answer in failed:
                self.fail_record(step, "responseTransform", page, index, item, failed[answer])
                unanswered.add(item)
            else:
                responses[item] = answer.record
        return unanswered

    def _mapped_hook(
        self,
        step: FlowStep,
        hook: str,
        going: list[Item],
        mapped: dict[Item, Any],
        skipped: set[Item],
        page: int,
        options: Callable[[list[Item]], dict[str, Any]],
    ) -> list[Item]:
        """preMap or postMap over the records still going: an element `{data}` goes on
        with its data, `{errors}` fails its record, `{data, errors}` goes on with errors
        reported, `{}` skips the record (jsrt.hooks.page, the hooks' contracts)."""
        site = self.sites.get(step.index, {}).get(f"hooks.{hook}")
        if site is None or not going:
            return going
        given = options(going)
        run = self.run_site(step, site, given)
        before = [mapped[item] for item in going]
        if not isinstance(run.value, list) or len(run.value) != len(going):
            self._fail_page(step, hook, page, going, hook_failure(run))
            return []
        records = data_only(run.value)
        if records is not None:  # every record goes on with its data
            for item, record in zip(going, records, strict=True):
                mapped[item] = record
            self.stage(step, hook, page, before, records, of=going)
            return going
        out: list[Item] = []
        errors: list[dict[str, Any]] = []
        for index, (item, element) in enumerate(zip(going, run.value, strict=True)):
            element = element if isinstance(element, Mapping) else {}
            failures = [e for e in _list(element.get("errors")) if isinstance(e, Mapping)]
            if failures:
                errors += self.fail_record(step, hook, page, index, item, failures)
            if "data" in element:
                mapped[item] = element["data"]
                out.append(item)
            elif not failures:
                skipped.add(item)
                self.tally(step).ignored += 1
        self.stage(step, hook, page, before, [mapped[item] for item in out], errors, of=out)
        return out

    def _map(
        self,
        step: FlowStep,
        import_: Mapping[str, Any],
        going: list[Item],
        mapped: dict[Item, Any],
        page: int,
    ) -> list[Item]:
        """The import's mapping (Mapper 2.0 `mappings`, or 1.0 `mapping`, with its
        `lookups`) through the engine; a record it fails on stops here."""
        if not going or not (import_.get("mappings") or import_.get("mapping")):
            return going
        definition = {k: import_[k] for k in ("mappings", "mapping", "lookups") if k in import_}
        given = [mapped[item] for item in going]
        with self._named(step, "mappings" if "mappings" in definition else "mapping"):
            outcomes = map_records(
                definition,
                given,
                context=self._mapping_context(import_),
                source=self._lookup_source(step),
            )
        out: list[Item] = []
        errors: list[dict[str, Any]] = []
        for index, (item, outcome) in enumerate(zip(going, outcomes, strict=True)):
            if outcome.errors:
                errors += self.fail_record(
                    step, "mapping", page, index, item, _errors(outcome.errors)
                )
            else:
                mapped[item] = outcome.data
                out.append(item)
        self.stage(step, "mapping", page, given, [mapped[item] for item in out], errors, of=out)
        return out

    def _post_submit(
        self,
        step: FlowStep,
        going: list[Item],
        originals: dict[Item, Any],
        mapped: dict[Item, Any],
        responses: dict[Item, dict[str, Any]],
        page: int,
    ) -> None:
        """postSubmit sees what was sent and what came back; the responses it returns
        (with the errors it added) are the import's answer from then on."""
        site = self.sites.get(step.index, {}).get("hooks.postSubmit")
        if site is None:
            return
        given = [responses[item] for item in going]
        options = {
            "preMapData": [originals[item] for item in going],
            "postMapData": [mapped[item] for item in going],
            "responseData": given,
        }
        run = self.run_site(step, site, options)
        if not isinstance(run.value, list) or len(run.value) != len(going):
            self._fail_page(step, "postSubmit", page, going, hook_failure(run))
            return
        for item, response in zip(going, run.value, strict=True):
            if isinstance(response, Mapping):
                responses[item] = dict(response)
        self.stage(step, "postSubmit", page, given, [responses[item] for item in going], of=going)

    def _response_map(
        self, step: FlowStep, items: list[Item], responses: list[dict[str, Any]], page: int
    ) -> None:
        """The step's response mapping merges what the lookup or import answered into
        each record (written on the flow's step: celigo/ai configuring-imports/SKILL.md,
        "Response mapping lives on the flow's pageProcessors[] entry")."""
        mapping = step.entry.get("responseMapping")
        if not items or not isinstance(mapping, Mapping):
            return
        if not (mapping.get("fields") or mapping.get("lists")):
            return
        kind: ResponseKind = "lookup" if step.kind == "export" else "import"
        before = [item.record for item in items]
        with self._named(step, "responseMapping"):
            outcomes = apply_response_mappings(dict(mapping), before, responses, kind=kind)
        # A record the mapping cannot take fails (it goes on as it was, with its error).
        errors: list[dict[str, Any]] = []
        for index, (item, outcome) in enumerate(zip(items, outcomes, strict=True)):
            if outcome.errors:
                errors += self.fail_record(
                    step, "responseMap", page, index, item, _errors(outcome.errors)
                )
            else:
                item.record = outcome.data
        self.stage(step, "responseMap", page, before, items, errors)

    def _post_response_map(
        self, step: FlowStep, items: list[Item], responses: list[dict[str, Any]], page: int
    ) -> None:
        """postResponseMap (written on the flow's step) with the records and their
        responses; what it returns replaces them."""
        site = self.sites.get(step.index, {}).get("hooks.postResponseMap")
        if site is None or not items:
            return
        before = [item.record for item in items]
        run = self.run_site(step, site, {"postResponseMapData": before, "responseData": responses})
        if not isinstance(run.value, list) or len(run.value) != len(items):
            self._fail_page(step, "postResponseMap", page, items, hook_failure(run))
            return
        for item, record in zip(items, run.value, strict=True):
            item.record = record
        self.stage(step, "postResponseMap", page, before, items)

    def _fan_out(self, step: FlowStep, items: list[Item], page: int) -> _Fanned:
        """One-to-many: each child at `pathToMany` becomes a record with its parent under
        `_PARENT` (flows-and-mappings.md, "Import processor"); a step without it takes
        the records as they are."""
        resource = step.resource or {}
        source = step.entry if "oneToMany" in step.entry else resource
        path = source.get("pathToMany")
        if source.get("oneToMany") not in (True, "true") or not isinstance(path, str) or not path:
            return _Fanned(items)
        children: list[Item] = []
        parents: list[int] = []
        for position, item in enumerate(items):
            found = _at_path(item.record, path)
            for child in found if isinstance(found, list) else []:
                record = {**child, PARENT_KEY: item.record} if isinstance(child, Mapping) else child
                children.append(self._offspring(item, record, f"{step.place} oneToMany", page))
                parents.append(position)
        return _Fanned(children, parents, path)

    def _gather_children(self, step: FlowStep, items: list[Item], fanned: _Fanned) -> list[Item]:
        """Each parent with its children as they came out of the step, back at
        `pathToMany` (without `_PARENT`); a parent goes on unless one of its children
        failed and the step does not proceed on failure. jsrt's reading: the sources
        say only that children become records with `_PARENT`."""
        assert fanned.parents is not None and fanned.path is not None
        children: dict[int, list[Any]] = {}
        failed: set[int] = set()
        failed_children = self.failed
        for child, parent in zip(fanned.items, fanned.parents, strict=True):
            if child in failed_children:
                failed.add(parent)
            record = child.record
            if isinstance(record, Mapping):
                record = {k: v for k, v in record.items() if k != PARENT_KEY}
            children.setdefault(parent, []).append(record)
        out: list[Item] = []
        for position, item in enumerate(items):
            if position in failed and not self._proceeds(step):
                self.failed.add(item)
                continue
            if position in children:
                item.record = _with_path(item.record, fanned.path, children[position])
            out.append(item)
        return out

    def _proceeds(self, step: FlowStep) -> bool:
        return step.entry.get("proceedOnFailure") is True

    @contextlib.contextmanager
    def _named(self, step: FlowStep, slot: str) -> Iterator[None]:
        """A definition the engine refuses names the step and the key it is written at."""
        try:
            yield
        except TransformError as error:
            path = error.details.get("path")
            where = str(path) if path else slot
            raise TransformError(
                f"{self.result.steps[step.index].label} of flow {self.flow_id}: {slot}: "
                f"{error.message}",
                hint=error.hint,
                path=where if where.startswith(slot) else f"{slot}.{where}",
                code=error.details.get("code"),
                file=self.place.label,
            ) from None

    def _mapping_context(self, import_: Mapping[str, Any]) -> dict[str, Any]:
        """What a mapping reads besides the record (`jsrt.transform.mapping.map_records`):
        the import and its connection (their documents), and their settings."""
        connection_id = import_.get("_connectionId")
        connection = (
            self.world.get("connections", connection_id) if isinstance(connection_id, str) else None
        ) or {}
        settings = {
            "flow": self.flow.get("settings") or {},
            "import": import_.get("settings") or {},
            "connection": connection.get("settings") or {},
        }
        document = {key: value for key, value in import_.items() if key != "mockResponse"}
        return {"import": document, "connection": connection, "settings": settings}

    def _lookup_source(self, step: FlowStep) -> LookupSource | None:
        """The world answers the mapping's lookup caches and dynamic lookups
        (`jsrt.backends.local.lookups`), under the flow's integration's registrations."""
        if not isinstance(self.world, World):
            return None
        from jsrt.backends.local.lookups import WorldLookupSource

        integration = self.flow.get("_integrationId")
        source = WorldLookupSource(
            self.world,
            integration_id=integration if isinstance(integration, str) else None,
            import_id=step.resource_id,
        )
        return _HeldSource(source, self._world_lock)

    # --- postAggregate -------------------------------------------------------------------

    def _post_aggregate(self) -> None:
        """postAggregate once per file import that received records, after the last page
        (celigo/ai writing-scripts/SKILL.md: "After file aggregation upload",
        `options.postAggregateData: {success, _json, code, message}`); a throw fails the
        run (`jsrt.hooks.page`: its throw is fatal)."""
        for step in self.steps:
            site = self.sites.get(step.index, {}).get("hooks.postAggregate")
            result = self.result.steps[step.index]
            if site is None or not _is_file_import(step.resource or {}):
                continue
            if not any(result.submitted):
                continue
            data = {"success": True, "_json": {}}
            run = self.run_site(step, site, {"postAggregateData": data})
            failure = None if run.ok else hook_failure(run)
            errors = [dict(failure, stage="postAggregate")] if failure else []
            self.stage(step, "postAggregate", self.result.pages - 1, [data], [], errors)
            if failure is not None:
                self.failure(dict(failure, step=step.index, stage="postAggregate"))
                result.errors += errors

    # --- hooks, stages, errors, journeys ----------------------------------------------------

    def run_site(self, step: FlowStep, site: HookSite, options: dict[str, Any]) -> HookRun:
        run = self.run_hook(site, options)
        count = self.tally(step).hooks.setdefault(site.hook, HookCount())
        count.runs += 1
        given: Any = next((options[k] for k in _RECORD_KEYS if k in options), [])
        size = len(given) if isinstance(given, list) else 1
        count.records += size
        count.duration_ms += run.duration_ms
        if run.records is not None:
            count.failed += sum(1 for outcome in run.records if record_failure(outcome))
        elif not run.ok:
            count.failed += size
        return run

    def stage(
        self,
        step: FlowStep,
        name: str,
        page: int,
        given: Sequence[Any],
        out: Sequence[Any],
        errors: list[dict[str, Any]] | None = None,
        *,
        of: Sequence[Item] = (),
    ) -> None:
        """Keep a stage: the records in, out (values, or items whose values they are), its
        errors. When tracing, each item out (or each of `of`, whose value at this stage is
        the matching one of `out`: what an import made of it) notes the stage."""
        outputs = [x.record if isinstance(x, Item) else x for x in out]
        self.tally(step).stages.append(Stage(name, page, list(given), outputs, list(errors or [])))
        if self.result.trace is None:
            return
        items = of or [x for x in out if isinstance(x, Item)]
        values = outputs if of else [item.record for item in items]
        for item, value in zip(items, values, strict=False):
            if item.journey is not None:
                item.journey.steps.append(JourneyStep(step.index, step.place, name, page, value))

    def fail_record(
        self,
        step: FlowStep,
        stage: str,
        page: int,
        index: int,
        item: Item,
        failures: Sequence[Mapping[str, Any]],
    ) -> list[dict[str, Any]]:
        """One record's errors at a stage, each with the record as the step received it
        as retry data; the record counts as failed at the step once."""
        errors = [
            {
                "code": str(error.get("code", "error")),
                "message": str(error.get("message", "")),
                "source": error.get("source", stage),
                "stage": stage,
                "page": page,
                "index": index,
                "retryData": item.record,
            }
            for error in failures
        ]
        if self._answer_errors is not None:  # a lookup's answer: its record fails for it
            self._answer_errors.setdefault(item, []).extend(errors)
            self.failed.add(item)
            return errors
        result = self.tally(step)
        result.errors += errors
        if item not in self.failed:
            self.failed.add(item)
            result.failed += 1
        if item.journey is not None and item.journey.error_stage is None:
            item.journey.error_stage = stage
        return errors

    def _fail_page(
        self, step: FlowStep, stage: str, page: int, items: list[Item], failure: dict[str, Any]
    ) -> None:
        """A page hook that threw (or broke its contract) fails every record it was given."""
        errors: list[dict[str, Any]] = []
        for index, item in enumerate(items):
            errors += self.fail_record(step, stage, page, index, item, [failure])
        self.failure(dict(failure, step=step.index, stage=stage, page=page))
        self.stage(step, stage, page, [item.record for item in items], [], errors)

    def _born(self, record: Any, step: FlowStep, page: int) -> Item:
        if self.result.trace is None:
            return Item(record)
        journey = Journey(next(self._journeys), f"{step.place} page {page}", page)
        self.result.trace.append(journey)
        return Item(record, journey)

    def _offspring(self, parent: Item, record: Any, origin: str, page: int) -> Item:
        """A record made from another (a fan-out's child, a router's copy): its journey
        starts with the other's so far."""
        if parent.journey is None or self.result.trace is None:
            return Item(record)
        journey = Journey(next(self._journeys), f"{origin} of record {parent.journey.id}", page)
        journey.steps = list(parent.journey.steps)
        self.result.trace.append(journey)
        return Item(record, journey)

    def copy(self, item: Item, step: FlowStep, page: int) -> Item:
        """A router's copy of a record for a further branch."""
        return self._offspring(item, item.record, f"{step.place} copy", page)

    def _returned_page(
        self, items: list[Item], records: list[Any], step: FlowStep, page: int
    ) -> list[Item]:
        """What a page hook returned: record i is item i's new value when it returned as
        many records as it was given; otherwise what it returned are new records."""
        if len(records) == len(items):
            for item, record in zip(items, records, strict=True):
                item.record = record
            return items
        return [self._born(record, step, page) for record in records]


class _StepState(threading.local):
    """What the step now running keeps, per thread: with pages in flight
    (`jsrt.flow.pipeline`) each step runs on a thread of its own."""

    def __init__(self) -> None:
        self.failed: set[Item] = set()
        self.answer_errors: dict[Item, list[dict[str, Any]]] | None = None
        self.page: _PageWork | None = None


@dataclass(eq=False)
class _PageWork:
    """A generator's page on its way through the steps: where it came from, what goes on,
    and, while pages are in flight, the notes and failures it made."""

    step: FlowStep
    page: int
    number: int
    count: int
    size: int
    items: list[Item] = field(default_factory=list)
    abort: bool = False
    notes: list[str] = field(default_factory=list)
    failures: list[dict[str, Any]] = field(default_factory=list)
    failed: set[Item] = field(default_factory=set)
    tallies: dict[int, StepResult] = field(default_factory=dict)
    phases: Generator[None, None, list[Item]] | None = None


class _HeldSource:
    """A mapping's questions to the world asked under the world's lock: a hook run that
    ends meanwhile applies its changes to the world, which the answer must not see half
    done."""

    def __init__(self, source: LookupSource, lock: AbstractContextManager[Any]) -> None:
        self._source = source
        self._lock = lock

    def ask(self, kind: str, payload: Any) -> Any:
        with self._lock:
            return self._source.ask(kind, payload)


_RECORD_KEYS = ("records", "data", "postMapData", "postResponseMapData", "responseData")
"""The option that holds a hook's records, by the hook (what a hook count counts)."""


def _advance(
    phases: Generator[None, None, list[Item]], items: list[Item], *, last: bool = False
) -> tuple[list[Item], Generator[None, None, list[Item]] | None]:
    """A step's work on a page moved on to its next pause, or to its end with `last`:
    the records that go on (`items` while it is paused) and the work still to do."""
    try:
        next(phases)
        while last:
            next(phases)
    except StopIteration as done:
        return done.value, None
    return items, phases


def _input_filter_slot(step: FlowStep) -> str:
    """A lookup's input filter is its export's `inputFilter`, an import's its `filter`
    (jsrt.integration.steps, where integrator.io writes each)."""
    return "inputFilter" if step.kind == "export" else "filter"


def _on_children(sites: Mapping[str, HookSite]) -> bool:
    """Whether the step's postResponseMap runs per child record of a one-to-many step:
    its script says `postResponseHookToProcessOnChildRecord` (celigo/ai
    writing-scripts/references/schemas/request.yml)."""
    site = sites.get("hooks.postResponseMap")
    return bool(site and site.script and site.script.get("postResponseHookToProcessOnChildRecord"))


def _per_parent(
    fanned: _Fanned,
    responses: list[tuple[Item, dict[str, Any]]],
    parents: list[Item],
    items: list[Item],
) -> list[dict[str, Any]]:
    """One response per parent of a one-to-many step, from its children's: the first
    failing status (else 200), every error, the lookups' data together, ignored when
    every child was. jsrt's reading: the sources do not say what a parent's
    postResponseMap receives."""
    assert fanned.parents is not None
    position_of = {item: position for position, item in enumerate(items)}
    by_parent: dict[int, list[dict[str, Any]]] = {}
    answered = dict(responses)
    for child, owner in zip(fanned.items, fanned.parents, strict=True):
        if child in answered:
            by_parent.setdefault(owner, []).append(answered[child])
    out: list[dict[str, Any]] = []
    for parent in parents:
        mine = by_parent.get(position_of[parent], [])
        status = next((r.get("statusCode") for r in mine if r.get("statusCode", 200) != 200), 200)
        response: dict[str, Any] = {
            "statusCode": status,
            "errors": [e for r in mine for e in _list(r.get("errors"))],
            "ignored": all(r.get("ignored") is True for r in mine),
        }
        if any("data" in r for r in mine):
            response["data"] = [d for r in mine for d in _list(r.get("data"))]
        out.append(response)
    return out


def _step_result(step: FlowStep) -> StepResult:
    kind = step.kind
    if kind == "export" and not step.place.startswith("pageGenerators"):
        kind = "lookup"  # type: ignore[assignment]
    return StepResult(
        index=step.index,
        place=step.place,
        kind=kind,  # type: ignore[arg-type]
        resource_id=step.resource_id or step.step_id,
        name=step.name,
    )


def _given_data(data: GeneratorData | None, generators: list[FlowStep]) -> dict[int, Sequence[Any]]:
    """The records given for each generator (by step index)."""
    if data is None:
        return {}
    if isinstance(data, Mapping):
        out: dict[int, Sequence[Any]] = {}
        for key, records in data.items():
            match = [g for g in generators if key in (g.resource_id, g.name)]
            if not match:
                names = ", ".join(str(g.resource_id) for g in generators)
                raise UsageError(
                    f"data is given for {key!r}, which is no page generator of the flow",
                    hint=f"key the data by a page generator's export _id or name: {names}",
                    argument="data",
                )
            out[match[0].index] = _records(records, f"data[{key!r}]")
        return out
    if len(generators) != 1:
        raise UsageError(
            f"the flow has {len(generators)} page generators; one list of records cannot say "
            "which it is for",
            hint='give the data by export _id: {"<exportId>": [records]}',
            argument="data",
        )
    return {generators[0].index: _records(data, "data")}


def _records(value: Any, where: str) -> Sequence[Any]:
    if not isinstance(value, list):
        raise UsageError(
            f"{where} must be a list of records, got {describe(value)}", argument="data"
        )
    return value


def _record_outcomes(run: HookRun, count: int) -> list[tuple[Any, list[dict[str, Any]]]]:
    """A per-record run's outcome per record: (value, errors)."""
    if run.records is None or len(run.records) != count:
        failure = hook_failure(run)
        return [(None, [failure]) for _ in range(count)]
    out: list[tuple[Any, list[dict[str, Any]]]] = []
    for outcome in run.records:
        failed = record_failure(outcome)
        out.append((outcome.get("value"), [failed] if failed else []))
    return out


def _errors(errors: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    return [dict(error) for error in errors]


def _filters_anything(filter_: Mapping[str, Any]) -> bool:
    """Whether a filter definition has rules or a script (the UI leaves empty ones)."""
    if filter_.get("type") == "script":
        return True
    expression = filter_.get("expression")
    if isinstance(expression, Mapping):
        return bool(expression.get("rules"))
    return bool(filter_.get("rules"))


def _is_file_import(import_: Mapping[str, Any]) -> bool:
    http = import_.get("http")
    return (
        import_.get("adaptorType") in FILE_IMPORT_ADAPTORS
        or isinstance(import_.get("file"), Mapping)
        or (isinstance(http, Mapping) and http.get("type") == "file")
    )


def _at_path(record: Any, path: str) -> Any:
    value = record
    for part in path.split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(part)
    return value


def _with_path(record: Any, path: str, value: Any) -> Any:
    if not isinstance(record, Mapping):
        return record
    head, _, rest = path.partition(".")
    out = dict(record)
    out[head] = _with_path(out.get(head, {}), rest, value) if rest else value
    return out


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _timestamp(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def run_flow(
    world: WorldLike,
    place: WorldPlace,
    flow: str,
    run_hook: HookRunner,
    *,
    pages: int | None = None,
    data: GeneratorData | None = None,
    trace: bool = False,
    on_progress: Callable[[FlowProgress], None] | None = None,
    world_lock: AbstractContextManager[Any] | None = None,
) -> FlowResult:
    """Run the flow whose `_id` or name is `flow` over the world's mocks (see the module
    docstring); hooks run through `run_hook`, which may be called from several threads
    at once (pages in flight) and holds `world_lock` while a run changes the world."""
    if pages is not None and (not isinstance(pages, int) or isinstance(pages, bool) or pages < 1):
        raise UsageError(
            f"pages must be a positive integer, got {describe(pages)}", argument="pages"
        )
    document = find_flow(world, flow)
    run = FlowRun(
        world,
        place,
        document,
        run_hook,
        trace=trace,
        on_progress=on_progress,
        world_lock=world_lock,
    )
    return run.run(pages, data)
