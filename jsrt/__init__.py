"""jsrt: run Celigo integrator.io JavaScript hooks locally."""
