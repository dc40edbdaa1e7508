"""``python -m docfraud``: the command line."""

from docfraud.cli import run

run()
