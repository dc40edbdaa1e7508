"""MRZ typography tells OCR-B at 2.54 mm from another font or pitch."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from docfraud.compare.typography import measure_line, measure_mrz, render_line_image

TEXT = "L898902C36UTO7408122F1204159ZE184226B<<<<<10"
DPI = 300
K = DPI / 25.4
MONO = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"


def line(pitch_mm=2.54, font=None, blur=0.8) -> np.ndarray:
    kw = {} if font is None else {"font": font}
    img = render_line_image(TEXT, cap_px=round(2.4 * K), pitch_px=pitch_mm * K, **kw)
    return cv2.GaussianBlur(img, (0, 0), blur)


def test_genuine_ocrb_line():
    m = measure_line(line(), TEXT, DPI)
    assert abs(m.pitch_mm - 2.54) < 0.02
    assert m.glyph_score > 0.9 and m.glyphs == len(TEXT.replace("<", ""))
    assert abs(m.slope_deg) < 0.5


def test_wrong_pitch_is_measured():
    assert abs(measure_line(line(2.35), TEXT, DPI).pitch_mm - 2.35) < 0.02


def test_other_font_scores_lower():
    from pathlib import Path

    font = Path(MONO)
    if not font.exists():
        pytest.skip("DejaVu Sans Mono not installed here")
    genuine = measure_line(line(), TEXT, DPI).glyph_score
    other = measure_line(line(font=font), TEXT, DPI).glyph_score
    assert genuine - other > 0.1


def test_measure_mrz_splits_lines():
    l1 = render_line_image("P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", round(2.4 * K),
                           2.54 * K)
    l2 = line(blur=0.01)
    w = max(l1.shape[1], l2.shape[1])
    zone = np.full((l1.shape[0] + l2.shape[0], w), 255, np.uint8)
    zone[:l1.shape[0], :l1.shape[1]] = l1
    zone[l1.shape[0]:, :l2.shape[1]] = l2
    res = measure_mrz(zone, ["P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", TEXT], DPI)
    assert all(r is not None and abs(r.pitch_mm - 2.54) < 0.03 for r in res)


def test_left_edge_ignores_a_mark_before_the_line():
    """The page edge or a speck left of the line is not its first character."""
    clean = line()
    marked = cv2.copyMakeBorder(clean, 0, 0, 40, 0, cv2.BORDER_CONSTANT, value=255)
    h = marked.shape[0]
    marked[h // 4:3 * h // 4, 2:6] = 0  # a dark vertical stroke, like a page edge
    a = measure_line(clean, TEXT, DPI)
    b = measure_line(marked, TEXT, DPI)
    assert abs((b.left_mm - 40 / K) - a.left_mm) < 0.1


def test_a_hairline_beside_the_line_does_not_set_cap_height_or_baseline():
    """A page edge one pixel wide, taller than the glyphs, at the line's end."""
    clean = cv2.copyMakeBorder(line(), 12, 12, 0, 30, cv2.BORDER_CONSTANT, value=255)
    marked = clean.copy()
    marked[2:-2, -3] = 40
    a, b = measure_line(clean, TEXT, DPI), measure_line(marked, TEXT, DPI)
    assert abs(a.cap_height_mm - b.cap_height_mm) < 0.05
    assert abs(a.baseline_mm - b.baseline_mm) < 0.05


def test_blurred_line_position_is_found_as_a_whole():
    """On a blurred capture the MRZ line's start is measured by finding its first characters
    in OCR-B as a whole: a line moved by 1 mm measures about 1 mm, one in place about 0, whatever
    the blur does to the glyph outlines."""
    from docfraud.compare.checks import line_offset_mm

    ref = line(blur=0.6)
    m = measure_line(ref, TEXT, DPI)
    shift = int(round(1.0 * K))
    moved = np.full_like(ref, 255)
    moved[:, shift:] = ref[:, :-shift]
    for blur in (2.0, 3.5):
        same = cv2.GaussianBlur(ref, (0, 0), blur)
        away = cv2.GaussianBlur(moved, (0, 0), blur)
        assert line_offset_mm(K, ref, same, TEXT, 2.4, m.left_mm, m.baseline_mm) < 0.15
        assert abs(line_offset_mm(K, ref, away, TEXT, 2.4, m.left_mm, m.baseline_mm) - 1.0) < 0.15


