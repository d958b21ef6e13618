"""What every page of the web app shares: sections on the home page and in the navigation,
templates, rendering, and who is signed in (a registry token in a cookie).

A module that adds pages imports these; :mod:`multivector.web.app` builds the app around them.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse

from multivector.registry.auth import ANONYMOUS
from multivector.registry.errors import RegistryError


@dataclass(frozen=True)
class Section:
    """A part of the web app listed on the home page and in the navigation."""

    key: str
    title: str
    path: str
    description: str
    order: int = 50


def add_section(app: FastAPI, section: Section) -> None:
    sections = [s for s in app.state.sections if s.key != section.key]
    sections.append(section)
    app.state.sections = sorted(sections, key=lambda s: (s.order, s.title))


def add_templates(app: FastAPI, folder: Path) -> None:
    """Let ``render`` find templates in ``folder`` too (after the app's own)."""
    loader: jinja2.ChoiceLoader = app.state.jinja.loader
    loader.loaders.append(jinja2.FileSystemLoader(str(folder)))


def render(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    app = request.app
    env: jinja2.Environment = app.state.jinja
    principal = getattr(request.state, "page_principal", None)
    html = env.get_template(template).render(
        request=request, sections=app.state.sections, principal=principal,
        csrf=getattr(request.state, "csrf", ""), **context)
    return HTMLResponse(html, status_code=status_code)


COOKIE = "mv_token"


def _csrf_for(token: str) -> str:
    return hashlib.sha256(("csrf:" + token).encode()).hexdigest()[:32]


def page_principal(request: Request):
    """The signed-in principal of a page request (the public without a valid cookie)."""
    if hasattr(request.state, "page_principal"):
        return request.state.page_principal
    token = request.cookies.get(COOKIE)
    who = ANONYMOUS
    request.state.csrf = ""
    if token:
        try:
            who = request.app.state.registry.authenticate(token)
            request.state.csrf = _csrf_for(token)
        except RegistryError:
            who = ANONYMOUS
    request.state.page_principal = who
    return who
