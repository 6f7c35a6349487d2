#!/usr/bin/env python3
"""Checks the recorded Weni responses (tests/fixtures/weni-live) against specs/weni.yaml, strictly.

The generated client is lenient on purpose: it ignores members it does not know and keeps unknown enum
values. This script reports what that leniency hides: members the server sends that the schema does not
declare, enum values outside the declared list, required members that are missing, nulls where the schema
does not allow them and type mismatches. Each finding is printed with the fixture and the JSON path.

    python3 bench/weni-live/strict_check.py [specs/weni.yaml] [tests/fixtures/weni-live]

Needs PyYAML. Exit status 1 when anything is found.
"""
import glob
import json
import os
import sys

import yaml

spec_path = sys.argv[1] if len(sys.argv) > 1 else "specs/weni.yaml"
fixtures = sys.argv[2] if len(sys.argv) > 2 else "tests/fixtures/weni-live"
spec = yaml.safe_load(open(spec_path))


def resolve(s):
    while isinstance(s, dict) and "$ref" in s:
        node = spec
        for part in s["$ref"].lstrip("#/").split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
        s = node
    return s


ops = {}
for path, item in spec["paths"].items():
    for method, op in item.items():
        if isinstance(op, dict) and "operationId" in op:
            ops[op["operationId"]] = (path, method, op)

findings = []


def check(value, schema, where, fixture):
    schema = resolve(schema)
    if not schema:
        return
    if value is None:
        if not schema.get("nullable"):
            findings.append(f"{fixture}: {where}: null, schema not nullable")
        return
    if "allOf" in schema:
        for sub in schema["allOf"]:
            check(value, sub, where, fixture)
        return
    if "oneOf" in schema or "anyOf" in schema:
        alts = schema.get("oneOf") or schema.get("anyOf")
        before = len(findings)
        results = []
        for alt in alts:
            mark = len(findings)
            check(value, alt, where, fixture)
            results.append(findings[mark:])
            del findings[mark:]
        if not any(len(r) == 0 for r in results):
            findings.append(f"{fixture}: {where}: matches no alternative: {results[0][:1]}")
        assert len(findings) >= before
        return
    t = schema.get("type")
    if "enum" in schema and value not in schema["enum"]:
        findings.append(f"{fixture}: {where}: {value!r} not in enum {schema['enum']}")
    if t == "object" or "properties" in schema:
        if not isinstance(value, dict):
            findings.append(f"{fixture}: {where}: expected object, got {type(value).__name__}")
            return
        props = schema.get("properties", {})
        for req in schema.get("required", []):
            if req not in value:
                findings.append(f"{fixture}: {where}: required member {req!r} missing")
        extra = schema.get("additionalProperties")
        for k, v in value.items():
            if k in props:
                check(v, props[k], f"{where}.{k}", fixture)
            elif isinstance(extra, dict):
                check(v, extra, f"{where}.{k}", fixture)
            elif extra is not True and props:
                findings.append(f"{fixture}: {where}: undeclared member {k!r} = {json.dumps(v)[:80]}")
    elif t == "array":
        if not isinstance(value, list):
            findings.append(f"{fixture}: {where}: expected array, got {type(value).__name__}")
            return
        if "maxItems" in schema and len(value) > schema["maxItems"]:
            findings.append(f"{fixture}: {where}: {len(value)} items, maxItems {schema['maxItems']}")
        for i, v in enumerate(value):
            check(v, schema.get("items", {}), f"{where}[{i}]", fixture)
    elif t == "string":
        if not isinstance(value, str):
            findings.append(f"{fixture}: {where}: expected string, got {json.dumps(value)[:60]}")
        elif "maxLength" in schema and len(value) > schema["maxLength"]:
            findings.append(f"{fixture}: {where}: length {len(value)} > maxLength {schema['maxLength']}")
    elif t == "integer":
        if not isinstance(value, int) or isinstance(value, bool):
            findings.append(f"{fixture}: {where}: expected integer, got {json.dumps(value)[:60]}")
    elif t == "number":
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            findings.append(f"{fixture}: {where}: expected number, got {json.dumps(value)[:60]}")
    elif t == "boolean":
        if not isinstance(value, bool):
            findings.append(f"{fixture}: {where}: expected boolean, got {json.dumps(value)[:60]}")


for f in sorted(glob.glob(os.path.join(fixtures, "[0-9]*.json"))):
    rec = json.load(open(f))
    name = os.path.basename(f)
    path, method, op = ops[rec["operation"]]
    for ex in rec["exchanges"]:
        status = str(ex["response"]["status"])
        resp = resolve(op["responses"].get(status) or op["responses"].get("default") or {})
        content = resp.get("content", {}).get("application/json")
        body = ex["response"]["body"]
        if content is None:
            if body not in ("", None):
                findings.append(f"{name}: status {status}: body sent, none declared")
            continue
        check(body, content["schema"], "$", name)

for line in findings:
    print(line)
print(f"strict_check: {len(findings)} finding(s)")
sys.exit(1 if findings else 0)
