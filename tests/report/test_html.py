"""The HTML report: self-contained, one entry per case, thumbnails with asked vs measured sizes,
mismatches marked; and, where Chromium is installed, a real browser renders it cleanly."""

from __future__ import annotations

import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from report_testkit import relay_run, small_plan

from conformance.report import Report, from_run, to_html, write_html

CHROMIUM = next((p for p in map(shutil.which, ("chromium", "chromium-browser")) if p), None)


class Page(HTMLParser):
    """The parts of the page the assertions read."""

    def __init__(self) -> None:
        super().__init__()
        self.cases: list[dict[str, str]] = []
        self.figures: list[dict[str, str]] = []
        self.sources: list[str] = []
        self.links: list[str] = []
        self.text: list[str] = []
        self.in_matrix = False
        self.matrix_rows = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "details" and "case" in a.get("class", "").split():
            self.cases.append(a)
        if tag == "figure":
            self.figures.append(a)
        for key in ("src", "href"):
            if key in a:
                (self.sources if key == "src" else self.links).append(a[key])
        if tag == "table" and a.get("id") == "matrix":
            self.in_matrix = True
        if tag == "tr" and self.in_matrix:
            self.matrix_rows += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self.in_matrix = False

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(html: str) -> Page:
    page = Page()
    page.feed(html)
    return page


@pytest.fixture(scope="module")
def clean() -> Report:
    return from_run(relay_run(small_plan("routescope", "apiframe")), {})


@pytest.fixture(scope="module")
def broken() -> Report:
    the_plan = small_plan("routescope", "apiframe")
    return from_run(relay_run(the_plan, frozenset({"ignore-aspect-ratio"})), {})


def test_self_contained_one_entry_per_case(clean: Report) -> None:
    html = to_html(clean)
    page = parse(html)
    assert len(page.cases) == len(clean["cases"])
    assert {c["data-case"] for c in page.cases} == {c["id"] for c in clean["cases"]}
    assert all(s.startswith("data:") for s in page.sources)
    assert all(link.startswith(("#", "data:")) for link in page.links)
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)
    assert "default-src 'none'" in html  # the browser itself refuses any fetch
    assert page.matrix_rows == 1 + len({(c["provider"], c["model"]) for c in clean["cases"]})


def test_thumbnails_with_asked_and_measured(clean: Report) -> None:
    page = parse(to_html(clean))
    images = [i for c in clean["cases"] for i in c["images"]]
    thumbs = [s for s in page.sources if s.startswith("data:image/")]
    assert images and len(thumbs) == len(images)  # each thumbnail once
    text = " ".join(page.text)
    for case in clean["cases"]:
        for image in case["images"]:
            assert image["size"] in text
            if case["asked"]["size"]:
                assert f"({case['asked']['size']})" in text
    assert not [f for f in page.figures if "mismatch" in f.get("class", "")]


def test_failures_first_and_mismatches_marked(broken: Report) -> None:
    page = parse(to_html(broken))
    outcomes = [c["data-outcome"] for c in page.cases]
    assert outcomes[0] == "fail" and outcomes == sorted(outcomes, key=lambda o: o != "fail")
    marked = [f for f in page.figures if "mismatch" in f.get("class", "")]
    mismatched = [i for c in broken["cases"] for i in c["images"] if i["mismatches"]]
    assert marked and len(marked) == len(mismatched)
    assert any("pixel-size" in m for i in mismatched for m in i["mismatches"])


def test_size_stays_bounded(clean: Report) -> None:
    html = to_html(clean)
    images = sum(len(c["images"]) for c in clean["cases"])
    raw = sum(i["bytes"] for c in clean["cases"] for i in c["images"])
    assert len(html) < 8_000 * len(clean["cases"]) + 4_000 * images
    assert len(html) < raw or raw < 1_000_000


def _chromium(html: Path, out: Path, *args: str) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    return subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            "--no-first-run",
            f"--user-data-dir={out / 'profile'}",
            "--enable-logging=stderr",
            "--v=0",
            "--window-size=1400,1400",
            *args,
            html.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install chromium)")
@pytest.mark.parametrize("which", ["clean", "broken"])
def test_chromium_renders_it(which: str, clean: Report, broken: Report, tmp_path: Path) -> None:
    report = clean if which == "clean" else broken
    page = tmp_path / f"{which}.html"
    write_html(report, page)
    dom = _chromium(page, tmp_path, "--dump-dom")
    assert dom.returncode == 0, dom.stderr[-2000:]
    console = [line for line in dom.stderr.splitlines() if "CONSOLE" in line]
    assert not console, console
    loaded = re.search(r'data-images-loaded="(\d+)"', dom.stdout)
    thumbs = sum(1 for c in report["cases"] for i in c["images"] if i["thumbnail"])
    assert loaded and int(loaded.group(1)) == thumbs > 0
    shot = tmp_path / f"{which}.png"
    result = _chromium(page, tmp_path, f"--screenshot={shot}")
    assert result.returncode == 0 and shot.stat().st_size > 10_000
    assert not [line for line in result.stderr.splitlines() if "CONSOLE" in line]


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install chromium)")
def test_chromium_check_sees_console_errors_and_fetches(tmp_path: Path) -> None:
    page = tmp_path / "bad.html"
    page.write_text(
        '<html><head><meta http-equiv="Content-Security-Policy" content="default-src '
        "'none'; img-src data:; script-src 'unsafe-inline'\"></head><body>"
        '<img src="http://127.0.0.1:9/x.png"><script>missing();</script></body></html>'
    )
    console = [
        line
        for line in _chromium(page, tmp_path, "--dump-dom").stderr.splitlines()
        if "CONSOLE" in line
    ]
    assert any("Content Security Policy" in line for line in console)
    assert any("ReferenceError" in line for line in console)
