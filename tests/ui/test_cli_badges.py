"""`credpath badges inspect` and `credpath plan --badge` through the installed script: output and exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.ingest.badges.factory import Issuer

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "ingest" / "data" / "example_catalogue.yaml"
FIXTURES = ROOT / "tests" / "fixtures" / "badges"
CREDPATH = str(Path(sys.executable).parent / "credpath")
ISSUER = Issuer()


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([CREDPATH, *args], capture_output=True, text=True, timeout=300)


def badges(tmp_path: Path) -> tuple[Path, Path]:
    credential = ISSUER.credential("meridian-sql-basics", "SQL Basics")
    good = tmp_path / "my-badge.jwt"
    good.write_text(ISSUER.jwt(credential))
    head, _, sig = ISSUER.jwt(credential).split(".")
    forged = ISSUER.jwt(ISSUER.credential("meridian-sql-basics", "SQL Basics", valid_from="2020-01-01T00:00:00Z"))
    bad = tmp_path / "tampered.jwt"
    bad.write_text(f"{head}.{forged.split('.')[1]}.{sig}")
    return good, bad


def test_inspect_json_labels_each_badge_and_exits_0_when_all_were_read(tmp_path: Path) -> None:
    good, bad = badges(tmp_path)
    expired = FIXTURES / "vc" / "ed25519-didkey-expired.json"
    out = run("badges", "inspect", str(good), str(bad), str(expired), "-c", str(EXAMPLE), "--format", "json")
    assert out.returncode == 0, out.stderr
    results = json.loads(out.stdout)
    assert [r["status"] for r in results] == ["verified", "invalid", "expired"]
    first = results[0]
    assert {"source", "status", "checks", "trusted", "name", "issuer", "maps_to"} <= set(first)
    assert [c["check"] for c in first["checks"]] == ["structure", "proof", "valid_from", "valid_until", "status"]
    assert first["maps_to"][0] == {
        "id": "meridian-sql-basics",
        "kind": "credential",
        "confidence": 1.0,
        "via": "id",
        "proposal": False,
    }


def test_inspect_exits_2_when_a_file_cannot_be_read_after_reporting_the_others(tmp_path: Path) -> None:
    good, _ = badges(tmp_path)
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    out = run("badges", "inspect", str(broken), str(good), "-c", str(EXAMPLE))
    assert out.returncode == 2
    assert "UNREADABLE" in out.stdout and "corrupt PNG" in out.stdout
    assert "VERIFIED     SQL Basics" in out.stdout and "meridian-sql-basics (SQL Basics)" in out.stdout


def test_plan_with_a_badge_skips_what_it_proves_and_ignores_a_tampered_one(tmp_path: Path) -> None:
    good, bad = badges(tmp_path)
    base = ["plan", "-c", str(EXAMPLE), "--occupation", "data analyst"]
    held = json.loads(run(*base, "--badge", str(good)).stdout)
    assert "meridian-sql-basics" not in [s["credential_id"] for s in held["steps"]]
    assert held["badges"][0]["counted"] is True and held["badges"][0]["covered"]
    out = run(*base, "--badge", str(bad))
    assert out.returncode == 0, out.stderr
    ignored = json.loads(out.stdout)
    assert "meridian-sql-basics" in [s["credential_id"] for s in ignored["steps"]]
    assert ignored["badges"][0]["status"] == "invalid" and ignored["badges"][0]["counted"] is False


def test_an_unusable_status_file_is_bad_input(tmp_path: Path) -> None:
    good, _ = badges(tmp_path)
    out = run("badges", "inspect", str(good), "-c", str(EXAMPLE), "--status", str(tmp_path / "none.json"))
    assert out.returncode == 2 and "does not exist" in out.stderr
