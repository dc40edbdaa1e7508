"""Findings: what a check found, with a stable code, a severity, evidence and a basis.

Every code docfraud can report is declared once, in :data:`REGISTRY`, with what it means and what an
examiner should look at. ``docs/findings.md`` is generated from this registry
(``python -m docfraud.gendocs``) and a test keeps the two in sync.

>>> f = make("MRZ101", "check digit 3 does not match the computed 5", field="document_number",
...          evidence={"printed": "3", "computed": "5"})
>>> f.code, f.severity, f.basis
('MRZ101', 'error', 'arithmetic')
>>> f.to_dict()["look_at"][:30]
'Compare the document number in'
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Literal

Severity = Literal["error", "warning", "info"]
Basis = Literal["arithmetic", "rule", "comparison", "cryptography", "model"]

SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")
BASES: tuple[Basis, ...] = ("arithmetic", "rule", "comparison", "cryptography", "model")


@dataclass(frozen=True)
class Code:
    """A registered finding code."""

    code: str
    title: str
    severity: Severity
    basis: Basis
    reference: str
    look_at: str
    description: str


@dataclass(slots=True)
class Finding:
    """One thing a check found.

    ``evidence`` holds the measured value and the threshold or expected value it was held to;
    ``field`` names the MRZ or visual-zone field, ``span`` its place as (line, start, end) in the
    MRZ (0-based, end exclusive), ``region`` an image region as a polygon when the finding is
    about pixels.
    """

    code: str
    severity: Severity
    message: str
    basis: Basis
    field: str | None = None
    span: tuple[int, int, int] | None = None
    region: tuple[tuple[float, float], ...] | None = None
    evidence: dict[str, Any] = dataclasses.field(default_factory=dict)
    reference: str = ""
    look_at: str = ""

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "code": self.code,
            "severity": self.severity,
            "field": self.field,
            "message": self.message,
            "basis": self.basis,
            "reference": self.reference,
            "look_at": self.look_at,
            "evidence": dict(self.evidence),
        }
        if self.span is not None:
            out["span"] = list(self.span)
        if self.region is not None:
            out["region"] = [list(p) for p in self.region]
        return out


REGISTRY: dict[str, Code] = {}


def _register(code: str, title: str, severity: Severity, basis: Basis, reference: str,
              look_at: str, description: str) -> None:
    if code in REGISTRY:
        raise ValueError(f"finding code {code} registered twice")
    REGISTRY[code] = Code(code, title, severity, basis, reference, look_at, description)


def make(code: str, message: str, *, severity: Severity | None = None, field: str | None = None,
         span: tuple[int, int, int] | None = None, evidence: dict[str, Any] | None = None,
         region: tuple[tuple[float, float], ...] | None = None) -> Finding:
    """Build a finding of a registered code; ``severity`` overrides the code's default."""
    spec = REGISTRY[code]
    return Finding(code=code, severity=severity or spec.severity, message=message, basis=spec.basis,
                   field=field, span=span, region=region, evidence=dict(evidence or {}),
                   reference=spec.reference, look_at=spec.look_at)


# --------------------------------------------------------------------------------------------
# MRZ0xx: structure of the zone
_register("MRZ001", "Character outside the MRZ alphabet", "error", "rule", "ICAO 9303-3 §4.3",
          "Look at the printed character: the MRZ uses only A-Z, 0-9 and '<' in OCR-B.",
          "A character other than A-Z, 0-9 and the filler '<' stands in the zone after input "
          "cleaning. On a document this points to a misprint, an alteration, or a capture or OCR "
          "problem.")
_register("MRZ002", "Line length does not fit the format", "error", "rule",
          "ICAO 9303-4 §4.2, 9303-5 §4.2, 9303-6 §4.2, 9303-7 §4.2",
          "Count the characters of the printed line against the format (30, 36 or 44).",
          "A line is shorter or longer than the format allows. Short lines are padded and long "
          "lines cut for decoding, so field values after the defect are unreliable.")
_register("MRZ003", "Document code does not fit the format", "error", "rule",
          "ICAO 9303-4 §4.2.2, 9303-5 §4.2.2, 9303-6 §4.2.2, 9303-7 §4.2.2",
          "Check the first two characters: P for passports (TD3), A, C or I for TD1/TD2 cards, V "
          "for visas.",
          "The first character of the document code is not allowed for this format, or the second "
          "character is one that ICAO reserves.")
