"""The command line: exit codes, JSON schema, errors without tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from docfraud import __version__
from docfraud.cli import main

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = json.loads((ROOT / "docs" / "schema" / "mrz-check.schema.json").read_text())
TD3 = ["P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
       "L898902C36UTO7408122F1204159ZE184226B<<<<<10"]


def run(args: list[str], capsys, stdin: str | None = None, monkeypatch=None) -> tuple[int, str, str]:
    if stdin is not None:
        import io
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


def test_version(capsys):
    code, out, _ = run(["--version"], capsys)
    assert code == 0 and out.strip() == f"docfraud {__version__}"


def test_help_lists_groups(capsys):
    code, out, _ = run(["--help"], capsys)
    assert code == 0 and "mrz" in out and "demo" in out


def test_check_json_matches_schema(capsys):
    code, out, _ = run(["mrz", "check", *TD3, "--json", "--as-of", "2010-01-01"], capsys)
    assert code == 0
    data = json.loads(out)
    jsonschema.validate(data, SCHEMA)
    assert data["format"] == "TD3" and data["valid"] is True
    assert data["check_digits"]["document_number"] == {"ok": True, "printed": "6",
                                                       "computed": "6", "span": [1, 9, 10]}
    assert data["fields"]["surname"] == "ERIKSSON"


def test_check_exit_1_on_error_findings(capsys):
    bad = [TD3[0], TD3[1][:9] + "7" + TD3[1][10:]]
    code, out, _ = run(["mrz", "check", *bad, "--json", "--as-of", "2010-01-01"], capsys)
    assert code == 1
    data = json.loads(out)
    jsonschema.validate(data, SCHEMA)
    assert data["valid"] is False
    assert [f["code"] for f in data["findings"] if f["severity"] == "error"] == ["MRZ101", "MRZ105"]


def test_check_human_output_and_explain(capsys):
    code, out, _ = run(["mrz", "check", *TD3, "--as-of", "2010-01-01", "--explain"], capsys)
    assert code == 0
    assert "no errors" in out and "Check digits" in out
    assert "sum 122, 122 mod 10 = 2" in out


def test_check_from_file_and_stdin(tmp_path, capsys, monkeypatch):
    f = tmp_path / "mrz.txt"
    f.write_text("\r\n".join(TD3).lower() + "\r\n")
    code, out, _ = run(["mrz", "check", "-f", str(f), "--json", "--as-of", "2010-01-01"], capsys)
    assert code == 0 and "lowercase letters upper-cased" in json.loads(out)["normalised"]
    code, out, _ = run(["mrz", "check", "-", "--json", "--as-of", "2010-01-01"], capsys,
                       stdin="\n".join(TD3), monkeypatch=monkeypatch)
    assert code == 0 and json.loads(out)["format"] == "TD3"


@pytest.mark.parametrize("args, code_text", [
    (["mrz", "check", "HELLO"], "E201"),
    (["mrz", "check"], "E101"),
    (["mrz", "check", *TD3, "--as-of", "yesterday"], "E101"),
    (["mrz", "check", "-f", "/nonexistent/file.txt"], "E102"),
    (["mrz", "generate", "--format", "TD9", "--surname", "X", "--document-number", "1",
      "--birth-date", "1990-01-01", "--expiry-date", "2030-01-01"], "E202"),
    (["mrz", "generate", "--surname", "X", "--document-number", "1234567890",
      "--birth-date", "1990-01-01", "--expiry-date", "2030-01-01"], "E202"),
])
def test_bad_input_exits_2_with_code(args, code_text, capsys):
    code, out, err = run(args, capsys)
    assert code == 2
    assert code_text in err
    assert "Traceback" not in err + out


def test_unknown_option_is_usage_error(capsys):
    code, _, err = run(["mrz", "check", "--nonsense"], capsys)
    assert code == 2 and "Traceback" not in err


def test_generate_round_trip(capsys):
    code, out, _ = run(["mrz", "generate", "--format", "TD1", "--issuing-state", "UTO",
                        "--surname", "Ævarsdóttir", "--given-names", "Þuríður", "--document-number",
                        "A0000000", "--nationality", "UTO", "--birth-date", "1966-12-31",
                        "--sex", "F", "--expiry-date", "2030-05-26"], capsys)
    assert code == 0
    lines = out.split()
    assert len(lines) == 3 and lines[2].startswith("AEVARSDOTTIR<<THURIDUR")
    code, out, _ = run(["mrz", "check", *lines, "--json"], capsys)
    assert code == 0 and json.loads(out)["check_digits"]["composite"]["ok"]


def test_generate_from_json(tmp_path, capsys):
    spec = tmp_path / "fields.json"
    spec.write_text(json.dumps({"format": "MRV-B", "issuing_state": "UTO", "surname": "Doe",
                                "document_number": "V1234567", "nationality": "UTO",
                                "birth_date": "1980-01-01", "sex": "M",
                                "expiry_date": "2027-01-01"}))
    code, out, _ = run(["mrz", "generate", "--from-json", str(spec), "--json"], capsys)
    assert code == 0
    data = json.loads(out)
    jsonschema.validate(data, SCHEMA)
    assert data["format"] == "MRV-B" and data["fields"]["document_code"] == "V"
    bad = tmp_path / "bad.json"
    bad.write_text('{"surname": "Doe", "colour": "blue"}')
    code, _, err = run(["mrz", "generate", "--from-json", str(bad)], capsys)
    assert code == 2 and "colour" in err


def test_demo_runs_on_bundled_samples(capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    code, out, _ = run(["demo"], capsys)
    assert code == 0
    assert "altered-birth-date" in out and "MRZ102" in out


def test_console_script_has_no_traceback_on_bad_input():
    proc = subprocess.run([sys.executable, "-m", "docfraud", "mrz", "check", "NOT AN MRZ"],
                          capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 2
    assert "E201" in proc.stderr and "Traceback" not in proc.stderr
