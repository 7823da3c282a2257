"""`--html FILE`: one self-contained page a person opens after a run.

At the top a provider x model x check matrix (failing rows first), then every case, failures
first, each collapsed to one line that already shows its images' thumbnails with what was asked
beside what came back; expanded, the request, the response (status, headers, body with image
payloads replaced by their thumbnails), every finding with its spec line and the curl command.
Nothing is fetched: styles, the script and the images are inline, and a Content-Security-Policy
forbids any network access, so a page that looks complete is complete. The file stays small
because images are thumbnails (a few KB each) and each is embedded once (the body view borrows
the summary's copy when a case is expanded).
"""

from __future__ import annotations

import json
from collections import Counter
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup, escape

from conformance.report.bodies import IMAGE_MARKER, pretty
from conformance.report.junit import render_finding
from conformance.report.markdown import cell, matrix
from conformance.report.model import Report

#: Cases in this order: what needs a look first, then what was judged, then what was not.
_ORDER = {"fail": 0, "error": 1, "pass": 2, "blocked": 3, "skipped": 4}


@cache
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("conformance.report", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["finding"] = render_finding
    env.filters["kb"] = lambda n: "?" if n is None else f"{n / 1024:,.1f} KB"
    return env


def _body_html(body: dict[str, Any], case_anchor: str) -> Markup:
    """The kept body as <pre> content, each `<image #N>` marker replaced by that thumbnail."""
    text = pretty(body)
    out: list[str] = []
    last = 0
    for match in IMAGE_MARKER.finditer(text):
        out.append(str(escape(text[last : match.start()])))
        n = match.group(1)
        out.append(
            f'<img class="inbody" alt="image #{n}" data-from="{case_anchor}-img{n}" '
            f'title="image #{n} (payload elided)">'
        )
        last = match.end()
    out.append(str(escape(text[last:])))
    return Markup("".join(out))


def _request_text(request: dict[str, Any]) -> str:
    """The request as a person reads it: line, headers, where the key goes, body."""
    auth = request["auth"]
    where = f" in {auth['kind']} {auth['name']}" if auth["kind"] else ""
    lines = [f"{request['method']} {request['url'] or request['path']}"]
    lines += [f"{name}: {value}" for name, value in request["headers"]]
    lines.append(f"(auth: {auth['mode']} key{where})")
    if request["body"] is not None:
        lines += ["", json.dumps(request["body"], indent=2, ensure_ascii=False)]
    return "\n".join(lines)


def _passing(findings: list[dict[str, Any]]) -> list[str]:
    """Passing findings grouped: `image-payload (decode) x4`."""
    counts = Counter(f"{f['check']} ({f['rule']})" if f["rule"] else f["check"] for f in findings)
    return [name if n == 1 else f"{name} x{n}" for name, n in counts.items()]


def _case_view(case: dict[str, Any]) -> dict[str, Any]:
    anchor = f"case-{case['index']}"
    exchange = case["exchange"]
    response = None
    if exchange is not None:
        response = exchange["final_poll"] or exchange["response"]
    return {
        "anchor": anchor,
        "case": case,
        "request_text": _request_text(case["request"]),
        "first_response": exchange["response"] if exchange else None,
        "response": response,
        "body_html": _body_html(response, anchor) if response else None,
        "problems": [f for f in case["findings"] if f["outcome"] != "pass" or f["advisory"]],
        "passes": _passing(
            [f for f in case["findings"] if f["outcome"] == "pass" and not f["advisory"]]
        ),
        "mismatch": any(i["mismatches"] for i in case["images"]),
    }


def context(report: Report) -> dict[str, Any]:
    rows = matrix(report)
    checks = [c for c in report["checks"] if any(c in row for row in rows.values())]
    first_case: dict[tuple[str, str], str] = {}
    for case in sorted(report["cases"], key=lambda c: (_ORDER[c["outcome"]], c["index"])):
        first_case.setdefault((case["provider"], case["model"]), f"case-{case['index']}")
    matrix_rows = []
    for (provider, model), row in sorted(rows.items(), key=lambda kv: kv[1][""]["fail"] == 0):
        outcomes: Counter[str] = row[""]
        cells = []
        for check in checks:
            counts = row.get(check, Counter())
            text = cell(counts, symbols=False)
            css = (
                "na"
                if text == "·"
                else "fail"
                if counts["fail"]
                else "error"
                if counts["error"]
                else "pass"
            )
            cells.append({"text": text, "css": css})
        matrix_rows.append(
            {
                "provider": provider,
                "model": model,
                "outcomes": outcomes,
                "cases": sum(outcomes.values()),
                "cells": cells,
                "link": first_case[(provider, model)],
            }
        )
    cases = sorted(report["cases"], key=lambda c: (_ORDER[c["outcome"]], c["index"]))
    return {
        "report": report,
        "checks": checks,
        "rows": matrix_rows,
        "cases": [_case_view(c) for c in cases],
        "images": sum(len(c["images"]) for c in report["cases"]),
    }


def to_html(report: Report) -> str:
    return _environment().get_template("report.html.j2").render(context(report))


def write_html(report: Report, path: Path) -> None:
    path.write_text(to_html(report), encoding="utf-8")
