"""Background training runs: the run folder, the threaded run with its state machine, and the registry."""
