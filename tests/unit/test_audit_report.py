"""scripts/audit_report.py on small fake pip-audit output: no network, no pip-audit."""

from __future__ import annotations

import importlib.util
import json
import stat
import sys
import textwrap
from pathlib import Path

import pytest

from bot.settings import PROJECT_DIR

_SPEC = importlib.util.spec_from_file_location("audit_report", PROJECT_DIR / "scripts" / "audit_report.py")
audit_report = importlib.util.module_from_spec(_SPEC)
sys.modules["audit_report"] = audit_report
_SPEC.loader.exec_module(audit_report)

CONSTRAINTS = "aiohttp==3.9.5\nsanic==21.12.2\nPyYAML==6.0.3\n"

ASSESSMENT = textwrap.dedent("""\
    recorded: "2026-12-02"
    reviewed_packages: [aiohttp, sanic]
    proxy_rules: |
      location = /telegram { if ($http_content_encoding) { return 415; } }
    vulnerabilities:
      - id: GHSA-6mq8-rvhq-8wgg
        aliases: [PYSEC-2026-1101, CVE-2025-69223]
        package: aiohttp
        affected: ["<3.13.3"]
        fixed: "3.13.3"
        summary: Zip bomb through request-body decompression.
        reached: conditional
        why: The webhook server decompresses bodies before the secret check.
        mitigation: proxy-rule
        action: Refuse Content-Encoding at nginx.
      - id: GHSA-8cw9-5hmv-77w6
        aliases: [CVE-2022-35920]
        package: sanic
        affected: ["<20.12.7", ">=21.0.0,<21.12.2", ">=22.0.0,<22.6.1"]
        fixed: "21.12.2"
        summary: Path traversal with encoded %2F in app.static.
        reached: "no"
        why: Fixed in the pin.
        mitigation: accepted-risk
        action: None.
    """)


def audit_json(deps: list[dict]) -> str:
    return json.dumps({"dependencies": deps, "fixes": []})


ASSESSED = {"id": "PYSEC-2026-1101", "fix_versions": ["3.13.3"], "aliases": ["CVE-2025-69223"],
            "description": "zip bomb"}
UNASSESSED = {"id": "GHSA-zzzz-zzzz-zzzz", "fix_versions": ["3.14.9"], "aliases": ["CVE-2026-99999"],
              "description": "Something new in aiohttp.\nMore text."}


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    (tmp_path / "constraints.txt").write_text(CONSTRAINTS)
    (tmp_path / "assessment.yml").write_text(ASSESSMENT)
    return {"constraints": tmp_path / "constraints.txt", "assessment": tmp_path / "assessment.yml",
            "json": tmp_path / "pip-audit.json", "report": tmp_path / "security.md"}


def run(files: dict[str, Path], *extra: str) -> tuple[int, str]:
    code = audit_report.main(["--constraints", str(files["constraints"]), "--assessment", str(files["assessment"]),
                              "--audit-json", str(files["json"]), "--output", str(files["report"]), *extra])
    return code, files["report"].read_text()


def test_an_unassessed_finding_is_reported_and_fails_the_audit(files):
    files["json"].write_text(audit_json([
        {"name": "aiohttp", "version": "3.9.5", "vulns": [ASSESSED, UNASSESSED]},
        {"name": "sanic", "version": "21.12.2", "vulns": []},
        {"name": "pyyaml", "version": "6.0.3", "vulns": []},
    ]))
    code, report = run(files)
    assert code == audit_report.EXIT_UNASSESSED
    assert "## UNASSESSED" in report
    unassessed_section = report.split("## UNASSESSED")[1].split("## Findings by package")[0]
    assert "GHSA-zzzz-zzzz-zzzz" in unassessed_section
    assert "GHSA-6mq8-rvhq-8wgg" not in unassessed_section
    assert "**1 unassessed**" in report


def test_an_assessed_finding_is_matched_by_alias_and_the_audit_passes(files):
    files["json"].write_text(audit_json([
        {"name": "aiohttp", "version": "3.9.5", "vulns": [ASSESSED]},
        {"name": "sanic", "version": "21.12.2", "vulns": []},
        {"name": "PyYAML", "version": "6.0.3", "vulns": []},
    ]))
    code, report = run(files)
    assert code == audit_report.EXIT_OK
    assert "UNASSESSED" not in report
    row = next(line for line in report.splitlines() if line.startswith("| aiohttp | 3.9.5 | GHSA-6mq8"))
    assert "conditional" in row and "before the secret check" in row and "**proxy-rule**" in row
    assert "[recorded]" not in row  # pip-audit reported it too
    assert "all 3 pins audited" in report
    assert "return 415" in report  # the proxy rules are carried into the report


def test_skipped_packages_make_the_audit_incomplete_and_fall_back_to_the_record(files):
    files["json"].write_text(audit_json([
        {"name": name, "skip_reason": f"Dependency not found on PyPI and could not be audited: {name}"}
        for name in ("aiohttp", "sanic", "pyyaml")
    ]))
    code, report = run(files)
    assert code == audit_report.EXIT_INCOMPLETE
    assert "The audit is INCOMPLETE" in report
    # the pin 3.9.5 is in the recorded range <3.13.3: still a finding, marked as recorded
    assert "| aiohttp | 3.9.5 | GHSA-6mq8-rvhq-8wgg" in report and "[recorded]" in report
    assert "Findings: **1**" in report
    assert run(files, "--allow-incomplete")[0] == audit_report.EXIT_OK


def test_missing_or_broken_pip_audit_output_is_incomplete(files):
    code, report = run(files)  # no JSON file written
    assert code == audit_report.EXIT_INCOMPLETE and "NOT usable" in report
    files["json"].write_text("Traceback (most recent call last):")
    code, report = run(files)
    assert code == audit_report.EXIT_INCOMPLETE and "not JSON" in report


