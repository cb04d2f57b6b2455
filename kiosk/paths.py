"""Where the kiosk finds its shipped files and keeps its own."""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = PACKAGE_DIR.parent
"""The checkout (or editable install) root that holds config/ and locales/."""

INSTALLED_SHIPPED_DIR = PACKAGE_DIR / "shipped"
"""Where an installed wheel keeps config/ and locales/ (setup.py puts them; never in a checkout)."""

SHIPPED_ROOT = INSTALLED_SHIPPED_DIR if INSTALLED_SHIPPED_DIR.is_dir() else PROJECT_ROOT
"""The folder holding config/ and locales/: the wheel's copy, else the checkout's own."""

LOCALES_DIR = SHIPPED_ROOT / "locales"
SHIPPED_CONFIG_DIR = SHIPPED_ROOT / "config"
SCREENS_DIR = PROJECT_ROOT / "screens"
APP_NAME = "lobby-kiosk"


def user_data_dir() -> Path:
    """The per-user data directory (created on demand)."""
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False, ensure_exists=True)


def user_cache_dir() -> Path:
    """The per-user cache directory (not created): what can be made again if lost."""
    from platformdirs import user_cache_path

    return user_cache_path(APP_NAME, appauthor=False)
