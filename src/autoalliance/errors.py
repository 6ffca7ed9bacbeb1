"""Errors as values with context: file, row and column of every problem found."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One problem in a dataset.

    ``row`` is the line number a spreadsheet or editor shows: the header is row 1, the first
    data row is row 2. ``row`` is 0 when the problem concerns the whole file or table.
    """

    file: str
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.row:
            where += f", row {self.row}"
        if self.column:
            where += f", column {self.column}"
        return f"{where}: {self.message}"

    def to_dict(self) -> dict:
        return {"file": self.file, "row": self.row, "column": self.column, "message": self.message}


class AutoallianceError(Exception):
    """Base of the errors the CLI renders without a traceback (exit code 2)."""


class DatasetError(AutoallianceError):
    """A dataset failed validation; ``problems`` lists every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems)
        n = len(self.problems)
        lines = [f"{n} problem{'s' if n != 1 else ''} in the dataset:"]
        lines += [f"  {p}" for p in self.problems]
        super().__init__("\n".join(lines))


class InfeasiblePlan(AutoallianceError):
    """The plan model has no solution; the message says which constraint family and rows."""
