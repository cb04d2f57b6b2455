"""A configuration that passed every check, remembered so the next start can skip them.

Validating the file (pydantic) and parsing every questionnaire it names take longer than
drawing Welcome. After a full check, :func:`remember` stores the checked configuration
with a fingerprint of everything the verdict depends on: the configuration file and every
file it names (by size, times and inode: an edit moves a file's change time, which nobody
can set back), the catalogs present, and the kiosk's own code (by file size and time).
:func:`recall` gives it back only when all of that is unchanged, so an edited file is
checked again; anything odd about the stored entry makes it a miss.

The entry is a pickle, read and written by :mod:`kiosk.private_cache` (only from a folder
and a file that belong to this user); it holds no visitor's data.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from kiosk import __version__
from kiosk.config import KioskConfig
from kiosk.paths import user_cache_dir
from kiosk.private_cache import load_private, store_private

FORMAT = 3
_KIOSK_DIR = Path(__file__).resolve().parent.parent
# The packages whose code decides whether a configuration passes its checks.
_CODE_DIRS = tuple(_KIOSK_DIR / name for name in ("config", "i18n", "questionnaire", "terminal"))


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


def _file_stamp(path: Path) -> str | None:
    """*path*'s size, modification and change times and inode; None if it cannot be read.

    The change time moves with every write and cannot be set back (as ``touch`` can the
    modification time), so an edited file never keeps its stamp; unlike a hash of the
    contents (2 ms for the demo's 0.5 MB of forms) it costs no read at start."""
    try:
        info = path.stat()
    except OSError:
        return None
    return f"{info.st_size}:{info.st_mtime_ns}:{info.st_ctime_ns}:{info.st_ino}"


def _languages() -> tuple[str, ...]:
    from kiosk.i18n import available_languages

    return tuple(available_languages())


def recall(source: Path) -> KioskConfig | None:
    """The checked configuration of *source*, if nothing it depends on has changed."""
    source = source.resolve()
    entry = load_private(_entry_path(source))
    if not isinstance(entry, dict) or entry.get("format") != FORMAT:
        return None
    config = entry.get("config")
    if not isinstance(config, KioskConfig) or entry.get("source") != source:
        return None
    if entry.get("code") != _code_stamp() or entry.get("languages") != _languages():
        return None
    files = entry.get("files")
    if not isinstance(files, dict):
        return None
    if any(_file_stamp(path) != stamp for path, stamp in files.items()):
        return None
    return config


def remember(config: KioskConfig) -> None:
    """Store *config*, which has just passed every check; a failure to store is only logged."""
    if config.source is None:
        return
    files: dict[Path, str] = {}
    for path in [config.source, *_named_files(config)]:
        stamp = _file_stamp(path)
        if stamp is None:
            return
        files[path] = stamp
    entry = {  # a dict, not a class of its own: one class fewer to make at every start
        "format": FORMAT,
        "code": _code_stamp(),
        "source": config.source,
        "files": files,
        "languages": _languages(),
        "config": config,
    }
    store_private(_entry_path(config.source), entry)