_register("MRZ004", "Document code second character unusual", "warning", "rule",
          "ICAO 9303-5 §4.2.2",
          "Compare the document code with the reference specimen of this issuer.",
          "The second character of the document code is not a letter or '<'; a few issuers print "
          "such codes (a note says which when known).")

# MRZ1xx: check digits
_register("MRZ101", "Document number check digit fails", "error", "arithmetic",
          "ICAO 9303-3 §4.9",
          "Compare the document number in the MRZ with the visual zone and the page perforation; "
          "look for altered or re-printed characters.",
          "The check digit over the document number does not match. Either the number or its "
          "check digit was misprinted, misread or altered.")
_register("MRZ102", "Birth date check digit fails", "error", "arithmetic", "ICAO 9303-3 §4.9",
          "Compare the birth date in the MRZ with the visual zone; look for altered digits.",
          "The check digit over the date of birth does not match.")
_register("MRZ103", "Expiry date check digit fails", "error", "arithmetic", "ICAO 9303-3 §4.9",
          "Compare the expiry date in the MRZ with the visual zone; look for altered digits.",
          "The check digit over the date of expiry does not match.")
_register("MRZ104", "Optional data check digit fails", "error", "arithmetic", "ICAO 9303-4 §4.2.2",
          "Compare the personal number in the MRZ with the visual zone.",
          "The check digit over the optional (personal number) data does not match, or is '<' "
          "although the optional data is not empty.")
_register("MRZ105", "Composite check digit fails", "error", "arithmetic", "ICAO 9303-3 §4.9",
          "When the field check digits pass but the composite fails, suspect a re-printed line: "
          "look at alignment, font and ink of the whole MRZ.",
          "The composite check digit over the upper and middle fields does not match.")
_register("MRZ106", "Check digit position holds a non-digit", "error", "rule", "ICAO 9303-3 §4.9",
          "Look at the printed character in the check-digit position.",
          "A check digit position holds a character that is neither a digit nor an allowed filler.")

# MRZ2xx: codes
_register("MRZ201", "Issuing state code unknown", "error", "rule", "ICAO 9303-3 §5",
          "Compare the issuing state with the visual zone and the specimen; unknown codes are "
          "common on counterfeits of fantasy documents.",
          "The issuing state or organisation code is neither an ISO 3166-1 alpha-3 code nor one "
          "of the codes ICAO 9303 Part 3 adds.")
_register("MRZ202", "Nationality code unknown", "error", "rule", "ICAO 9303-3 §5",
          "Compare the nationality with the visual zone.",
          "The nationality code is neither an ISO 3166-1 alpha-3 code nor an ICAO 9303 Part 3 "
          "code.")
_register("MRZ203", "Non-standard code printed by a known issuer", "warning", "rule",
          "ICAO 9303-3 §5",
          "Check the code against the issuer's reference specimen: this variant is known on real "
          "documents.",
          "A country code that ICAO does not list, but which real issuers are known to print (for "
          "example an ISO alpha-2 code padded with '<' on older ID cards). Reported so an examiner "
          "can confirm it against the specimen rather than as an error.")
_register("MRZ204", "Code is user-assigned or reserved for specimens", "warning", "rule",
          "ICAO 9303-3 §5; ISO 3166-1 §8.1.3",
          "This code is not a real state: expect a specimen, a training or test document.",
          "A user-assigned ISO 3166-1 code (AAA-AAZ, QMA-QZZ, XAA-XZZ, ZZA-ZZZ, outside ICAO's own "
          "X codes) or ICAO's specimen code UTO.")
_register("MRZ205", "Code used in the wrong role", "warning", "rule", "ICAO 9303-3 §5",
          "Check whether the code is printed as issuer or as nationality on the specimen.",
          "A code valid only as a nationality (for example XXA stateless) stands as issuing "
          "state, or one valid only as issuer stands as nationality.")
_register("MRZ206", "Country code badly padded", "error", "rule", "ICAO 9303-3 §4.6",
          "Look at the filler positions of the country code.",
          "A country code has a filler before or between its letters; codes are left-aligned and "
          "padded on the right.")

