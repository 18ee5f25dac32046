"""Request-scoped dependencies: a read session on the app's engine, and the templates."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlmodel import Session
from starlette.templating import Jinja2Templates


def get_session(request: Request) -> Iterator[Session]:
    """One session per request; the web UI only reads, so nothing is committed."""
    with Session(request.app.state.engine) as session:
        yield session


def get_templates(request: Request) -> Jinja2Templates:
    return request.app.state.templates


SessionDep = Annotated[Session, Depends(get_session)]
TemplatesDep = Annotated[Jinja2Templates, Depends(get_templates)]
