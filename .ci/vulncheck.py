#!/usr/bin/env python3
"""Reads `govulncheck -format json` on stdin and fails when our code calls a
vulnerable function of a third-party module. Vulnerabilities of the standard
library are printed as warnings: they are fixed by building with a newer Go,
which is the machine's choice, not the module's (see the README)."""
import json
import sys

text = sys.stdin.read()
dec = json.JSONDecoder()
i, called = 0, {}
while i < len(text):
    while i < len(text) and text[i].isspace():
        i += 1
    if i >= len(text):
        break
    obj, i = dec.raw_decode(text, i)
    f = obj.get("finding")
    if f and f.get("trace") and f["trace"][0].get("function"):
        top = f["trace"][0]
        called[f["osv"]] = (top.get("module"), top.get("version"), f.get("fixed_version", "?"))
bad = {k: v for k, v in called.items() if v[0] != "stdlib"}
for osv, (mod, ver, fixed) in sorted(called.items()):
    kind = "FAIL" if osv in bad else "warning (standard library)"
    print(f"{kind}: {osv} in {mod}@{ver}, fixed in {fixed}")
if not called:
    print("no vulnerable function is called")
sys.exit(1 if bad else 0)
