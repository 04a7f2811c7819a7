"""Excel import adapters: safe workbook reading with limits, template writers, the SIPD layout.

``workbook`` reads an uploaded .xlsx (size, zip-bomb, row-cap, merged-cell,
formula and header checks, exact numbers); ``kinds`` describes each import's
sheets and columns and writes the downloadable templates. Neither imports Django:
matching the rows against stored data and applying them is ``sakip.imports``.
"""

from .workbook import Limits, Problem, Record, WorkbookRefused

__all__ = ["Limits", "Problem", "Record", "WorkbookRefused"]
