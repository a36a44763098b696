"""The artifact-repository interface: files of one run (or model) under a root URI."""

from __future__ import annotations

import abc

from weir.entities import FileInfo


class ArtifactRepository(abc.ABC):
    """Paths given to these methods are relative to ``root_uri`` and use ``/``.

    Implementations refuse absolute paths and ``..`` segments that leave the root, with an
    INVALID_PARAMETER_VALUE error naming the path (see ``weir.store.artifacts.paths``).
    """

    def __init__(self, root_uri: str) -> None:
        self.root_uri = root_uri

    @abc.abstractmethod
    def log_artifact(self, local_file: str, artifact_path: str | None = None) -> None:
        """Copy one local file into ``artifact_path`` (a directory; None is the root)."""

    @abc.abstractmethod
    def log_artifacts(self, local_dir: str, artifact_path: str | None = None) -> None:
        """Copy the contents of ``local_dir`` recursively into ``artifact_path``."""

    @abc.abstractmethod
    def list_artifacts(self, path: str | None = None) -> list[FileInfo]:
        """Direct children of ``path``, with paths relative to the root, sorted."""

    @abc.abstractmethod
    def download_artifacts(self, artifact_path: str, dst_path: str | None = None) -> str:
        """Copy a file or directory to ``dst_path`` (a temp dir when None) and return the local path."""

    @abc.abstractmethod
    def delete_artifacts(self, artifact_path: str | None = None) -> None: ...
