"""Step-by-step records of a simulation, drawn by ``ui.step_player``.

A ``Trace`` is an ordered list of ``Step(key, params, state)``: ``key`` names the locale
message that explains the step, ``params`` fill that message with this run's numbers, and
``state`` is the snapshot a page draws (balances, chain, order book ...).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterator


@dataclass(frozen=True)
class Step:
    """One step: locale key of its explanation, the numbers it quotes, and the state to draw."""

    key: str
    params: dict = field(default_factory=dict)
    state: Any = None


@dataclass
class Trace:
    """An ordered, replayable list of steps plus free-form metadata (seed, sizes ...)."""

    steps: list[Step] = field(default_factory=list)
    meta: dict = field(default_factory=dict)

    def add(self, key: str, state: Any = None, **params) -> Step:
        """Append a step and return it."""
        step = Step(key, dict(params), state)
        self.steps.append(step)
        return step

    def __len__(self) -> int:
        return len(self.steps)

    def __getitem__(self, index: int) -> Step:
        return self.steps[index]

    def __iter__(self) -> Iterator[Step]:
        return iter(self.steps)
