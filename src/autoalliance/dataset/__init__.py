"""Datasets: table schemas as data, reading CSV folders and workbooks, validation, option rules,
synthetic datasets."""

from autoalliance.dataset.footprint import (
    DATASETS_DIR,
    DEFAULT_DATASET,
    Footprint,
    dataset_path,
    load_footprint,
    save_csv_folder,
    validate,
)

__all__ = ["DATASETS_DIR", "DEFAULT_DATASET", "Footprint", "dataset_path", "load_footprint",
           "save_csv_folder", "validate"]
