#!/usr/bin/env python3
"""Train the MRZ glyph recogniser shipped as ``docfraud/data/mrz_glyphs.npz``.

Reproducible: a fixed seed, the vendored OCR-B font (``docfraud/data/OCRB.otf``) and nothing
downloaded. Training needs PyTorch (CPU is enough; ``pip install torch onnx``). The shipped
model is ``mrz_glyphs.npz`` (plain NumPy arrays) plus its ``mrz_glyphs.onnx`` twin; docfraud
runs it without PyTorch, with OpenCV's dnn module or NumPy (``docfraud.imaging.ocr``).

Data: whole MRZ-like lines are rendered with OCR-B, degraded the way photos, scans and
faxes degrade them (cap heights from 5 to 44 px, stroke width, blur, noise, JPEG, uneven
lighting, coloured backgrounds, guilloche-like patterns, thresholding, small shifts), turned into
an ink map and cut into cells with the SAME code as inference
(:func:`docfraud.imaging.segment.ink_map` and :func:`~docfraud.imaging.segment.extract_cells`),
with jittered cell positions so the model tolerates imperfect segmentation.

Model: a small CNN (3 x conv3x3+ReLU+maxpool, 16/32/64 channels, FC 128, 37 classes). After
training, a temperature is fitted on a held-out synthetic set so the softmax probabilities are
calibrated (expected calibration error is printed).

Usage::

    python tools/train_glyph_model.py --out docfraud/data/mrz_glyphs.npz
    python tools/train_glyph_model.py --lines 2000 --epochs 2   # quick smoke run
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import sys
import time
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from docfraud.imaging.ocr import ALPHABET  # noqa: E402
from docfraud.imaging.segment import CELL, TextLine, extract_cells, find_lines, ink_map  # noqa: E402
from docfraud.imaging.synth import render_mrz_layout  # noqa: E402

LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
DIGITS = "0123456789"


def random_line(rng: np.random.Generator, n: int) -> str:
    """MRZ-like text: runs of letters, digits and '<' fillers (fillers are frequent in MRZs).

    Letters and digits are drawn so that every glyph is about equally frequent (26 letters get
    0.5 of the runs, 10 digits 0.2): the model must not learn that '0' is likelier than 'O', a
    prior that belongs to the MRZ layer, which knows each field's type.
    """
    out: list[str] = []
    while len(out) < n:
        kind = rng.choice(3, p=[0.5, 0.2, 0.3])
        run = int(rng.integers(1, 10))
        if kind == 0:
            out.extend(rng.choice(list(LETTERS), run))
        elif kind == 1:
            out.extend(rng.choice(list(DIGITS), run))
        else:
            out.extend("<" * run)
    # uniform characters too, so rare glyphs are seen often enough
    if rng.random() < 0.5:
        k = int(rng.integers(n // 3, n))
        idx = rng.choice(n, k, replace=False)
        for i in idx:
            out[i] = ALPHABET[int(rng.integers(len(ALPHABET)))]
    return "".join(out[:n])


def _smooth_field(rng: np.random.Generator, h: int, w: int, scale: float) -> np.ndarray:
    gh, gw = max(2, int(h / scale) + 2), max(2, int(w / scale) + 2)
    f = rng.standard_normal((gh, gw)).astype(np.float32)
    return cv2.resize(f, (w, h), interpolation=cv2.INTER_CUBIC)


def degrade_line(rng: np.random.Generator, n: int, cap: float):
    """Render 2 lines of n characters at cap height ``cap`` and degrade; returns
    (grey image, layout, texts)."""
    texts = [random_line(rng, n) for _ in range(2)]
    ss = 4
    tracking = float(rng.uniform(0.96, 1.04))
    big, lay = render_mrz_layout(
        texts, cap_height=cap * ss, line_spacing=float(rng.uniform(1.5, 2.1)),
        margin=1.5, supersample=1, tracking=tracking,
    )
    ink = 255 - big.astype(np.float32)
    # stroke width: dilate/erode at the large scale
    sw = rng.choice(["thin", "normal", "bold"], p=[0.25, 0.45, 0.3])
    kk = max(1, int(round(cap * ss * rng.uniform(0.02, 0.06))))
    ker = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * kk + 1, 2 * kk + 1))
    if sw == "bold":
        ink = cv2.dilate(ink, ker)
    elif sw == "thin":
        ink = cv2.erode(ink, ker)
    # ink bleed / print dot texture
    if rng.random() < 0.3:
        ink = ink * (0.75 + 0.25 * (_smooth_field(rng, *ink.shape, scale=cap * ss * 0.08) > -0.8))
    # reduce to the target resolution
    h, w = ink.shape
    th, tw = max(8, int(round(h / ss))), max(8, int(round(w / ss)))
    ink = cv2.resize(ink, (tw, th), interpolation=cv2.INTER_AREA) / 255.0
    fx, fy = tw / w, th / h
    # tiny residual rotation / shear
    ang = float(rng.normal(0, 0.25))
    shear = float(rng.normal(0, 0.04))
    cx, cy = tw / 2, th / 2
    m = cv2.getRotationMatrix2D((cx, cy), ang, 1.0)
    m[0, 1] += shear
    m[0, 2] -= shear * cy
    ink = cv2.warpAffine(ink.astype(np.float32), m, (tw, th), flags=cv2.INTER_LINEAR)
    # photometric: paper, ink colour, backgrounds
    paper = rng.uniform(150, 255)
    ink_level = rng.uniform(0, min(110, paper - 40))
    bg = np.full((th, tw), paper, np.float32)
    bg += _smooth_field(rng, th, tw, scale=rng.uniform(10, 80)) * rng.uniform(0, 0.15) * (paper - ink_level)
    if rng.random() < 0.4:  # guilloche-like fine pattern
        yy, xx = np.mgrid[0:th, 0:tw].astype(np.float32)
        period = rng.uniform(2.5, 12) * max(1.0, cap / 12)
        th_ = rng.uniform(0, np.pi)
        pat = np.sin((xx * np.cos(th_) + yy * np.sin(th_)) * 2 * np.pi / period
                     + 3 * np.sin(yy / rng.uniform(5, 40)))
        bg -= (pat > rng.uniform(0.3, 0.9)) * rng.uniform(0.05, 0.45) * (paper - ink_level)
    if rng.random() < 0.3:  # a gradient (uneven light)
        gx = np.linspace(-1, 1, tw, dtype=np.float32)[None, :]
        bg += gx * rng.uniform(-40, 40)
    img = bg - (bg - ink_level) * np.clip(ink, 0, 1)
    # blur
    r = rng.random()
    if r < 0.55:
        img = cv2.GaussianBlur(img, (0, 0), rng.uniform(0.3, 0.5 + cap * 0.03))
    elif r < 0.65:
        k = int(rng.integers(2, max(3, int(cap * 0.25)) + 1))
        kern = np.zeros((k, k), np.float32)
        kern[k // 2, :] = 1.0 / k
        rot = cv2.getRotationMatrix2D(((k - 1) / 2, (k - 1) / 2), rng.uniform(0, 180), 1)
        kern = cv2.warpAffine(kern, rot, (k, k))
        kern /= max(kern.sum(), 1e-6)
        img = cv2.filter2D(img, -1, kern)
    # noise
    img = img + rng.standard_normal(img.shape).astype(np.float32) * rng.uniform(0, 12)
    if rng.random() < 0.15:  # salt & pepper specks
        sp = rng.random(img.shape)
        img[sp < 0.003] = 0
        img[sp > 0.997] = 255
    img = np.clip(img, 0, 255).astype(np.uint8)
    r = rng.random()
    if r < 0.1:  # thresholded scan / fax
        _, img = cv2.threshold(img, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
    elif r < 0.75:  # JPEG
        q = int(rng.integers(15, 95))
        ok, buf = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, q])
        img = cv2.imdecode(buf, cv2.IMREAD_GRAYSCALE)
    # layout in the final image (rotation/shear ignored: they are tiny)
    lay_x0 = lay.x0 * fx
    pitch = lay.pitch * fx
    caps = [t * fy for t in lay.cap_tops]
    caph = lay.cap_height * fy
    return img, lay_x0, pitch, caps, caph, texts


def make_samples(args: tuple[int, int, int]) -> tuple[np.ndarray, np.ndarray]:
    seed, count, hard = args
    rng = np.random.default_rng(seed)
    xs, ys = [], []
    lut = {c: i for i, c in enumerate(ALPHABET)}
    for _ in range(count):
        n = int(rng.choice([30, 36, 44]))
        # cap heights: log-uniform 5..44 px, low resolutions favoured
        cap = float(np.exp(rng.uniform(np.log(5.0), np.log(44.0))))
        if rng.random() < 0.25:
            cap = float(rng.uniform(5.0, 9.0))
        img, x0, pitch, caps, caph, texts = degrade_line(rng, n, cap)
        ink = ink_map(img, caph)
        found = find_lines(ink)
        for top, text in zip(caps, texts):
            # use the line geometry that inference would measure (find_lines), falling back to
            # the rendered geometry when the measurement fails, and jitter it a little
            yc_true = top + caph / 2
            near = [f for f in found if abs(f.y_center - yc_true) < 0.4 * caph
                    and 0.75 * caph < f.cap_height < 1.35 * caph]
            if near:
                c_est, y_est = near[0].cap_height, near[0].y_center
            else:
                c_est, y_est = caph, yc_true
            cj = c_est * float(rng.uniform(0.96, 1.04))
            yc = y_est + float(rng.normal(0, 0.04)) * caph
            pj = pitch * float(rng.uniform(0.99, 1.01))
            xj = x0 + float(rng.normal(0, 0.05)) * pitch
            line = TextLine(yc - cj / 2, yc + cj / 2, 0, 0, xj, pj, n)
            shifts = rng.normal(0, 0.06, n).clip(-0.2, 0.2)
            if hard:
                shifts = rng.normal(0, 0.08, n).clip(-0.25, 0.25)
            cells = extract_cells(ink, line, shifts)
            xs.append((np.clip(cells, 0, 1.5) * 100).astype(np.uint8))
            ys.append(np.array([lut[c] for c in text], np.int64))
    return np.concatenate(xs), np.concatenate(ys)


def build_dataset(n_lines: int, seed: int, hard: int = 0, workers: int = 2):
    chunk = 100
    jobs = [(seed * 100003 + k, min(chunk, n_lines - k * chunk), hard)
            for k in range((n_lines + chunk - 1) // chunk)]
    with mp.get_context("fork").Pool(workers) as pool:
        parts = pool.map(make_samples, jobs)
    x = np.concatenate([p[0] for p in parts])
    y = np.concatenate([p[1] for p in parts])
    return x, y


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--lines", type=int, default=6000, help="rendered line pairs for training")
    ap.add_argument("--val-lines", type=int, default=600)
    ap.add_argument("--epochs", type=int, default=8)
    ap.add_argument("--seed", type=int, default=9303)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--out", default=str(ROOT / "docfraud" / "data" / "mrz_glyphs.npz"))
    ap.add_argument("--cache", default="", help="optional .npz to cache the generated data")
    args = ap.parse_args()

    import torch
    from torch import nn

    torch.manual_seed(args.seed)
    torch.set_num_threads(max(1, args.workers))
    t0 = time.time()
    if args.cache and Path(args.cache).exists():
        d = np.load(args.cache)
        xtr, ytr, xva, yva = d["xtr"], d["ytr"], d["xva"], d["yva"]
    else:
        xtr, ytr = build_dataset(args.lines, args.seed, 0, args.workers)
        xva, yva = build_dataset(args.val_lines, args.seed + 1, 1, args.workers)
        if args.cache:
            np.savez_compressed(args.cache, xtr=xtr, ytr=ytr, xva=xva, yva=yva)
    print(f"data: train {len(ytr)} val {len(yva)} cells in {time.time() - t0:.0f}s", flush=True)

    def to_t(x: np.ndarray) -> torch.Tensor:
        return torch.from_numpy(x.astype(np.float32) / 100.0).unsqueeze(1)

    xtr_t, ytr_t = to_t(xtr), torch.from_numpy(ytr)
    xva_t, yva_t = to_t(xva), torch.from_numpy(yva)

    model = build_model(torch)
    opt = torch.optim.AdamW(model.parameters(), lr=2e-3, weight_decay=1e-4)
    bs = 256
    steps = args.epochs * ((len(ytr) + bs - 1) // bs)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=3e-3, total_steps=steps)
    lossf = nn.CrossEntropyLoss()
    g = torch.Generator().manual_seed(args.seed)
    for ep in range(args.epochs):
        model.train()
        perm = torch.randperm(len(ytr), generator=g)
        tl, tn = 0.0, 0
        for k in range(0, len(perm), bs):
            idx = perm[k : k + bs]
            xb = xtr_t[idx]
            # cheap on-the-fly augmentation: contrast jitter
            xb = xb * (0.8 + 0.4 * torch.rand(len(idx), 1, 1, 1, generator=g))
            loss = lossf(model(xb), ytr_t[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            tl += float(loss.detach()) * len(idx)
            tn += len(idx)
        model.eval()
        with torch.no_grad():
            logits = torch.cat([model(xva_t[k : k + 2048]) for k in range(0, len(yva), 2048)])
        acc = float((logits.argmax(1) == yva_t).float().mean())
        print(f"epoch {ep + 1}: train loss {tl / tn:.4f} val acc {acc:.5f} ({time.time() - t0:.0f}s)", flush=True)

    # temperature scaling on the validation set
    best_t, best_nll = 1.0, 1e9
    for temp in np.linspace(0.5, 3.0, 51):
        nll = float(nn.functional.cross_entropy(logits / float(temp), yva_t))
        if nll < best_nll:
            best_t, best_nll = float(temp), nll
    prob = torch.softmax(logits / best_t, 1).numpy()
    conf = prob.max(1)
    correct = prob.argmax(1) == yva
    bins = np.linspace(0, 1, 11)
    ece = 0.0
    for a, b in zip(bins[:-1], bins[1:]):
        m = (conf > a) & (conf <= b)
        if m.any():
            ece += m.mean() * abs(conf[m].mean() - correct[m].mean())
    print(f"temperature {best_t:.2f} val nll {best_nll:.4f} ECE {ece:.4f}")
    conf_mat = np.zeros((len(ALPHABET), len(ALPHABET)), np.int64)
    np.add.at(conf_mat, (yva, prob.argmax(1)), 1)
    errs = [(conf_mat[i, j], ALPHABET[i], ALPHABET[j]) for i in range(len(ALPHABET))
            for j in range(len(ALPHABET)) if i != j and conf_mat[i, j]]
    print("top confusions (count, true, predicted):", sorted(errs, reverse=True)[:12])

    sd = {k: v.detach().numpy() for k, v in model.state_dict().items()}
    layers = {
        "c1w": sd["0.weight"], "c1b": sd["0.bias"],
        "c2w": sd["3.weight"], "c2b": sd["3.bias"],
        "c3w": sd["6.weight"], "c3b": sd["6.bias"],
        "f1w": sd["10.weight"], "f1b": sd["10.bias"],
        "f2w": sd["13.weight"], "f2b": sd["13.bias"],
    }
    np.savez_compressed(
        args.out,
        **{k: v.astype(np.float32) for k, v in layers.items()},
        temperature=np.float32(best_t),
        alphabet=np.array(ALPHABET),
        cell=np.int32(CELL),
        meta=np.array(f"seed={args.seed} lines={args.lines} epochs={args.epochs} val_acc={acc:.5f} ece={ece:.4f}"),
    )
    print("wrote", args.out, Path(args.out).stat().st_size, "bytes")
    export_onnx(args.out)


def export_onnx(npz_path: str) -> None:
    """Write the ``.onnx`` twin of the weights (run by OpenCV's dnn module at inference).

    Needs ``torch`` and ``onnx``; it is rebuilt from the ``.npz`` alone, so it can be rerun:
    ``python -c "import tools.train_glyph_model as t; t.export_onnx('docfraud/data/mrz_glyphs.npz')"``.
    """
    import torch

    d = np.load(npz_path)
    model = build_model(torch)
    names = {"c1": "0", "c2": "3", "c3": "6", "f1": "10", "f2": "13"}
    sd = {}
    for short, idx in names.items():
        sd[f"{idx}.weight"] = torch.from_numpy(d[short + "w"])
        sd[f"{idx}.bias"] = torch.from_numpy(d[short + "b"])
    model.load_state_dict(sd)
    model.eval()
    out = str(Path(npz_path).with_suffix(".onnx"))
    torch.onnx.export(model, torch.zeros(1, 1, CELL, CELL), out, input_names=["cells"],
                      output_names=["logits"], dynamic_axes={"cells": {0: "n"}, "logits": {0: "n"}},
                      dynamo=False, opset_version=13)
    print("wrote", out, Path(out).stat().st_size, "bytes")


def build_model(torch):  # type: ignore[no-untyped-def]
    nn = torch.nn
    return nn.Sequential(
        nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(64 * (CELL // 8) ** 2, 128), nn.ReLU(), nn.Dropout(0.2),
        nn.Linear(128, len(ALPHABET)),
    )


if __name__ == "__main__":
    main()
