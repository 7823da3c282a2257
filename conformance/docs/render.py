"""Render the view models to Markdown with Jinja2 templates shipped in the package.

The environment is strict (an undefined name is an error, not an empty string) and never
HTML-escapes: the output is Markdown. Table cells go through `cell`, which keeps a `|` or a line
break inside a value from breaking the table.
"""

from __future__ import annotations

from functools import cache

import jinja2

from conformance.docs.context import model_page
from conformance.docs.crossref import cross_pages
from conformance.docs.index import index_page
from conformance.spec.model import Spec


def cell(value: object) -> str:
    """Make text safe inside a Markdown table cell: escape pipes, turn newlines into <br>."""
    text = str(value).strip()
    text = text.replace("\\|", "|").replace("|", "\\|")
    return "<br>".join(line.strip() for line in text.splitlines()) if text else ""


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("conformance.docs", "templates"),
        autoescape=False,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["cell"] = cell
    return env


def _render(template: str, page: object) -> str:
    return environment().get_template(template).render(page=page)


def render_pages(spec: Spec) -> dict[str, str]:
    """Every generated page: path relative to docs/params -> Markdown text."""
    index = index_page(spec)
    pages = {index.path: _render("index.md.j2", index)}
    for provider in spec.providers:
        for model in provider.models:
            page = model_page(spec, provider, model)
            pages[page.path] = _render("model.md.j2", page)
    for cross in cross_pages(spec):
        pages[cross.path] = _render("cross.md.j2", cross)
    return dict(sorted(pages.items()))
