"""Fixtures of the web tests: one seeded SQLite registry for the session (the pages do not depend
on the database system; the API's behaviour on PostgreSQL is tested in tests/registry)."""

from __future__ import annotations

import shutil
import warnings

import pytest

warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")


@pytest.fixture(scope="session")
def web_template(tmp_path_factory) -> str:
    from multivector.registry import Registry

    path = tmp_path_factory.mktemp("webreg") / "template.sqlite"
    reg = Registry(f"sqlite:///{path}")
    reg.ensure_ready()
    reg.close()
    return str(path)


@pytest.fixture(scope="module")
def web_reg(web_template, tmp_path_factory):
    from multivector.registry import Registry

    path = tmp_path_factory.mktemp("webreg") / "registry.sqlite"
    shutil.copyfile(web_template, path)
    reg = Registry(f"sqlite:///{path}")
    reg.ensure_ready()
    yield reg
    reg.close()
