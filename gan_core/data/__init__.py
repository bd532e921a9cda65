"""Datasets: the named registry and its types (cheap to import; the home page uses only these).

A person's own images are in `gan_core.data.own_images` (Pillow), the tf.data pipeline in
`gan_core.data.pipeline` (TensorFlow on first use).
"""

from gan_core.data.registry import DATASETS, DatasetStatus, all_dataset_status, dataset_status, load_dataset
from gan_core.data.types import DatasetInfo, DataSource, ImageDataset, SourceKind

__all__ = [
    "DATASETS",
    "DataSource",
    "DatasetInfo",
    "DatasetStatus",
    "ImageDataset",
    "SourceKind",
    "all_dataset_status",
    "dataset_status",
    "load_dataset",
]
