"""Every notebook also runs as an app: served by Voilà, it renders without errors."""

from __future__ import annotations

import pytest

from conftest import NOTEBOOKS
from helpers import wait_for_voila_app

pytestmark = pytest.mark.browser

NOTEBOOK_NAMES = sorted(path.name for path in NOTEBOOKS.glob("*.ipynb"))


@pytest.mark.parametrize("name", NOTEBOOK_NAMES)
def test_notebook_renders_as_an_app(name, voila, page):
    page.goto(voila(name), wait_until="domcontentloaded")
    wait_for_voila_app(page)
    body = page.inner_text("body")
    assert "Traceback" not in body
    assert "There was an error when executing cell" not in body
    # Every control can be named by assistive technology.
    unnamed = page.evaluate(
        """() => [...document.querySelectorAll(
              'button, select, input:not([type=hidden]), textarea')]
            .filter(el => el.offsetParent !== null)
            .filter(el => {
              const label = el.getAttribute('aria-label') || el.getAttribute('title')
                || (el.labels && el.labels.length && el.labels[0].textContent.trim())
                || (el.tagName === 'BUTTON' && el.textContent.trim());
              return !label;
            })
            .map(el => el.id + " " + el.outerHTML.slice(0, 60))"""
    )
    assert unnamed == []
    assert page.errors == []
