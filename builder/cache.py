"""Per-article cache of parsed articles and their extractions: a rebuild redoes only what changed.

An entry is one JSON file holding an article and its extraction, named by a hash of the raw
file's bytes and name, of the extractor's name and version, and of the code and word lists
that parse, clean, detect and extract (``code_fingerprint``): editing a rule, a lexicon or the
cleaner invalidates old entries even when nobody bumps a version. The folder holds nothing else
and is safe to delete at any time; a missing, truncated or unreadable entry is a miss, never an
error. Entries are written atomically (temporary file + rename), so concurrent workers and
killed builds never leave a half-written entry behind.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import types
import typing
from collections.abc import Callable
from datetime import date, datetime
from functools import cache
from pathlib import Path

from builder.models import Article, Extraction

#: where ``builder build`` keeps the cache unless ``--cache-dir`` says otherwise
DEFAULT_CACHE_DIR = Path(".cache/builder")
#: layout of the entries; bump when the JSON form of an entry changes
CACHE_FORMAT = "1"
#: marks the folder as a cache for backup tools (https://bford.info/cachedir/)
CACHEDIR_TAG = "Signature: 8a477f597d28d172789f06886806bc55\n# builder article cache; safe to delete.\n"
#: modules of the later stages, which cannot change an article or its extraction
LATER_STAGES = (
    "__main__.py", "accounting.py", "card.py", "cli.py", "evaluate", "pipeline.py", "progress.py", "release",
    "tables.py", "validate.py",
)

_PACKAGE = Path(__file__).resolve().parent


def fingerprinted_files(package: Path) -> list[Path]:
    """The files of ``package`` (a copy of ``builder/``) an article and its extraction depend on.

    That is every source and data file except the later stages' modules: a new module is
    included by default, so forgetting to list it can only cost a cache miss, never a stale entry.
    """
    files = []
    for path in sorted(package.rglob("*")):
        relative = path.relative_to(package)
        if not path.is_file() or path.suffix not in (".py", ".txt", ".tsv", ".json", ".yaml"):
            continue
        if relative.parts[0] in LATER_STAGES or "__pycache__" in relative.parts:
            continue
        files.append(path)
    return files


def fingerprint_of(package: Path) -> str:
    """sha256 over the names and bytes of ``fingerprinted_files(package)``."""
    digest = hashlib.sha256()
    for path in fingerprinted_files(package):
        name = path.relative_to(package).as_posix().encode("utf-8")
        digest.update(name + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


@cache
def code_fingerprint() -> str:
    """The fingerprint of the installed ``builder`` package (computed once per process)."""
    return fingerprint_of(_PACKAGE)


class ArticleCache:
    """Parsed articles and their extractions by one extractor, stored under ``folder``."""

    def __init__(self, folder: Path, extractor_name: str, extractor_version: str) -> None:
        self.folder = folder
        identity = "\0".join((CACHE_FORMAT, extractor_name, extractor_version, code_fingerprint()))
        self._identity = hashlib.sha256(identity.encode("utf-8")).hexdigest()
        #: entry folders known to exist (each is created once per process)
        self._folders: set[Path] = set()

    def path_for(self, source_file: str, raw: bytes) -> Path:
        """The entry file of the raw file ``source_file`` with content ``raw`` (it may not exist)."""
        digest = hashlib.sha256(self._identity.encode("ascii"))
        digest.update(source_file.encode("utf-8") + b"\0")
        digest.update(raw)
        key = digest.hexdigest()
        return self.folder / key[:2] / f"{key}.json"

    def get(self, source_file: str, raw: bytes) -> tuple[Article, Extraction] | None:
        """The cached article and extraction of this file, or None when there is no usable entry."""
        try:
            entry = json.loads(self.path_for(source_file, raw).read_text(encoding="utf-8"))
            article = _decode(Article, entry["article"])
            extraction = _decode(Extraction, entry["extraction"])
        except (OSError, ValueError, TypeError, KeyError, AttributeError):
            return None
        if article.source_file != source_file or extraction.article_id != article.article_id:
            return None
        return article, extraction

    def put(self, raw: bytes, article: Article, extraction: Extraction) -> None:
        """Store the article and extraction of a raw file (atomically; failing to write is no error)."""
        path = self.path_for(article.source_file, raw)
        entry = {"article": _encode(article), "extraction": _encode(extraction)}
        data = json.dumps(entry, ensure_ascii=False, sort_keys=True).encode("utf-8")
        # unique among live processes; a leftover of a killed one is overwritten, never read
        temporary = path.with_name(f".tmp-{os.getpid()}-{path.name}")
        try:
            if path.parent not in self._folders:
                self._make_folder(path.parent)
            try:
                temporary.write_bytes(data)
            except FileNotFoundError:  # the folder was deleted while we ran
                self._make_folder(path.parent)
                temporary.write_bytes(data)
            os.replace(temporary, path)
        except OSError:
            # a read-only or full disk only costs the next build some time
            return

    def _make_folder(self, folder: Path) -> None:
        self._ensure_tag()
        folder.mkdir(parents=True, exist_ok=True)
        self._folders.add(folder)

    def _ensure_tag(self) -> None:
        tag = self.folder / "CACHEDIR.TAG"
        if not tag.exists():
            self.folder.mkdir(parents=True, exist_ok=True)
            tag.write_text(CACHEDIR_TAG, encoding="utf-8")


def _encode(value: object) -> object:
    """A JSON-ready form of a record: dataclasses → dicts, tuples → lists, dates → ISO strings."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {field.name: _encode(getattr(value, field.name)) for field in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {key: _encode(item) for key, item in value.items()}
    if isinstance(value, (tuple, list)):
        return [_encode(item) for item in value]
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def _decode(kind: object, value: object) -> object:
    """Rebuild a value of type ``kind`` from its ``_encode`` form (the inverse of ``_encode``)."""
    return _decoder(kind)(value)


