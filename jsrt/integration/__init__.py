"""integrator.io's integration documents read as they are: the hooks of a flow's steps,
the options integrator.io builds from them, integration downloads, the editable on-disk
layout, and pull/push against an account. Below `jsrt/runner.py`, above `jsrt/hooks/`
and `jsrt/backends/` (docs/architecture.md)."""
