"""Build ``docs/coverage.md``: each documented operation (qonto-api.md §3) and the method that sends it.

``python -m qonto_async._coverage`` rewrites the file; ``--check`` only compares. The operations come from Qonto's
Postman collections (table A) and from ``docs/operations-extra.json`` (tables B and C, copied from qonto-api.md
§3.2-§3.3); the covered ones from the ``@operation`` marks on the resource methods. A development tool: it reads
files of the source checkout, not of an installed package.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import typing
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import attrs

from qonto_async.client import QontoClient
from qonto_async.resources._base import OPERATION_ATTRIBUTE, Operation, Resource

REPO = Path(__file__).resolve().parents[1]
COVERAGE_FILE = REPO / "docs" / "coverage.md"
EXTRA_FILE = REPO / "docs" / "operations-extra.json"
COMMAND = "python -m qonto_async._coverage"
OAUTH_HOST = "<oauth>"
NOT_COVERED = "not covered yet"


@attrs.frozen(kw_only=True)
class Documented:
    """One documented operation: its table (A, B or C), group or row id, method and path template."""

    table: str
    group: str
    method: str
    path: str
    summary: str

    @property
    def name(self) -> str:
        return f"{self.method} {self.path}"


def data_dir() -> Path:
    """Qonto's files: ``$QONTO_OPENAPI_DIR``, a copy in ``tests/contract/qonto-openapi``, or the workspace's."""
    candidates = [
        *([Path(os.environ["QONTO_OPENAPI_DIR"])] if os.environ.get("QONTO_OPENAPI_DIR") else []),
        REPO / "tests" / "contract" / "qonto-openapi",
        REPO.parent / "shared" / "qonto-openapi",
    ]
    for candidate in candidates:
        if (candidate / "postman-collections").is_dir():
            return candidate
    raise FileNotFoundError(f"Qonto's Postman collections were not found (tried: {candidates})")


_VARIABLE = re.compile(r"^(?::(\w+)|\{\{(\w+)\}\})$")


def _segment(segment: str) -> str:
    # Postman writes path variables as ":id" or "{{sca_session_token}}"; qonto-api.md writes "{id}".
    match = _VARIABLE.match(segment)
    return segment if match is None else "{" + (match.group(1) or match.group(2)) + "}"


def _requests(items: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for item in items:
        if "item" in item:
            yield from _requests(item["item"])
        else:
            yield item


def postman_operations(directory: Path | None = None) -> list[Documented]:
    """Table A, in the export's order; an operation saved twice (the token call, once per grant) appears once."""
    folder = (directory or data_dir()) / "postman-collections"
    out: dict[str, Documented] = {}
    for path in sorted(folder.glob("*.postman_collection.json")):
        document = json.loads(path.read_text(encoding="utf-8"))
        group = document["info"]["name"].split("::")[-1].strip()
        for request in _requests(document["item"]):
            url = request["request"]["url"]
            prefix = OAUTH_HOST if "{{oauthUrl}}" in url.get("host", []) else ""
            op_path = prefix + "/" + "/".join(_segment(s) for s in url["path"])
            op = Documented(
                table="A", group=group, method=request["request"]["method"], path=op_path, summary=request["name"]
            )
            out.setdefault(op.name, op)
    return list(out.values())


def postman_query_names(directory: Path | None = None) -> dict[str, frozenset[str]]:
    """The query parameter names Postman documents for each table-A operation."""
    folder = (directory or data_dir()) / "postman-collections"
    out: dict[str, set[str]] = {}
    for path in sorted(folder.glob("*.postman_collection.json")):
        for request in _requests(json.loads(path.read_text(encoding="utf-8"))["item"]):
            url = request["request"]["url"]
            name = f"{request['request']['method']} /" + "/".join(_segment(s) for s in url["path"])
            out.setdefault(name, set()).update(q["key"] for q in url.get("query", []))
    return {name: frozenset(keys) for name, keys in out.items()}