@cache
def _decoder(kind: object) -> Callable[[object], object]:
    """A function that rebuilds values of type ``kind``, worked out once per type (cache hits are hot)."""
    origin = typing.get_origin(kind)
    if origin in (typing.Union, types.UnionType):
        options = [option for option in typing.get_args(kind) if option is not type(None)]
        inner = _decoder(options[0])
        return lambda value: None if value is None else inner(value)
    if origin is tuple:
        arguments = typing.get_args(kind)
        if len(arguments) == 2 and arguments[1] is Ellipsis:
            item = _decoder(arguments[0])
            return lambda value: tuple(item(element) for element in _list(value))
        items = [_decoder(argument) for argument in arguments]

        def fixed(value: object) -> tuple:
            elements = _list(value)
            if len(elements) != len(items):
                raise ValueError(f"expected {len(items)} items, got {len(elements)}")
            return tuple(decode(element) for decode, element in zip(items, elements, strict=True))

        return fixed
    if dataclasses.is_dataclass(kind):
        hints = typing.get_type_hints(kind)
        fields = [(field.name, _decoder(hints[field.name])) for field in dataclasses.fields(kind)]
        return lambda value: kind(**{name: decode(value[name]) for name, decode in fields})
    if kind is datetime:
        return lambda value: datetime.fromisoformat(_checked(str, value))
    if kind is date:
        return lambda value: date.fromisoformat(_checked(str, value))
    if kind in (str, int, float, bool):
        return lambda value: _checked(kind, value)
    raise TypeError(f"no decoder for {kind!r}")


def _list(value: object) -> list:
    if not isinstance(value, list):
        raise TypeError(f"expected a list, got {type(value).__name__}")
    return value


def _checked(kind: type, value: object) -> object:
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise TypeError(f"expected {kind.__name__}, got {type(value).__name__}")
    return value
