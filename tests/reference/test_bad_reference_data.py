"""Every edit a clinic can make to ``data/`` gives a clear message, never a traceback.

Each row of the table edits one file of a copy of ``data/`` the way a person in a
text editor would (a limit typed as words, a key deleted, a bad pattern…), then
runs the four commands that read reference data. A command that reads the edited
file must fail with exit status 1 and name the file, the line and the field; one
that does not read it must still work. No output may hold a traceback.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import PROTOCOLS
from protocol_tools.cli import main

PROTOCOL = PROTOCOLS / "signature-lift-15.yaml"
INTAKE = "practice_clients/c01_all_clear.yaml"  # inside the data copy

# The data files each command reads (directly or through the validator).
VALIDATOR_FILES = {"zones.yaml", "techniques.yaml", "rules.yaml", "limits.yaml"}
READS = {
    "validate": VALIDATOR_FILES,
    "show": VALIDATOR_FILES,
    "screen": {"contraindications.yaml"},
    "sheet": VALIDATOR_FILES | {"contraindications.yaml", "session_care.yaml", "sheet.yaml"},
}


@dataclass(frozen=True)
class Edit:
    """Replace ``old`` by ``new`` in ``file`` (``old=None``: the whole file; ``new=None``:
    delete the file); the message must name every text in ``fields``."""

    name: str
    file: str
    old: str | None
    new: str | None
    fields: tuple[str, ...]
    located: bool = True  # the message gives a line (not for a missing file)


EDITS = [
    # -- limits.yaml --------------------------------------------------------------------
    Edit("limit-as-quoted-text", "limits.yaml", "max_current_uA: 1000", 'max_current_uA: "1000"',
         ("microcurrent.max_current_uA", "not the text '1000'")),
    Edit("limit-in-words", "limits.yaml", "max_current_uA: 600", "max_current_uA: six hundred",
         ("settings.clinic.max_current_uA", "six hundred")),
    Edit("limit-null", "limits.yaml", "max_current_uA: 400\n", "max_current_uA:\n",
         ("settings.home.max_current_uA", "empty (null)")),
    Edit("frequency-negative", "limits.yaml", "  min: 0.1\n", "  min: -1\n",
         ("frequency_hz.min", "more than 0")),
    Edit("typical-outside-range", "limits.yaml", "typical: 0.5", "typical: 5000",
         ("frequency_hz.typical",)),
    Edit("minutes-reversed", "limits.yaml", "{min: 10, max: 20}", "{min: 30, max: 20}",
         ("settings.clinic.device_minutes.min", "more than max")),
    Edit("tolerance-as-percent", "limits.yaml", "fraction: 0.10", "fraction: 10%",
         ("target_tolerance.fraction",)),
    Edit("core-zone-unknown", "limits.yaml", "zones: [jawline, cheekbones,",
         "zones: [jawline, cheeks,", ("core_zones.zones[1]", "'cheeks'")),
    Edit("passes-fractional", "limits.yaml", "passes: 3", "passes: 2.5",
         ("step_defaults.passes", "whole number")),
    Edit("key-misspelt", "limits.yaml", "\nmicrocurrent:\n", "\nmicrocurent:\n",
         ("microcurrent", "microcurent")),
    Edit("hold-as-list", "limits.yaml", "hold_seconds: 2", "hold_seconds: [2]",
         ("step_defaults.hold_seconds",)),
    Edit("limits-a-list", "limits.yaml", None, "- max_current_uA: 1000\n",
         ("mapping",)),
    Edit("limits-empty", "limits.yaml", None, "", ("empty (null)",)),
    # -- zones.yaml ---------------------------------------------------------------------
    Edit("zone-limit-null", "zones.yaml", "    max_current_uA: 400\n", "    max_current_uA: null\n",
         ("zones[0].max_current_uA", "empty (null)")),
    Edit("zone-limit-with-unit", "zones.yaml", "max_current_uA: 200", 'max_current_uA: "200 µA"',
         ("zones[1].max_current_uA",)),
    Edit("zone-name-missing", "zones.yaml", "    name: Forehead\n", "",
         ("zones[0].name", "missing")),
    Edit("zone-id-not-a-slug", "zones.yaml", "  - id: brows\n", "  - id: Brows Area\n",
         ("zones[1].id",)),
    Edit("muscles-not-a-list", "zones.yaml", "muscles: [frontalis]", "muscles: frontalis",
         ("zones[0].muscles", "a list")),
    Edit("outline-on-the-left", "zones.yaml", "outline: [[100, 48],", "outline: [[140, 48],",
         ("zones[0].outline[0][0]", "client's left")),
    Edit("canvas-width-in-words", "zones.yaml", "  width: 200", "  width: wide",
         ("canvas.width",)),
    Edit("zone-id-twice", "zones.yaml", "  - id: neck\n", "  - id: jawline\n",
         ("zones[7].id", "twice")),
    Edit("zone-field-misspelt", "zones.yaml", "    max_current_uA: 400\n",
         "    max_curent_uA: 400\n", ("zones[0].max_curent_uA", "max_current_uA")),
    Edit("stroke-one-point", "zones.yaml", "      - [[90, 79], [90, 53]]", "      - [[90, 79]]",
         ("zones[0].strokes[0]",)),
    Edit("face-point-in-words", "zones.yaml", "    - [100, 16]", "    - [100, sixteen]",
         ("face.outline[0][1]", "sixteen")),
    Edit("zones-file-missing", "zones.yaml", None, None, ("zones.yaml",), located=False),
    # -- techniques.yaml ----------------------------------------------------------------
    Edit("uses-hold-as-text", "techniques.yaml", "uses_hold: false", 'uses_hold: "no"',
         ("techniques[0].uses_hold", "true or false")),
    Edit("technique-name-missing", "techniques.yaml", "    name: Glide\n", "",
         ("techniques[0].name",)),
    Edit("techniques-key-misspelt", "techniques.yaml", "\ntechniques:\n", "\ntechnique:\n",
         ("techniques", "technique")),
    Edit("technique-id-twice", "techniques.yaml", "  - id: hold\n", "  - id: glide\n",
         ("techniques[1].id", "twice")),
    # -- rules.yaml ---------------------------------------------------------------------
    Edit("needed-rule-missing", "rules.yaml", "  - code: not-positive\n", "  - code: not-positiv\n",
         ("rules", "'not-positive'", "the validator needs")),
    Edit("severity-unknown", "rules.yaml", "severity: warning", "severity: warn",
         ("rules[19].severity", "'warn'")),
    Edit("explanation-null", "rules.yaml", "explanation: A required field is missing.",
         "explanation:", ("rules[5].explanation",)),
    Edit("rules-syntax-error", "rules.yaml", "rules:\n", "rules: [\n", ("rules.yaml",)),
    Edit("rule-key-twice", "rules.yaml", "    severity: error\n",
         "    severity: error\n    severity: warning\n", ("severity",)),
    # -- session_care.yaml --------------------------------------------------------------
    Edit("window-in-words", "session_care.yaml", "{min: 24, max: 48}", "{min: 24, max: two days}",
         ("aftercare.window_hours.max", "two days")),
    Edit("weeks-null", "session_care.yaml", "weeks: {min: 4, max: 6}", "weeks: null",
         ("next_visit.weeks",)),
    Edit("prep-text-misspelt", "session_care.yaml", "    text: The face is cleansed",
         "    txt: The face is cleansed", ("prep_checklist[0]", "txt")),
    Edit("aftercare-item-a-mapping", "session_care.yaml",
         "    - Do not rub or scrub the treated skin.\n", "    - {text: Do not rub}\n",
         ("aftercare.items[0]", "text")),
    Edit("care-file-missing", "session_care.yaml", None, None, ("session_care.yaml",),
         located=False),
    # -- sheet.yaml ---------------------------------------------------------------------
    Edit("paper-unknown", "sheet.yaml", "paper: a4 ", "paper: a5 ", ("paper", "'a5'")),
    Edit("fonts-a-number", "sheet.yaml", "fonts: [DejaVu Sans,", "fonts: 12 #", ("fonts",)),
    Edit("clinic-a-list", "sheet.yaml", 'clinic: ""', "clinic: [Lumen]", ("clinic", "text")),
    # -- contraindications.yaml ---------------------------------------------------------
    Edit("age-in-words", "contraindications.yaml", "  years: 18", "  years: eighteen",
         ("minimum_age.years", "eighteen")),
    Edit("bad-regex", "contraindications.yaml", 'pattern: "^(?=.*[0-9])[A-Za-z0-9][A-Za-z0-9-]*$"',
         'pattern: "^([A-Z"', ("client_code.pattern", "not a valid pattern")),
    Edit("wait-days-with-unit", "contraindications.yaml", "    wait_days: 7\n",
         "    wait_days: 7 days\n", ("rules[4].wait_days", "7 days")),
    Edit("wait-days-missing", "contraindications.yaml", "    wait_days: 14\n", "",
         ("rules[5].wait_days", "within-days")),
    Edit("outcome-unknown", "contraindications.yaml",
         "    outcome: stop\n    reason: >-\n      Not for anyone who is pregnant",
         "    outcome: stopp\n    reason: >-\n      Not for anyone who is pregnant",
         ("rules[0].outcome", "'stopp'")),
    Edit("test-unknown", "contraindications.yaml", '    test: "yes"\n    label: Pregnant',
         "    test: maybe\n    label: Pregnant", ("rules[0].test", "'maybe'")),
    Edit("adjustment-missing", "contraindications.yaml",
         "    adjustment: Avoid the area over the metal plates, pins or implants; ask the client "
         "where they are.\n", "", ("rules[6].adjustment",)),
    Edit("oldest-age-null", "contraindications.yaml", "oldest_plausible_age_years: 120",
         "oldest_plausible_age_years: null", ("oldest_plausible_age_years", "empty (null)")),
    Edit("list-item-label-missing", "contraindications.yaml", "        label: Pacemaker\n", "",
         ("lists.implanted_devices.items[0].label",)),
    Edit("needed-outcome-renamed", "contraindications.yaml", "  - id: proceed\n",
         "  - id: go-ahead\n", ("outcomes", "'proceed'")),
    Edit("heal-first-in-words", "contraindications.yaml", "        heal_first: true\n",
         "        heal_first: sometimes\n",
         ("lists.skin_in_treatment_area.items[0].heal_first",)),
    Edit("required-in-words", "contraindications.yaml", "    required: false\n",
         "    required: not really\n", ("rules[8].required",)),
    Edit("lists-a-list", "contraindications.yaml", "\nlists:\n  implanted_devices:\n",
         "\nlists:\n- implanted_devices:\n", ("lists",)),
    Edit("screening-file-missing", "contraindications.yaml", None, None,
         ("contraindications.yaml",), located=False),
]  # fmt: skip


def apply(edit: Edit, folder: Path) -> None:
    path = folder / edit.file
    if edit.new is None:
        path.unlink()
        return
    if edit.old is None:
        path.write_text(edit.new, encoding="utf-8")
        return
    text = path.read_text(encoding="utf-8")
    assert edit.old in text, f"{edit.name}: the text to edit is not in {edit.file}"
    path.write_text(text.replace(edit.old, edit.new, 1), encoding="utf-8")


def arguments(command: str, folder: Path, tmp_path: Path) -> list[str]:
    if command in ("validate", "show"):
        return [command, str(PROTOCOL)]
    if command == "screen":
        return ["screen", str(folder / INTAKE)]
    return ["sheet", str(PROTOCOL), "-o", str(tmp_path / "sheet.pdf")]


def test_the_table_is_long_enough_and_its_names_differ():
    assert len(EDITS) >= 35
    assert len({edit.name for edit in EDITS}) == len(EDITS)


@pytest.mark.parametrize("edit", EDITS, ids=lambda edit: edit.name)
def test_a_bad_edit_is_named_by_file_line_and_field(edit: Edit, data_copy: Path, tmp_path, capsys):
    apply(edit, data_copy)
    for command in ("validate", "show", "screen", "sheet"):
        status = main(arguments(command, data_copy, tmp_path))
        out, err = capsys.readouterr()
        assert "Traceback" not in out + err, command
        if edit.file not in READS[command]:
            assert status == 0, f"{command} does not read {edit.file}:\n{err}"
            continue
        assert status == 1, f"{command} accepted the edit:\n{out}\n{err}"
        assert edit.file in err, f"{command}:\n{err}"
        for text in edit.fields:
            assert text in err, f"{command} does not name {text!r}:\n{err}"
        if edit.located:
            assert re.search(rf"{re.escape(edit.file)}:\d+:\d+", err), f"{command}:\n{err}"
    assert not (tmp_path / "sheet.pdf").exists()


def test_the_unedited_copy_works_for_every_command(data_copy: Path, tmp_path, capsys):
    for command in ("validate", "show", "screen", "sheet"):
        status = main(arguments(command, data_copy, tmp_path))
        out, err = capsys.readouterr()
        assert status == 0, f"{command}:\n{err}"
        assert "Traceback" not in out + err
    assert (tmp_path / "sheet.pdf").stat().st_size > 0


def test_the_installed_command_reports_it_too(data_copy: Path):
    # The real entry point in its own process, reading the variable from its environment.
    apply(next(edit for edit in EDITS if edit.name == "limit-in-words"), data_copy)
    result = subprocess.run(
        [sys.executable, "-m", "protocol_tools", "validate", str(PROTOCOL)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "PROTOCOL_TOOLS_DATA": str(data_copy)},
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    assert re.search(r"limits\.yaml:\d+:\d+ settings\.clinic\.max_current_uA: ", result.stderr)