def extra_operations(path: Path = EXTRA_FILE) -> list[Documented]:
    """Tables B and C (qonto-api.md §3.2, §3.3)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    table_b = [
        Documented(table="B", group=row["id"], method=row["method"], path=row["path"], summary=row["summary"])
        for row in data["B"]
    ]
    table_c = [
        Documented(
            table="C",
            group="Deprecated",
            method=row["method"],
            path=row["path"],
            summary=f"replaced by {row['replacement']}",
        )
        for row in data["C"]
    ]
    return table_b + table_c


def documented_operations(directory: Path | None = None) -> list[Documented]:
    return postman_operations(directory) + extra_operations()


def resource_classes() -> dict[str, type[Resource]]:
    """``QontoClient``'s namespaces (``"labels"`` → ``LabelsResource``), from its class annotations."""
    hints = typing.get_type_hints(QontoClient)
    return {name: tp for name, tp in hints.items() if isinstance(tp, type) and issubclass(tp, Resource)}


def covered_methods() -> dict[str, Operation]:
    """``"labels.list"`` → the operation its ``@operation`` mark names."""
    out: dict[str, Operation] = {}
    for namespace, cls in sorted(resource_classes().items()):
        for attribute, value in sorted(vars(cls).items()):
            mark = getattr(value, OPERATION_ATTRIBUTE, None)
            if isinstance(mark, Operation):
                out[f"{namespace}.{attribute}"] = mark
    return out


# The two OAuth-host operations are not resource methods: the browser visits the authorization URL, and the token
# call belongs to the auth layer. Each name is an attribute path under ``qonto_async`` (checked by a test).
OUTSIDE_RESOURCES: dict[str, tuple[str, ...]] = {
    f"GET {OAUTH_HOST}/oauth2/auth": ("build_authorization_url",),
    f"POST {OAUTH_HOST}/oauth2/token": ("exchange_code", "OAuthBearerAuth.refresh"),
}


def render(directory: Path | None = None) -> str:
    documented = documented_operations(directory)
    by_operation: dict[str, list[str]] = {name: list(names) for name, names in OUTSIDE_RESOURCES.items()}
    for method_name, mark in covered_methods().items():
        by_operation.setdefault(mark.name, []).append(method_name)
    titles = {
        "A": "A. Qonto's Postman export (qonto-api.md §3.1)",
        "B": "B. Documented on docs.qonto.com, missing from the export (qonto-api.md §3.2)",
        "C": "C. Deprecated or sunset (qonto-api.md §3.3)",
    }
    covered_count = sum(1 for op in documented if op.name in by_operation)
    lines = [
        "# Business API coverage",
        "",
        f"Generated by `{COMMAND}` from the `@operation` marks on the resource methods; do not edit by hand.",
        "Names are attributes of a `QontoClient` (`labels.list` is `qonto.labels.list`), except the OAuth helpers "
        "`build_authorization_url`, `exchange_code` and `OAuthBearerAuth.refresh`, importable from `qonto_async`.",
        "",
        f"**{covered_count} of {len(documented)} operations covered; {len(documented) - covered_count} not covered "
        "yet.**",
        "",
    ]
    for table, title in titles.items():
        rows = [op for op in documented if op.table == table]
        done = sum(1 for op in rows if op.name in by_operation)
        lines += [f"## {title}", "", f"{done} of {len(rows)} covered.", "", "| Group | Operation | Method |"]
        lines.append("|---|---|---|")
        for op in rows:
            names = by_operation.get(op.name)
            method = ", ".join(f"`{name}`" for name in sorted(names)) if names else NOT_COVERED
            lines.append(f"| {op.group} | `{op.name}` | {method} |")
        lines.append("")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog=COMMAND, description="Write (or --check) docs/coverage.md.")
    parser.add_argument("--check", action="store_true", help="fail if docs/coverage.md is not up to date")
    args = parser.parse_args(argv)
    text = render()
    if args.check:
        current = COVERAGE_FILE.read_text(encoding="utf-8") if COVERAGE_FILE.exists() else ""
        if current != text:
            print(f"{COVERAGE_FILE} is out of date; run: {COMMAND}", file=sys.stderr)
            return 1
        return 0
    COVERAGE_FILE.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
