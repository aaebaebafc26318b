"""The web app manifest: served fresh, complete, and pointing at icons and pages that exist."""

from __future__ import annotations

import json
import struct
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from webapp.pwa.icons import ICONS

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def fetch(client: FlaskClient, url: str) -> TestResponse:
    """GET `url` and read the body at once, closing the static file behind it."""
    response = client.get(url)
    response.get_data()
    response.close()
    return response


@pytest.fixture
def manifest(client: FlaskClient) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(fetch(client, "/manifest.webmanifest").get_data())
    return document


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk, which always comes first."""
    assert data[:8] == PNG_SIGNATURE, "a PNG file"
    length, chunk, width, height = struct.unpack(">I4sII", data[8:24])
    assert (chunk, length) == (b"IHDR", 13)
    return width, height


def all_icons(manifest: dict[str, Any]) -> list[dict[str, str]]:
    icons: list[dict[str, str]] = list(manifest["icons"])
    for shortcut in manifest["shortcuts"]:
        icons.extend(shortcut["icons"])
    return icons


def test_manifest_is_served_as_a_manifest_that_is_always_revalidated(client: FlaskClient) -> None:
    response = fetch(client, "/manifest.webmanifest")

    assert response.status_code == 200
    assert response.mimetype == "application/manifest+json"
    assert response.headers["Cache-Control"] == "no-cache"
    assert response.headers.get("ETag") or response.headers.get("Last-Modified")


def test_a_phone_holding_the_manifest_revalidates_it_with_a_304(client: FlaskClient) -> None:
    etag = fetch(client, "/manifest.webmanifest").headers["ETag"]

    again = client.get("/manifest.webmanifest", headers={"If-None-Match": etag})

    assert again.status_code == 304
    assert again.headers["Cache-Control"] == "no-cache"


@pytest.mark.parametrize("encoding", ["br", "gzip, deflate"])
def test_manifest_is_sent_compressed_to_browsers_that_accept_it(
    client: FlaskClient, encoding: str
) -> None:
    plain = fetch(client, "/manifest.webmanifest").get_data()

    response = client.get("/manifest.webmanifest", headers={"Accept-Encoding": encoding})

    assert response.status_code == 200
    assert response.headers["Content-Encoding"] in encoding
    assert len(response.get_data()) < len(plain)


def test_fetching_the_manifest_makes_no_guest_account(client: FlaskClient) -> None:
    response = fetch(client, "/manifest.webmanifest")

    assert "Set-Cookie" not in response.headers


def test_manifest_describes_an_installable_standalone_app(manifest: dict[str, Any]) -> None:
    assert manifest["name"] == "Hipday"
    assert manifest["short_name"] == "Hipday"
    assert manifest["id"] == "/"
    assert manifest["start_url"] == "/?source=pwa"
    assert manifest["scope"] == "/"
    assert manifest["display"] == "standalone"
    assert manifest["orientation"] == "portrait"
    assert manifest["theme_color"] == "#0f5c4d"
    assert manifest["background_color"] == "#f7f6f2"
    assert manifest["description"]
    assert manifest["categories"] == ["health", "fitness"]


def test_theme_colour_matches_the_pages_theme_colour(
    client: FlaskClient, manifest: dict[str, Any]
) -> None:
    page = client.get("/").get_data(as_text=True)

    assert f'<meta name="theme-color" content="{manifest["theme_color"]}">' in page


@pytest.mark.parametrize(
    ("sizes", "kind", "purpose"),
    [
        ("192x192", "image/png", "any"),
        ("512x512", "image/png", "any"),
        ("512x512", "image/png", "maskable"),
        ("any", "image/svg+xml", "any"),
    ],
)
def test_manifest_lists_each_icon_a_phone_needs(
    manifest: dict[str, Any], sizes: str, kind: str, purpose: str
) -> None:
    matches = [
        icon
        for icon in manifest["icons"]
        if (icon["sizes"], icon["type"], icon.get("purpose", "any")) == (sizes, kind, purpose)
    ]

    assert len(matches) == 1


def test_every_icon_is_served_with_its_declared_type(
    client: FlaskClient, manifest: dict[str, Any]
) -> None:
    for icon in all_icons(manifest):
        response = fetch(client, icon["src"])

        assert response.status_code == 200, icon["src"]
        assert response.mimetype == icon["type"], icon["src"]


def test_every_png_icon_has_the_pixel_size_it_declares(
    client: FlaskClient, manifest: dict[str, Any]
) -> None:
    for icon in all_icons(manifest):
        if icon["type"] != "image/png":
            continue
        width, height = png_size(fetch(client, icon["src"]).get_data())

        assert f"{width}x{height}" == icon["sizes"], icon["src"]


def test_every_png_the_manifest_names_is_one_the_icons_command_draws(
    manifest: dict[str, Any],
) -> None:
    drawn = {f"/static/icons/{icon.target}": f"{icon.size}x{icon.size}" for icon in ICONS}
    declared = {i["src"]: i["sizes"] for i in all_icons(manifest) if i["type"] == "image/png"}

    assert declared == drawn


def png_colour_type(data: bytes) -> int:
    """The IHDR colour type: 2 is RGB, 6 is RGB with alpha."""
    return data[25]


def test_maskable_icon_is_opaque_and_full_bleed(client: FlaskClient) -> None:
    data = fetch(client, "/static/icons/maskable-512.png").get_data()

    assert png_size(data) == (512, 512)
    assert png_colour_type(data) in (0, 2), "no alpha channel, so no see-through corners to mask"


@pytest.mark.parametrize(
    ("name", "path"),
    [
        ("Pre-run warm-up", "/play/pre-run-warm-up"),
        ("Desk reset", "/play/desk-reset"),
    ],
)
def test_shortcuts_open_the_player_for_their_routine(
    client: FlaskClient, manifest: dict[str, Any], name: str, path: str
) -> None:
    shortcut = next(s for s in manifest["shortcuts"] if s["name"] == name)
    url = urlsplit(shortcut["url"])

    assert (url.path, url.query) == (path, "source=shortcut")
    assert [icon["sizes"] for icon in shortcut["icons"]] == ["96x96"]
    page = client.get(shortcut["url"])
    assert page.status_code == 200
    assert name in page.get_data(as_text=True)


def test_start_url_opens_today(client: FlaskClient, manifest: dict[str, Any]) -> None:
    response = client.get(manifest["start_url"])

    assert response.status_code == 200
    assert "<h1>Today</h1>" in response.get_data(as_text=True)
