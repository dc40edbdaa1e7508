"""docfraud: examine travel documents for fraud.

The package is layered; a lower layer never imports a higher one::

    docfraud.mrz        pure text: formats, check digits, ICAO rules, generation
    docfraud.imaging    load safely, locate, rectify, recognise
    docfraud.specimens  reference specimen library
    docfraud.compare    alignment and per-zone security-feature checks
    docfraud.examine    capture -> findings -> verdict
    interfaces          cli, report, batch, web, training
"""

from __future__ import annotations

__version__ = "0.1.0"

from docfraud.errors import DocfraudError  # noqa: E402


def read_mrz(source, **kw):  # type: ignore[no-untyped-def]
    """The best MRZ in an image, read, corrected, parsed and checked; or None.

    See :func:`docfraud.imaging.mrz.read_mrz` (imported on first use: ``import docfraud`` stays
    light for the text-only MRZ tools).
    """
    from docfraud.imaging.mrz import read_mrz as _read

    return _read(source, **kw)


def find_mrzs(source, **kw):  # type: ignore[no-untyped-def]
    """Every MRZ in an image, best first; see :func:`docfraud.imaging.mrz.find_mrzs`."""
    from docfraud.imaging.mrz import find_mrzs as _find

    return _find(source, **kw)


__all__ = ["DocfraudError", "__version__", "find_mrzs", "read_mrz"]
