"""One exception root for kotanet. Every message names the failing thing and the next step."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["InventoryError", "KotanetError", "Problem", "UsageError"]


class KotanetError(Exception):
    """Root of every error kotanet raises on purpose. The CLI prints it on one line and exits 2."""

    def __init__(self, message: str, *, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def lines(self) -> list[str]:
        """The one-line messages to show a user."""
        text = f"{self.message} ({self.hint})" if self.hint else self.message
        return [" ".join(text.split())]

    def __str__(self) -> str:
        return "; ".join(self.lines())


class UsageError(KotanetError):
    """Bad command-line input: an unknown id, a bad option value."""


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with an inventory, located as precisely as we can."""

    file: str
    line: int | None
    field: str
    message: str
    fix: str = ""

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        text = f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
        text = f"{text} -> {self.fix}" if self.fix else text
        return " ".join(text.split())  # always one line, whatever a parser put in its message


class InventoryError(KotanetError):
    """An inventory that cannot be loaded or does not validate. Carries every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        first = str(problems[0]) if problems else "invalid inventory"
        super().__init__(first)
        self.problems = problems

    def lines(self) -> list[str]:
        return [str(p) for p in self.problems]
