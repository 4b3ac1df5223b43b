#!/usr/bin/env python3
"""Checks Schemas/ with an independent JSON Schema implementation (Python `jsonschema`).

1. Every *.schema.json is valid against the JSON Schema 2020-12 metaschema.
2. Every `$ref` resolves to a schema file of the folder.
3. Every schema and every property carries a `description` (they become doc comments and docs/messages.md).
4. The request metadata (`x-hypergraph-reply`, `x-hypergraph-correlation`, docs/schemas.md), when the requests use
   it: every client request has it, it names a server message and it resolves: each pointer through required members to a string member, each `error`
   member to a string member of the `error` message. (For other validators they are annotations; this repeats the
   generator's check independently.)
5. The size limits (`x-hypergraph-size-limits`, `x-hypergraph-size-limit`, docs/schemas.md): the limit names are
   declared only in union index files, as name → description; each member's limit is a declared name and sits on a
   property (not on `items`) that is a string, bytes or an array, and one limit counts either bytes or elements.
6. The codec's test fixtures agree with the schemas (a cross-check of the generated validators against a reference
   validator): Fixtures/valid/<direction>/*.json validate against <Direction>Message.schema.json, every case of
   Fixtures/invalid/<direction>/*.json is rejected, and Fixtures/seed/<direction>/*.json (seed spellings the codec
   accepts beyond the schema, docs/seed-differences.md) are rejected too.

Usage: scripts/check-schemas.py [REPO_ROOT]   (default: the parent of this script's folder). Exit 0 when all
checks pass, 1 otherwise. Installs `jsonschema` with pip when it is missing.
"""
import json
import pathlib
import re
import subprocess
import sys

try:
    import jsonschema
    import referencing
except ImportError:
    subprocess.check_call([sys.executable, "-m", "pip", "install", "--quiet", "jsonschema"])
    import jsonschema
    import referencing

from jsonschema import Draft202012Validator
from referencing.jsonschema import DRAFT202012

ROOT = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else pathlib.Path(__file__).resolve().parent.parent).resolve()
SCHEMAS = ROOT / "Schemas"
FIXTURES = ROOT / "Tests" / "HypergraphProtocolTests" / "Fixtures"

problems = []

# The custom format of Schemas/formats/Timestamp.schema.json, implemented independently of the Swift parser:
# YYYY-MM-DD or ±YYYYYY-MM-DD, optionally followed by T/t/space, HH:mm, optional :ss with an optional fraction,
# and a required zone (Z or ±HH:MM); within the range of a JavaScript Date (±8.64e15 ms).
TIMESTAMP = re.compile(r"(?:(\d{4})|([+-])(\d{6}))-(\d{2})-(\d{2})"
                       r"(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?(?:([Zz])|([+-])(\d{2}):(\d{2})))?")


