"""Run folders and the runs that write them: everything about `runs/NAME/`.

- `config`: a run's whole configuration (config.json); `store`: the folder's files (metrics, grids, status);
  `names`: run names (safe folder names, fresh defaults)
- `run`, `state`, `registry`, `priority`: the threaded run, its state machine, the server's set of runs, and
  visitors-first scheduling; `writer_lock`: one writer per folder
- `checkpoints`: TensorFlow checkpoints and the exported generator; `bundle`: the compact shippable copy;
  `bundled`: the runs shipped in checkpoints/; `handoff`: forks and the downloadable zip
- `sampler`: images (and D's scores) from a run folder; `tensorboard`: its TensorBoard log
- `classroom`: every run on the server side by side, and the pinned one
"""
