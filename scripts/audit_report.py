"""Write reports/security.md from pip-audit's JSON and scripts/audit-assessment.yml.

Run by scripts/audit (with the project venv's python: PyYAML is the only third-party
module used). What it does:

- reads the pins (constraints.txt) and pip-audit's JSON (``pip-audit -f json``);
- tells whether pip-audit could really audit them: pip-audit reports "No known
  vulnerabilities found" even when it skipped every package because its vulnerability
  source did not answer, so skipped packages and a failed run make the audit
  INCOMPLETE;
- matches every finding to an entry of the assessment file by id or alias, and also
  checks the pins against the versions each entry records as affected (the offline
  fallback, and a check on the live source);
- optionally asks pip, for each fixed version, whether Rasa allows it (a dry run);
- writes the Markdown report and returns the exit code: 0 all findings assessed and the
  audit complete, 1 some finding unassessed, 2 the audit incomplete (the report then
  rests on the recorded advisories only).
"""

from __future__ import annotations

import argparse
import datetime as _dt
import hashlib
import json
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import yaml

EXIT_OK, EXIT_UNASSESSED, EXIT_INCOMPLETE = 0, 1, 2
REACHED = {"yes", "no", "conditional"}
MITIGATIONS = {"proxy-rule", "bump", "accepted-risk"}


# --------------------------------------------------------------------------- versions

_VERSION = re.compile(
    r"^v?(?:(?P<epoch>\d+)!)?(?P<release>\d+(?:\.\d+)*)"
    r"(?:[-_.]?(?P<pre_l>a|b|c|rc|alpha|beta|pre|preview)[-_.]?(?P<pre_n>\d*))?"
    r"(?:(?:[-_.]?(?:post|rev|r)[-_.]?(?P<post_n1>\d*))|(?:-(?P<post_n2>\d+)))?"
    r"(?:[-_.]?dev[-_.]?(?P<dev_n>\d*))?"
    r"(?:\+[a-z0-9._-]+)?$",
    re.IGNORECASE,
)
_PRE_RANK = {"a": 0, "alpha": 0, "b": 1, "beta": 1, "c": 2, "rc": 2, "pre": 2, "preview": 2}
_INF = float("inf")


def version_key(text: str) -> tuple:
    """A sort key for a PEP 440 version (the subset PyPI uses), like packaging's."""
    match = _VERSION.match(text.strip())
    if not match:
        raise ValueError(f"not a version: {text!r}")
    release = [int(part) for part in match["release"].split(".")]
    while len(release) > 1 and release[-1] == 0:
        release.pop()
    pre = (_PRE_RANK[match["pre_l"].lower()], int(match["pre_n"] or 0)) if match["pre_l"] else None
    post_n = match["post_n1"] if match["post_n1"] is not None else match["post_n2"]
    post = int(post_n or 0) if post_n is not None else None  # "" when "post" has no number
    dev = int(match["dev_n"] or 0) if match["dev_n"] is not None else None
    if pre is None and post is None and dev is not None:
        pre_key: tuple = (-_INF, 0)  # 1.0.dev1 sorts before 1.0a1
    elif pre is None:
        pre_key = (_INF, 0)
    else:
        pre_key = pre
    return (int(match["epoch"] or 0), tuple(release), pre_key,
            -_INF if post is None else post, _INF if dev is None else dev)


