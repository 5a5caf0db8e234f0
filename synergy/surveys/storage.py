"""Where survey files live: ``MEDIA_ROOT/surveys/<dataset id>/``.

``source.<ext>`` is the file as uploaded; ``data.parquet`` holds the standardised columns written
by the import. Writes go to a temporary name first and are renamed into place, so a reader never
sees half a file and a failed import leaves nothing behind.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path

import pandas as pd
from django.conf import settings


def dataset_dir(dataset_id: int) -> Path:
    return Path(settings.MEDIA_ROOT) / "surveys" / str(int(dataset_id))


def source_path(dataset_id: int, source_format: str) -> Path:
    return dataset_dir(dataset_id) / f"source.{source_format}"


def data_path(dataset_id: int) -> Path:
    return dataset_dir(dataset_id) / "data.parquet"


def _atomic_target(path: Path) -> tuple[int, str]:
    path.parent.mkdir(parents=True, exist_ok=True)
    return tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)


def save_source(dataset_id: int, source_format: str, chunks: Iterable[bytes]) -> Path:
    path = source_path(dataset_id, source_format)
    fd, tmp = _atomic_target(path)
    try:
        with os.fdopen(fd, "wb") as handle:
            for chunk in chunks:
                handle.write(chunk)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def write_data(dataset_id: int, frame: pd.DataFrame) -> Path:
    path = data_path(dataset_id)
    fd, tmp = _atomic_target(path)
    os.close(fd)
    try:
        frame.to_parquet(tmp, index=False)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def read_data(dataset_id: int) -> pd.DataFrame:
    return pd.read_parquet(data_path(dataset_id))


def delete_dataset_files(dataset_id: int) -> None:
    shutil.rmtree(dataset_dir(dataset_id), ignore_errors=True)
