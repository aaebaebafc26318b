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
