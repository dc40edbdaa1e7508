"""Scoring trainees (``docfraud training score``) and docfraud itself (``... compare``).

For each participant: accuracy (right verdicts over all items, an unanswered item counting as
wrong), forgeries found and missed, false alarms (genuine items called forged), and of the
forgeries found, how often the kind of forgery and the region were named right. For the class:
the same per forgery type, so a trainer sees which kinds the class finds hard, and per item.

docfraud is scored from what the answer key recorded when the set was made: an item counts as
flagged when its verdict is "refer to second line" or "strong indicators of forgery", and its
region as right when a zone whose check failed is one of the forged regions. docfraud names no
kind of forgery, so it has no type score.
"""

from __future__ import annotations

from typing import Any

from docfraud.errors import AnswerKeyError
from docfraud.training.answers import Answer, norm, truth_names
from docfraud.training.catalogue import KINDS

DOCFRAUD = "docfraud"


def _rate(num: int, den: int) -> float | None:
    return round(num / den, 4) if den else None


def participant(key: dict[str, Any], answers: dict[str, Answer]) -> dict[str, Any]:
    """One participant's scores over the key's items."""
    n = right = unanswered = found = type_right = region_right = 0
    forged_n = genuine_n = 0
    missed, false_alarms, items = [], [], {}
    for it in key["items"]:
        n += 1
        a = answers.get(it["item"])
        verdict = a.verdict if a else None
        forged = it["truth"] == "forged"
        forged_n += forged
        genuine_n += not forged
        ok = verdict == it["truth"]
        right += ok
        rec: dict[str, Any] = {"verdict": verdict, "right": ok, "type_right": None,
                               "region_right": None}
        if verdict is None:
            unanswered += 1
        if forged and verdict == "forged":
            found += 1
            rec["type_right"] = a.forgery_type == it["forgery_type"] if a.forgery_type else False
            names = truth_names(it["regions"])
            rec["region_right"] = any(r in names for r in a.regions)
            type_right += rec["type_right"]
            region_right += rec["region_right"]
        elif forged:
            missed.append(it["item"])
        elif verdict == "forged":
            false_alarms.append(it["item"])
        items[it["item"]] = rec
    return {"items": n, "answered": n - unanswered, "right": right, "accuracy": _rate(right, n),
            "forged": forged_n, "found": found, "found_rate": _rate(found, forged_n),
            "missed": missed, "genuine": genuine_n, "false_alarms": false_alarms,
            "false_alarm_rate": _rate(len(false_alarms), genuine_n),
            "type_right": type_right, "type_accuracy": _rate(type_right, found),
            "region_right": region_right, "region_accuracy": _rate(region_right, found),
            "per_item": items}


def by_type(key: dict[str, Any], scored: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Per forgery type (and ``genuine``), pooled over the given participants."""
    out: dict[str, dict[str, Any]] = {}
    for it in key["items"]:
        t = it["forgery_type"] or "genuine"
        row = out.setdefault(t, {"title": KINDS[t].title if t in KINDS else "Genuine documents",
                                 "items": 0, "answers": 0, "right": 0, "type_right": 0,
                                 "region_right": 0, "found": 0})
        row["items"] += 1
        for s in scored.values():
            rec = s["per_item"][it["item"]]
            row["answers"] += 1
            row["right"] += rec["right"]
            if t != "genuine" and rec["verdict"] == "forged":
                row["found"] += 1
                row["type_right"] += bool(rec["type_right"])
                row["region_right"] += bool(rec["region_right"])
    for t, row in out.items():
        row["right_rate"] = _rate(row["right"], row["answers"])
        if t != "genuine":
            row["type_accuracy"] = _rate(row["type_right"], row["found"])
            row["region_accuracy"] = _rate(row["region_right"], row["found"])
    return out


def docfraud_answers(key: dict[str, Any]) -> dict[str, Answer]:
    """docfraud's own calls on the items, as answers, from the key."""
    if not key.get("docfraud_examined") or any(it.get("docfraud") is None
                                               for it in key["items"]):
        raise AnswerKeyError("this set was made without docfraud's examination (--no-examine): "
                             "there is nothing to compare; make the set again without it")
    return {it["item"]: Answer(DOCFRAUD, it["item"],
                               "forged" if it["docfraud"]["flagged"] else "genuine", None,
                               [norm(z) for z in it["docfraud"]["failed_zones"]], "answer key")
            for it in key["items"]}


def score(key: dict[str, Any], answers: dict[str, dict[str, Answer]],
          with_docfraud: bool = False) -> dict[str, Any]:
    """Scores of every trainee, the class per forgery type and per item, and docfraud's
    alongside when ``with_docfraud``."""
    trainees = {name: participant(key, a) for name, a in sorted(answers.items())}
    result: dict[str, Any] = {
        "title": key.get("title"), "items": len(key["items"]), "trainees": trainees,
        "by_type": by_type(key, trainees) if trainees else {},
        "class": _class(trainees),
    }
    if with_docfraud:
        df = participant(key, docfraud_answers(key))
        df["type_accuracy"] = None  # docfraud names no kind of forgery
        result["docfraud"] = df
        result["docfraud_by_type"] = by_type(key, {DOCFRAUD: df})
    result["per_item"] = []
    for it in key["items"]:
        recs = [s["per_item"][it["item"]] for s in trainees.values()]
        row = {"item": it["item"], "truth": it["truth"], "forgery_type": it["forgery_type"],
               "class_right_rate": _rate(sum(r["right"] for r in recs), len(recs)),
               "docfraud": (it.get("docfraud") or {}).get("verdict")}
        if with_docfraud:
            row["docfraud_right"] = result["docfraud"]["per_item"][it["item"]]["right"]
        result["per_item"].append(row)
    return result


def _class(trainees: dict[str, dict[str, Any]]) -> dict[str, Any]:
    if not trainees:
        return {"trainees": 0}
    keys = ("accuracy", "found_rate", "false_alarm_rate", "type_accuracy", "region_accuracy")
    out: dict[str, Any] = {"trainees": len(trainees)}
    for k in keys:
        vals = [s[k] for s in trainees.values() if s[k] is not None]
        out[f"mean_{k}"] = round(sum(vals) / len(vals), 4) if vals else None
    return out
