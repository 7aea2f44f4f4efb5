"""The schemas in standard tools: check-jsonschema validates the demo, yaml-language-server
(the engine of VS Code's YAML extension) resolves the references, flags a wrong value and
shows the Chinese help as hover text."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import EXAMPLES, REPO

SCHEMAS = REPO / "schemas"
CHECK_JSONSCHEMA = Path(sys.executable).with_name("check-jsonschema")
YLS = REPO / ".cache/npm/node_modules/yaml-language-server/bin/yaml-language-server"

FILES = {
    "institution": sorted(EXAMPLES.glob("submissions/*/institution.yaml")),
    "application": sorted(EXAMPLES.glob("submissions/*/*/application.yaml")),
    "assessment": sorted(EXAMPLES.glob("submissions/*/*/assessment.yaml")),
    "review": sorted(EXAMPLES.glob("submissions/*/*/review.yaml")),
    **{k: sorted(EXAMPLES.glob(f"cycles/*/{k}.yaml")) for k in ("cycle", "specialties")},
    **{k: sorted(EXAMPLES.glob(f"cycles/*/{k}.yaml")) for k in ("rubric", "checklists")},
}


def test_no_schema_refers_outside_the_folder() -> None:
    for file in SCHEMAS.glob("*.schema.json"):
        text = file.read_text("utf-8")
        assert "urn:" not in text and '"$id"' not in text, file.name
        for ref in json.loads(text, object_hook=_refs_hook).get("_refs", []):
            target = ref.split("#", 1)[0]
            assert not target or (SCHEMAS / target).is_file(), (file.name, ref)


def _refs_hook(node: dict[str, Any]) -> dict[str, Any]:
    refs = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
    for value in node.values():
        if isinstance(value, dict):
            refs += value.get("_refs", [])
    return {**node, "_refs": refs}


# The demo is sealed: these kinds hold armoured age messages where the schema describes the
# plain value (cebase's own check reads them as sealed; standard tools do not, yet).
SEALED_KINDS = ("institution", "application", "assessment")


def check_jsonschema(kind: str, files: list[Path]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(CHECK_JSONSCHEMA), "--schemafile", str(SCHEMAS / f"{kind}.schema.json")]
        + [str(f) for f in files],
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.parametrize("kind", sorted(FILES))
def test_demo_validates_with_check_jsonschema(kind: str, plain_examples: Path) -> None:
    """Every demo record; those with sealed fields as the bureau reads them (opened)."""
    files = FILES[kind]
    assert files, kind
    if kind in SEALED_KINDS:
        files = [plain_examples / f.relative_to(EXAMPLES) for f in files]
    done = check_jsonschema(kind, files)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "validation done" in done.stdout


@pytest.mark.xfail(
    strict=True,
    reason="the schemas do not yet accept an armoured age message in place of a sealed "
    "field's value, so check-jsonschema and editors flag the sealed demo as stored",
)
@pytest.mark.parametrize("kind", SEALED_KINDS)
def test_sealed_demo_files_validate_with_check_jsonschema(kind: str) -> None:
    done = check_jsonschema(kind, FILES[kind])
    assert done.returncode == 0, done.stdout + done.stderr


def test_check_jsonschema_names_a_planted_wrong_value(tmp_path: Path) -> None:
    bad = tmp_path / "institution.yaml"
    source = next(iter(FILES["institution"])).read_text("utf-8")
    bad.write_text(source.replace("category: ", "category: 培训学校 # ", 1), "utf-8")
    done = subprocess.run(
        [str(CHECK_JSONSCHEMA), "--schemafile", str(SCHEMAS / "institution.schema.json"), bad],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1
    assert "$.category" in done.stdout and "培训学校" in done.stdout


class Lsp:
    """A minimal Language Server Protocol client over the server's stdio."""

    def __init__(self, cmd: list[str]) -> None:
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self.next_id = 0

    def send(self, method: str, params: Any, *, request: bool = False) -> int | None:
        msg: dict[str, Any] = {"jsonrpc": "2.0", "method": method, "params": params}
        if request:
            self.next_id += 1
            msg["id"] = self.next_id
        body = json.dumps(msg).encode("utf-8")
        assert self.proc.stdin is not None
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.proc.stdin.flush()
        return msg.get("id")

    def read(self) -> dict[str, Any]:
        assert self.proc.stdout is not None
        length = 0
        while (line := self.proc.stdout.readline().strip()) != b"":
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":")[1])
        return json.loads(self.proc.stdout.read(length))

    def until(self, want: Any) -> dict[str, Any]:
        """Read messages, answering the server's own requests, until ``want(msg)``."""
        while True:
            msg = self.read()
            if "id" in msg and "method" in msg:  # a request from the server
                result = [{"validate": True, "hover": True}] * len(
                    msg.get("params", {}).get("items", [])
                )
                self.reply(
                    msg["id"], result if msg["method"] == "workspace/configuration" else None
                )
                continue
            if want(msg):
                return msg

    def reply(self, id_: int, result: Any) -> None:
        body = json.dumps({"jsonrpc": "2.0", "id": id_, "result": result}).encode("utf-8")
        assert self.proc.stdin is not None
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.proc.stdin.flush()

    def close(self) -> None:
        self.proc.kill()
        self.proc.wait()
        for stream in (self.proc.stdin, self.proc.stdout):
            if stream is not None:
                stream.close()


