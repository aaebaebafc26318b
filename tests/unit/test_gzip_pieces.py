"""A kept page in pieces deflated once (`webapp/web/gzip_pieces.py`): joined with any values
for its slots, they make a gzip body any gzip reader takes, holding exactly the page with those
values put in."""

from __future__ import annotations

import gzip

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from webapp.web.gzip_pieces import Pieces

SLOTS = ("token-slot-of-this-visit", "moment-slot-of-this-visit")

texts = st.text(st.characters(blacklist_categories=("Cs",)), max_size=300)
#: A page: text, with slots between (and maybe at either end).
pages = st.lists(st.tuples(texts, st.sampled_from((*SLOTS, ""))), max_size=8).map(
    lambda parts: "".join(text + slot for text, slot in parts)
)
values = st.fixed_dictionaries({slot: texts for slot in SLOTS})


def filled(page: str, chosen: dict[str, str]) -> bytes:
    for slot in SLOTS:
        page = page.replace(slot, chosen[slot])
    return page.encode()


@settings(max_examples=200, deadline=None)
@given(pages, values)
def test_the_gzipped_pieces_unzip_to_the_page_with_the_values_put_in(
    page: str, chosen: dict[str, str]
) -> None:
    pieces = Pieces.of(page, SLOTS)
    assert gzip.decompress(pieces.gzipped(chosen)) == filled(page, chosen)
    assert pieces.text(chosen) == filled(page, chosen)


@settings(max_examples=100, deadline=None)
@given(pages, values)
def test_pieces_read_back_from_their_bytes_as_they_were(page: str, chosen: dict[str, str]) -> None:
    pieces = Pieces.of(page, SLOTS)
    again = Pieces.from_bytes(pieces.to_bytes())
    assert again == pieces
    assert gzip.decompress(again.gzipped(chosen)) == filled(page, chosen)


def test_a_page_is_deflated_once_and_only_the_slots_values_each_time() -> None:
    page = "<p>the same every time</p>" * 400 + SLOTS[0] + "<p>and after</p>" * 400
    pieces = Pieces.of(page, SLOTS)
    first = pieces.gzipped({SLOTS[0]: "a", SLOTS[1]: ""})
    second = pieces.gzipped({SLOTS[0]: "b", SLOTS[1]: ""})
    assert len(first) == len(second) < len(page) // 20
    assert pieces.deflated[0] in first and pieces.deflated[0] in second


@pytest.mark.parametrize(
    "data",
    [b"", b"\x01", b"\x02\x00\x00\x00", Pieces.of("a" + SLOTS[0] + "b", SLOTS).to_bytes()[:-1]],
)
def test_bytes_that_are_no_pieces_are_refused(data: bytes) -> None:
    with pytest.raises(ValueError):
        Pieces.from_bytes(data)
