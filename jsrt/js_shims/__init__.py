"""The JavaScript jsrt evaluates inside every isolate, shipped as package data."""
