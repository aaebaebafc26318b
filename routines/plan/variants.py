"""Walks along an exercise's easier and harder variants in the library, within the kit at hand."""

from __future__ import annotations

from routines.catalog.model import Catalog, Equipment, Exercise, Feature, Prescription


def shift_variant(
    item: Prescription,
    catalog: Catalog,
    steps: int,
    have: frozenset[Equipment],
    same_unit: bool = False,
    forbidden: frozenset[Feature] = frozenset(),
) -> Prescription:
    """Walk `steps` variants harder (positive) or easier (negative), staying within the kit and
    never onto an exercise with a `forbidden` feature (the precautions' features)."""
    current = item
    for _ in range(abs(steps)):
        easier, harder = catalog.variants(current.exercise)
        options = [
            v
            for v in (harder if steps > 0 else easier)
            if v.equipment in have
            and not v.tags & forbidden
            and (not same_unit or v.dosage_kind is current.dosage.kind)
        ]
        if not options:
            break
        current = swap(current, options[0])
    return current


def swap(item: Prescription, variant: Exercise) -> Prescription:
    """The same slot with another exercise; its dosage kept when the unit matches."""
    if variant.dosage_kind is item.dosage.kind:
        return Prescription(variant, item.dosage)
    return Prescription(variant, variant.default_dosage)


def longest_variant_walk(catalog: Catalog) -> int | None:
    """The most easier- or harder-variant links in a row; None when the links form a loop."""
    longest = 0
    for direction in (0, 1):
        depth: dict[str, int] = {}
        for slug in catalog.exercises:
            found = _walk_depth(catalog, slug, direction, depth, set())
            if found is None:
                return None
            longest = max(longest, found)
    return longest


def _walk_depth(
    catalog: Catalog, slug: str, direction: int, depth: dict[str, int], open_: set[str]
) -> int | None:
    """Links in the longest walk from `slug` one way; None on a loop (`open_`: the walk so far)."""
    if slug in depth:
        return depth[slug]
    if slug in open_:
        return None
    open_.add(slug)
    longest = 0
    for variant in catalog.variants(catalog.exercises[slug])[direction]:
        found = _walk_depth(catalog, variant.slug, direction, depth, open_)
        if found is None:
            return None
        longest = max(longest, found + 1)
    open_.discard(slug)
    depth[slug] = longest
    return longest
