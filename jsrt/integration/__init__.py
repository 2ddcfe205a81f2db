"""integrator.io's integration documents read as they are: the hooks of every flow step,
the code of script documents, options built from the documents, downloads and the
editable on-disk layout."""