# MRZ3xx: dates
_register("MRZ301", "Date is not a calendar date", "error", "rule", "ICAO 9303-3 §4.8",
          "Compare the date with the visual zone.",
          "A date field does not hold a valid YYMMDD date (or a birth date with unknown day or "
          "month written as '<<').")
_register("MRZ302", "Document expired", "warning", "rule", "ICAO 9303-3 §4.8",
          "Confirm the expiry date in the visual zone; an expired document is not fraudulent in "
          "itself.",
          "The date of expiry is before the reference date of the check.")
_register("MRZ303", "Expiry before birth in the nearest century", "warning", "rule",
          "ICAO 9303-3 §4.8",
          "Compare both dates with the visual zone: either a date was altered or misprinted, or "
          "the holder was born a century earlier than the nearest reading.",
          "With two-digit years, the nearest reading of the birth date (on or before the "
          "reference date) falls after the expiry date. Only a birth one century earlier, a "
          "holder over 100 years old at expiry, makes the dates consistent; docfraud decodes it "
          "so and reports this finding.")
_register("MRZ304", "Birth date after the issue or reference date", "error", "rule",
          "ICAO 9303-3 §4.8",
          "Compare the birth date and the date of issue in the visual zone.",
          "The date of birth lies after the document's date of issue (where the visual zone gives "
          "it) or after the reference date of the check.")
_register("MRZ305", "Implausible age", "warning", "rule", "ICAO 9303-3 §4.8",
          "Compare the birth date with the visual zone and the apparent age of the portrait.",
          "The holder would be older than 110 years at the reference date. With two-digit years "
          "this happens when the birth date had to be read a century back (see MRZ303).")
_register("MRZ306", "Validity longer than the document type allows", "warning", "rule",
          "ICAO 9303-3 §4.8; national practice",
          "Compare issue and expiry dates in the visual zone with the specimen's validity "
          "period.",
          "The document expires further after its issue date (or after the reference date, when "
          "the issue date is not known) than documents of this type are issued for.")
_register("MRZ307", "Birth date partly unknown", "info", "rule", "ICAO 9303-3 §4.8",
          "Check that the visual zone shows the same unknown parts (often XX).",
          "The day or month of birth is written as '<<', as ICAO allows when it is unknown.")

# MRZ4xx: names
_register("MRZ401", "Name field holds characters other than letters and fillers", "error", "rule",
          "ICAO 9303-3 §4.6",
          "Look for digits or misprinted characters in the name.",
          "The name field holds a digit or another character outside A-Z and '<'.")
_register("MRZ402", "Primary identifier missing", "error", "rule", "ICAO 9303-3 §4.6",
          "Compare the name with the visual zone.",
          "The name field starts with a filler: there is no primary identifier (surname).")
_register("MRZ403", "Name field full: possibly truncated", "info", "rule", "ICAO 9303-3 §4.6.5",
          "Compare the full name in the visual zone; truncation is legitimate.",
          "The last position of the name field holds a letter, so the name may have been "
          "truncated as ICAO prescribes.")
_register("MRZ404", "More than one name separator", "warning", "rule", "ICAO 9303-3 §4.6",
          "Compare the name with the visual zone; look for a re-printed name line.",
          "The name holds the primary/secondary separator '<<' more than once.")
_register("MRZ405", "Letters after the name padding", "error", "rule", "ICAO 9303-3 §4.6",
          "Compare the name with the visual zone: a stray character after the padding points to "
          "a misread, a misprint or an alteration of the name line.",
          "Three or more fillers are followed by more letters: name components are separated by "
          "one filler, and primary from secondary identifier by two, so letters after a longer "
          "run of fillers do not belong to a well-formed name.")

# MRZ5xx: other fields and fillers
_register("MRZ501", "Sex field invalid", "error", "rule", "ICAO 9303-3 §4.7",
          "Compare the sex with the visual zone.",
          "The sex field holds something other than M, F, X or '<'.")
_register("MRZ502", "Filler misplaced in a field", "warning", "rule", "ICAO 9303-3 §4.4",
          "Look at the spacing of the field: fillers belong after the data.",
          "A field starts with a filler or has a filler between its characters where ICAO puts "
          "fillers only at the end.")
