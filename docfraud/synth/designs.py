"""The designs of docfraud's fictional specimens (all names, emblems and wording invented).

- ``UTO/P-2024``: Utopia (ICAO's specimen state) passport data page, TD3, 125 x 88 mm;
- ``UTO/V-2024``: Utopia visa sticker, MRV-A, 120 x 80 mm;
- ``ZZA/ID-2023``: Republic of Zanzara (user-assigned code ZZA) identity card, TD1,
  85.6 x 54 mm, front and back.

Captions are English with an invented second language ("Utopian", "Zanzaran"); no real
state's wording, emblem or colour scheme is imitated.
"""

from __future__ import annotations

from datetime import date

from docfraud.synth.artwork import (
    BLACK, FONT_BOLD, FONT_SANS, Barcode, Element, Emblem, Fibres, Field, Frame, GhostImage, Holder,
    Ink, MRZText, Microprint, OVEPatch, PortraitImage, Rect, Rosette, SideDesign, SignatureMark,
    SpecimenDesign, Spiro, Text, Tint, UVMotif, Waves, Zone, cap_em, data_path, register,
    text_width_mm,
)

CAPTION_CAP = 0.95
#: The validity of the passport and the identity card, to the day (synth.holders issues them
#: so): a document issued on day D expires ten years later less a day. The visa's period
#: varies with the visa, so its date of issue is tied to nothing.
VALID_10Y = {"valid_years": 10, "valid_days": -1}
VALUE_CAP = 1.9
VALUE_GAP = 3.0     # caption baseline -> value baseline, mm


def _dropout(name: str, rgb: tuple[float, float, float]) -> Ink:
    """An offset ink that vanishes in IR and does not fluoresce."""
    return Ink(name, rgb, ir=0.02, uv_quench=0.18)


def _fluor(name: str, uv: tuple[float, float, float]) -> Ink:
    """An invisible ink that fluoresces under UV."""
    return Ink(name, (1.0, 1.0, 1.0), ir=0.0, uv=uv, uv_quench=0.0)


FIBRE_INKS = (
    Ink("fibre red", (0.96, 0.91, 0.92), uv=(1.0, 0.25, 0.3), uv_quench=0.0),
    Ink("fibre blue", (0.91, 0.93, 0.97), uv=(0.35, 0.55, 1.0), uv_quench=0.0),
    Ink("fibre yellow-green", (0.95, 0.95, 0.9), uv=(0.75, 1.0, 0.3), uv_quench=0.0),
)


class Layout:
    """Collects the elements and zones of a side, with helpers for captioned fields."""

    def __init__(self, caption_ink: Ink, value_ink: Ink = BLACK, value_font: str = FONT_SANS,
                 caption_cap: float = CAPTION_CAP, value_cap: float = VALUE_CAP,
                 gap: float = VALUE_GAP) -> None:
        self.elements: list[Element] = []
        self.zones: list[Zone] = []
        self.caption_ink, self.value_ink, self.value_font = caption_ink, value_ink, value_font
        self.caption_cap, self.value_cap, self.gap = caption_cap, value_cap, gap

    def add(self, *els: Element) -> None:
        self.elements.extend(els)

    def zone(self, *zs: Zone) -> None:
        self.zones.extend(zs)

    def static(self, eid: str, text: str, x: float, y: float, cap: float, ink: Ink,
               font: str = FONT_SANS, label: str = "", zone: bool = True, anchor: str = "l",
               tracking: float = 0.0) -> None:
        self.add(Text(id=eid, text=text, x_mm=x, y_mm=y, cap_mm=cap, ink=ink, font=font,
                      anchor=anchor, tracking_mm=tracking))
        if zone:
            w = text_width_mm(text, font, cap, tracking)
            x0 = x - (w / 2 if anchor == "c" else w if anchor == "r" else 0)
            asc = cap * 1.35
            self.zone(Zone(eid, "static_text", (x0 - 0.4, y - asc - 0.3, w + 0.8, asc + 0.9),
                           label or text, params={"text": text, "font": _stem(font),
                                                  "cap_height_mm": cap}))

    def field(self, fid: str, caption: str, x: float, y: float, source: str, width: float,
              *, mrz_field: str | None = None, date_format: str | None = None,
              font: str | None = None, cap: float | None = None, extra: dict | None = None,
              caption_zone: bool = True) -> Rect:
        """A caption at baseline ``y`` and the personalised value under it; returns the value's
        zone rect (the widest value the layout allows)."""
        self.static(f"caption_{fid}", caption, x, y, self.caption_cap, self.caption_ink,
                    label=f"caption: {caption}", zone=caption_zone)
        font = font or self.value_font
        cap = cap or self.value_cap
        vy = y + self.gap
        self.add(Field(id=fid, source=source, x_mm=x, y_mm=vy, cap_mm=cap, font=font,
                       ink=self.value_ink, date_format=date_format))
        top = vy - cap * 1.42  # room for diacritics above the capitals
        rect = (x - 0.5, top - 0.2, width, vy + 0.7 - top)
        if mrz_field:
            params: dict = {"font": _stem(font), "cap_height_mm": cap}
            if date_format:
                params["date_format"] = date_format
            params.update(extra or {})
            self.zone(Zone(fid, "viz_field", rect, caption.split(" / ")[0].lstrip("0123456789. "),
                           mrz_field=mrz_field, params=params))
        return rect

    def side(self, name: str, corner_radius_mm: float = 0.0) -> SideDesign:
        ids = [e.id for e in self.elements]
        assert len(ids) == len(set(ids)), f"duplicate element ids on {name}"
        return SideDesign(name, tuple(self.elements), tuple(self.zones), corner_radius_mm)


