"""jsrt's benchmarks against the physical limit: node running the same hook, and the
engine's own bridge. Run `python -m bench` (see bench/README.md)."""
