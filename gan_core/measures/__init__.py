"""The measures of a generator's images, with no knowledge of runs (training imports them for its live FID).

- `metrics`, `diversity`: FID, KID, precision/recall, density/coverage, diversity and copies (numpy/scipy)
- `features`: the shipped domain classifiers and Inception as feature extractors
- `evaluate`: every measure of a set of images against real ones, with the features and N named
- `live`: cheap FID and class coverage while a run trains
"""