def _micro_params(text: str) -> dict:
    """Params of a microprint zone: the repeated unit (repeats are separated by a space)."""
    return {"text": text.strip(), "repeated": True, "cap_height_mm": 0.55, "font": _stem(FONT_BOLD)}


def _stem(font: str) -> str:
    return data_path(font).rsplit("/", 1)[-1].rsplit(".", 1)[0]


def mrz_cap() -> float:
    return 2.54 / 0.723 * cap_em(data_path("OCRB.otf"))


def _mrz(lay: Layout, side_w: float, side_h: float, x: float, centres: tuple[float, ...],
         zone_h: float, chars: int) -> None:
    cap = mrz_cap()
    lay.add(MRZText(id="mrz", x_mm=x, centres_mm=centres))
    lay.zone(Zone("mrz", "mrz", (0.0, side_h - zone_h, side_w, zone_h), "Machine readable zone",
                  params={"lines": len(centres), "chars_per_line": chars, "pitch_mm": 2.54,
                          "first_char_x_mm": x, "line_centres_mm": list(centres),
                          "cap_height_mm": round(cap, 3), "font": "OCRB"}))
    lay.zone(Zone("mrz_ir", "ir_visible", (x - 1.0, centres[0] - cap / 2 - 1.0, chars * 2.54 + 2.0,
                                            centres[-1] - centres[0] + cap + 2.0),
                  "MRZ (IR-absorbing)"))


# --------------------------------------------------------------------------- Utopia passport

UTO_FOUNTAIN = ((0.0, (0.62, 0.84, 0.82)), (0.38, (0.78, 0.72, 0.9)), (0.72, (0.95, 0.84, 0.62)),
                (1.0, (0.66, 0.86, 0.8)))
UTO_LINES = ((0.0, (0.12, 0.5, 0.52)), (0.4, (0.44, 0.3, 0.66)), (0.75, (0.78, 0.5, 0.16)),
             (1.0, (0.14, 0.52, 0.46)))
UTO_CAPTION = _dropout("Utopia caption blue-green", (0.1, 0.3, 0.4))
UTO_TITLE = _dropout("Utopia title violet", (0.24, 0.2, 0.5))
UTO_OFFSET = _dropout("Utopia rainbow offset", (0.5, 0.5, 0.5))


def _base(lay: Layout, w: float, h_art: float, holes: tuple[Rect, ...], *, fountain, lines,
          offset: Ink, title_ink: Ink, micro_ink: Ink, emblem: str, emblem_c: tuple[float, float],
          emblem_r: float, state: str, state_cap: float, subtitle: str, subtitle_cap: float,
          micro: str, micro_y: float, state_tracking: float = 0.6, frame_band: float = 1.8,
          weave_spacing: float = 0.75, corner: float = 2.0) -> None:
    """Rainbow tint, guilloche weave and frame, emblem, titles and the header microprint."""
    lay.add(Tint(id="tint", rect_mm=(0, 0, w, h_art), density=0.3, stops=fountain, ink=offset))
    lay.add(Waves(id="guilloche_weave", rect_mm=(1.5, 1.5, w - 3, h_art - 2.5), spacing_mm=weave_spacing,
                  amp_mm=0.9, wavelength_mm=9.0, phase_step=0.21, amp2_mm=0.45, wavelength2_mm=31,
                  stops=lines, density=0.45, ink=offset, clip_radius_mm=corner, holes=holes))
    lay.add(Frame(id="guilloche_frame", rect_mm=(0.8, 0.8, w - 1.6, h_art - 1.2), band_mm=frame_band,
                  lines=6 if frame_band > 1.5 else 4, wavelength_mm=2.6, amp_mm=0.35, stops=lines,
                  density=0.85, ink=offset))
    lay.add(Emblem(id="emblem", style=emblem, center_mm=emblem_c, radius_mm=emblem_r, ink=title_ink,
                   thickness=2 if emblem_r > 3.5 else 1))
    tx = emblem_c[0] + emblem_r + 2.2
    lay.static("title_state", state, tx, emblem_c[1] - 0.2 + state_cap / 2, state_cap, title_ink,
               font=FONT_BOLD, tracking=state_tracking, label="State name")
    lay.static("title_document", subtitle, tx, emblem_c[1] + state_cap / 2 + subtitle_cap + 1.2,
               subtitle_cap, title_ink, label="Document title", tracking=0.15)
    lay.add(Microprint(id="microprint_header", text=micro, x_mm=2.5, y_mm=micro_y,
                       length_mm=w - 5.0, ink=micro_ink))
    lay.zone(Zone("microprint_header", "microprint", (2.3, micro_y - 0.9, w - 4.6, 1.2),
                  "Microprint line under the header", params=_micro_params(micro)))


