"""`--junit FILE`: one test suite per provider x model, one test case per planned case.

The class name is `provider.model.operation` with each part's own dots and slashes turned into
`_`, so CI viewers that split class names on dots show three levels, not `google/imagen-4`
fragments. Failures carry every failing finding (check, pointer, rule, spec line) and the curl
command that reproduces the case; blocked and budget or lifecycle cuts are `skipped` with their
reason; transport trouble is an `error`.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from conformance.report.model import Report

_UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")


def classname(case: dict[str, Any]) -> str:
    return ".".join(_UNSAFE.sub("_", case[k]) for k in ("provider", "model", "operation"))


def render_finding(f: dict[str, Any]) -> str:
    """The finding as the terminal prints it (`Finding.render`)."""
    where = f" at {f['pointer']}" if f["pointer"] else ""
    spec = f" [{f['spec']}]" if f["spec"] else ""
    rule = f" ({f['rule']})" if f["rule"] else ""
    return f"{f['check']}{rule}{where}: {f['message']}{spec}"


def _elapsed(case: dict[str, Any]) -> float:
    exchange = case["exchange"]
    return float(exchange["elapsed"]) if exchange else 0.0


def to_xml(report: Report) -> ET.Element:
    root = ET.Element("testsuites", name="conformance", time=f"{report['wall_seconds']:.3f}")
    suites: dict[tuple[str, str], ET.Element] = {}
    for case in report["cases"]:
        key = (case["provider"], case["model"])
        suite = suites.get(key)
        if suite is None:
            suite = ET.SubElement(root, "testsuite", name=f"{key[0]}/{key[1]}")
            suites[key] = suite
        node = ET.SubElement(
            suite,
            "testcase",
            classname=classname(case),
            name=case["id"].split("/", 2)[2],
            time=f"{_elapsed(case):.3f}",
        )
        outcome = case["outcome"]
        findings = [f for f in case["findings"] if f["outcome"] == outcome]
        if outcome in ("fail", "error"):
            tag = "failure" if outcome == "fail" else "error"
            child = ET.SubElement(
                node, tag, message=render_finding(findings[0])[:300], type=findings[0]["check"]
            )
            child.text = "\n".join(
                [*(render_finding(f) for f in findings), "", "reproduce: " + case["curl"]]
            )
        elif outcome in ("blocked", "skipped"):
            ET.SubElement(node, "skipped", message=f"{outcome}: {findings[0]['message']}"[:300])
    for suite in suites.values():
        cases = suite.findall("testcase")
        suite.set("tests", str(len(cases)))
        suite.set("failures", str(sum(1 for c in cases if c.find("failure") is not None)))
        suite.set("errors", str(sum(1 for c in cases if c.find("error") is not None)))
        suite.set("skipped", str(sum(1 for c in cases if c.find("skipped") is not None)))
    return root


def write_junit(report: Report, path: Path) -> None:
    tree = ET.ElementTree(to_xml(report))
    ET.indent(tree)
    tree.write(path, encoding="utf-8", xml_declaration=True)
