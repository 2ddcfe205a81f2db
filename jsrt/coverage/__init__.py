"""Coverage of hook scripts: counters written into a script at load time without moving
its code (`instrument`), counted inside the isolate and sent back with each run's reply
(`counters`), added up over runs, workers and processes (`collect`), and reported as a
terminal table, lcov, Cobertura XML, HTML and Istanbul JSON (`report`)."""

from jsrt.coverage.collect import CoverageCollector, FileCoverage
from jsrt.coverage.instrument import CoverageMap, Instrumented, instrument

__all__ = ["CoverageCollector", "CoverageMap", "FileCoverage", "Instrumented", "instrument"]