def _uto_common(lay: Layout, w: float, h_art: float, holes: tuple[Rect, ...],
                emblem_c: tuple[float, float], subtitle: str, micro: str,
                weave_spacing: float = 0.75) -> None:
    """The base shared by the Utopia passport and visa."""
    _base(lay, w, h_art, holes, fountain=UTO_FOUNTAIN, lines=UTO_LINES, offset=UTO_OFFSET,
          title_ink=UTO_TITLE, micro_ink=UTO_CAPTION, emblem="octafoil", emblem_c=emblem_c,
          emblem_r=4.6, state="UTOPIA", state_cap=3.0, subtitle=subtitle, subtitle_cap=1.3,
          micro=micro, micro_y=emblem_c[1] + 6.3, weave_spacing=weave_spacing)


@register("UTO/P-2024")
def utopia_passport() -> SpecimenDesign:
    W, H = 125.0, 88.0
    mrz_top = H - 23.2
    portrait: Rect = (5.0, 17.0, 32.0, 41.0)
    ghost: Rect = (101.0, 27.5, 20.0, 25.6)
    lay = Layout(UTO_CAPTION)
    micro = "UTOPIA PASSPORT PASSERA UTO 2024 "
    _uto_common(lay, W, mrz_top, (portrait,), (10.5, 7.0), "PASSPORT / PASSERA", micro,
                weave_spacing=0.82)
    # MRZ clear area: only a very light tint
    lay.add(Tint(id="tint_mrz", rect_mm=(0, mrz_top, W, H - mrz_top), density=0.07, stops=UTO_FOUNTAIN,
                 ink=UTO_OFFSET))
    lay.add(Rosette(id="guilloche_rosette", center_mm=(80.0, 38.0), r_inner_mm=5.0, r_outer_mm=22.0,
                    rings=34, lobes=28, amp_mm=0.8, phase_step=0.16, squash=0.92, stops=UTO_LINES,
                    density=0.5, ink=UTO_OFFSET))
    lay.add(Spiro(id="guilloche_spiro", center_mm=(111.0, 7.6), radius_mm=5.6, R=40, r=13, d=17,
                  copies=2, stops=UTO_LINES, density=0.8, ink=UTO_OFFSET))
    edge: Rect = (33.0, 17.0, 7.0, 41.0)
    lay.add(Waves(id="guilloche_portrait_edge", rect_mm=edge, spacing_mm=0.5, amp_mm=0.6,
                  wavelength_mm=4.2, phase_step=0.35, amp2_mm=0.25, wavelength2_mm=11, rotate_deg=90,
                  ink=_dropout("Utopia edge violet", (0.42, 0.26, 0.62)), density=0.55))
    lay.zone(Zone("guilloche_portrait_edge", "background", edge,
                  "Guilloche over the portrait's right edge", params={"features": ["guilloche"]}))
    lay.zone(Zone("background", "background", (1.5, 1.5, W - 3.0, mrz_top - 2.5),
                  "Rainbow tint and guilloche weave", params={"features": ["guilloche", "rainbow"]}))
    lay.zone(Zone("background_header", "background", (62.0, 2.2, 41.0, 9.0),
                  "Header: rainbow and guilloche without text", params={"features": ["guilloche", "rainbow"]}))
    lay.zone(Zone("guilloche_rosette", "background", (58.0, 17.8, 44.0, 40.5),
                  "Guilloche rosette behind the data", params={"features": ["guilloche"]}))
    # UV features
    uv: Rect = (64.0, 16.5, 34.0, 40.0)
    lay.add(UVMotif(id="uv_motif", rect_mm=uv, style="rosette", word="UTOPIA",
                    ink=_fluor("UV yellow-green", (0.62, 0.95, 0.32)),
                    word_ink=_fluor("UV red-orange", (1.0, 0.42, 0.22))))
    lay.zone(Zone("uv_motif", "uv_pattern", uv, "UV rosette and 'UTOPIA'"))
    lay.add(Fibres(id="fibres", rect_mm=(1.0, 1.0, W - 2, H - 2), count=55, inks=FIBRE_INKS))
    # captions and fields
    x, x2 = 42.0, 72.0
    r = [15.8, 21.6, 27.3, 33.0, 38.7, 44.4, 50.1, 55.8]
    lay.field("type", "Type / Tipo", x, r[0], "design:mrz_document_code", 10.0, caption_zone=True)
    lay.field("issuing_state", "Code / Kodo", 55.0, r[0], "design:issuer", 12.0,
              mrz_field="issuing_state")
    lay.field("document_number", "Passport No. / Numero", 75.0, r[0], "document_number", 28.0,
              mrz_field="document_number", font=FONT_BOLD, cap=2.1)
    lay.field("surname", "1. Surname / Famelo", x, r[1], "surname", 78.0, mrz_field="surname")
    lay.field("given_names", "2. Given names / Nomini", x, r[2], "given_names", 57.0,
              mrz_field="given_names")
    lay.field("nationality", "3. Nationality / Civitat", x, r[3], "nationality", 30.0,
              mrz_field="nationality", extra={"format": "code"})
    lay.field("birth_date", "4. Date of birth / Dato natal", x, r[4], "birth_date", 28.0,
              mrz_field="birth_date", date_format="DD MMM YYYY")
    lay.field("sex", "5. Sex / Genro", x2, r[4], "sex", 8.0, mrz_field="sex")
    lay.field("place_of_birth", "6. Place of birth / Loko natal", x, r[5], "place_of_birth", 55.0)
    lay.field("issue_date", "7. Date of issue / Dato emisa", x, r[6], "issue_date", 28.0,
              mrz_field="issue_date", date_format="DD MMM YYYY", extra=VALID_10Y)
    lay.field("authority", "8. Authority / Autoritat", x2, r[6], "authority", 27.0)
    lay.field("expiry_date", "9. Date of expiry / Dato fina", x, r[7], "expiry_date", 28.0,
              mrz_field="expiry_date", date_format="DD MMM YYYY")
    lay.static("caption_signature", "10. Holder's signature / Signo", x2, r[7], CAPTION_CAP, UTO_CAPTION)
    sig: Rect = (x2, r[7] + 0.6, 27.5, 7.6)
    # personalisation
    lay.add(PortraitImage(id="portrait", rect_mm=portrait))
    lay.zone(Zone("portrait", "portrait", portrait, "Portrait",
                  params={"overlay_zone": "guilloche_portrait_edge"}))
    lay.zone(Zone("portrait_uv", "uv_dull", portrait, "Portrait: no fluorescence"))
    lay.add(OVEPatch(id="ove", rect_mm=(25.0, 45.5, 15.0, 12.0), emblem="octafoil", ellipse=True))
    lay.zone(Zone("ove", "ove", (25.0, 45.5, 15.0, 12.0), "OVD patch over the portrait's corner"))
    lay.add(GhostImage(id="ghost", rect_mm=ghost, ink=_dropout("ghost sepia", (0.38, 0.3, 0.28))))
    lay.zone(Zone("ghost", "ghost_portrait", ghost, "Ghost portrait"))
    lay.zone(Zone("ghost_ir", "ir_dropout", ghost, "Ghost portrait: drops out in IR"))
    lay.add(SignatureMark(id="signature", rect_mm=sig))
    lay.zone(Zone("signature", "signature", sig, "Holder's signature"))
    lay.add(Microprint(id="microprint_portrait", text="UTOPIA UTO ", x_mm=5.0, y_mm=59.6,
                       length_mm=32.0, ink=UTO_CAPTION))
    lay.zone(Zone("microprint_portrait", "microprint", (4.8, 58.7, 32.4, 1.2),
                  "Microprint under the portrait", params=_micro_params("UTOPIA UTO ")))
    lay.add(Microprint(id="microprint_mrz", text="PASSERA UTOPIA ", x_mm=6.0, y_mm=mrz_top + 1.3,
                       length_mm=112.0, ink=UTO_CAPTION))
    lay.zone(Zone("microprint_mrz", "microprint", (5.8, mrz_top + 0.4, 112.4, 1.2),
                  "Microprint above the MRZ", params=_micro_params("PASSERA UTOPIA ")))
    _mrz(lay, W, H, 6.0, (72.6, 78.9), 23.2, 44)
    # IR zones
    for fid in ("document_number", "surname", "birth_date", "expiry_date"):
        z = next(z for z in lay.zones if z.id == fid)
        lay.zone(Zone(f"{fid}_ir", "ir_visible", z.rect_mm, f"{z.label} (IR-absorbing)"))
    lay.zone(Zone("header_ir", "ir_dropout", (62.0, 2.2, 41.0, 9.0), "Header artwork: drops out in IR"))
    lay.zone(Zone("corner_ir", "ir_dropout", (101.5, 55.0, 19.5, 8.5), "Background: drops out in IR"))
    sample = Holder("ERIKSSON", "ANNA MARIA", "L898902C3", "UTO", date(1974, 8, 12), "F",
                    date(2034, 4, 15), issue_date=date(2024, 4, 16), place_of_birth="ZENITH",
                    authority="PASSPORT OFFICE", optional_data="ZE184226B", portrait_seed=11)
    return SpecimenDesign("UTO/P-2024", "UTO", "P", "P", "TD3",
                          "Utopia passport, data page, 2024 series (fictional)", (W, H),
                          (lay.side("page"),), sample, validity_years=10,
                          series_from=date(2024, 1, 1), series_to=date(2034, 12, 31),
                          state_name="Utopia")


