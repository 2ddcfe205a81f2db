"""The run layer: what one hook run sends to the worker and gets back (`protocol`), the
worker-side execution (`execute`), the worker program that registers it (`program`) and
the backend a run talks to (`choice`)."""
