"""The library of every image made: SQLite (WAL, FTS5) plus content-addressed files. Qt-free.

The workflow files each result with :meth:`Library.add_result`; the gallery reads with :meth:`Library.ids` and
:meth:`Library.get_many`; export and recall are pure functions in :mod:`.export` and :mod:`.recall`.
"""

from dalle_studio.library.files import NotAnImage
from dalle_studio.library.library import Library, LibraryEvent
from dalle_studio.library.recall import RecalledParameters, parameters_from_texts, read_parameters
from dalle_studio.library.records import ImageRecord, ImportReport, Kind, Lineage, NewResult, Query, Sort
from dalle_studio.library.thumbnails import ThumbnailStore

__all__ = [
    "ImageRecord", "ImportReport", "Kind", "Library", "LibraryEvent", "Lineage", "NewResult", "NotAnImage", "Query",
    "RecalledParameters", "Sort", "ThumbnailStore", "parameters_from_texts", "read_parameters",
]