def is_hypergraph_timestamp(text):
    if not isinstance(text, str):
        return True
    match = TIMESTAMP.fullmatch(text)
    if not match:
        return False
    plain, sign, expanded, month, day, hour, minute, second, fraction, zulu, zone_sign, zone_hour, zone_minute = match.groups()
    if expanded == "000000" and sign == "-":
        return False
    year = int(plain) if plain else int(expanded) * (-1 if sign == "-" else 1)
    month, day = int(month), int(day)
    if not 1 <= month <= 12:
        return False
    is_leap_year = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    days_in_month = [31, 29 if is_leap_year else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
    if not 1 <= day <= days_in_month:
        return False
    if hour is None:
        offset_minutes, clock_ms = 0, 0
    else:
        if int(hour) > 23 or int(minute) > 59 or (second is not None and int(second) > 59):
            return False
        if zone_sign and (int(zone_hour) > 23 or int(zone_minute) > 59):
            return False
        offset_minutes = 0 if zulu else (1 if zone_sign == "+" else -1) * (int(zone_hour) * 60 + int(zone_minute))
        clock_ms = ((int(hour) * 60 + int(minute) - offset_minutes) * 60 + int(second or 0)) * 1000 + int((fraction or "0")[:3].ljust(3, "0"))
    days = days_from_civil(year, month, day)
    return abs(days * 86_400_000 + clock_ms) <= 8_640_000_000_000_000


def days_from_civil(year, month, day):
    year -= month <= 2
    era = (year if year >= 0 else year - 399) // 400
    year_of_era = year - era * 400
    day_of_year = (153 * (month - 3 if month > 2 else month + 9) + 2) // 5 + day - 1
    day_of_era = year_of_era * 365 + year_of_era // 4 - year_of_era // 100 + day_of_year
    return era * 146097 + day_of_era - 719468


FORMATS = jsonschema.FormatChecker(formats=())
FORMATS.checks("hypergraph-timestamp")(is_hypergraph_timestamp)


def load_schemas():
    documents = {}
    for path in sorted(SCHEMAS.rglob("*.schema.json")):
        with path.open(encoding="utf-8") as handle:
            documents[path] = json.load(handle)
    return documents


def walk(node, pointer, visit):
    """Calls visit(node, pointer) for every subschema reachable through the 2020-12 applicator keywords."""
    if not isinstance(node, dict):
        return
    visit(node, pointer)
    for keyword in ("properties", "$defs", "patternProperties"):
        for name, child in node.get(keyword, {}).items():
            walk(child, f"{pointer}/{keyword}/{name}", visit)
    for keyword in ("oneOf", "anyOf", "allOf", "prefixItems"):
        for index, child in enumerate(node.get(keyword, [])):
            walk(child, f"{pointer}/{keyword}/{index}", visit)
    for keyword in ("items", "additionalProperties", "not", "contains"):
        if isinstance(node.get(keyword), dict):
            walk(node[keyword], f"{pointer}/{keyword}", visit)


def check_documents(documents, registry):
    for path, schema in documents.items():
        name = path.relative_to(ROOT)
        try:
            Draft202012Validator.check_schema(schema)
        except jsonschema.SchemaError as error:
            problems.append(f"{name}: not a valid 2020-12 schema: {error.message}")
        resolver = registry.resolver(base_uri=path.as_uri())

        def visit(node, pointer):
            # Union variants (bare `$ref` items of oneOf) take the referenced schema's description.
            is_union_variant = set(node) == {"$ref"} and "/oneOf/" in pointer
            if "description" not in node and not is_union_variant:
                problems.append(f"{name}#{pointer or '/'}: missing description")
            if "$ref" in node:
                try:
                    resolver.lookup(node["$ref"])
                except referencing.exceptions.Unresolvable as error:
                    problems.append(f"{name}#{pointer}: unresolvable $ref {node['$ref']!r}: {error}")

        walk(schema, "", visit)


def resolved(documents, path, node):
    """The schema `node` of the file `path` stands for, following `$ref`s: (path, schema)."""
    while "$ref" in node:
        path = (path.parent / node["$ref"]).resolve()
        node = documents[path]
    return path, node


def string_member(documents, path, schema, pointer):
    """None when `pointer` leads through required members of `schema` to a string member, else the problem."""
    if not pointer.startswith("/") or "" in pointer[1:].split("/"):
        return f"{pointer!r} is not a JSON pointer to a member"
    for token in pointer[1:].split("/"):
        path, schema = resolved(documents, path, schema)
        if token not in schema.get("required", []) or token not in schema.get("properties", {}):
            return f"{pointer}: {token!r} is not a required member"
        schema = schema["properties"][token]
    if not is_plain_string(resolved(documents, path, schema)[1]):
        return f"{pointer} is not a string member"
    return None


def is_plain_string(schema):
    """A string schema that is not an enumeration (the generator maps those to enums)."""
    return schema.get("type") == "string" and not {"enum", "oneOf", "anyOf"} & set(schema)


def check_request_metadata(documents):
    def message_types(direction):
        return {schema["properties"]["type"]["const"]: path for path, schema in documents.items()
                if path.parent == SCHEMAS / direction}
    replies = message_types("server")
    error_path = replies.get("error")
    # As for the generator: schemas whose requests carry no metadata (other packages' messages) need none.
    uses_metadata = any("x-hypergraph-reply" in schema for path, schema in documents.items()
                        if path.parent == SCHEMAS / "client")
    for path, schema in documents.items():
        name = path.relative_to(ROOT)
        is_request = path.parent == SCHEMAS / "client"
        for keyword in ("x-hypergraph-reply", "x-hypergraph-correlation"):
            if keyword in schema and not is_request:
                problems.append(f"{name}#/{keyword}: only client request schemas carry it")
        if not is_request or not uses_metadata:
            continue
        reply = schema.get("x-hypergraph-reply")
        if reply not in replies:
            problems.append(f"{name}#/x-hypergraph-reply: {reply!r} is not the type of a server message")
            continue
        for index, entry in enumerate(schema.get("x-hypergraph-correlation", [])):
            where = f"{name}#/x-hypergraph-correlation/{index}"
            if not set(entry) <= {"request", "reply", "error"} or not ({"reply", "error"} & set(entry)):
                problems.append(f"{where}: expected request and reply and/or error, got {sorted(entry)}")
            problem = string_member(documents, path, schema, entry.get("request", ""))
            if problem:
                problems.append(f"{where}/request: {problem}")
            if "reply" in entry:
                problem = string_member(documents, replies[reply], documents[replies[reply]], entry["reply"])
                if problem:
                    problems.append(f"{where}/reply: {problem}")
            if "error" in entry:
                member = documents[error_path]["properties"].get(entry["error"], {}) if error_path else {}
                if entry["error"] == "requestType" or not is_plain_string(resolved(documents, error_path, member)[1]):
                    problems.append(f"{where}/error: {entry['error']!r} is not a string id member of the error message")


def check_size_limits(documents):
    declared = {}
    for path, schema in documents.items():
        name = path.relative_to(ROOT)
        limits = schema.get("x-hypergraph-size-limits")
        if limits is None:
            continue
        if path.parent != SCHEMAS or "x-hypergraph-discriminator" not in schema:
            problems.append(f"{name}#/x-hypergraph-size-limits: only a union index file declares size limits")
        elif not isinstance(limits, dict) or not all(isinstance(text, str) and text for text in limits.values()):
            problems.append(f"{name}#/x-hypergraph-size-limits: expected an object of limit names and descriptions")
        else:
            declared.update(limits)
    measures = {}
    for path, schema in documents.items():
        name = path.relative_to(ROOT)

        def visit(node, pointer):
            if "x-hypergraph-size-limit" not in node:
                return
            where = f"{name}#{pointer}/x-hypergraph-size-limit"
            limit = node["x-hypergraph-size-limit"]
            if not re.fullmatch(r"/properties/[^/]+", pointer):
                problems.append(f"{where}: a size limit belongs on a member of an object schema")
                return
            if limit not in declared:
                problems.append(f"{where}: {limit!r} is not a declared size limit ({sorted(declared)})")
                return
            target = resolved(documents, path, node)[1]
            if target.get("type") == "array":
                measure = "elements"
            elif target.get("x-hypergraph-codec") == "bytes" or is_plain_string(target):
                measure = "bytes"
            else:
                problems.append(f"{where}: a size limit applies to a string, bytes or an array member")
                return
            if measures.setdefault(limit, measure) != measure:
                problems.append(f"{where}: {limit!r} counts both bytes and array elements")

        walk(schema, "", visit)


def validator_for(documents, registry, union):
    path = SCHEMAS / f"{union}.schema.json"
    return Draft202012Validator({"$ref": path.as_uri()}, registry=registry, format_checker=FORMATS)


def check_fixtures(documents, registry):
    if not FIXTURES.is_dir():
        return 0
    checked = 0
    for direction, union in (("client", "ClientMessage"), ("server", "ServerMessage")):
        validator = validator_for(documents, registry, union)
        for path in sorted((FIXTURES / "valid" / direction).glob("*.json")):
            with path.open(encoding="utf-8") as handle:
                message = json.load(handle)
            errors = [f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
                      for error in validator.iter_errors(message)]
            if errors:
                problems.append(f"{path.relative_to(ROOT)}: valid fixture rejected by the schema: {errors[0]}")
            checked += 1
        for path in sorted((FIXTURES / "seed" / direction).glob("*.json")):
            if path.name.endswith(".canonical.json"):
                continue
            with path.open(encoding="utf-8") as handle:
                message = json.load(handle)
            if validator.is_valid(message):
                problems.append(f"{path.relative_to(ROOT)}: seed spelling unexpectedly valid under the schema")
            checked += 1
        for path in sorted((FIXTURES / "invalid" / direction).glob("*.json")):
            with path.open(encoding="utf-8") as handle:
                cases = json.load(handle)
            for case in cases:
                if "message" in case and validator.is_valid(case["message"]):
                    problems.append(f"{path.relative_to(ROOT)}: invalid case {case['name']!r} accepted by the schema")
                checked += 1
    return checked


def main():
    documents = load_schemas()
    registry = referencing.Registry().with_resources(
        (path.as_uri(), DRAFT202012.create_resource(schema)) for path, schema in documents.items())
    check_documents(documents, registry)
    check_request_metadata(documents)
    check_size_limits(documents)
    fixtures = check_fixtures(documents, registry)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"check-schemas: {len(problems)} problem(s)", file=sys.stderr)
        return 1
    print(f"check-schemas: {len(documents)} schemas valid against 2020-12, all $refs resolve, "
          f"request metadata resolves, size limits are declared, {fixtures} fixture(s) agree")
    return 0


if __name__ == "__main__":
    sys.exit(main())
