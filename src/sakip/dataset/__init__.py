"""The office dataset: Sakip's interchange format (``sakip-office/1``).

See ``docs/dataset-format.md`` and the JSON Schema ``office-dataset.schema.json``
beside this file.
"""

from .loader import SEEDS, DatasetError, Issue, load, load_document, load_seeds, loads, schema, seed_path

__all__ = ["SEEDS", "DatasetError", "Issue", "load", "load_document", "load_seeds", "loads", "schema", "seed_path"]
