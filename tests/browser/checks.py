"""The two page checks every browser test runs: axe-core in the page, the Nu HTML Checker after.

Both read from node_modules (see package.json); `make test` installs it with npm ci.
"""

import json
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings

NODE_MODULES = Path(settings.BASE_DIR) / "node_modules"
AXE_JS = NODE_MODULES / "axe-core" / "axe.min.js"
VNU_JAR = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# vnu's "info" messages are warnings; these two types mean the document is invalid or unreadable.
VNU_FAILING_TYPES = {"error", "non-document-error"}


@dataclass
class Tally:
    """What the checks saw in this session, for the terminal summary."""

    axe_pages: int = 0
    axe_violations: int = 0
    html_documents: int = 0
    html_errors: int = 0


TALLY = Tally()


def missing_tools() -> list[str]:
    return [str(path) for path in (AXE_JS, VNU_JAR) if not path.exists()]


# --- axe-core -------------------------------------------------------------------------------


def axe_violations(page, axe_source: str) -> list[dict]:
    # page.evaluate runs through the DevTools protocol, so the site's CSP (script-src 'self')
    # does not block it; a <script> tag would be. The CSP stays on, as in production.
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe_source)
    return page.evaluate(
        """async (tags) => {
            const result = await window.axe.run(document, {runOnly: {type: "tag", values: tags}});
            return result.violations.map((v) => ({
                id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
                nodes: v.nodes.map((n) => ({
                    target: n.target.join(" "), summary: n.failureSummary,
                })),
            }));
        }""",
        AXE_TAGS,
    )


def describe_axe(violations: list[dict], where: str) -> str:
    lines = [f"axe-core found {len(violations)} violation(s) on {where}:"]
    for violation in violations:
        lines.append(
            f"  {violation['id']} ({violation['impact']}): {violation['help']} "
            f"[{violation['helpUrl']}]"
        )
        for node in violation["nodes"]:
            lines.append(f"    at {node['target']}")
            lines.extend(f"       {line}" for line in (node["summary"] or "").splitlines())
    return "\n".join(lines)


# --- Nu HTML Checker ------------------------------------------------------------------------


@dataclass
class HtmlBatch:
    """The HTML of one test's pages, checked in one JVM run (starting Java takes ~1.5 s)."""

    pages: dict[Path, str] = field(default_factory=dict)  # saved file -> page URL

    def add(self, path: Path, html: str, url: str) -> None:
        path.write_text(html, encoding="utf-8")
        self.pages[path] = url

    def errors(self) -> list[dict]:
        if not self.pages:
            return []
        messages = run_vnu(list(self.pages))
        TALLY.html_documents += len(self.pages)
        failing = [m for m in messages if m.get("type") in VNU_FAILING_TYPES]
        TALLY.html_errors += len(failing)
        return failing

    def describe(self, errors: list[dict]) -> str:
        # vnu names each file by a file: URL; map it back to the page it came from.
        by_file = {str(path.resolve()): (path, url) for path, url in self.pages.items()}
        lines = [f"Nu HTML Checker found {len(errors)} error(s):"]
        for error in errors:
            file = unquote(urlsplit(error.get("url", "")).path)
            path, url = by_file.get(file, (file, "?"))
            lines.append(
                f"  {url} ({path}) line {error.get('lastLine', '?')}: {error.get('message')}"
            )
            if error.get("extract"):
                lines.append(f"       {error['extract']!r}")
        return "\n".join(lines)


def run_vnu(paths: list[Path]) -> list[dict]:
    # The quick (C1) compiler starts the JVM in about half the time; it needs a deeper stack.
    java = ["java", "-Xss8m", "-XX:TieredStopAtLevel=1", "-jar", str(VNU_JAR)]
    command = [*java, "--format", "json", "--stdout", *map(str, paths)]
    # vnu exits 1 when it finds errors; the JSON on stdout is the answer either way.
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    try:
        return json.loads(done.stdout)["messages"]
    except (json.JSONDecodeError, KeyError) as problem:
        raise RuntimeError(
            f"vnu gave no JSON (exit {done.returncode}): {done.stderr[-2000:]}"
        ) from problem
