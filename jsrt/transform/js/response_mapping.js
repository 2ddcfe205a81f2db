// Filled in by its own change: response_mapping.
