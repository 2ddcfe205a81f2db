"""pytest plugin for jsrt (registered through the `pytest11` entry point)."""
