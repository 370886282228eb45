"""Every notebook also runs as an app, offline: served by Voilà it renders without
errors, every control has a name, and no page asks anything of another host.

A treatment room or a training room may have no network. Every notebook served as
a Voilà app, and JupyterLab opening the start page like ``make lab`` does, must
load everything from the local server, and the buttons' Font Awesome icons must
still show from local fonts. One Voilà serves every notebook (conftest's
``voila_tree``, shared with the other tests that walk every app), and each notebook
runs once here (and once headless in test_notebooks.py).

Requests are recorded as the page makes them; the ``page`` fixture then stops any
that would leave this machine, so nothing is ever sent out.
"""

from __future__ import annotations

import pytest

from conftest import NOTEBOOKS, voila_on_folder
from helpers import (
    leaving_this_machine,
    record_requests,
    wait_for_voila_app,
    wait_until_settled,
)

pytestmark = pytest.mark.browser

NOTEBOOK_NAMES = sorted(path.name for path in NOTEBOOKS.glob("*.ipynb"))
# Icons the apps' buttons show on first sight (ipywidgets' icon= names).
EXPECTED_ICONS = {
    "04_session_sheets.ipynb": {"fa-eye", "fa-save"},
    "05_lessons.ipynb": {"fa-arrow-left", "fa-arrow-right"},
    "06_client_record.ipynb": {"fa-folder-open"},
    "07_front_desk.ipynb": {"fa-refresh", "fa-print"},
}

# For each visible Font Awesome icon in a widget: the family it is drawn with and
# whether that face is loaded and holds the icon's glyph (a missing font would
# draw an empty box or nothing at all).
ICONS_SCRIPT = """async () => {
  await document.fonts.ready;
  const unquote = text => text.trim().replace(/^["']|["']$/g, '');
  return [...document.querySelectorAll('.jupyter-widgets i.fa')]
    .filter(icon => icon.getClientRects().length > 0)
    .map(icon => {
      const style = getComputedStyle(icon);
      const family = unquote(style.fontFamily.split(',')[0]);
      const glyph = unquote(getComputedStyle(icon, '::before').content);
      const faces = [...document.fonts].filter(face =>
        unquote(face.family) === family && face.weight === style.fontWeight
        && face.status === 'loaded');
      return {
        classes: [...icon.classList].filter(name => name !== 'fa'),
        family: family,
        glyph: glyph,
        loaded: faces.length > 0
          && document.fonts.check(`${style.fontWeight} 16px "${family}"`, glyph),
        width: icon.getBoundingClientRect().width,
      };
    });
}"""


# Every visible control a person can use, with no name assistive technology can read.
UNNAMED_CONTROLS_SCRIPT = """() => [...document.querySelectorAll(
      'button, select, input:not([type=hidden]), textarea')]
    .filter(el => el.offsetParent !== null)
    .filter(el => {
      const label = el.getAttribute('aria-label') || el.getAttribute('title')
        || (el.labels && el.labels.length && el.labels[0].textContent.trim())
        || (el.tagName === 'BUTTON' && el.textContent.trim());
      return !label;
    })
    .map(el => el.id + " " + el.outerHTML.slice(0, 60))"""


@pytest.mark.parametrize("name", NOTEBOOK_NAMES)
def test_every_notebook_runs_as_an_offline_app(name, voila_tree, page):
    requested = record_requests(page)
    page.goto(f"{voila_tree}/voila/render/{name}", wait_until="load")
    wait_for_voila_app(page)
    body = page.inner_text("body")
    assert "Traceback" not in body
    assert "There was an error when executing cell" not in body
    assert page.evaluate(UNNAMED_CONTROLS_SCRIPT) == []
    assert page.errors == []
    assert any(f"/voila/render/{name}" in url for url in requested)
    assert leaving_this_machine(requested) == []
    icons = page.evaluate(ICONS_SCRIPT)
    shown = {css_class for icon in icons for css_class in icon["classes"]}
    assert EXPECTED_ICONS.get(name, set()) <= shown
    for icon in icons:
        assert icon["family"].startswith("Font Awesome"), icon
        assert icon["glyph"] not in ("", "none"), icon
        assert icon["loaded"], icon
        assert icon["width"] > 0, icon


def test_voilas_own_pages_load_only_from_this_machine(tmp_path, page):
    # The folder listing and error pages come from the server's own template, not
    # a notebook's: `make app` runs Voilà with --template=workbook.
    with voila_on_folder(tmp_path, "--template=workbook") as base:
        requested = record_requests(page)
        page.goto(f"{base}/", wait_until="load")
        page.get_by_text("05_lessons.ipynb").first.wait_for()
        wait_until_settled(page)
        missing = page.goto(f"{base}/voila/render/no-such-notebook.ipynb", wait_until="load")
        assert missing is not None
        assert missing.status == 404
        wait_until_settled(page)
    assert leaving_this_machine(requested) == []


def test_jupyterlab_start_page_loads_only_from_this_machine(jupyterlab, page):
    lab = jupyterlab(NOTEBOOKS)
    requested = record_requests(page)
    page.goto(f"{lab}/tree/00_start_here.ipynb", wait_until="load")
    page.locator(".jp-RenderedMarkdown h1", has_text="Start here").wait_for()
    wait_until_settled(page)
    assert any("/static/" in url for url in requested)
    assert leaving_this_machine(requested) == []
