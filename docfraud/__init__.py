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

__all__ = ["DocfraudError", "__version__"]
