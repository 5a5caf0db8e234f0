"""`synergy classify`: CSV in, CSV out; a bad row fails the whole run with nothing written."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

HEADER = "id,age,sex,econ_hours,chore_hours,hazardous_industry,hazardous_conditions,night_work"


def write(tmp_path: Path, *rows: str, header: str = HEADER) -> Path:
    path = tmp_path / "children.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("classify", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def run_failing(*args: str) -> tuple[str, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError) as info:
        call_command("classify", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue(), str(info.value)


def test_it_writes_one_row_per_child_in_input_order(tmp_path):
    path = write(
        tmp_path,
        "c-9,13,F,14,0,0,0,0",
        "c-2,16,M,2,0,0,1,0",
        "c-5,,F,0,0,0,0,0",
        "c-1,10,M,0,25,0,0,0",
    )
    out, err = run(str(path))
    rows = list(csv.DictReader(io.StringIO(out)))
    assert err == ""
    assert list(rows[0]) == ["id", "label", "is_child_labour", "reasons", "warnings"]
    assert [(r["id"], r["label"], r["is_child_labour"]) for r in rows] == [
        ("c-9", "CL", "1"),
        ("c-2", "HAZ", "1"),
        ("c-5", "OOS", "0"),
        ("c-1", "NW", "0"),
    ]
    assert rows[1]["reasons"] == "R2: hazardous conditions"
    assert rows[2]["warnings"].startswith("AGE_MISSING:")


def test_it_uses_the_framework_and_policy(tmp_path):
    path = write(tmp_path, "1,10,M,0,21,0,0,0", "2,16,F,2,0,0,1,0", "3,14,F,20,0,0,0,0")
    out, _ = run("--framework", "mics", str(path))
    assert [r["label"] for r in csv.DictReader(io.StringIO(out))] == ["CL", "HC", "CL"]
    policy = tmp_path / "policy.json"
    policy.write_text(json.dumps({"chores_comparator": ">", "min_age_general": 14}))
    out, _ = run("--framework", "mics", "--policy", str(policy), str(path))
    assert [r["label"] for r in csv.DictReader(io.StringIO(out))] == ["PW", "HC", "CL"]
    out, _ = run("--policy", str(policy), str(path))
    assert [r["label"] for r in csv.DictReader(io.StringIO(out))] == ["NW", "HAZ", "PW"]


def test_it_joins_several_reasons_and_warnings(tmp_path):
    path = write(tmp_path, "1,16,F,200,0,1,0,1")
    row = next(csv.DictReader(io.StringIO(run(str(path))[0])))
    assert row["reasons"].split("; ") == [
        "R2: hazardous industry or occupation",
        "R2: night work",
        "R2: long hours (200 h >= 43 h)",
    ]
    assert [w.split(":")[0] for w in row["warnings"].split("; ")] == [
        "HOURS_OVER_168",
        "HOURS_SUM_OVER_168",
    ]


def test_it_reads_optional_and_ignores_extra_columns(tmp_path):
    header = HEADER + ",other_wfcl,industry,district"
    path = write(
        tmp_path, "1,16,F,0,0,0,0,0,1,,Kathmandu", "2,16,F,5,0,0,0,0,0,0510,", header=header
    )
    policy = tmp_path / "policy.json"
    policy.write_text(json.dumps({"hazardous_industries": ["B"]}))
    out, _ = run("--policy", str(policy), str(path))
    assert [r["label"] for r in csv.DictReader(io.StringIO(out))] == ["CL", "HAZ"]


@pytest.mark.parametrize(
    ("bad_row", "column"),
    [
        ("3,twelve,F,0,0,0,0,0", "age"),
        ("3,12.5,F,0,0,0,0,0", "age"),
        ("3,12,F,lots,0,0,0,0", "econ_hours"),
        ("3,12,F,0,,0,0,0", "chore_hours"),
        ("3,12,F,0,nan,0,0,0", "chore_hours"),
        ("3,12,F,0,0,2,0,0", "hazardous_industry"),
        ("3,12,F,0,0,0,yes,0", "hazardous_conditions"),
        ("3,12,F,0,0,0,0", "night_work"),
        (",12,F,0,0,0,0,0", "id"),
    ],
)
def test_it_fails_on_a_bad_row_naming_line_and_column(tmp_path, bad_row, column):
    path = write(tmp_path, "1,10,M,0,0,0,0,0", "2,11,F,3,0,0,0,0", bad_row, "4,9,M,1,0,0,0,0")
    out, err, message = run_failing(str(path))
    assert out == ""
    assert f"line 4, column {column}:" in err
    assert "nothing written" in message


def test_it_reports_every_bad_row(tmp_path):
    path = write(tmp_path, "1,x,M,0,0,0,0,0", "2,11,F,3,0,0,0,0", "3,12,F,0,0,0,0,9")
    out, err, message = run_failing(str(path))
    assert out == ""
    assert "line 2, column age:" in err and "line 4, column night_work:" in err
    assert message.startswith("2 error(s)")


def test_it_fails_on_a_missing_required_column(tmp_path):
    header = HEADER.replace(",night_work", "")
    out, err, _ = run_failing(str(write(tmp_path, "1,10,M,0,0,0,0", header=header)))
    assert out == ""
    assert "line 1, column night_work: required column missing" in err


def test_it_fails_on_a_bad_policy_or_missing_file(tmp_path):
    path = write(tmp_path, "1,10,M,0,0,0,0,0")
    policy = tmp_path / "policy.json"
    policy.write_text(json.dumps({"long_hour": 40}))
    out, _, message = run_failing("--policy", str(policy), str(path))
    assert out == "" and "long_hour" in message
    assert "cannot read" in run_failing(str(tmp_path / "nope.csv"))[2]


def test_it_runs_as_the_synergy_console_command(tmp_path):
    synergy = Path(sys.executable).with_name("synergy")
    env = {**os.environ, "SECRET_KEY": "test-only-secret-key-that-is-long-enough-for-django"}
    good = write(tmp_path, "1,13,F,14,0,0,0,0")
    done = subprocess.run(
        [synergy, "classify", "--framework", "icls-gpb", good],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert (done.returncode, done.stdout.splitlines()[1][:7]) == (0, "1,CL,1,")
    bad = write(tmp_path, "1,13,F,14,0,0,0,0", "2,13,F,14,0,0,0,0", "3,13,F,fourteen,0,0,0,0")
    done = subprocess.run(
        [synergy, "classify", bad], capture_output=True, text=True, env=env, check=False
    )
    assert done.returncode != 0
    assert done.stdout == ""
    assert "line 4, column econ_hours:" in done.stderr