_register("MRZ503", "Document number contains invalid characters", "error", "rule",
          "ICAO 9303-3 §4.2",
          "Compare the document number with the visual zone.",
          "The document number field holds nothing, or characters other than A-Z, 0-9 and '<'.")
_register("MRZ504", "Long document number", "info", "rule", "ICAO 9303-5 §4.2.2 note j",
          "Compare the full document number in the visual zone with the MRZ.",
          "The document number is longer than 9 characters: its check-digit position holds '<' "
          "and the rest of the number, with its check digit, stands in the optional data.")
_register("MRZ505", "Optional data check digit written as filler", "info", "rule",
          "ICAO 9303-4 §4.2.2",
          "Nothing to look at: ICAO allows '<' when the optional data is empty.",
          "The optional-data check digit is '<' because the optional data is empty.")


# MRZ6xx: reading the MRZ from an image
_register("MRZ601", "Character corrected by the MRZ structure", "info", "model",
          "docfraud MRZ reading",
          "Nothing, unless the document's print is poor there: the check digit or the field's "
          "grammar vouches for the corrected character.",
          "The recogniser ranked another character first; the field grammar or a check digit "
          "selected one of its alternatives.")
_register("MRZ602", "Uncertain character no check digit covers", "warning", "model",
          "docfraud MRZ reading",
          "Read this character on the document yourself (names, country codes and the sex are "
          "not protected by check digits).",
          "A character in a field no check digit covers was read with low confidence, or was "
          "changed to fit the field's grammar.")
_register("MRZ603", "Ambiguous MRZ reading", "error", "model", "docfraud MRZ reading",
          "Capture the document again, or read the MRZ by eye: two readings pass the check "
          "digits equally well.",
          "Two different readings of a check-digit group pass their check digit and are about "
          "equally probable; docfraud does not pick one.")


# --------------------------------------------------------------------------------------------
# Examination against the reference specimen (docfraud.examine, docfraud.compare)

# CAPxxx: the capture itself
_register("CAP001", "Capture too blurred for fine-detail checks", "info", "model",
          "docfraud capture quality",
          "Capture the document again, in focus; the fine-line and microprint checks did not run.",
          "The capture's sharpness is below what fine-line and microprint comparison needs; those "
          "checks are reported as not run rather than as failures.")
_register("CAP002", "Glare on the capture", "info", "model", "docfraud capture quality",
          "Tilt the document or the light and capture again; checks under the glare did not run.",
          "Part of the capture is saturated by a reflection; checks of zones under it did not "
          "run.")
_register("CAP003", "Resolution too low", "info", "model", "docfraud capture quality",
          "Capture closer or at a higher resolution.",
          "The page is captured at fewer pixels per millimetre than the fine-detail checks need.")

# SPCxxx: identifying the specimen
_register("SPC001", "No reference specimen for this document type", "warning", "rule",
          "docfraud specimen library",
          "Compare the document with a reference from another source (e.g. a specimen database); "
          "only the MRZ checks ran.",
          "The library has no specimen for the issuer, document code and MRZ format read from the "
          "document; no visual comparison could be made.")
_register("SPC002", "Document does not match its specimen", "warning", "comparison",
          "docfraud alignment",
          "Look at the design as a whole: another series, another document type, or a fantasy "
          "document.",
          "The capture could not be aligned to any reference specimen of the type its MRZ names; "
          "the comparison could not be made.")
_register("SPC003", "Expiry later than the specimen's validity period allows", "error", "rule",
          "the specimen's validity period (issuer's practice); ICAO 9303-3 §4.8",
          "Compare the expiry date in the visual zone and the MRZ with the date of issue: an "
          "expiry date pushed later is the commonest alteration of a date. Look for erased or "
          "re-printed digits in both.",
          "The MRZ's expiry date lies further after the reference date (or after the last day "
          "the series was issued) than documents of this type are valid: a document issued "
          "today at the latest would expire sooner.")

# LAYxxx: layout
_register("LAY001", "Element out of its place", "error", "comparison", "reference specimen",
          "Measure the position of the element against the specimen; a shifted field or portrait "
          "points to re-printing or substitution.",
          "A printed element (field, portrait, MRZ) starts further from its place on the "
          "specimen than genuine documents do.")