def test_a_character_pasted_in_off_its_place_is_found():
    """A character re-printed a pixel or two off the line's pitch or baseline (0.1 to 0.2 mm
    at 300 dpi) sits apart from the others; a genuine line's characters all sit within a few
    hundredths of a millimetre of their places, sharp or a little soft."""
    for blur in (0.6, 1.2):
        genuine = measure_line(line(blur=blur), TEXT, DPI)
        assert genuine.char_offset_mm < 0.06, (blur, genuine.char_offset_mm)
    sharp = render_line_image(TEXT, cap_px=round(2.4 * K), pitch_px=2.54 * K)
    pitch = 2.54 * K
    for dx, dy in ((2, 0), (0, 2), (1, 1)):
        img = sharp.copy()
        x = int(12 + 20 * pitch)  # the 21st character, a '4'
        cell = sharp[:, x:x + int(pitch)].copy()
        img[:, x:x + int(pitch)] = 255
        img[dy:, x + dx:x + dx + int(pitch)] = np.minimum(img[dy:, x + dx:x + dx + int(pitch)],
                                                          cell[:cell.shape[0] - dy])
        m = measure_line(cv2.GaussianBlur(img, (0, 0), 0.6), TEXT, DPI)
        assert m.char_offset_at == 20 and m.char_offset_mm > 0.1, (dx, dy, m.char_offset_mm)


def test_glyph_blur_measures_the_print_blur():
    """measure_line(blur=True) finds the Gaussian blur of a line's print: sharp OCR-B glyphs
    placed where the characters were found, blurred until they match."""
    found = []
    for sigma in (0.8, 1.6, 3.0):
        m = measure_line(line(blur=sigma), TEXT, DPI, blur=True)
        found.append(m.blur_mm * K)
    assert all(abs(f - s) < 0.2 for f, s in zip(found, (0.8, 1.6, 3.0))), found
    assert np.isnan(measure_line(line(), TEXT, DPI).blur_mm)  # only when asked


def test_ink_depth_is_the_print_s_whatever_the_blur():
    """measure_line(blur=True) also gives the ink's depth (the share of the paper's light a
    full stroke takes): a blur spreads the ink without lightening it, so the depth stays; a
    paler print (black at grey 60 on paper 230, a reprint's compressed contrast) measures
    lower at any blur."""
    depths = []
    for sigma in (0.8, 2.5):
        img = line(blur=sigma).astype(np.float32)  # black (0) on white (255)
        dark = measure_line(img.astype(np.uint8), TEXT, DPI, blur=True)
        pale = measure_line((60 + img * (230 - 60) / 255).astype(np.uint8), TEXT, DPI,
                            blur=True)
        # about 1 (the rendered glyphs' weight is not quite the template's)
        assert 0.9 < dark.ink_depth < 1.1 and abs(dark.paper_level - 255) < 5, \
            (sigma, dark.ink_depth, dark.paper_level)
        assert abs(pale.ink_depth / dark.ink_depth - 170 / 230) < 0.03, \
            (sigma, pale.ink_depth, dark.ink_depth)
        assert abs(pale.paper_level - 230) < 5, (sigma, pale.paper_level)
        depths.append(dark.ink_depth)
    # within what a template a little lighter than the print leaves (strokes the blur does not
    # yet spread over their edges fit wider than the template's)
    assert abs(depths[0] - depths[1]) < 0.08, depths


def test_blur_fit_tells_another_font_at_any_blur():
    """OCR-B blurred to the print's blur explains a blurred OCR-B line almost wholly, a line in
    another monospaced font much less, however blurred."""
    for sigma in (1.0, 2.5):
        ocrb = measure_line(line(blur=sigma), TEXT, DPI, blur=True)
        other = measure_line(line(font=MONO, blur=sigma), TEXT, DPI, blur=True)
        assert ocrb.blur_fit > 0.95, (sigma, ocrb.blur_fit)
        assert other is None or other.blur_fit < ocrb.blur_fit - 0.08, (sigma, other.blur_fit)
