"""HTML pages from Jinja2 templates, autoescaped.

Every HTML page the project writes (coverage report, audit report, workshop report) is a template
in `presentation/templates/`. Autoescaping is on for every template, so text that came from a
user or a file (a reply, a profile title, a participant's name) is always shown as text, never as
markup; only values a template marks `|safe` on purpose (an inlined chart) are not escaped.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import jinja2


@cache
def environment() -> jinja2.Environment:
    """The one template environment: package templates, autoescaped, undefined names fail."""
    return jinja2.Environment(
        loader=jinja2.PackageLoader("presentation", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render(template_name: str, **context: Any) -> str:
    """The page `template_name` rendered with `context`."""
    return environment().get_template(template_name).render(**context)
