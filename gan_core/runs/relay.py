"""A run trained in another process, as the server sees it: what changed since the last look (sent by the training
process), taken in by the server's handle, and how the handle ends when the process does."""

from __future__ import annotations

from typing import Any

from gan_core.runs.snapshot import resume_hint
from gan_core.runs.state import RunState

# What a server showing a run trained in another process needs of it (TrainingRun.relay_since / apply_relay).
RELAYED = ("state", "message", "step", "total_steps", "steps_per_epoch", "ips", "trained_s", "frame", "frame_step",
           "evals", "eval_features", "frame_changes", "best", "observation", "parked", "config",
           "precision")  # fmt: skip
PUBLIC_RELAYED = ("config", "precision")  # attributes without the leading underscore


class RelayedRun:
    """TrainingRun's side of the relay (gan_core.runs.child supervises the process; gan_core.runs.worker sends).
    Works on the run's own fields, under its lock."""

    def relay_since(self, cursor: dict[str, Any] | None) -> tuple[dict[str, Any], dict[str, Any]]:
        """What changed since `cursor` (None: everything), for a server that shows this run from another process;
        returns it with the next cursor. Objects are compared by identity: a run replaces what it publishes."""
        cursor = dict(cursor or {})
        view: dict[str, Any] = {}
        with self._lock:
            for name in RELAYED:
                value = getattr(self, name if name in PUBLIC_RELAYED else f"_{name}")
                if name not in cursor or cursor[name] is not value:
                    view[name] = cursor[name] = value
            history, length = self._history, len(self._history["step"])
            if cursor.get("history_of") is not history:  # a new start trimmed it to its checkpoint
                view["history"], view["history_reset"] = {k: list(v) for k, v in history.items()}, True
            elif length > cursor["history_length"]:
                view["history"] = {k: v[cursor["history_length"]:length] for k, v in history.items()}
            cursor["history_of"], cursor["history_length"] = history, length
        return view, cursor

    def apply_relay(self, view: dict[str, Any], current: bool = True) -> None:
        """Take a training process's view of this run. Not `current` (a command it has not applied yet): its
        state and message are older than the page's click, so they wait for the next view."""
        with self._lock:
            for name, value in view.items():
                if name in ("history", "history_reset") or (not current and name in ("state", "message")):
                    continue
                setattr(self, name if name in PUBLIC_RELAYED else f"_{name}", value)
            if view.get("history_reset"):
                self._history = {k: list(v) for k, v in view["history"].items()}
            elif "history" in view:
                for key, values in view["history"].items():
                    self._history[key].extend(values)

    def child_ended(self, refused: str | None = None, died: str | None = None) -> None:
        """Its training process has ended: as the run did (its last view has said how), refused (another writer
        had the folder: nothing was written), or died without a word (`died`: how; the run is interrupted)."""
        with self._lock:
            if refused is not None:
                self._state, self._message = RunState.STOPPED, refused
            elif died is not None or self._state.active:
                self._state = RunState.INTERRUPTED
                hint = resume_hint(self.store.checkpoint_steps())
                self._message = (f"at step {self._step:,} its training process ended ({died or 'before the run'}); "
                                 f"the server and other runs go on. {hint}")  # fmt: skip
            if refused is None and self._state is RunState.INTERRUPTED:  # on disk before anyone reads the state
                self.store.write_status(self._state.value, self._step, self._message)
        self._notify_end()