# --------------------------------------------------------------------------- Utopia visa

@register("UTO/V-2024")
def utopia_visa() -> SpecimenDesign:
    W, H = 120.0, 80.0
    mrz_top = H - 23.2
    portrait: Rect = (4.0, 15.5, 25.0, 32.0)
    ghost: Rect = (100.5, 31.5, 16.0, 21.0)
    ove: Rect = (102.0, 2.6, 15.0, 10.5)
    lay = Layout(UTO_CAPTION, caption_cap=0.9, value_cap=1.7, gap=2.8)
    _uto_common(lay, W, mrz_top, (portrait,), (9.0, 6.6), "VISA / VIANDA",
                "UTOPIA VISA VIANDA UTO ")
    lay.add(Tint(id="tint_mrz", rect_mm=(0, mrz_top, W, H - mrz_top), density=0.07, stops=UTO_FOUNTAIN,
                 ink=UTO_OFFSET))
    lay.add(Spiro(id="guilloche_spiro", center_mm=(70.0, 35.0), radius_mm=17.0, R=40, r=13, d=17,
                  copies=3, stops=UTO_LINES, density=0.45, ink=UTO_OFFSET, squash=0.85))
    lay.zone(Zone("guilloche_spiro", "background", (52.5, 20.0, 35.0, 30.0), "Spirograph rosette",
                  params={"features": ["guilloche"]}))
    edge: Rect = (26.5, 16.0, 6.0, 31.0)
    lay.add(Waves(id="guilloche_portrait_edge", rect_mm=edge, spacing_mm=0.5, amp_mm=0.6,
                  wavelength_mm=4.2, phase_step=0.35, amp2_mm=0.25, wavelength2_mm=11, rotate_deg=90,
                  ink=_dropout("Utopia edge violet", (0.42, 0.26, 0.62)), density=0.55))
    lay.zone(Zone("guilloche_portrait_edge", "background", edge, "Guilloche over the portrait's right edge",
                  params={"features": ["guilloche"]}))
    lay.zone(Zone("background", "background", (1.5, 1.5, W - 3.0, mrz_top - 2.5),
                  "Rainbow tint and guilloche weave", params={"features": ["guilloche", "rainbow"]}))
    lay.zone(Zone("background_header", "background", (56.0, 2.2, 43.0, 8.5),
                  "Header: rainbow and guilloche without text", params={"features": ["guilloche", "rainbow"]}))
    uv: Rect = (55.0, 13.5, 30.0, 36.0)
    lay.add(UVMotif(id="uv_motif", rect_mm=uv, style="rosette", word="VIANDA",
                    ink=_fluor("UV blue", (0.35, 0.7, 1.0)), word_ink=_fluor("UV yellow-green", (0.7, 0.98, 0.3))))
    lay.zone(Zone("uv_motif", "uv_pattern", uv, "UV rosette and 'VIANDA'"))
    lay.add(Fibres(id="fibres", rect_mm=(1.0, 1.0, W - 2, H - 2), count=45, inks=FIBRE_INKS))
    c1, c2, c3 = 35.0, 62.0, 86.0
    r = [16.0, 21.6, 27.2, 32.8, 38.4, 44.0, 49.6]
    lay.field("valid_for", "Valid for / Valida en", c1, r[0], "extra:valid_for", 25.0)
    lay.field("valid_from", "From / Dum", c2, r[0], "extra:valid_from", 22.0)
    lay.field("expiry_date", "Until / Fina", c3, r[0], "expiry_date", 18.0, mrz_field="expiry_date",
              date_format="DD MMM YYYY")
    lay.field("visa_type", "Type of visa / Tipo", c1, r[1], "extra:visa_type", 25.0)
    lay.field("entries", "Entries / Eniroj", c2, r[1], "extra:entries", 22.0)
    lay.field("duration", "Duration of stay / Dauro", c3, r[1], "extra:duration", 18.0)
    lay.field("document_number", "Visa No. / Numero", c1, r[2], "document_number", 25.0,
              mrz_field="document_number", font=FONT_BOLD, cap=1.9)
    lay.field("place_of_issue", "Issued at / Emisa en", c2, r[2], "extra:place_of_issue", 22.0)
    lay.field("issue_date", "Date of issue / Dato", c3, r[2], "issue_date", 14.5, date_format="DD MMM YYYY")
    lay.field("surname", "Surname / Famelo", c1, r[3], "surname", 63.0, mrz_field="surname")
    lay.field("given_names", "Given names / Nomini", c1, r[4], "given_names", 63.0, mrz_field="given_names")
    lay.field("birth_date", "Date of birth / Dato natal", c1, r[5], "birth_date", 25.0,
              mrz_field="birth_date", date_format="DD MMM YYYY")
    lay.field("sex", "Sex / Genro", c2, r[5], "sex", 10.0, mrz_field="sex")
    lay.field("nationality", "Nationality / Civitat", 74.0, r[5], "nationality", 24.0,
              mrz_field="nationality", extra={"format": "code"})
    lay.field("passport_number", "Passport No. / Pasero", c1, r[6], "extra:passport_number", 25.0)
    lay.field("remarks", "Remarks / Notoj", c2, r[6], "extra:remarks", 36.0)
    lay.add(PortraitImage(id="portrait", rect_mm=portrait))
    lay.zone(Zone("portrait", "portrait", portrait, "Portrait", params={"overlay_zone": "guilloche_portrait_edge"}))
    lay.zone(Zone("portrait_uv", "uv_dull", portrait, "Portrait: no fluorescence"))
    lay.add(OVEPatch(id="ove", rect_mm=ove, emblem="octafoil", radius_mm=1.5))
    lay.zone(Zone("ove", "ove", ove, "Kinegram-style OVD patch"))
    lay.zone(Zone("ove_uv", "uv_dull", ove, "OVD: no fluorescence"))
    lay.add(GhostImage(id="ghost", rect_mm=ghost, ink=_dropout("ghost sepia", (0.38, 0.3, 0.28))))
    lay.zone(Zone("ghost", "ghost_portrait", ghost, "Ghost portrait"))
    lay.zone(Zone("ghost_ir", "ir_dropout", ghost, "Ghost portrait: drops out in IR"))
    lay.add(Microprint(id="microprint_portrait", text="VIANDA UTO ", x_mm=4.0, y_mm=49.2,
                       length_mm=25.0, ink=UTO_CAPTION))
    lay.zone(Zone("microprint_portrait", "microprint", (3.8, 48.3, 25.4, 1.2), "Microprint under the portrait",
                  params=_micro_params("VIANDA UTO ")))
    lay.add(Microprint(id="microprint_mrz", text="UTOPIA VIANDA ", x_mm=4.0, y_mm=mrz_top + 1.3,
                       length_mm=112.0, ink=UTO_CAPTION))
    lay.zone(Zone("microprint_mrz", "microprint", (3.8, mrz_top + 0.4, 112.4, 1.2), "Microprint above the MRZ",
                  params=_micro_params("UTOPIA VIANDA ")))
    _mrz(lay, W, H, 4.0, (H - 15.4, H - 9.1), 23.2, 44)
    for fid in ("document_number", "surname", "birth_date", "expiry_date"):
        z = next(z for z in lay.zones if z.id == fid)
        lay.zone(Zone(f"{fid}_ir", "ir_visible", z.rect_mm, f"{z.label} (IR-absorbing)"))
    lay.zone(Zone("header_ir", "ir_dropout", (56.0, 2.2, 43.0, 8.5), "Header artwork: drops out in IR"))
    sample = Holder("SPECIMEN", "TOMAS ELIAN", "VU4087213", "ZZA", date(1988, 3, 2), "M",
                    date(2027, 3, 2), issue_date=date(2026, 3, 2),
                    extra={"valid_for": "UTOPIA", "valid_from": "03 MAR 2026", "visa_type": "C",
                           "entries": "MULT", "duration": "90 DAYS", "place_of_issue": "ZENITH",
                           "passport_number": "ZP2240718", "remarks": "TOURISM"},
                    portrait_seed=23)
    return SpecimenDesign("UTO/V-2024", "UTO", "V", "V", "MRV-A",
                          "Utopia visa sticker, MRV-A, 2024 series (fictional)", (W, H),
                          (lay.side("page"),), sample, validity_years=5,
                          series_from=date(2024, 1, 1), series_to=date(2034, 12, 31), state_name="Utopia")


