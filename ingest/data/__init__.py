"""The catalogues that ship inside the package (example, default, whole ESCO map, its search index) and their loader."""

from __future__ import annotations

import lzma
from functools import cache
from importlib.resources import files
from pathlib import Path

from graph.errors import CatalogueError
from graph.model import Catalogue
from ingest.formats import NativeAdapter

__all__ = [
    "DEFAULT_CATALOGUE",
    "ESCO_MAP",
    "ESCO_SEARCH",
    "EXAMPLE_CATALOGUE",
    "default_catalogue_paths",
    "default_search_path",
    "example_catalogue_path",
    "load_default",
]

EXAMPLE_CATALOGUE = "example_catalogue.yaml"
DEFAULT_CATALOGUE = "default_catalogue.json"
ESCO_MAP = "esco.json.xz"
ESCO_SEARCH = "esco_search.npz"


def _data_dir() -> Path:
    """This package's folder, found through importlib.resources.

    An editable install made while a package had no ``__init__.py`` maps it as a namespace package,
    for which importlib.resources raises NotADirectoryError; this module's own folder is then the answer.
    """
    try:
        root = files(__name__)
    except NotADirectoryError:
        return Path(__file__).resolve().parent
    return Path(str(root))


def _data_path(name: str) -> Path:
    """The file ``name`` in the package's ``data`` folder, as a real path on disk."""
    path = _data_dir() / name
    if not path.is_file():
        raise CatalogueError(
            f"bundled data file {name} is missing",
            where=str(path),
            fix="reinstall credpath, or rebuild it with `python ingest/data/build_default_catalogue.py --esco DIR`",
        )
    return path


def example_catalogue_path() -> Path:
    """Path of the small hand-authored example catalogue (data and software, for tests and demos)."""
    return _data_path(EXAMPLE_CATALOGUE)


def default_catalogue_paths() -> tuple[Path, ...]:
    """Paths of the ESCO map and the default catalogue, in the order they are merged."""
    return (_data_path(ESCO_MAP), _data_path(DEFAULT_CATALOGUE))


def default_search_path() -> Path:
    """Path of the precomputed search index over the ESCO map's skills and occupations (CatalogueSearch)."""
    return _data_path(ESCO_SEARCH)


@cache
def load_default() -> Catalogue:
    """The default catalogue merged over the ESCO map: credentials, skills and occupations.

    Skills with equal ids merge (ESCO labels and descriptions, our prerequisites). The result is
    immutable, so it is read once per process and shared. The ESCO map is validated straight from its
    JSON bytes (a third of the time of the general reader, which it passes too: tests/ingest/data).
    """
    esco_path, catalogue_path = default_catalogue_paths()
    try:
        esco = Catalogue.model_validate_json(lzma.decompress(esco_path.read_bytes()))
    except (OSError, lzma.LZMAError, ValueError) as exc:
        raise CatalogueError(
            f"bundled ESCO map is unreadable: {exc}",
            where=str(esco_path),
            fix="reinstall credpath, or rebuild it with `python ingest/data/build_default_catalogue.py --esco DIR`",
        ) from exc
    return esco.merged(NativeAdapter().read(catalogue_path).catalogue)
