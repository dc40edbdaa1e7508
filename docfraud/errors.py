"""The errors a user can cause, each with a stable code.

Every exception docfraud raises on bad input derives from :class:`DocfraudError` and carries a
``code`` that never changes between releases (the CLI prints it, exits 2 and shows no traceback)
and a human ``message``. Codes are grouped by layer:

========  ==========================================
E1xx      input and usage (files, options)
E2xx      MRZ text
E3xx      images (loading, size, format)
E4xx      reference specimens
E5xx      batches and stores
E6xx      the checkpoint web station (docfraud serve)
E7xx      the training kit (docfraud training)
========  ==========================================

>>> err = MRZFormatError("3 lines of 12 characters fit no MRZ format")
>>> err.code, str(err)
('E201', 'E201: 3 lines of 12 characters fit no MRZ format')
"""

from __future__ import annotations


class DocfraudError(Exception):
    """Base class: an error the user can cause, with a stable code and a clear message."""

    code = "E100"
    title = "docfraud error"

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"

    def to_dict(self) -> dict[str, str | None]:
        return {"code": self.code, "title": self.title, "message": self.message, "hint": self.hint}


class UsageError(DocfraudError):
    """A command was called with options that do not fit together or a value out of range."""

    code = "E101"
    title = "usage error"


class InputFileError(DocfraudError):
    """An input file is missing, unreadable or of the wrong kind."""

    code = "E102"
    title = "input file error"


class MRZError(DocfraudError):
    """Base class of MRZ text errors."""

    code = "E200"
    title = "MRZ error"


class MRZFormatError(MRZError):
    """The text does not have the shape of any ICAO 9303 MRZ (line count and lengths)."""

    code = "E201"
    title = "not an MRZ"


class MRZFieldError(MRZError):
    """A value given to build an MRZ cannot be encoded (too long, wrong characters, bad date)."""

    code = "E202"
    title = "MRZ field cannot be encoded"


class ImageError(DocfraudError):
    """Base class of image loading errors."""

    code = "E300"
    title = "image error"


class ImageDecodeError(ImageError):
    """The data is empty, truncated or not an image."""

    code = "E301"
    title = "image cannot be decoded"


class ImageTooLargeError(ImageError):
    """The image has more pixels than the configured limit (a decompression bomb guard)."""

    code = "E302"
    title = "image too large"


class UnsupportedFormatError(ImageError):
    """The file is of a format docfraud does not read."""

    code = "E303"
    title = "unsupported format"


class SpecimenError(DocfraudError):
    """A reference specimen description is malformed or inconsistent."""

    code = "E400"
    title = "specimen error"


class SpecimenFormatError(SpecimenError):
    """A specimen description is malformed: a missing key, a wrong type, an unknown kind."""

    code = "E401"
    title = "malformed specimen description"


class SpecimenConsistencyError(SpecimenError):
    """A specimen is inconsistent: a zone outside its page, a missing or mis-sized image."""

    code = "E402"
    title = "inconsistent specimen"


class SpecimenNotFoundError(SpecimenError):
    """No specimen with that id or path in the library."""

    code = "E403"
    title = "specimen not found"


class BatchError(DocfraudError):
    """A batch or results store cannot be used."""

    code = "E500"
    title = "batch error"


class ArchiveMemberError(BatchError):
    """An archive member's name escapes the archive (absolute, ``..``, a drive) or is a link."""

    code = "E501"
    title = "unsafe archive member"


class ArchiveLimitError(BatchError):
    """A file or archive member is larger, or compresses more, than the batch limits allow."""

    code = "E502"
    title = "input over the batch size limits"


class StoreError(BatchError):
    """The results folder holds no docfraud results store, or one that cannot be used."""

    code = "E503"
    title = "results store cannot be used"


class WatchlistError(BatchError):
    """The watch list file is missing, or a line of it does not follow the documented format."""

    code = "E504"
    title = "malformed watch list"


class MissingDependencyError(BatchError):
    """An optional package a feature needs is not installed (Dask, pyarrow)."""

    code = "E505"
    title = "optional package missing"


class ClusterError(BatchError):
    """The Dask scheduler cannot be reached, or its workers differ from this machine."""

    code = "E506"
    title = "Dask cluster cannot be used"


class StationError(DocfraudError):
    """The checkpoint web station (``docfraud serve``) cannot do what was asked."""

    code = "E600"
    title = "web station error"


class WebUnavailableError(StationError):
    """The web app's dependencies (FastAPI, uvicorn, Jinja2, python-multipart) are not installed."""

    code = "E601"
    title = "web app not installed"


class AccountError(StationError):
    """An officer account cannot be created or changed (name taken, unknown, weak password)."""

    code = "E602"
    title = "account error"


class UploadRefusedError(StationError):
    """An upload was refused: too large, empty, or not an accepted image type (checked by content)."""

    code = "E603"
    title = "upload refused"


class AuditChainError(StationError):
    """The station's audit log fails verification: an entry was changed, removed or reordered."""

    code = "E604"
    title = "audit chain broken"


class StationStoreError(StationError):
    """The station's data folder or database cannot be used (not writable, newer schema)."""

    code = "E605"
    title = "station store error"


class TrainingError(DocfraudError):
    """The training kit (``docfraud training``) cannot do what was asked."""

    code = "E700"
    title = "training kit error"


class AnswerFileError(TrainingError):
    """A trainee answer file is malformed (missing column, unknown item, bad verdict), by line."""

    code = "E701"
    title = "malformed answer file"


class AnswerKeyError(TrainingError):
    """The answer key is missing, unreadable, not a docfraud training key, or of a newer format."""

    code = "E702"
    title = "bad answer key"


class WorkshopFolderError(TrainingError):
    """The output folder of a workshop set is not empty or cannot be written."""

    code = "E703"
    title = "workshop folder unusable"


class HintLeakError(TrainingError):
    """A file handed to trainees would give an answer away (metadata, a name, a text chunk)."""

    code = "E704"
    title = "answer leaks into the trainee files"


def all_error_classes() -> list[type[DocfraudError]]:
    """Every error class, the base first; used to document and test the codes."""
    seen: list[type[DocfraudError]] = []
    stack: list[type[DocfraudError]] = [DocfraudError]
    while stack:
        cls = stack.pop(0)
        seen.append(cls)
        stack.extend(cls.__subclasses__())
    return seen


def render_markdown() -> str:
    """The page ``docs/errors.md``: every error code the user can meet."""
    out = ["# Error codes", "",
           "Generated from `docfraud/errors.py` by `./dev docs` (`python -m docfraud.gendocs`).",
           "", "An error the user can cause prints `error CODE: message` on standard error; the "
           "command line exits 2 and shows no traceback. `E000` marks an internal error (a bug; "
           "exit 3; set `DOCFRAUD_DEBUG=1` for the traceback).", "",
           "| code | class | title | when |", "| --- | --- | --- | --- |"]
    for cls in sorted(all_error_classes(), key=lambda c: c.code):
        doc = (cls.__doc__ or "").strip().splitlines()[0]
        out.append(f"| {cls.code} | `{cls.__name__}` | {cls.title} | {doc} |")
    return "\n".join(out) + "\n"

