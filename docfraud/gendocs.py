"""Write the generated documentation pages: ``python -m docfraud.gendocs [DOCS_DIR]``.

``docs/findings.md`` comes from the finding-code registry and ``docs/errors.md`` from the error
classes; tests fail when either page is stale.
"""

from __future__ import annotations

import sys
from pathlib import Path

from docfraud import errors, findings

PAGES = {"findings.md": findings.render_markdown, "errors.md": errors.render_markdown}


def main(argv: list[str]) -> None:
    folder = Path(argv[0]) if argv else Path(__file__).resolve().parents[1] / "docs"
    for name, render in PAGES.items():
        (folder / name).write_text(render(), encoding="utf-8")
        print(f"wrote {folder / name}")


if __name__ == "__main__":
    main(sys.argv[1:])
