"""The training kit: workshop sets of generated documents, answer keys, scoring and comparison.

* :func:`make_workshop` (``docfraud training make-set``) writes exercise images, a printable
  worksheet, an answer key with trainer notes and an answer template (docs/training.md);
* :func:`score` (``docfraud training score``) scores trainees' answer files against the key, per
  trainee and per forgery type, with a class summary;
* :func:`compare` (``docfraud training compare``) scores docfraud itself on the same items.
"""

from __future__ import annotations

from docfraud.training.workshop import load_key, make_workshop

__all__ = ["load_key", "make_workshop"]
