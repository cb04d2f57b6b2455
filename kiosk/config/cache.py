"""A configuration that passed every check, remembered so the next start can skip them.

Validating the file (pydantic) and parsing every questionnaire it names take longer than
drawing Welcome. After a full check, :func:`remember` stores the checked configuration
with a fingerprint of everything the verdict depends on: the configuration file and every
file it names (by content hash), the catalogs present, and the kiosk's own code (by file
size and time). :func:`recall` gives it back only when all of that is unchanged, so an
edited file is checked again; anything odd about the stored entry makes it a miss.

The entry is a pickle, so it is read only from a folder and a file that belong to this
user and that nobody else may write (like ssh's own files); it holds no visitor's data.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import stat
from dataclasses import dataclass
from pathlib import Path

from kiosk import __version__
from kiosk.config import KioskConfig
from kiosk.paths import user_cache_dir

log = logging.getLogger(__name__)

FORMAT = 1
_KIOSK_DIR = Path(__file__).resolve().parent.parent
# The packages whose code decides whether a configuration passes its checks.
_CODE_DIRS = tuple(_KIOSK_DIR / name for name in ("config", "i18n", "questionnaire", "terminal"))


@dataclass(frozen=True)
class _Entry:
    format: int
    code: str
    source: Path
    files: dict[Path, str]
    languages: tuple[str, ...]
    config: KioskConfig


def _entry_path(source: Path) -> Path:
    name = hashlib.sha256(str(source).encode("utf-8")).hexdigest()[:16]
    return user_cache_dir() / f"checked-config-{name}.pickle"


def _code_stamp() -> str:
    """The kiosk's version and the size and time of each of its modules that check files."""
    digest = hashlib.sha256(__version__.encode("ascii"))
    for folder in _CODE_DIRS:
        for module in sorted(folder.glob("*.py")):
            info = module.stat()
            digest.update(
                f"{folder.name}/{module.name}:{info.st_size}:{info.st_mtime_ns};".encode()
            )
    return digest.hexdigest()


def _named_files(config: KioskConfig) -> list[Path]:
    files: list[Path] = []
    for portal in config.portals:
        files.extend(q.file for q in portal.questionnaires)
        files.extend(path for consent in portal.consents for path in consent.text.values())
        if portal.logo is not None:
            files.append(portal.logo)
    return files


def _content_hash(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def _languages() -> tuple[str, ...]:
    from kiosk.i18n import available_languages

    return tuple(available_languages())


def _owned_and_private(path: Path) -> bool:
    info = path.stat()
    return info.st_uid == os.getuid() and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def recall(source: Path) -> KioskConfig | None:
    """The checked configuration of *source*, if nothing it depends on has changed."""
    source = source.resolve()
    entry_file = _entry_path(source)
    try:
        if not (_owned_and_private(entry_file.parent) and _owned_and_private(entry_file)):
            return None
        entry = pickle.loads(entry_file.read_bytes())
    except FileNotFoundError:
        return None
    except Exception as exc:  # a damaged or foreign entry is only a miss
        log.warning("stored configuration check not usable: %s", type(exc).__name__)
        return None
    if not isinstance(entry, _Entry) or entry.format != FORMAT or entry.source != source:
        return None
    if entry.code != _code_stamp() or entry.languages != _languages():
        return None
    if any(_content_hash(path) != digest for path, digest in entry.files.items()):
        return None
    return entry.config


def remember(config: KioskConfig) -> None:
    """Store *config*, which has just passed every check; a failure to store is only logged."""
    if config.source is None:
        return
    files: dict[Path, str] = {}
    for path in [config.source, *_named_files(config)]:
        digest = _content_hash(path)
        if digest is None:
            return
        files[path] = digest
    entry = _Entry(
        format=FORMAT,
        code=_code_stamp(),
        source=config.source,
        files=files,
        languages=_languages(),
        config=config,
    )
    entry_file = _entry_path(config.source)
    try:
        entry_file.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        temporary = entry_file.with_suffix(f".{os.getpid()}.tmp")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(pickle.dumps(entry, protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(temporary, entry_file)
    except OSError as exc:
        log.warning("configuration check not stored: %s", exc.strerror)
