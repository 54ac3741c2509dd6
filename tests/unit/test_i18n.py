from __future__ import annotations

import pytest

from kotanet.i18n import CATALOGUE, Lang, placeholders, t

pytestmark = pytest.mark.unit


@pytest.mark.parametrize("key", sorted(CATALOGUE))
def test_every_key_has_both_languages_with_same_placeholders(key: str) -> None:
    entry = CATALOGUE[key]
    assert set(entry) == set(Lang)
    assert placeholders(entry[Lang.EN]) == placeholders(entry[Lang.ID])
    assert entry[Lang.EN].strip() and entry[Lang.ID].strip()


def test_translation_formats_values() -> None:
    assert t("inventory.title", Lang.ID, name="Bogor") == "Inventaris: Bogor"
    assert t("inventory.title", "en", name="Bogor") == "Inventory: Bogor"