def _compare(version: tuple, op: str, other: tuple) -> bool:
    release_len = max(len(version[1]), len(other[1]))

    def padded(key: tuple) -> tuple:
        return (key[0], key[1] + (0,) * (release_len - len(key[1])), *key[2:])

    a, b = padded(version), padded(other)
    return {"<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b, "==": a == b, "!=": a != b}[op]


_CLAUSE = re.compile(r"^\s*(<=|>=|==|!=|<|>)\s*(\S+)\s*$")


def in_range(version: str, spec: str) -> bool:
    """Whether `version` satisfies every comparison of `spec` (">=1.0,<2"; "*" = all)."""
    if spec.strip() in ("", "*"):
        return True
    key = version_key(version)
    for clause in spec.split(","):
        match = _CLAUSE.match(clause)
        if not match:
            raise ValueError(f"not a version comparison: {clause!r} in {spec!r}")
        if not _compare(key, match[1], version_key(match[2])):
            return False
    return True


def affected(version: str, ranges: list[str]) -> bool:
    return any(in_range(version, spec) for spec in ranges)


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


# --------------------------------------------------------------------------- inputs

def read_pins(path: Path) -> dict[str, str]:
    pins: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if not line or line.startswith("-"):
            continue
        match = re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?\s*==\s*([^\s;]+)", line)
        if match:
            pins[canonical(match[1])] = match[2]
    return pins


@dataclass
class Entry:
    """One vulnerability of the assessment file."""

    id: str
    package: str
    aliases: list[str] = field(default_factory=list)
    affected: list[str] = field(default_factory=list)
    fixed: str = ""
    summary: str = ""
    reached: str = ""
    why: str = ""
    mitigation: str = ""
    action: str = ""

    @property
    def ids(self) -> set[str]:
        return {self.id, *self.aliases}

    def problems(self) -> list[str]:
        """What keeps this entry from counting as an assessment."""
        found = []
        if self.reached not in REACHED:
            found.append(f"reached must be one of {sorted(REACHED)}")
        if not self.why.strip():
            found.append("why is empty")
        if self.mitigation not in MITIGATIONS:
            found.append(f"mitigation must be one of {sorted(MITIGATIONS)}")
        return found


def read_assessment(path: Path) -> tuple[dict, list[Entry]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    entries = []
    for raw in data.get("vulnerabilities") or []:
        entries.append(Entry(
            id=str(raw["id"]), package=canonical(str(raw["package"])),
            aliases=[str(a) for a in raw.get("aliases") or []],
            affected=[str(r) for r in raw.get("affected") or []],
            fixed=str(raw.get("fixed") or ""), summary=str(raw.get("summary") or "").strip(),
            reached=str(raw.get("reached") or "").strip().lower(), why=str(raw.get("why") or "").strip(),
            mitigation=str(raw.get("mitigation") or "").strip().lower(),
            action=str(raw.get("action") or "").strip(),
        ))
    return data, entries


@dataclass
class AuditRun:
    """What pip-audit produced: its findings, and how far they can be trusted."""

    findings: list[dict]  # {package, version, id, aliases, fix_versions, description}
    audited: list[str]
    skipped: dict[str, str]  # package -> pip-audit's reason
    error: str = ""  # why there is no usable pip-audit output at all

    @property
    def complete(self) -> bool:
        return not self.error and not self.skipped and bool(self.audited)


def read_audit(path: Path | None, error: str = "") -> AuditRun:
    if error or path is None or not path.exists():
        return AuditRun([], [], {}, error or f"no pip-audit output at {path}")
    try:
        data = json.loads(path.read_text(encoding="utf-8") or "null")
    except json.JSONDecodeError as problem:
        return AuditRun([], [], {}, f"pip-audit's output is not JSON: {problem}")
    if not isinstance(data, dict) or not isinstance(data.get("dependencies"), list):
        return AuditRun([], [], {}, "pip-audit's output has no 'dependencies' list")
    findings, audited, skipped = [], [], {}
    for dep in data["dependencies"]:
        name = canonical(dep.get("name", "?"))
        if dep.get("skip_reason"):
            skipped[name] = dep["skip_reason"]
            continue
        audited.append(name)
        for vuln in dep.get("vulns") or []:
            findings.append({"package": name, "version": dep.get("version", "?"), "id": vuln.get("id", "?"),
                             "aliases": list(vuln.get("aliases") or []),
                             "fix_versions": list(vuln.get("fix_versions") or []),
                             "description": (vuln.get("description") or "").strip()})
    return AuditRun(findings, audited, skipped)


# --------------------------------------------------------------------------- findings

@dataclass
class Finding:
    package: str
    version: str
    ids: set[str]
    sources: set[str]  # "pip-audit", "recorded"
    fixed: list[str]
    summary: str
    entry: Entry | None = None
    bump: str = ""  # the dry run's verdict

    @property
    def key(self) -> str:
        return self.entry.id if self.entry else sorted(self.ids)[0]

    @property
    def unassessed(self) -> list[str]:
        if self.entry is None:
            return ["no entry in the assessment file"]
        return self.entry.problems()

    def first_fix(self) -> str:
        """The lowest fixed version above the pin, or ""."""
        candidates = []
        for text in self.fixed:
            try:
                if _compare(version_key(text), ">", version_key(self.version)):
                    candidates.append(text)
            except ValueError:
                continue
        return min(candidates, key=version_key) if candidates else ""


def build_findings(pins: dict[str, str], run: AuditRun, entries: list[Entry]) -> tuple[list[Finding], list[Entry]]:
    """All findings (live and recorded), and the entries whose pin is no longer affected."""
    findings: list[Finding] = []
    for raw in run.findings:
        ids = {raw["id"], *raw["aliases"]}
        entry = next((e for e in entries if e.package == raw["package"] and e.ids & ids), None)
        findings.append(Finding(raw["package"], raw["version"], ids | (entry.ids if entry else set()), {"pip-audit"},
                                raw["fix_versions"] or ([entry.fixed] if entry and entry.fixed else []),
                                (entry.summary if entry and entry.summary else raw["description"].split("\n")[0]),
                                entry))
    stale = []
    for entry in entries:
        pin = pins.get(entry.package)
        if pin is None or not entry.affected:
            stale.append(entry)
            continue
        if not affected(pin, entry.affected):
            stale.append(entry)
            continue
        existing = next((f for f in findings if f.entry is entry), None)
        if existing:
            existing.sources.add("recorded")
        else:
            findings.append(Finding(entry.package, pin, set(entry.ids), {"recorded"},
                                    [entry.fixed] if entry.fixed else [], entry.summary, entry))
    order = {"yes": 1, "conditional": 2, "no": 3}
    findings.sort(key=lambda f: (f.package, order.get(f.entry.reached, 0) if f.entry else 0, f.key))
    return findings, stale


# --------------------------------------------------------------------------- bumps

def _conflict_line(output: str, requested: str = "") -> str:
    """pip's "The conflict is caused by:" lines (less the echo of `requested`), or its last error."""
    lines = output.splitlines()
    for number, line in enumerate(lines):
        if line.strip().startswith("The conflict is caused by"):
            cause = []
            for following in lines[number + 1:]:
                if not following.strip():
                    break
                if requested and following.strip().endswith(f"requested {requested}") or \
                        requested and following.strip().endswith(f"(constraint) {requested}"):
                    continue
                cause.append(following.strip())
            if cause:
                return "; ".join(cause[:3])
    errors = [line.strip() for line in lines if line.startswith("ERROR")]
    return errors[-1] if errors else "pip's dry run failed"


def check_bump(python: str, constraints: Path, package: str, version: str, anchor: str) -> tuple[bool, str]:
    """pip's dry run: can `package==version` be installed beside `anchor` with the other pins?"""
    lines = []
    replaced = False
    for line in constraints.read_text(encoding="utf-8").splitlines():
        match = re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)\s*==", line)
        if match and canonical(match[1]) == package:
            line, replaced = f"{match[1]}=={version}", True
        lines.append(line)
    if not replaced:
        lines.append(f"{package}=={version}")
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as handle:
        handle.write("\n".join(lines) + "\n")
        changed = handle.name
    try:
        result = subprocess.run(
            [python, "-m", "pip", "install", "--dry-run", "--disable-pip-version-check",
             "-c", changed, anchor, f"{package}=={version}"],
            capture_output=True, text=True, timeout=600, check=False)
    except subprocess.TimeoutExpired:
        return False, "pip's dry run timed out"
    finally:
        Path(changed).unlink(missing_ok=True)
    if result.returncode == 0:
        return True, "resolves"
    return False, _conflict_line(result.stdout + "\n" + result.stderr, f"{package}=={version}")


def check_bumps(findings: list[Finding], python: str, constraints: Path, anchor: str, cache: Path | None) -> None:
    digest = hashlib.sha256(constraints.read_bytes()).hexdigest()[:16]
    known: dict[str, list] = {}
    if cache and cache.exists():
        try:
            known = json.loads(cache.read_text(encoding="utf-8"))
        except json.JSONDecodeError:
            known = {}
    for finding in findings:
        fix = finding.first_fix()
        if not fix:
            finding.bump = "no fixed release"
            continue
        key = f"{digest} {anchor} {finding.package}=={fix}"
        if key not in known:
            known[key] = list(check_bump(python, constraints, finding.package, fix, anchor))
        ok, detail = known[key]
        finding.bump = f"{fix}: yes (dry run resolves)" if ok else f"{fix}: no ({detail})"
    if cache:
        cache.parent.mkdir(parents=True, exist_ok=True)
        cache.write_text(json.dumps(known, indent=1, sort_keys=True), encoding="utf-8")


# --------------------------------------------------------------------------- report

def _cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def render(*, pins: dict[str, str], run: AuditRun, findings: list[Finding], stale: list[Entry], meta: dict,
           source: str, tools: str, sbom: str, checked_bumps: bool, when: str) -> str:
    unassessed = [f for f in findings if f.unassessed]
    out: list[str] = ["# Security audit of the pinned dependencies", ""]
    out.append(f"Written by `scripts/audit` on {when} from `constraints.txt` ({len(pins)} pins), "
               f"pip-audit's findings and the hand-kept assessment in `scripts/audit-assessment.yml`. "
               f"SBOM (CycloneDX): `{sbom}`. Tools: {tools}.")
    out += ["", "## Status", ""]
    if run.complete:
        out.append(f"- Vulnerability source: **{source}, reached**; all {len(run.audited)} pins audited.")
    else:
        reason = run.error or (f"pip-audit skipped {len(run.skipped)} of {len(run.skipped) + len(run.audited)} pins "
                               f"(e.g. {next(iter(run.skipped.values()))})")
        out.append(f"- Vulnerability source: **{source}, NOT usable** -- {_cell(reason)}.")
        fooled = (" pip-audit alone would have printed \"No known vulnerabilities found\"." if run.skipped
                  else "")
        out.append("- **The audit is INCOMPLETE.**" + fooled + " The findings below come from the advisories "
                   "recorded in the assessment file "
                   f"(recorded {meta.get('recorded', '?')}), checked offline against the pins; a vulnerability "
                   "published after that, or in a package not reviewed there, is not in this report.")
    out.append(f"- Findings: **{len(findings)}** in {len({f.package for f in findings})} packages; "
               f"**{len(unassessed)} unassessed**.")
    reached = sum(1 for f in findings if f.entry and f.entry.reached == "yes")
    conditional = sum(1 for f in findings if f.entry and f.entry.reached == "conditional")
    out.append(f"- Reached in Loket's use: {reached} yes, {conditional} conditional (blocked by the proxy rules "
               f"below or by configuration), {len(findings) - reached - conditional - len(unassessed)} no.")
    if unassessed:
        out += ["", "## UNASSESSED -- add them to scripts/audit-assessment.yml", "",
                "| Package | Pin | Id / aliases | Fixed in | Summary | Problem |", "|---|---|---|---|---|---|"]
        for f in unassessed:
            out.append(f"| {f.package} | {f.version} | {_cell(', '.join(sorted(f.ids)))} | "
                       f"{_cell(', '.join(f.fixed) or '-')} | {_cell(f.summary[:160])} | "
                       f"{_cell('; '.join(f.unassessed))} |")
    out += ["", "## Findings by package", "", "| Package | Pin | Findings | Reached (yes/conditional/no) |",
            "|---|---|---|---|"]
    for package in sorted({f.package for f in findings}):
        group = [f for f in findings if f.package == package]
        counts = [sum(1 for f in group if f.entry and f.entry.reached == r) for r in ("yes", "conditional", "no")]
        out.append(f"| {package} | {group[0].version} | {len(group)} | {counts[0]}/{counts[1]}/{counts[2]} |")
    out += ["", "## Findings", ""]
    if checked_bumps:
        out.append("\"Rasa allows\" is pip's answer to `pip install --dry-run -c <constraints.txt with that one pin "
                   "changed> rasa==3.6.21 <package>==<fixed>` in the project venv (nothing is installed).")
    else:
        out.append("The bump check was skipped (AUDIT_SKIP_BUMP_CHECK); \"Rasa allows\" is not filled in.")
    out += ["", "| Package | Pin | Vulnerability | Summary | Fixed in / Rasa allows | Reached | Why | Mitigation |",
            "|---|---|---|---|---|---|---|---|"]
    for f in findings:
        e = f.entry
        ids = f.key + (f" ({', '.join(sorted(i for i in f.ids if i != f.key))})" if len(f.ids) > 1 else "")
        source_note = "" if "pip-audit" in f.sources else " [recorded]"
        mitigation = f"**{e.mitigation}**: {e.action}" if e else "-"
        out.append(f"| {f.package} | {f.version} | {_cell(ids)}{source_note} | {_cell(f.summary)} | "
                   f"{_cell(f.bump or (', '.join(f.fixed) or 'no fixed release'))} | "
                   f"{_cell(e.reached if e else 'UNASSESSED')} | {_cell(e.why if e else '')} | {_cell(mitigation)} |")
    if meta.get("proxy_rules"):
        out += ["", "## Proxy rules", "", "The rules the `proxy-rule` mitigations above rely on:", "", "```nginx",
                meta["proxy_rules"].rstrip(), "```"]
    if meta.get("deployment"):
        out += ["", "## Assumptions about the deployment", "", " ".join(str(meta["deployment"]).split())]
    if stale:
        out += ["", "## Assessments no longer needed", "",
                "These entries no longer match a pin (the package was bumped or removed); delete them:", ""]
        out += [f"- {e.package} {e.id} (affected {', '.join(e.affected) or '?'}; pin "
                f"{pins.get(e.package, 'not pinned')})" for e in stale]
    out += ["", "## Coverage", ""]
    if run.audited:
        out.append(f"- pip-audit audited {len(run.audited)} pins" + (f" and skipped {len(run.skipped)}." if run.skipped
                                                                    else "."))
    elif run.skipped:
        out.append(f"- pip-audit skipped all {len(run.skipped)} pins.")
    reviewed = meta.get("reviewed_packages") or []
    if reviewed:
        out.append(f"- Advisories recorded on {meta.get('recorded', '?')} for: {', '.join(sorted(reviewed))}.")
    if meta.get("coverage_note"):
        out.append(f"- {' '.join(str(meta['coverage_note']).split())}")
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------- main

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--constraints", type=Path, required=True)
    parser.add_argument("--assessment", type=Path, required=True)
    parser.add_argument("--audit-json", type=Path)
    parser.add_argument("--audit-error", default="", help="why pip-audit produced nothing usable")
    parser.add_argument("--source", default="pip-audit (PyPI JSON API)")
    parser.add_argument("--output", type=Path, required=True)
    parser.add_argument("--sbom", default="reports/sbom.cdx.json")
    parser.add_argument("--tools", default="pip-audit")
    parser.add_argument("--bump-python", help="python whose pip does the dry runs (the project venv's)")
    parser.add_argument("--bump-anchor", default="rasa==3.6.21")
    parser.add_argument("--bump-cache", type=Path)
    parser.add_argument("--allow-incomplete", action="store_true", help="exit 0 instead of 2 when the source failed")
    args = parser.parse_args(argv)

    pins = read_pins(args.constraints)
    meta, entries = read_assessment(args.assessment)
    run = read_audit(args.audit_json, args.audit_error)
    findings, stale = build_findings(pins, run, entries)
    if args.bump_python:
        check_bumps(findings, args.bump_python, args.constraints, args.bump_anchor, args.bump_cache)
    when = _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(render(pins=pins, run=run, findings=findings, stale=stale, meta=meta, source=args.source,
                                  tools=args.tools, sbom=args.sbom, checked_bumps=bool(args.bump_python), when=when),
                           encoding="utf-8")

    unassessed = [f for f in findings if f.unassessed]
    by_package: dict[str, int] = {}
    for f in findings:
        by_package[f.package] = by_package.get(f.package, 0) + 1
    counts = ", ".join(f"{package} {n}" for package, n in sorted(by_package.items()))
    print(f"{len(findings)} vulnerabilities: {counts or 'none'}")
    if not run.complete:
        reason = run.error or f"{len(run.skipped)} pins skipped"
        print(f"INCOMPLETE: the vulnerability source was not usable ({reason}); "
              "the findings come from the recorded advisories only", file=sys.stderr)
    for f in unassessed:
        print(f"UNASSESSED: {f.package} {f.version} {', '.join(sorted(f.ids))}: {'; '.join(f.unassessed)}",
              file=sys.stderr)
    print(f"wrote {args.output}")
    if unassessed:
        return EXIT_UNASSESSED
    if not run.complete and not args.allow_incomplete:
        return EXIT_INCOMPLETE
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
