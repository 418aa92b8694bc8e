"""The dimensions a health check rates, with their labels in Dutch and English (dimensions.yaml)."""

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml
from django.utils.translation import get_language

SOURCE = Path(__file__).with_name("dimensions.yaml")
LANGUAGES = ("en", "nl")


@dataclass(frozen=True)
class Dimension:
    code: str
    text: dict[str, dict[str, str]]

    def _in_language(self, key: str) -> str:
        language = (get_language() or "en")[:2]
        return self.text.get(language, self.text["en"])[key]

    @property
    def label(self) -> str:
        return self._in_language("label")

    @property
    def description(self) -> str:
        return self._in_language("description")


@cache
def all_dimensions() -> tuple[Dimension, ...]:
    """The dimensions in their order; a file without both languages fails loudly at the first use."""
    loaded = yaml.safe_load(SOURCE.read_text(encoding="utf-8"))
    dimensions = []
    for entry in loaded:
        for language in LANGUAGES:
            text = entry.get(language) or {}
            if not text.get("label") or not text.get("description"):
                raise ValueError(f"{SOURCE.name}: dimension {entry.get('code')!r} lacks its {language} text")
        dimensions.append(Dimension(code=entry["code"], text={lang: entry[lang] for lang in LANGUAGES}))
    codes = [d.code for d in dimensions]
    if len(set(codes)) != len(codes):
        raise ValueError(f"{SOURCE.name}: a dimension code is used twice")
    return tuple(dimensions)


def by_code() -> dict[str, Dimension]:
    return {d.code: d for d in all_dimensions()}
