"""Small wording helpers shared by checks, the story and the renderers."""
from __future__ import annotations


def plural(n: int, word: str, many: str | None = None) -> str:
    """'1 run', '3 runs'; `many` for an irregular plural ('1 directory', '2 directories')."""
    return f"{n} {word if n == 1 else (many or word + 's')}"
