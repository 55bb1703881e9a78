"""Where the app keeps its files: the platform's per-user folders (platformdirs).

Set ``DALLE_STUDIO_HOME`` to keep everything under one folder instead (tests, benchmarks, portable use).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from dalle_studio import APP_ID

HOME_ENV = "DALLE_STUDIO_HOME"


@dataclass(frozen=True)
class AppPaths:
    """The four per-user folders; created on first use by :meth:`ensure`."""

    config: Path
    data: Path
    cache: Path
    log: Path

    @classmethod
    def under(cls, root: str | os.PathLike[str]) -> AppPaths:
        """All folders below one root (portable mode and tests)."""
        base = Path(root)
        return cls(config=base / "config", data=base / "data", cache=base / "cache", log=base / "log")

    @classmethod
    def default(cls) -> AppPaths:
        """The platform's conventional folders, or ``$DALLE_STUDIO_HOME`` when set."""
        override = os.environ.get(HOME_ENV)
        if override:
            return cls.under(override)
        import platformdirs  # only here: a portable home does without it

        dirs = platformdirs.PlatformDirs(APP_ID, appauthor=False)
        return cls(
            config=Path(dirs.user_config_dir),
            data=Path(dirs.user_data_dir),
            cache=Path(dirs.user_cache_dir),
            log=Path(dirs.user_log_dir),
        )

    def ensure(self) -> AppPaths:
        for folder in (self.config, self.data, self.cache, self.log):
            folder.mkdir(parents=True, exist_ok=True)
        return self

    @property
    def settings_file(self) -> Path:
        return self.config / "settings.json"

    @property
    def log_file(self) -> Path:
        return self.log / "dalle-studio.log"
