// Filled in by its own change: handlebars.
