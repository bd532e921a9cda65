"""Training on several machines: TensorFlow's MultiWorkerMirroredStrategy, configured by TF_CONFIG.

TF_CONFIG is the standard variable cluster tools set (Kubernetes operators, Vertex AI, or by hand over SSH):
{"cluster": {"worker": ["host1:port", "host2:port"]}, "task": {"type": "worker", "index": 0}}. Worker 0 (or a
task of type "chief") is the chief: it writes the run folder; the others train the same steps and write to
scratch folders, as TensorFlow's multi-worker guide prescribes. Collectives time out, so a worker that dies is
reported in one sentence rather than hanging the others.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import Any

DEFAULT_TIMEOUT_S = 120.0  # how long a collective waits for a silent worker before the run stops


@dataclass(frozen=True)
class ClusterRole:
    task_type: str
    index: int
    workers: int  # tasks that train (chief and workers)
    has_chief: bool = False  # the cluster names a "chief" task (else worker 0 is the chief)

    @property
    def is_chief(self) -> bool:
        return self.task_type == "chief" or (self.task_type == "worker" and self.index == 0 and not self.has_chief)

    def describe(self) -> str:
        return f"{self.task_type} {self.index} of {self.workers} tasks" + (" (the chief)" if self.is_chief else "")


def _what_is_wrong(exc: Exception) -> str:
    """TF_CONFIG's fault in words, not Python's ("('task')", "list indices must be integers")."""
    if isinstance(exc, json.JSONDecodeError):
        return "it is not JSON"
    if isinstance(exc, KeyError):
        return f"it has no {exc.args[0]!r}: it needs a 'cluster' and this process's 'task', with its 'type' and 'index'"
    if isinstance(exc, ValueError) and str(exc).startswith("task "):
        return str(exc)
    return "expected {'cluster': {'worker': ['host:port', ...]}, 'task': {'type': 'worker', 'index': 0}}"


def cluster_role(environ: dict[str, str] | None = None) -> ClusterRole | None:
    """This process's place in the cluster TF_CONFIG describes; None when it is not set. Garbage in TF_CONFIG gets
    one ValueError sentence."""
    text = (environ if environ is not None else os.environ).get("TF_CONFIG", "").strip()
    if not text:
        return None
    try:
        config = json.loads(text)
        cluster, task = config["cluster"], config["task"]
        task_type, index = str(task["type"]), int(task["index"])
        workers = sum(len(cluster.get(kind, [])) for kind in ("chief", "worker"))
        if task_type not in ("chief", "worker") or not 0 <= index < len(cluster[task_type]):
            raise ValueError(f"task {task_type} {index} is not in the cluster")
    except (json.JSONDecodeError, KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ValueError(f"TF_CONFIG does not describe a cluster this process is part of ({_what_is_wrong(exc)}): "
                         "fix it, or unset it to train on this machine alone") from None
    return ClusterRole(task_type, index, workers, has_chief=bool(cluster.get("chief")))


def multi_worker_strategy(timeout_s: float = DEFAULT_TIMEOUT_S) -> Any:
    """MultiWorkerMirroredStrategy from TF_CONFIG; create it before TensorFlow runs anything else."""
    import tensorflow as tf

    options = tf.distribute.experimental.CommunicationOptions(timeout_seconds=timeout_s)
    return tf.distribute.MultiWorkerMirroredStrategy(communication_options=options)


def cluster_failure(exc: BaseException) -> str | None:
    """One sentence for a collective that failed because another worker went away; None for other errors."""
    import tensorflow as tf

    if isinstance(exc, tf.errors.DeadlineExceededError | tf.errors.UnavailableError | tf.errors.CancelledError):
        return ("another worker of the cluster stopped answering (no reply within the collective timeout); "
                "start every worker again with the same --out to resume from the chief's last checkpoint")  # fmt: skip
    return None