def test_an_entry_whose_pin_is_no_longer_affected_is_listed_as_stale(files):
    pins = (("aiohttp", "3.9.5"), ("sanic", "21.12.2"), ("pyyaml", "6.0.3"))
    files["json"].write_text(audit_json([{"name": n, "version": v, "vulns": []} for n, v in pins]))
    code, report = run(files)
    assert code == audit_report.EXIT_OK  # aiohttp's recorded finding is assessed
    stale = report.split("## Assessments no longer needed")[1]
    assert "sanic GHSA-8cw9-5hmv-77w6" in stale
    assert "| sanic |" not in report.split("## Findings by package")[1].split("## Findings\n")[0]


def test_an_entry_without_a_valid_assessment_counts_as_unassessed(files):
    files["assessment"].write_text(ASSESSMENT.replace("reached: conditional", "reached: maybe"))
    files["json"].write_text(audit_json([{"name": "aiohttp", "version": "3.9.5", "vulns": [ASSESSED]}]))
    code, report = run(files, "--allow-incomplete")
    assert code == audit_report.EXIT_UNASSESSED
    assert "reached must be one of" in report


@pytest.mark.parametrize(("lower", "higher"), [
    ("1.0.dev1", "1.0a1"), ("1.0a1", "1.0b2"), ("1.0rc1", "1.0"), ("1.0", "1.0.post1"),
    ("3.9.5", "3.10.11"), ("2.6.0rc1", "2.6.0"), ("3.9.1", "3.9.1.post1"), ("0.9", "0.9.1"),
])
def test_versions_order_like_pep_440(lower, higher):
    assert audit_report.version_key(lower) < audit_report.version_key(higher)
    assert audit_report.version_key("1.0") == audit_report.version_key("1.0.0")


def test_ranges():
    assert audit_report.affected("3.9.5", ["<3.10.11"])
    assert not audit_report.affected("3.10.11", ["<3.10.11"])
    assert audit_report.affected("0.9.0", [">=0.6,<=0.9"])
    assert not audit_report.affected("21.12.2", ["<20.12.7", ">=21.0.0,<21.12.2"])
    assert audit_report.affected("4.23.3", [">=5.26.0rc1,<5.29.5", "<4.25.8"])
    with pytest.raises(ValueError):
        audit_report.in_range("1.0", "~=1.0")


def fake_pip(tmp_path: Path, calls: Path) -> Path:
    """A 'python' whose `-m pip install --dry-run` accepts only bar==1.5, logging each call."""
    script = tmp_path / "fake-python"
    script.write_text(textwrap.dedent(f"""\
        #!{sys.executable}
        import sys
        args = sys.argv[1:]
        constraints = open(args[args.index("-c") + 1]).read()
        with open({str(calls)!r}, "a") as log:
            log.write(" ".join(args[-2:]) + " | " + constraints.replace("\\n", ";") + "\\n")
        if args[-1] == "bar==1.5":
            sys.exit(0)
        print("ERROR: Cannot install")
        print("The conflict is caused by:")
        print("    rasa 3.6.21 depends on foo<2")
        print("    The user requested (constraint) " + args[-1])
        print("")
        sys.exit(1)
        """))
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return script


def test_bump_check_asks_pip_with_one_pin_changed_and_caches_the_answer(tmp_path):
    constraints = tmp_path / "constraints.txt"
    constraints.write_text("foo==1.0\nbar==1.0\nrasa==3.6.21\n")
    calls = tmp_path / "calls.log"
    python = fake_pip(tmp_path, calls)
    cache = tmp_path / "cache.json"

    def findings():
        return [audit_report.Finding("foo", "1.0", {"X-1"}, {"pip-audit"}, ["0.9", "2.1", "2.0"], "foo flaw"),
                audit_report.Finding("bar", "1.0", {"X-2"}, {"pip-audit"}, ["1.5"], "bar flaw"),
                audit_report.Finding("baz", "1.0", {"X-3"}, {"recorded"}, [], "no fix")]

    first = findings()
    audit_report.check_bumps(first, str(python), constraints, "rasa==3.6.21", cache)
    assert first[0].bump == "2.0: no (rasa 3.6.21 depends on foo<2)"  # pip's echo of the request dropped
    assert first[1].bump == "1.5: yes (dry run resolves)"
    assert first[2].bump == "no fixed release"
    logged = calls.read_text().splitlines()
    assert len(logged) == 2
    foo_call = next(line for line in logged if line.startswith("rasa==3.6.21 foo==2.0"))
    assert "foo==2.0;bar==1.0;rasa==3.6.21" in foo_call  # only foo's line changed

    second = findings()
    audit_report.check_bumps(second, str(python), constraints, "rasa==3.6.21", cache)
    assert [f.bump for f in second] == [f.bump for f in first]
    assert len(calls.read_text().splitlines()) == 2  # answered from the cache


def test_the_real_assessment_file_is_complete_and_matches_the_pins():
    """Every entry of scripts/audit-assessment.yml is a valid assessment of a pinned package."""
    meta, entries = audit_report.read_assessment(PROJECT_DIR / "scripts" / "audit-assessment.yml")
    pins = audit_report.read_pins(PROJECT_DIR / "constraints.txt")
    assert entries and meta.get("proxy_rules")
    for entry in entries:
        assert entry.problems() == [], entry.id
        assert entry.package in pins, entry.id
        for spec in entry.affected:
            audit_report.in_range("1.0", spec)  # raises on a malformed range
    ids = [entry.id for entry in entries]
    assert len(ids) == len(set(ids))
