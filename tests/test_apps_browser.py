"""Every notebook also runs as an app: served by Voilà, it renders without errors."""

from __future__ import annotations

import pytest

from conftest import NOTEBOOKS

pytestmark = pytest.mark.browser

NOTEBOOK_NAMES = sorted(path.name for path in NOTEBOOKS.glob("*.ipynb"))


@pytest.mark.parametrize("name", NOTEBOOK_NAMES)
def test_notebook_renders_as_an_app(name, voila, page):
    page.goto(voila(name), wait_until="domcontentloaded")
    # Voilà replaces its spinner with the rendered cells when every cell has run.
    page.locator(".jp-OutputArea-output, .jupyter-widgets").first.wait_for(timeout=120_000)
    page.wait_for_function(
        "() => !document.querySelector('#loading') || "
        "getComputedStyle(document.querySelector('#loading')).display === 'none'",
        timeout=120_000,
    )
    body = page.inner_text("body")
    assert "Traceback" not in body
    assert "There was an error when executing cell" not in body
    assert page.locator(".jupyter-widgets").count() > 0, "the app shows no controls"
    # Every control can be named by assistive technology.
    unnamed = page.evaluate(
        """() => [...document.querySelectorAll(
              'button, select, input:not([type=hidden]), textarea')]
            .filter(el => el.offsetParent !== null)
            .filter(el => {
              const label = el.getAttribute('aria-label') || el.getAttribute('title')
                || (el.labels && el.labels.length && el.labels[0].innerText.trim())
                || (el.tagName === 'BUTTON' && el.innerText.trim());
              return !label;
            })
            .map(el => el.outerHTML.slice(0, 120))"""
    )
    assert unnamed == []
    assert page.errors == []
