#!/usr/bin/env python3
"""Summarises Autobahn|Testsuite reports (servers/index.json or clients/index.json).

  scripts/autobahn-summary.py INDEX_JSON [--agent NAME] [--label WORD] [--allow-failures]
      Prints each case that is not OK, NON-STRICT or INFORMATIONAL, then the closing line
      "autobahn: N passed, M failed"; exits 1 when a case failed (unless --allow-failures).

  scripts/autobahn-summary.py --chapter N --ours A.json[,A2.json…] --theirs B.json[,B2.json…]
      Compares the chapter's timing of two implementations over the cases both pass (a failing case may end
      early, which flattens its total), taking each case's best time over the rounds given, so that bursts of
      load from other processes on a shared machine do not decide the comparison.
"""
import argparse
import json
import sys

GOOD = {"OK", "NON-STRICT", "INFORMATIONAL"}


def case_key(name):
    return [int(part) for part in name.split(".")]


def load(path):
    with open(path) as file:
        return json.load(file)


def summarise(arguments):
    passed = failed = 0
    for agent, cases in sorted(load(arguments.index).items()):
        if arguments.agent and agent != arguments.agent:
            continue
        for case in sorted(cases, key=case_key):
            result = cases[case]
            if result["behavior"] in GOOD and result["behaviorClose"] in GOOD:
                passed += 1
            else:
                failed += 1
                print(f"case {case}: behavior={result['behavior']} close={result['behaviorClose']}")
    print(f"{arguments.label}: {passed} passed, {failed} failed")
    return 1 if failed and not arguments.allow_failures else 0


def best_durations(paths, chapter):
    """Each case of `chapter` with its shortest duration (ms) over the rounds, and the cases that failed in any."""
    best, failed = {}, set()
    for path in paths:
        for cases in load(path).values():
            for case, result in cases.items():
                if case.split(".")[0] != chapter:
                    continue
                best[case] = min(best.get(case, result["duration"]), result["duration"])
                if result["behavior"] not in GOOD or result["behaviorClose"] not in GOOD:
                    failed.add(case)
    return best, failed


def compare(arguments):
    ours, ours_failed = best_durations(arguments.ours.split(","), arguments.chapter)
    theirs, theirs_failed = best_durations(arguments.theirs.split(","), arguments.chapter)
    rounds = len(arguments.ours.split(","))
    print(f"chapter {arguments.chapter}, best of {rounds} round(s), all cases: {sum(ours.values()) / 1000:.2f} s ours "
          f"({len(ours_failed)} failed), {sum(theirs.values()) / 1000:.2f} s theirs ({len(theirs_failed)} failed)")
    common = sorted((set(ours) - ours_failed) & (set(theirs) - theirs_failed), key=case_key)
    print(f"chapter {arguments.chapter}, best of {rounds} round(s), the {len(common)} cases both pass: "
          f"{sum(ours[c] for c in common) / 1000:.2f} s ours, {sum(theirs[c] for c in common) / 1000:.2f} s theirs")
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("index", nargs="?")
    parser.add_argument("--agent", help="only this agent's cases")
    parser.add_argument("--label", default="autobahn", help="word before the summary counts")
    parser.add_argument("--allow-failures", action="store_true")
    parser.add_argument("--chapter", help="chapter to compare timings of")
    parser.add_argument("--ours", help="comma-separated index.json files of our rounds")
    parser.add_argument("--theirs", help="comma-separated index.json files of the other implementation's rounds")
    arguments = parser.parse_args()
    if arguments.ours and arguments.theirs and arguments.chapter:
        sys.exit(compare(arguments))
    if not arguments.index:
        parser.error("give INDEX_JSON, or --chapter with --ours and --theirs")
    sys.exit(summarise(arguments))


if __name__ == "__main__":
    main()
