#!/usr/bin/env python3
"""Reads a JUnit XML report with the independent `junitparser` package and prints its counts as one JSON object:
{"tests", "failures", "skipped", "errors", "passed"}. Used by the conformance tests to check that
`hypergraph conformance run --report junit` is read the same way by other tools. Installs junitparser if missing."""
import json
import subprocess
import sys

try:
    import junitparser
except ImportError:
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "junitparser"], check=True)
    import junitparser

if len(sys.argv) != 2:
    sys.exit("usage: junit-counts.py REPORT.xml")

xml = junitparser.JUnitXml.fromfile(sys.argv[1])
suites = [xml] if isinstance(xml, junitparser.TestSuite) else list(xml)
counts = {"tests": 0, "failures": 0, "skipped": 0, "errors": 0, "passed": 0}
for suite in suites:
    for case in suite:
        counts["tests"] += 1
        kinds = {type(result).__name__ for result in case.result}
        if "Failure" in kinds:
            counts["failures"] += 1
        elif "Error" in kinds:
            counts["errors"] += 1
        elif "Skipped" in kinds:
            counts["skipped"] += 1
        else:
            counts["passed"] += 1
print(json.dumps(counts, sort_keys=True))
