"""The JavaScript a new script of each type starts from, one file per script type (package data,
read by `jsrt.hooks.stub`)."""