_register("LAY002", "Print out of place on the page", "error", "comparison", "reference specimen",
          "Measure the print against the document's cut edges on all four sides: a print "
          "placed off its edges points to a page trimmed by hand or a counterfeit printed on "
          "a blank; retake the photo with the whole page on a plain, contrasting surface.",
          "Aligned on its print, the document's cut edge lies further from its place than "
          "on genuine documents: the print as a whole, or the part the alignment follows (a "
          "card back's MRZ), sits off the page.")

# BKGxxx: background security printing
_register("BKG001", "Fine-line background differs from the specimen", "error", "comparison",
          "reference specimen",
          "Look at the guilloche with a loupe: broken, blurred or merged lines point to a "
          "reprint.",
          "The fine-line structure of the background correlates less with the specimen than on "
          "genuine documents.")
_register("BKG002", "Print screen pattern in the background", "error", "comparison",
          "reference specimen",
          "Look for a regular dot or rosette pattern under magnification: the mark of a halftone "
          "or inkjet reprint.",
          "The background shows a periodic dot pattern the specimen's print does not have: "
          "the screen of a halftone or inkjet print (its period and angle in the evidence).")
_register("BKG003", "Background colours differ from the specimen", "warning", "comparison",
          "reference specimen",
          "Compare the colours of the background with the specimen under the same light.",
          "After balancing on the paper white, the background's colour differs from the "
          "specimen's (CIEDE2000) more than genuine documents do.")
_register("BKG004", "Print soft under a scanner", "error", "comparison", "reference specimen",
          "Look at the print with a loupe: lines and text edges that are soft or fuzzy on the "
          "document itself (not in the image) mark a reprint; check the page lay flat.",
          "A flatbed scanner or full-page reader holds the page flat at a fixed focus, yet the "
          "capture is as soft as an out-of-focus photo: the document's own print is soft, as a "
          "counterfeit printed from a scan or photograph is.")

_register("BKG005", "Print softer than the document's edge", "error", "comparison",
          "reference specimen",
          "Look at the MRZ and the fine lines with a loupe: print softer than the cut edge of "
          "the page, on the document itself, marks a counterfeit printed from a scan or photo; "
          "retake a sharp photo if the edge and the print were at different distances.",
          "The MRZ's characters, or the background's fine lines, are more blurred than the "
          "document's cut edge in the same capture, beyond what genuine captures show: the "
          "capture's blur cannot explain it, so the print itself is soft.")

_register("BKG006", "MRZ ink paler than genuine print", "error", "comparison",
          "reference specimen",
          "Compare the MRZ's black with a genuine document's under the same light: a greyish "
          "black on greyish paper marks a counterfeit printed on an office printer; a faded, "
          "washed or sun-bleached document shows the same, and so may a photo exposed far "
          "brighter or darker than usual (retake it).",
          "Fitted with OCR-B glyphs blurred as the capture blurs them, the MRZ's ink takes a "
          "smaller share of the paper's light than on genuine captures: the print's contrast is "
          "compressed, as a reprint from a scan or photograph compresses it.")

_register("BKG007", "Print softer and paler than genuine on several measures together",
          "error", "comparison", "reference specimen",
          "Look at the MRZ, the fine lines and the black of the print with a loupe beside a "
          "genuine document: a counterfeit printed from a scan or photo is soft and greyish "
          "everywhere at once; retake a sharp, evenly lit photo if in doubt.",
          "The print's softness against the document's edge (MRZ and fine lines) and its ink's "
          "depth each lie short of their thresholds, but together further past genuine's "
          "middle than genuine captures lie: a reprint changes them all at once, a genuine "
          "capture's measuring errors scatter apart.")

# MICxxx: microprint
_register("MIC001", "Microprint degraded", "error", "comparison", "reference specimen",
          "Read the microprint with a loupe: a reprint turns it into a blurred line.",
          "The microprint line has lost the fine detail the specimen shows.")

# PORxxx: portrait
_register("POR001", "Cut edge around the portrait", "error", "comparison", "reference specimen",
          "Look at the portrait's edges at an angle and under magnification for a cut, a step or "
          "glue.",
          "The portrait's outline shows a stronger edge than genuine documents: the mark of a "
          "pasted photograph.")
