"""What the browser tests share: Debian's Chromium driven by Playwright, a tab signed in through
the login form, and screenshots in test-artifacts/ (not committed)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
# The password the test personas are created with (tests/api/conftest.py, tests/credit/conftest.py).
PASSWORD = "Huikuan-test-pw-1"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="needs Debian's Chromium: apt-get install chromium fonts-noto-cjk"
    ),
]


@pytest.fixture(scope="module")
def chromium():
    sync_api = pytest.importorskip("playwright.sync_api")
    # Playwright's sync API runs an event loop in this thread; the test's ORM calls are still
    # ordinary blocking calls between its steps.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@contextmanager
def signed_in_tabs(
    browser,
    base_url: str,
    password: str | Mapping[str, str] = PASSWORD,
    viewport: Mapping[str, int] | None = None,
    **context_options: object,
) -> Iterator[Callable[[str], object]]:
    """Yields ``log_in(username)``: a fresh browser context (Chinese locale) whose tab has
    signed in through the login form and landed on the dashboard. ``password`` is everyone's
    password, or each username's. The contexts are closed on the way out."""
    contexts = []

    def log_in(username: str):
        context = browser.new_context(
            viewport=dict(viewport or {"width": 1280, "height": 900}), locale="zh-CN", **context_options
        )
        contexts.append(context)
        page = context.new_page()
        page.goto(f"{base_url}/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", password if isinstance(password, str) else password[username])
        page.click("form button[type=submit]")
        page.wait_for_url(f"{base_url}/")
        return page

    try:
        yield log_in
    finally:
        for context in contexts:
            context.close()


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
