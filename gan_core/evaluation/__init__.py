"""Evaluation: how good a generator is, on features from a network passed in.

- `metrics`, `diversity`: FID, KID, precision/recall, density/coverage, diversity and copies (numpy/scipy)
- `features`: the shipped domain classifiers and Inception as feature extractors; `evaluate`, `evaluate_run`:
  scoring images or a run folder with the features and N named; `live`: cheap FID while a run trains
- `coach`: plain-language diagnoses of a run's live signals; `results_table`: results as a table and CSV;
  `choices`: the generators the Evaluate page offers and the dataset each is scored on
- `uploaded`, `image_folders`: generated images from any tool (uploads, folders) brought to a dataset's shape
"""
