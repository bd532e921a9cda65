"""Evaluation: how good a generator is, scored for the Evaluate page and the CLI with the measures of
`gan_core.measures`.

- `evaluate_run`: scoring a run folder, the real floor or uploaded images, with the features and N named
- `choices`: the generators the Evaluate page offers and the dataset each is scored on
- `results_table`: results as a table and CSV
- `uploaded`, `image_folders`: generated images from any tool (uploads, folders) brought to a dataset's shape
"""