# --------------------------------------------------------------------------- Zanzara identity card

ZZA_FOUNTAIN = ((0.0, (0.97, 0.84, 0.6)), (0.45, (0.97, 0.74, 0.7)), (1.0, (0.76, 0.87, 0.64)))
ZZA_LINES = ((0.0, (0.72, 0.46, 0.1)), (0.45, (0.74, 0.26, 0.26)), (1.0, (0.3, 0.5, 0.2)))
ZZA_CAPTION = _dropout("Zanzara caption brown", (0.36, 0.2, 0.12))
ZZA_TITLE = _dropout("Zanzara title red-brown", (0.5, 0.14, 0.12))
ZZA_OFFSET = _dropout("Zanzara rainbow offset", (0.5, 0.5, 0.5))
ZZA_DATE = "DD.MM.YYYY"
CARD_R = 3.18


@register("ZZA/ID-2023")
def zanzara_id() -> SpecimenDesign:
    W, H = 85.6, 54.0
    # ---- front
    portrait: Rect = (3.0, 12.0, 22.0, 28.0)
    ghost: Rect = (68.5, 23.0, 14.0, 18.0)
    ove: Rect = (16.5, 30.5, 11.0, 10.0)
    f = Layout(ZZA_CAPTION, caption_cap=0.75, value_cap=1.55, gap=2.35)
    _base(f, W, H, (portrait,), fountain=ZZA_FOUNTAIN, lines=ZZA_LINES, offset=ZZA_OFFSET,
          title_ink=ZZA_TITLE, micro_ink=ZZA_CAPTION, emblem="trine", emblem_c=(6.6, 5.6), emblem_r=3.6,
          state="REPUBLIC OF ZANZARA", state_cap=1.8, subtitle="IDENTITY CARD / VESSANI DOKARTA",
          subtitle_cap=0.9, micro="ZANZARA ZZA IDENTITY ", micro_y=10.4, state_tracking=0.25,
          frame_band=1.2, weave_spacing=0.7, corner=CARD_R)
    f.add(Rosette(id="guilloche_rosette", center_mm=(52.0, 27.0), r_inner_mm=3.0, r_outer_mm=15.0,
                  rings=26, lobes=22, amp_mm=0.6, phase_step=0.17, squash=0.85, stops=ZZA_LINES,
                  density=0.5, ink=ZZA_OFFSET))
    edge: Rect = (22.0, 12.5, 5.0, 27.0)
    f.add(Waves(id="guilloche_portrait_edge", rect_mm=edge, spacing_mm=0.45, amp_mm=0.5, wavelength_mm=3.6,
                phase_step=0.35, amp2_mm=0.2, wavelength2_mm=9, rotate_deg=90,
                ink=_dropout("Zanzara edge red", (0.7, 0.28, 0.22)), density=0.5))
    f.zone(Zone("guilloche_portrait_edge", "background", edge, "Guilloche over the portrait's right edge",
                params={"features": ["guilloche"]}))
    f.zone(Zone("background", "background", (1.5, 1.5, W - 3.0, H - 3.0), "Rainbow tint and guilloche weave",
                params={"features": ["guilloche", "rainbow"]}))
    f.zone(Zone("background_band", "background", (29.0, 43.0, 36.0, 8.5), "Lower band: guilloche and rainbow",
                params={"features": ["guilloche", "rainbow"]}))
    uv: Rect = (36.0, 11.5, 32.0, 30.0)
    f.add(UVMotif(id="uv_motif", rect_mm=uv, style="waves", word="ZANZARA",
                  ink=_fluor("UV cyan", (0.3, 0.85, 1.0)), word_ink=_fluor("UV orange", (1.0, 0.6, 0.2)),
                  thickness=2))
    f.zone(Zone("uv_motif", "uv_pattern", uv, "UV waves, triangles and 'ZANZARA'"))
    f.add(Fibres(id="fibres_front", rect_mm=(1.5, 1.5, W - 3, H - 3), count=28, inks=FIBRE_INKS))
    x = 29.0
    r = [13.2, 18.0, 22.8, 27.6, 32.4]
    f.field("surname", "Surname / Vessan", x, r[0], "surname", 52.0, mrz_field="surname")
    f.field("given_names", "Given names / Lirenne", x, r[1], "given_names", 52.0, mrz_field="given_names")
    f.field("sex", "Sex / Sael", x, r[2], "sex", 7.0, mrz_field="sex")
    f.field("nationality", "Nationality / Nazeya", 37.0, r[2], "nationality", 16.0, mrz_field="nationality",
            extra={"format": "code"})
    f.field("birth_date", "Date of birth / Dath nessa", 54.0, r[2], "birth_date", 14.0,
            mrz_field="birth_date", date_format=ZZA_DATE)
    f.field("document_number", "Document No. / Doknum", x, r[3], "document_number", 24.0,
            mrz_field="document_number", font=FONT_BOLD, cap=1.6)
    f.field("expiry_date", "Date of expiry / Dath finna", 54.0, r[3], "expiry_date", 14.0,
            mrz_field="expiry_date", date_format=ZZA_DATE)
    f.static("caption_signature", "Signature / Sinnat", x, r[4], 0.75, ZZA_CAPTION)
    sig: Rect = (x, r[4] + 0.5, 25.0, 7.0)
    f.add(PortraitImage(id="portrait", rect_mm=portrait, radius_mm=1.0))
    f.zone(Zone("portrait", "portrait", portrait, "Portrait", params={"overlay_zone": "guilloche_portrait_edge"}))
    f.zone(Zone("portrait_uv", "uv_dull", portrait, "Portrait: no fluorescence"))
    f.add(OVEPatch(id="ove", rect_mm=ove, emblem="trine", ellipse=True))
    f.zone(Zone("ove", "ove", ove, "OVD patch over the portrait's corner"))
    f.add(GhostImage(id="ghost", rect_mm=ghost, period_px=3.2, ink=_dropout("ghost brown", (0.42, 0.28, 0.22))))
    f.zone(Zone("ghost", "ghost_portrait", ghost, "Ghost portrait"))
    f.zone(Zone("ghost_ir", "ir_dropout", ghost, "Ghost portrait: drops out in IR"))
    f.add(SignatureMark(id="signature", rect_mm=sig))
    f.zone(Zone("signature", "signature", sig, "Holder's signature"))
    f.add(Microprint(id="microprint_band", text="REPUBLIC OF ZANZARA ", x_mm=3.0, y_mm=45.0, length_mm=62.0,
                     ink=ZZA_CAPTION))
    f.zone(Zone("microprint_band", "microprint", (2.8, 44.1, 62.4, 1.2), "Microprint in the lower band",
                params=_micro_params("REPUBLIC OF ZANZARA ")))
    for fid in ("document_number", "surname", "birth_date", "expiry_date"):
        z = next(z for z in f.zones if z.id == fid)
        f.zone(Zone(f"{fid}_ir", "ir_visible", z.rect_mm, f"{z.label} (IR-absorbing)"))
    f.zone(Zone("band_ir", "ir_dropout", (29.0, 43.0, 36.0, 8.5), "Lower band: drops out in IR"))
    front = f.side("front", CARD_R)

    # ---- back
    mrz_top = H - 17.9
    b = Layout(ZZA_CAPTION, caption_cap=0.75, value_cap=1.45, gap=2.25)
    b.add(Tint(id="back_tint", rect_mm=(0, 0, W, mrz_top), density=0.28, stops=ZZA_FOUNTAIN, ink=ZZA_OFFSET,
               angle_deg=180.0))
    b.add(Tint(id="back_tint_mrz", rect_mm=(0, mrz_top, W, H - mrz_top), density=0.06, stops=ZZA_FOUNTAIN,
               ink=ZZA_OFFSET, angle_deg=180.0))
    qr: Rect = (61.5, 3.0, 21.0, 21.0)
    b.add(Waves(id="back_weave", rect_mm=(1.5, 1.5, W - 3, mrz_top - 2.0), spacing_mm=0.7, amp_mm=0.7,
                wavelength_mm=7.0, phase_step=0.25, amp2_mm=0.5, wavelength2_mm=26, rotate_deg=-8,
                stops=ZZA_LINES, angle_deg=180.0, density=0.42, ink=ZZA_OFFSET, clip_radius_mm=CARD_R,
                holes=(qr,)))
    b.add(Rosette(id="back_rosette", center_mm=(45.0, 17.0), r_inner_mm=2.0, r_outer_mm=13.0, rings=24,
                  lobes=18, amp_mm=0.55, phase_step=0.2, stops=ZZA_LINES, angle_deg=180.0, density=0.5,
                  ink=ZZA_OFFSET))
    b.add(Emblem(id="back_emblem", style="trine", center_mm=(45.0, 17.0), radius_mm=6.0,
                 ink=_dropout("Zanzara emblem tint", (0.86, 0.62, 0.5)), thickness=1, density=0.8))
    b.zone(Zone("back_background", "background", (30.0, 3.0, 30.0, 28.0), "Rosette and emblem in the rainbow",
                params={"features": ["guilloche", "rainbow"]}))
    b.static("back_title", "REPUBLIC OF ZANZARA", 3.0, 4.0, 1.2, ZZA_TITLE, font=FONT_BOLD, tracking=0.15,
             label="State name")
    uvb: Rect = (31.0, 2.5, 28.0, 30.0)
    b.add(UVMotif(id="back_uv_motif", rect_mm=uvb, style="rosette", word="ZZA",
                  ink=_fluor("UV orange", (1.0, 0.55, 0.2)), word_ink=_fluor("UV cyan", (0.3, 0.85, 1.0)),
                  thickness=2))
    b.zone(Zone("back_uv_motif", "uv_pattern", uvb, "UV rosette and 'ZZA'"))
    b.add(Fibres(id="fibres_back", rect_mm=(1.5, 1.5, W - 3, H - 3), count=28, inks=FIBRE_INKS))
    x = 3.0
    rb = [7.6, 12.6, 17.6, 22.6]
    b.field("address", "Address / Adessa", x, rb[0], "extra:address", 40.0)
    b.field("place_of_birth", "Place of birth / Lok nessa", x, rb[1], "place_of_birth", 24.0)
    b.field("height", "Height / Altam", 28.0, rb[1], "extra:height", 12.0)
    b.field("issue_date", "Date of issue / Dath emma", x, rb[2], "issue_date", 24.0, date_format=ZZA_DATE,
            mrz_field="issue_date", extra=VALID_10Y)
    b.field("authority", "Authority / Ottorat", x, rb[3], "authority", 40.0)
    b.add(Barcode(id="barcode", rect_mm=qr))
    b.zone(Zone("barcode", "barcode_2d", qr, "QR code of the MRZ", params={"symbology": "QR", "content": "mrz"}))
    b.zone(Zone("barcode_ir", "ir_visible", qr, "QR code (IR-absorbing)"))
    b.add(Microprint(id="back_microprint", text="ZANZARA IDENTITY ZZA ", x_mm=3.0, y_mm=mrz_top - 1.0,
                     length_mm=79.6, ink=ZZA_CAPTION))
    b.zone(Zone("back_microprint", "microprint", (2.8, mrz_top - 1.9, 80.0, 1.2), "Microprint above the MRZ",
                params=_micro_params("ZANZARA IDENTITY ZZA ")))
    _mrz(b, W, H, 3.2, (H - 14.6, H - 10.4, H - 6.2), 17.9, 30)
    b.zone(Zone("back_ir", "ir_dropout", (44.0, 26.0, 16.0, 7.0), "Background: drops out in IR"))
    back = b.side("back", CARD_R)
    # element ids must be unique over the design
    ids = [e.id for e in front.elements]
    back = SideDesign("back", tuple(dataclasses_replace_id(e, ids) for e in back.elements), back.zones,
                      CARD_R)
    sample = Holder("SPECIMEN", "TOMAS ELIAN", "ZC7R4K2M5", "ZZA", date(1988, 3, 2), "M", date(2033, 6, 11),
                    issue_date=date(2023, 6, 12), place_of_birth="KESSARO",
                    authority="CIVIL REGISTRY KESSARO",
                    extra={"address": "14 ORCHARD LANE, KESSARO", "height": "178 CM"}, portrait_seed=23)
    return SpecimenDesign("ZZA/ID-2023", "ZZA", "I", "ID", "TD1",
                          "Republic of Zanzara identity card, 2023 series (fictional)", (W, H),
                          (front, back), sample, validity_years=10, series_from=date(2023, 1, 1),
                          state_name="Republic of Zanzara")


def dataclasses_replace_id(e: Element, taken: list[str]) -> Element:
    """Back-side elements whose id is already used on the front get a ``back_`` prefix."""
    import dataclasses

    return dataclasses.replace(e, id="back_" + e.id) if e.id in taken else e
