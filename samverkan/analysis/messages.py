"""What an analysis found, or why it could not test, as a code and the values behind it.

The analysis writes no prose: ``lagesbild.text`` turns a ``Message`` into a Swedish sentence
through gettext, so the wording lives in one place and can be translated.
"""

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, eq=True)
class Message:
    """``code`` names the sentence; ``values`` are the numbers (and names) it quotes."""

    code: str
    values: dict[str, Any] = field(default_factory=dict, hash=False)
