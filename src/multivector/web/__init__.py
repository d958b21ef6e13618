"""The multivector web app: one FastAPI application (``multivector serve``) with the registry
API under ``/api/v1/``, server-rendered pages and a home page linking every section.

    from multivector.web import create_app
    app = create_app(db_url="sqlite:///registry.sqlite")

Later parts (the dashboard) add their routers and pages through ``register(app)`` modules listed
in :data:`multivector.web.app.WEB_MODULES`, with :func:`add_section` and :func:`add_templates`.
"""

from multivector.web.app import create_app
from multivector.web.pages import Section, add_section, add_templates, render

__all__ = ["create_app", "Section", "add_section", "add_templates", "render"]
