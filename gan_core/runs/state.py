"""The run's state machine: which actions are allowed in which state, with a clear message otherwise."""

from __future__ import annotations

from enum import StrEnum

from gan_core.errors import PlaygroundError


class RunState(StrEnum):
    IDLE = "idle"  # created (or loaded from disk), not started
    QUEUED = "queued"  # waiting for a free training slot on this server
    RUNNING = "running"
    PAUSED = "paused"
    STOPPED = "stopped"  # stopped by a person; its checkpoint can be resumed
    FINISHED = "finished"  # trained every epoch it was asked for
    FAILED = "failed"  # an error or divergence; the last good checkpoint is kept
    INTERRUPTED = "interrupted"  # its training process died (a native fault, a kill); resumable from its checkpoint

    @property
    def active(self) -> bool:
        """Holds (or waits for) a training slot."""
        return self in (RunState.QUEUED, RunState.RUNNING, RunState.PAUSED)

    @property
    def ended(self) -> bool:
        return self in (RunState.STOPPED, RunState.FINISHED, RunState.FAILED, RunState.INTERRUPTED)


# action -> (states it is allowed from, the state it leads to)
TRANSITIONS: dict[str, tuple[frozenset[RunState], RunState]] = {
    "queue": (frozenset({RunState.IDLE}), RunState.QUEUED),
    "start": (frozenset({RunState.IDLE, RunState.QUEUED}), RunState.RUNNING),
    "pause": (frozenset({RunState.RUNNING}), RunState.PAUSED),
    "resume": (frozenset({RunState.PAUSED}), RunState.RUNNING),
    "stop": (frozenset({RunState.QUEUED, RunState.RUNNING, RunState.PAUSED}), RunState.STOPPED),
    "finish": (frozenset({RunState.RUNNING}), RunState.FINISHED),
    "fail": (frozenset({RunState.QUEUED, RunState.RUNNING, RunState.PAUSED}), RunState.FAILED),
}


class InvalidTransitionError(PlaygroundError):
    pass


def next_state(state: RunState, action: str) -> RunState:
    allowed, target = TRANSITIONS[action]
    if state not in allowed:
        hint = {
            RunState.RUNNING: "it is already running",
            RunState.PAUSED: "it is paused (resume or stop it)",
            RunState.QUEUED: "it is waiting for a free training slot",
            RunState.IDLE: "it has not been started",
            RunState.INTERRUPTED: "it was interrupted; Continue training resumes it from its checkpoint",
        }.get(state, f"it has {state.value}; resume it from its checkpoint as a new start")
        raise InvalidTransitionError(f"cannot {action} this run: {hint}")
    return target