_register("POR002", "Security pattern over the portrait interrupted", "error", "comparison",
          "reference specimen",
          "Follow the security lines that cross the portrait's edge under magnification: do they "
          "continue over the photograph without a step? A step at the edge is a piece laid in.",
          "The security pattern that overlaps the portrait's edge does not continue over the "
          "portrait as on the specimen, or its part over the portrait lies off its part beside "
          "it (the pattern is printed in one pass before the portrait; a portrait cut from "
          "another document brings its own piece of it).")
_register("POR003", "Ghost portrait does not match the portrait", "error", "comparison",
          "reference specimen",
          "Compare the ghost portrait with the main portrait: same face, same pose?",
          "The secondary (ghost) portrait correlates less with the main portrait than on genuine "
          "documents: one of them was replaced.")

# TYPxxx: MRZ typography
_register("TYP001", "MRZ not printed in OCR-B", "error", "comparison", "ICAO 9303-3 §4.2",
          "Compare the MRZ characters with OCR-B (the shapes of 0, O, 1, <): a re-printed MRZ "
          "often uses another font.",
          "The MRZ characters match the OCR-B glyphs less well than on genuine documents (on a "
          "sharp capture, glyph by glyph; on a blurred one, OCR-B blurred as the print is).")
_register("TYP002", "MRZ character pitch wrong", "error", "comparison", "ICAO 9303-3 §4.2",
          "Measure the MRZ: 10 characters per inch (2.54 mm) on every genuine document.",
          "The distance between MRZ characters differs from the specimen's 2.54 mm.")
_register("TYP003", "MRZ baseline irregular", "warning", "comparison", "ICAO 9303-3 §4.2",
          "Look along the MRZ lines: characters stepping up or down point to re-printing.",
          "The MRZ characters wander from a straight baseline more than on genuine documents.")
_register("TYP004", "MRZ out of its place", "warning", "comparison", "ICAO 9303-4 §4.2",
          "Measure the MRZ's position against the specimen.",
          "The MRZ starts further from its place on the specimen than genuine documents do.")
_register("TYP005", "MRZ printed but unreadable", "error", "comparison", "ICAO 9303-3 §4.2",
          "Read the MRZ by eye and compare its characters with OCR-B and its pitch with "
          "2.54 mm; look for a re-printed or pasted-over MRZ.",
          "On a sharp capture, the specimen's MRZ place does not read as an MRZ (another font "
          "or pitch, an MRZ pasted over or removed): genuine OCR-B at the ICAO pitch reads on "
          "sharp captures.")

_register("TYP006", "An MRZ character out of line with the others", "error", "comparison",
          "ICAO 9303-3 §4.2",
          "Look at the character with a loupe against its neighbours: a character re-printed "
          "or pasted in to change a date or number sits off the line's even pitch or its "
          "baseline, often with the background or paper around it disturbed.",
          "On a sharp capture, one MRZ character sits further from the place its line's "
          "pitch and baseline give it than any character of a genuine MRZ does.")

# VIZxxx: visual zone against MRZ
_register("VIZ001", "Visual zone disagrees with the MRZ", "error", "comparison",
          "ICAO 9303-3 §4.6",
          "Read the field in the visual zone and the MRZ: which one was altered?",
          "A visual-zone field does not show what the MRZ says (allowing for ICAO "
          "transliteration and the issuer's date format).")
_register("VIZ002", "Visual-zone field printed differently from the specimen", "warning",
          "comparison", "reference specimen",
          "Compare the field's font, size, colour and alignment with the specimen's fields.",
          "The field's print (font, size, colour, position) matches the specimen's field less "
          "well than genuine documents do: erased and re-typed data look like this.")
_register("VIZ003", "Background disturbed under a visual-zone field", "error", "comparison",
          "reference specimen",
          "Look at the background under and around the field with a loupe, in raking light "
          "and under UV: an erased field leaves the pattern faded, broken or smeared, and "
          "the paper roughened.",
          "The background pattern under the field keeps less of its contrast, relative to the "
          "pattern around the field, than on genuine documents: the mark of mechanical or "
          "chemical erasure.")
