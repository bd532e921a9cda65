"""Evaluation: metrics on feature vectors (numpy/scipy), with the feature extractor passed in."""
