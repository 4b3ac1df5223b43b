#!/usr/bin/env python3
"""Summarises an Autobahn|Testsuite report index (servers/index.json or clients/index.json).

Usage: scripts/autobahn-summary.py INDEX_JSON [--agent NAME] [--timing-chapter N] [--allow-failures]
Prints each case that is not OK, NON-STRICT or INFORMATIONAL, the closing line "autobahn: N passed, M failed",
and with --timing-chapter the summed case durations of that chapter. Exits 1 when a case failed, unless
--allow-failures (used for the Python comparison run).
"""
import argparse
import json
import sys

GOOD = {"OK", "NON-STRICT", "INFORMATIONAL"}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("index")
    parser.add_argument("--agent", help="only this agent's cases")
    parser.add_argument("--timing-chapter", help="print the summed duration of this chapter's cases")
    parser.add_argument("--label", default="autobahn", help="word before the summary counts")
    parser.add_argument("--allow-failures", action="store_true")
    arguments = parser.parse_args()

    with open(arguments.index) as file:
        index = json.load(file)
    passed = failed = 0
    chapter_ms = 0
    chapter_cases = 0
    for agent, cases in sorted(index.items()):
        if arguments.agent and agent != arguments.agent:
            continue
        for case in sorted(cases, key=lambda name: [int(part) for part in name.split(".")]):
            result = cases[case]
            if result["behavior"] in GOOD and result["behaviorClose"] in GOOD:
                passed += 1
            else:
                failed += 1
                print(f"case {case}: behavior={result['behavior']} close={result['behaviorClose']}")
            if arguments.timing_chapter and case.split(".")[0] == arguments.timing_chapter:
                chapter_ms += result.get("duration", 0)
                chapter_cases += 1
    if chapter_cases:
        print(f"chapter {arguments.timing_chapter} total time: {chapter_ms / 1000:.2f} s")
    print(f"{arguments.label}: {passed} passed, {failed} failed")
    sys.exit(1 if failed and not arguments.allow_failures else 0)


if __name__ == "__main__":
    main()
