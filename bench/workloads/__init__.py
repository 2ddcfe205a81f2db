"""The workloads, each a `measure(ctx) -> list[Row]`, in the order the report shows them."""

from bench.workloads import (
    bridge,
    check,
    cold,
    coverage,
    flow,
    mapping,
    memory,
    pages,
    persist,
    suite,
)

WORKLOADS = {
    "cold": cold.measure,
    "pages": pages.measure,
    "bridge": bridge.measure,
    "suite": suite.measure,
    "memory": memory.measure,
    "persist": persist.measure,
    "mapping": mapping.measure,
    "flow": flow.measure,
    "check": check.measure,
    "coverage": coverage.measure,
}