@pytest.mark.skipif(
    not (YLS.exists() and shutil.which("node")) and os.environ.get("CI") != "true",
    reason="yaml-language-server missing (make test installs it into .cache/npm)",
)
def test_yaml_language_server_flags_and_explains(tmp_path: Path) -> None:
    """A copied demo registry beside the schemas, as `cebase new` writes its header."""
    from cebase.template import schema_ref

    root = tmp_path / "registry"
    shutil.copytree(EXAMPLES / "cycles", root / "cycles")
    target = root / "submissions/91650107DEM0Q0155H/institution.yaml"
    target.parent.mkdir(parents=True)
    text = (EXAMPLES / "submissions/91650107DEM0Q0155H/institution.yaml").read_text("utf-8")
    body = "\n".join(x for x in text.splitlines() if "yaml-language-server" not in x)
    body = body.replace("district: ", "district: 东城区 # ", 1)
    header = f"# yaml-language-server: $schema={schema_ref(target, 'institution')}"
    target.write_text(header + "\n" + body + "\n", "utf-8")
    lines = target.read_text("utf-8").splitlines()
    row = next(i for i, x in enumerate(lines) if x.startswith("district:"))
    cat_row = next(i for i, x in enumerate(lines) if x.startswith("category:"))

    lsp = Lsp(["node", str(YLS), "--stdio"])
    try:
        lsp.send(
            "initialize",
            {"processId": None, "rootUri": root.as_uri(), "capabilities": {}},
            request=True,
        )
        lsp.until(lambda m: m.get("id") == 1)
        lsp.send("initialized", {})
        settings = {"yaml": {"validate": True, "hover": True, "schemaStore": {"enable": False}}}
        lsp.send("workspace/didChangeConfiguration", {"settings": settings})
        uri = target.as_uri()
        doc = {"uri": uri, "languageId": "yaml", "version": 1, "text": "\n".join(lines) + "\n"}
        lsp.send("textDocument/didOpen", {"textDocument": doc})
        diags = lsp.until(
            lambda m: (
                m.get("method") == "textDocument/publishDiagnostics"
                and m["params"]["uri"] == uri
                and m["params"]["diagnostics"]
            )
        )["params"]["diagnostics"]
        hover_id = lsp.send(
            "textDocument/hover",
            {"textDocument": {"uri": uri}, "position": {"line": cat_row, "character": 2}},
            request=True,
        )
        hover = lsp.until(lambda m: m.get("id") == hover_id)["result"]
    finally:
        lsp.close()

    messages = [d["message"] for d in diags]
    assert not [m for m in messages if "Unable to load schema" in m], messages
    wrong = [d for d in diags if d["range"]["start"]["line"] == row]
    assert wrong, messages
    assert "天山区" in wrong[0]["message"]  # the allowed values are listed
    contents = hover["contents"]
    text = contents["value"] if isinstance(contents, dict) else str(contents)
    assert "单位性质" in text and "高等院校" in text
