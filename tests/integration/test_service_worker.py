"""The service worker as served: what it precaches and the app's addresses it is given."""

from __future__ import annotations

import json
import re
from posixpath import dirname, normpath

from flask.testing import FlaskClient

SCRIPT_SRC = re.compile(r'<script[^>]*\ssrc="([^"]+)"')
IMPORT_FROM = re.compile(r'^(?:import|export)\b[^;]*?\bfrom\s+"(\.{1,2}/[^"]+)"', re.MULTILINE)


def text(client: FlaskClient, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, f"{url}: {response.status_code}"
    body = response.get_data(as_text=True)
    response.close()
    return body


def status(client: FlaskClient, url: str) -> int:
    response = client.get(url)
    response.get_data()
    response.close()
    return response.status_code


def worker_constant(source: str, name: str) -> object:
    """The JSON the server filled in for `const name = …;` in the worker's source."""
    match = re.search(rf"^const {name} = (.*);$", source, re.MULTILINE)
    assert match, f"the worker has no {name}"
    return json.loads(match.group(1))


def scripts_of(client: FlaskClient, page: str) -> set[str]:
    """Every script `page` loads, with every module those import, however deep."""
    waiting = SCRIPT_SRC.findall(text(client, page))
    seen: set[str] = set()
    while waiting:
        url = waiting.pop()
        if url in seen:
            continue
        seen.add(url)
        for relative in IMPORT_FROM.findall(text(client, url)):
            waiting.append(normpath(f"{dirname(url)}/{relative}"))
    return seen


def test_the_worker_precaches_every_script_and_module_the_player_needs(
    client: FlaskClient,
) -> None:
    precached = worker_constant(text(client, "/service-worker.js"), "STATIC_FILES")
    assert isinstance(precached, list)
    needed = scripts_of(client, "/play/desk-reset")
    assert "/static/js/player/run.js" in needed  # the walk follows the player's imports
    assert needed <= set(precached), f"not precached: {sorted(needed - set(precached))}"


def test_every_address_the_worker_is_given_answers(client: FlaskClient) -> None:
    source = text(client, "/service-worker.js")
    urls = worker_constant(source, "URLS")
    pages = worker_constant(source, "PAGES")
    assert isinstance(urls, dict) and isinstance(pages, list)
    gets = [*pages, *urls["scripts"], urls["icon"], urls["manifest"], urls["offline"]]
    gets += [urls["home"], urls["reminderSettings"], urls["figures"]]
    assert {url: status(client, url) for url in gets} == {url: 200 for url in gets}
    assert client.post(urls["reminderAct"], json={}).status_code != 404