_register("VIZ004", "A character of a visual-zone field reshaped by hand", "error",
          "comparison", "reference specimen",
          "Look at the character under magnification and in raking light: strokes added with a "
          "pen (a stroke across a 0, a 0 closed into an 8) sit on top of the print in another "
          "ink, with another edge; strokes scraped off leave the paper and background "
          "roughened.",
          "One character of a date or number fits its own glyph in the field's font worse, "
          "against the other characters printed with it, than on genuine documents, or has ink "
          "where its glyph leaves the paper clean (an 8's waist across a 0's counter), or, on a "
          "blurred photo, carries more ink than its glyph accounts for (a 1 made a 4): a digit "
          "changed by adding or removing strokes.")

_register("VIZ005", "Date of issue does not fit the expiry date", "error", "rule",
          "the specimen's validity period (issuer's practice)",
          "Compare the printed date of issue with the expiry date in the visual zone and the "
          "MRZ: an expiry date pushed later (re-printed in both zones, check digits "
          "recomputed) leaves the date of issue behind. Look for erased or re-printed digits "
          "in the expiry dates.",
          "The date of issue printed in the visual zone is not the one the MRZ's expiry date "
          "gives for this type's validity period (the specimen states it to the day), compared "
          "character by character as the visual zone's other fields are (viz.text, viz.chars).")

# IRxxx / UVxxx: infrared and ultraviolet
_register("IR001", "Printing that should absorb infrared does not", "error", "comparison",
          "reference specimen (IR)",
          "Look at the zone under infrared: the MRZ and data printed with carbon ink stay dark on "
          "genuine documents.",
          "A zone printed with IR-absorbing ink on the specimen is not dark in the infrared "
          "capture.")
_register("IR002", "Printing that should vanish in infrared is visible", "error", "comparison",
          "reference specimen (IR)",
          "Look at the zone under infrared: decorative inks drop out on genuine documents.",
          "A zone printed with IR-transparent ink on the specimen stays visible in the infrared "
          "capture.")
_register("UV001", "Paper fluoresces under UV", "error", "comparison", "reference specimen (UV)",
          "Look at the paper under UV: security paper stays dull; ordinary paper glows blue-white.",
          "The paper (or an area that is dull on the specimen) is bright under ultraviolet light.")
_register("UV002", "UV motif missing or different", "error", "comparison",
          "reference specimen (UV)",
          "Look for the fluorescent motif under UV and compare it with the specimen.",
          "The fluorescent motif of the specimen is missing or does not match under ultraviolet "
          "light.")


# WATxxx: watch lists
_register("WAT001", "Document on the watch list", "error", "comparison",
          "the watch list given to docfraud batch (docs/batch.md)",
          "Check the watch-list entry (lost, stolen or revoked, when and by whom) and confirm the "
          "document number, issuer and type by eye before acting on it.",
          "The document number, issuer and document type read from the MRZ match an entry of "
          "the local list of lost, stolen or revoked documents. The document may be genuine: "
          "the hit says it should not be in circulation, not that it was forged.")

def render_markdown() -> str:
    """The page ``docs/findings.md``: every code with what it means and what to look at."""
    out = [
        "# Finding codes",
        "",
        "Generated from `docfraud/findings.py` by `./dev docs` (`python -m docfraud.gendocs`);",
        "do not edit by hand (a test checks that this page matches the registry).",
        "",
        "Every finding has a stable code, a default severity (`error`, `warning`, `info`), a basis",
        "(how it was established: `arithmetic`, `rule`, `comparison`, `cryptography`, `model`), the",
        "evidence (measured value and what it was held to) and the field or image region.",
        "",
        "| code | title | severity | basis |",
        "| --- | --- | --- | --- |",
    ]
    for spec in REGISTRY.values():
        out.append(f"| [{spec.code}](#{spec.code.lower()}) | {spec.title} | {spec.severity} "
                   f"| {spec.basis} |")
    for spec in REGISTRY.values():
        out += [
            "",
            f"## {spec.code}",
            "",
            f"**{spec.title}** ({spec.severity}, {spec.basis}; {spec.reference})",
            "",
            spec.description,
            "",
            f"*Look at:* {spec.look_at}",
        ]
    return "\n".join(out) + "\n"

