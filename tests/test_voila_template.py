"""The workbook's Voilà template is what every notebook asks for."""

from __future__ import annotations

import json

import pytest

from conftest import NOTEBOOKS
from helpers import leaving_this_machine


@pytest.mark.parametrize("path", sorted(NOTEBOOKS.glob("*.ipynb")), ids=lambda path: path.name)
def test_every_notebook_asks_for_the_workbook_template(path):
    # Voilà honours notebook.metadata.voila.template: `voila NAME.ipynb` needs no flag.
    metadata = json.loads(path.read_text(encoding="utf-8"))["metadata"]
    assert metadata.get("voila", {}).get("template") == "workbook"


def test_leaving_this_machine_keeps_only_other_hosts():
    urls = [
        "http://127.0.0.1:8866/voila/static/voila.js",
        "ws://localhost:8888/api/kernels/1/channels",
        "http://[::1]:8866/",
        "data:font/woff2;base64,AAAA",
        "blob:http://127.0.0.1:8866/0f3c",
        "https://cdn.jsdelivr.net/npm/@fortawesome/fontawesome-free@^5/css/all.min.css",
        "http://127.0.0.1.example.org/x",
    ]
    assert leaving_this_machine(urls) == urls[-2:]
