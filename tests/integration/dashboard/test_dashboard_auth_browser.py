"""The dashboard of a cluster with client auth on, in headless chromium: the login page takes a
token (here from a `#token=` link, as a person would paste one), the page then shows the cluster
from the cookie it set, and the token never stays in the address bar or within reach of scripts."""

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aistore.sdk import AuthNClient
from browser_it_support import Browser, find_chromium

from pyaistore.server.local_cluster import LocalCluster

pytestmark = pytest.mark.skipif(
    find_chromium() is None,
    reason="Debian's chromium is not installed (scripts/ensure_chromium.sh needs root)",
)

_SEEN = """(() => ({
  path: location.pathname + location.search + location.hash,
  cookie: document.cookie,
  nodes: [...document.querySelectorAll('.node')].map((n) => n.dataset.state),
  form: !!document.getElementById('token-form'),
  problem: (document.getElementById('problem') || {}).textContent || '',
}))()"""


@pytest.fixture(scope="module")
def auth_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalCluster]:
    """A proxy and one target with client auth on, and their AuthN service."""
    running = LocalCluster(
        Path(tmp_path_factory.mktemp("auth-dash")), port=0, targets=1, auth=True, http_workers=1
    )
    try:
        running.start()
        yield running
    finally:
        running.stop()


async def _visit(url: str, ready: str) -> tuple[dict[str, Any], list[str]]:
    executable = find_chromium()
    assert executable is not None
    async with Browser(executable, (1280, 800)) as page:
        await page.call("Page.navigate", url=url)
        await page.wait_for(ready, timeout=45)
        return await page.evaluate(_SEEN), list(page.errors)


def _expected(errors: list[str]) -> list[str]:
    """Errors other than the browser's note of the login page's 401 (what it is for)."""
    return [error for error in errors if not ("401" in error and "/dashboard" in error)]


def test_a_token_link_logs_in_and_the_page_shows_the_cluster(auth_cluster: LocalCluster) -> None:
    authn = AuthNClient(auth_cluster.security.authn_url)
    token = authn.login("admin", auth_cluster.security.first_admin_password)
    ready = "!!(document.body && Number(document.body.dataset.polls || 0) >= 2)"
    seen, errors = asyncio.run(_visit(f"{auth_cluster.endpoint}/dashboard?interval=500#token={token}", ready))

    assert _expected(errors) == []
    assert seen["nodes"] == ["online", "online"]
    assert token not in seen["path"] and seen["cookie"] == ""  # HttpOnly: out of scripts' reach


def test_without_a_token_the_browser_gets_the_login_form(auth_cluster: LocalCluster) -> None:
    ready = "!!document.getElementById('token-form')"
    seen, errors = asyncio.run(_visit(f"{auth_cluster.endpoint}/dashboard", ready))

    assert _expected(errors) == []
    assert seen["form"] and seen["nodes"] == [] and "token required" in seen["problem"]
