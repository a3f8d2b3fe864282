"""Service settings, read from ``ZHIBIAO_*`` environment variables (pydantic-settings)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


def default_data_dir() -> Path:
    return Path.home() / ".local" / "share" / "zhibiao"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ZHIBIAO_", extra="ignore")

    #: Where the SQLite database and stored submissions live.
    data_dir: Path = Field(default_factory=default_data_dir)
    #: Any SQLAlchemy URL; empty means SQLite under ``data_dir``.
    database_url: str = ""
    #: Key for the model-admin endpoints; unset means they are refused (403).
    admin_key: str = ""
    #: Largest request body accepted, in bytes (20 MB).
    max_request_bytes: int = 20 * 1024 * 1024
    #: Largest uncompressed size of an uploaded .docx/.xlsx (zip bomb guard).
    max_unzipped_bytes: int = 200 * 1024 * 1024
    #: Most indicators scored in one request: a pasted table past it gets 413 and a pointer
    #: to ``zhibiao batch`` (a department has hundreds; 16,000 rows took ~35 s and 2 GB).
    max_indicators: int = 10_000
    #: Models directory (versioned classifier artifacts); empty means the packaged default.
    models_dir: str = ""
    #: Corpus file(s) a training job reads, comma-separated; empty means the bundled corpus.
    corpus: str = ""
    #: Label-correction file(s) a training job applies, comma-separated; empty means the
    #: bundled corrections with the bundled corpus and none with another corpus.
    corrections: str = ""

    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        self.data_dir.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{self.data_dir / 'zhibiao.sqlite3'}"


@lru_cache
def get_settings() -> Settings:
    return Settings()
