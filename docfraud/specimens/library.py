"""The specimen library: a folder tree of specimens, found by id or by what an MRZ says."""

from __future__ import annotations

import os
from pathlib import Path

from docfraud.errors import DocfraudError, SpecimenNotFoundError
from docfraud.specimens.load import DESCRIPTION, load_specimen
from docfraud.specimens.model import Specimen

ENV = "DOCFRAUD_SPECIMENS"


def default_root() -> Path:
    """``$DOCFRAUD_SPECIMENS``, else ``reference_specimens/`` of this checkout."""
    env = os.environ.get(ENV)
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[2] / "reference_specimens"


class Library:
    """The specimens below one root folder, loaded on first use."""

    def __init__(self, root: str | Path | None = None, *, check_images: bool = True) -> None:
        self.root = Path(root) if root else default_root()
        self.check_images = check_images
        self._specimens: list[Specimen] | None = None
        self.problems: list[DocfraudError] = []

    def folders(self) -> list[Path]:
        if not self.root.is_dir():
            return []
        return sorted(p.parent for p in self.root.rglob(DESCRIPTION))

    def specimens(self) -> list[Specimen]:
        """Every valid specimen; invalid ones are kept in :attr:`problems`, not raised."""
        if self._specimens is None:
            found, self.problems = [], []
            for folder in self.folders():
                try:
                    found.append(load_specimen(folder, library_root=self.root,
                                               check_images=self.check_images))
                except DocfraudError as exc:
                    self.problems.append(exc)
            self._specimens = found
        return self._specimens

    def get(self, ref: str | Path) -> Specimen:
        """A specimen by id (``UTO/P-2024``) or folder path."""
        path = Path(ref)
        if (path / DESCRIPTION).is_file() or path.name == DESCRIPTION:
            return load_specimen(path, library_root=self.root, check_images=self.check_images)
        folder = self.root / str(ref)
        if (folder / DESCRIPTION).is_file():
            return load_specimen(folder, library_root=self.root, check_images=self.check_images)
        ids = ", ".join(s.id for s in self.specimens()) or "none"
        raise SpecimenNotFoundError(f"no specimen {str(ref)!r} in {self.root} (available: {ids})")

    def candidates(self, issuer: str, document_code: str, mrz_format: str) -> list[Specimen]:
        """Specimens an MRZ of this issuer, document code and format may belong to."""
        return [s for s in self.specimens() if s.matches(issuer, document_code, mrz_format)]
