"""Build the bundled sample captures in samples/captures/ (deterministic): ``python tools/make_samples.py``.

A handful of generated documents of the fictional specimens, genuine and forged, as a full-page
reader, a flatbed scanner and a phone would capture them, with labels.json saying which is which.
Kept small (a few MB): 300 dpi, JPEG quality 88.
"""

from __future__ import annotations

import json
import random
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from docfraud import __version__  # noqa: E402
from docfraud.synth.artwork import get_design  # noqa: E402
from docfraud.synth.dataset import AS_OF, _write, make_item  # noqa: E402

# (specimen, forgery or None, capture, strength)
PLAN = [
    ("UTO/P-2024", None, "reader", None),
    ("UTO/P-2024", "portrait_substitution", "reader", 0.6),
    ("UTO/P-2024", "mrz_alteration", "scan", 0.5),
    ("UTO/P-2024", "reprint", "reader", 0.5),
    ("UTO/V-2024", None, "reader", None),
    ("UTO/V-2024", "uv_failure", "reader", 0.7),
    ("ZZA/ID-2023", None, "scan", None),
    ("ZZA/ID-2023", "viz_alteration", "scan", 0.6),
    ("UTO/P-2024", None, "phone", None),
]


def main() -> None:
    out = ROOT / "samples" / "captures"
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    items = []
    for i, (sid, forgery, cap, strength) in enumerate(PLAN, 1):
        rng = random.Random(1000 + i)
        images, label = make_item(get_design(sid), rng, forgery=forgery, capture_kind=cap,
                                  strength=strength, out_dpi=300 if cap != "phone" else None)
        name = f"{i:04d}"
        files = {}
        for side, imgs in images.items():
            stem = name if len(images) == 1 else f"{name}-{side}"
            files[side] = {light: _write(out, stem, img, light, quality=88)
                           for light, img in imgs.items()}
        items.append({"id": name, "files": files, **label})
    data = {"generator": f"docfraud {__version__} tools/make_samples.py",
            "as_of": AS_OF.isoformat(), "items": items}
    (out / "labels.json").write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n",
                                     encoding="utf-8")
    size = sum(p.stat().st_size for p in out.iterdir())
    print(f"wrote {len(items)} samples to {out} ({size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
