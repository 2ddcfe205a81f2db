// Filled in by its own change: mapper1.
