"""The training kit: workshop sets of generated documents, answer keys, scoring and comparison.

* :func:`make_workshop` (``docfraud training make-set``) writes exercise images, a printable
  worksheet, an answer key with trainer notes and an answer template (docs/training.md);
* :func:`docfraud.training.answers.read_answers` reads trainees' answer files (CSV) and
  :func:`docfraud.training.scoring.score` scores them against the key, per trainee and per
  forgery type (``docfraud training score``; the class summary by
  :mod:`docfraud.training.summary`);
* ``score(..., with_docfraud=True)`` scores docfraud itself on the same items
  (``docfraud training compare``).
"""

from __future__ import annotations

from docfraud.training.workshop import load_key, make_workshop

__all__ = ["load_key", "make_workshop"]
