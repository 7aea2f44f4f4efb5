"""Personal fields sealed to the bureau: policy, keys, which fields, seal and open.

The bureau lists its reviewers' age recipients (public keys) in
``cycles/recipients.txt``, a file only the bureau may change. When it lists
any, the registry's policy is *sealed*: every field its schema marks
``x-sealed: true`` holds an ASCII-armoured age message of the value's JSON text,
and attachments are ``name.pdf.age`` files. With no recipients the policy is
*plain*. All cryptography is pyrage's (age); this module only chooses what to
seal and reads the age header's stanza types to compare them with the list.

On load, a ``Keyring`` opens each sealed value it holds a key for and puts a
``Sealed`` stand-in where it does not (``armour.py``); what it found on each
record (opened, held, plaintext, sealed to others) is kept for the rules.
"""

from __future__ import annotations

import base64
import binascii
import functools
import json
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyrage
from pyrage import ssh, x25519

from .armour import BEGIN, END, Sealed, is_armoured
from .document import Document
from .findings import Finding, Severity, field_path
from .layout import CYCLES, RECIPIENTS_FILE, SNIFF_BYTES
from .schemas import KINDS, compiled, inlined, is_valid, resolve, schema

Path_ = tuple[str | int, ...]
Shape = tuple[str | None, ...]  # a field's path with None for any list index

RECIPIENTS_PATH = f"{CYCLES}/{RECIPIENTS_FILE}"
AGE_HEADER = b"age-encryption.org/v1"
# The stanza type each kind of recipient line puts in an age header.
_STANZA_OF = {"age1": "X25519", "ssh-ed25519": "ssh-ed25519", "ssh-rsa": "ssh-rsa"}
EMPTY: tuple[Any, ...] = (None, "", [], {})  # nothing personal to seal
AGE_HEAD_BYTES = 4096  # an age header with a few recipients is a few hundred bytes


# --- policy: the recipients file -------------------------------------------------


@dataclass(frozen=True)
class Policy:
    """The registry's sealing policy, read from ``cycles/recipients.txt``."""

    recipients: tuple[str, ...] = ()
    problems: tuple[tuple[int, str], ...] = ()  # (line, Chinese message) of unusable lines

    @property
    def sealed(self) -> bool:
        return bool(self.recipients)

    def expected(self) -> Counter[str]:
        """The stanza types a value sealed to exactly these recipients carries."""
        return Counter(_stanza_type(r) for r in self.recipients)

    def age_recipients(self) -> list[Any]:
        return [_recipient(r) for r in self.recipients]


def _stanza_type(line: str) -> str:
    return _STANZA_OF["age1"] if line.startswith("age1") else line.split()[0]


def _recipient(line: str) -> Any:
    if line.startswith("age1"):
        return x25519.Recipient.from_str(line)
    return ssh.Recipient.from_str(line)


def parse_recipients(text: str) -> Policy:
    """The age recipients file format: one recipient a line, ``#`` comments, blank lines."""
    good: list[str] = []
    problems: list[tuple[int, str]] = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        kind = "age1" if line.startswith("age1") else line.split()[0]
        try:
            if kind not in _STANZA_OF:
                raise pyrage.RecipientError(kind)
            _recipient(line)
        except (pyrage.RecipientError, ValueError):
            problems.append(
                (
                    number,
                    f"第 {number} 行不是有效的 age 接收方（公钥）。每行应是一个以 age1 开头的公钥"
                    "（或 ssh-ed25519 公钥），说明文字请写在以 # 开头的行。",
                )
            )
            continue
        if line in good:
            problems.append((number, f"第 {number} 行的接收方与前面重复，请删除此行。"))
            continue
        good.append(line)
    return Policy(tuple(good), tuple(problems))


def read_policy(root: Path) -> Policy:
    """The policy of the registry at ``root``: plain when it has no recipients file."""
    try:
        text = (root / RECIPIENTS_PATH).read_text("utf-8")
    except (OSError, UnicodeDecodeError):
        return Policy()
    return parse_recipients(text)


def read_identities(path: Path) -> list[Any]:
    """The age identities (secret keys) of an identity file; ValueError in Chinese."""
    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError):
        raise ValueError(f"无法读取密钥文件 {path}。") from None
    out = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        try:
            out.append(x25519.Identity.from_str(line))
        except (pyrage.IdentityError, ValueError):
            raise ValueError(
                f"密钥文件 {path} 中有一行不是 age 私钥（应以 AGE-SECRET-KEY-1 开头）。"
            ) from None
    if not out:
        raise ValueError(f"密钥文件 {path} 中没有 age 私钥。")
    return out


# --- which fields are sealed ------------------------------------------------------


def _shapes(node: Any, here: Shape, out: list[Shape]) -> None:
    if not isinstance(node, dict):
        return
    node = resolve(node)
    for key, child in node.get("properties", {}).items():
        if isinstance(child, dict) and resolve(child).get("x-sealed") is True:
            out.append((*here, key))  # the whole value is one sealed message
        else:
            _shapes(child, (*here, key), out)
    if isinstance(node.get("items"), dict):
        _shapes(node["items"], (*here, None), out)


@functools.cache
def sealed_shapes(kind: str) -> tuple[Shape, ...]:
    """The fields of a record kind whose schema marks them ``x-sealed: true``."""
    if kind not in KINDS:
        return ()
    out: list[Shape] = []
    _shapes(schema(kind), (), out)
    return tuple(out)


def places(data: Any, shape: Shape, here: Path_ = ()) -> Iterator[tuple[Path_, Any, str]]:
    """Where ``shape`` occurs in ``data``: (path, the mapping holding it, its key)."""
    if not shape:
        return
    head, rest = shape[0], shape[1:]
    if head is None:
        if isinstance(data, list):
            for i, item in enumerate(data):
                yield from places(item, rest, (*here, i))
        return
    if not isinstance(data, dict) or head not in data:
        return
    if not rest:
        yield (*here, head), data, head
    else:
        yield from places(data[head], rest, (*here, head))


def sealed_places(kind: str, data: Any) -> Iterator[tuple[Path_, Any, str]]:
    for shape in sealed_shapes(kind):
        yield from places(data, shape)


# --- sealing and opening values --------------------------------------------------


def seal_bytes(plain: bytes, recipients: Sequence[Any], *, armored: bool) -> bytes:
    return pyrage.encrypt(plain, list(recipients), armored=armored)


def seal_value(value: Any, recipients: Sequence[Any]) -> str:
    """A value as an armoured age message of its JSON text (what a sealed field holds)."""
    plain = json.dumps(value, ensure_ascii=False).encode("utf-8")
    return seal_bytes(plain, recipients, armored=True).decode("ascii")


def open_value(armour: str, identities: Sequence[Any]) -> Any:
    """The value a sealed field holds; pyrage.DecryptError when no identity opens it."""
    plain = pyrage.decrypt(armour.strip().encode("ascii") + b"\n", list(identities))
    return json.loads(plain.decode("utf-8"))


def header_stanzas(raw: bytes) -> Counter[str] | None:
    """The recipient stanza types in an age file's header (grease left out); None if no age file."""
    header, sep, _ = raw.partition(b"\n--- ")
    lines = header.split(b"\n")
    if not sep or lines[0] != AGE_HEADER:
        return None
    types = (
        line[3:].split(b" ", 1)[0].decode("ascii", "replace")
        for line in lines[1:]
        if line.startswith(b"-> ")
    )
    return Counter(t for t in types if not t.endswith("-grease"))


def dearmour(armour: str) -> bytes | None:
    lines = armour.strip().splitlines()
    if len(lines) < 3 or lines[0] != BEGIN or lines[-1] != END:
        return None
    try:
        return base64.b64decode("".join(x.strip() for x in lines[1:-1]), validate=True)
    except (binascii.Error, ValueError):
        return None


def stanzas(armour: str) -> Counter[str] | None:
    raw = dearmour(armour)
    return None if raw is None else header_stanzas(raw)


def describe(found: Counter[str]) -> str:
    """Chinese: how many recipients of which kind an age header names."""
    return "、".join(f"{n} 个 {t}" for t, n in sorted(found.items())) or "0 个"


# --- the schema check of a record holding values it cannot read --------------------

# What a held value is checked as: its armour (the schema cannot see through it).
_ARMOUR = {"type": "string", "pattern": "^-----BEGIN AGE ENCRYPTED FILE-----"}


def _tolerant(node: Any) -> Any:
    """``node`` where every ``x-sealed`` value may also be an armoured age message."""
    if isinstance(node, dict):
        out = {k: _tolerant(v) for k, v in node.items()}
        return {"anyOf": [out, _ARMOUR]} if node.get("x-sealed") is True else out
    if isinstance(node, list):
        return [_tolerant(v) for v in node]
    return node


@functools.cache
def _tolerant_validator(kind: str) -> Any:
    return compiled(_tolerant(inlined(kind)))


def _unsealed_view(data: Any) -> Any:
    """``data`` with each held stand-in replaced by its armour (what the file holds)."""
    if isinstance(data, Sealed):
        return data.armour
    if isinstance(data, dict):
        return {k: _unsealed_view(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_unsealed_view(v) for v in data]
    return data


# --- the keyring: what loading does with sealed values ----------------------------


@dataclass
class Facts:
    """What the keyring found in one record's sealed fields."""

    opened: list[Path_] = field(default_factory=list)
    held: list[Path_] = field(default_factory=list)  # no key at hand: a Sealed stand-in
    closed: list[Path_] = field(default_factory=list)  # a key at hand, but not one of its own
    plain: list[Path_] = field(default_factory=list)  # plaintext where the policy seals
    foreign: list[tuple[Path_, Counter[str]]] = field(default_factory=list)  # other recipients
    broken: list[Path_] = field(default_factory=list)  # looks sealed, but is no age message


@dataclass(frozen=True)
class SealedFile:
    """What a sealed scan (name.pdf.age) shows: its recipients, and its head once opened."""

    stanzas: Counter[str] | None  # None: not an age file
    head: bytes | None = None  # the original's first bytes, when a key at hand opened it


@dataclass
class Keyring:
    """The policy and the identities (if any) with which records are loaded."""

    policy: Policy = field(default_factory=Policy)
    identities: tuple[Any, ...] = ()
    facts: dict[str, Facts] = field(default_factory=dict)

    def open(self, doc: Document, kind: str) -> None:
        """Open (or hold) the sealed values of a loaded record, in place."""
        facts = Facts()
        for path, parent, key in sealed_places(kind, doc.data):
            value = parent[key]
            if not is_armoured(value):
                if self.policy.sealed and value not in EMPTY:
                    facts.plain.append(path)
                continue
            found = stanzas(value)
            if found is None:
                facts.broken.append(path)
                parent[key] = Sealed(value)
                doc.changed()
                continue
            if found != self.policy.expected():
                facts.foreign.append((path, found))
            parent[key] = self._open(path, value, facts)
            doc.changed()
        if facts != Facts():
            self.facts[doc.path] = facts

    def _open(self, path: Path_, armour: str, facts: Facts) -> Any:
        if self.identities:
            try:
                value = open_value(armour, self.identities)
            except pyrage.DecryptError:
                facts.closed.append(path)
            except (UnicodeDecodeError, ValueError):
                facts.broken.append(path)
            else:
                facts.opened.append(path)
                return value
        else:
            facts.held.append(path)
        return Sealed(armour)

    def holds(self, relpath: str) -> bool:
        """Does this record carry stand-ins for values no key at hand opened?"""
        facts = self.facts.get(relpath)
        return facts is not None and bool(facts.held or facts.closed or facts.broken)

    def is_valid(self, doc: Document, kind: str) -> bool:
        """The schema's verdict; where a stand-in is held, any age message passes for it."""
        if not self.holds(doc.path):
            return is_valid(doc.data, kind)
        return bool(_tolerant_validator(kind).is_valid(_unsealed_view(doc.data)))

    def open_file(self, file: Path, head: bytes | None = None) -> SealedFile:
        """A sealed scan's header, and its first bytes when one of the identities opens it
        (``head``: its first ``AGE_HEAD_BYTES``, when already read)."""
        try:
            if head is None:
                with open(file, "rb") as fh:
                    head = fh.read(AGE_HEAD_BYTES)
            found = header_stanzas(head)
            if found is None or not self.identities:
                return SealedFile(found)
            plain = pyrage.decrypt(file.read_bytes(), list(self.identities))
        except OSError:
            return SealedFile(None)
        except pyrage.DecryptError:
            return SealedFile(found)
        return SealedFile(found, plain[:SNIFF_BYTES])

    def of(self, relpath: str) -> Facts:
        return self.facts.get(relpath) or Facts()

    def waiting(self, doc: Document, rule_id: str) -> Finding:
        """The info finding of a check that waits for the bureau's key on this record."""
        facts = self.of(doc.path)
        unread = facts.held + facts.closed
        names = "、".join(field_path(p) for p in unread[:6]) + ("等" if len(unread) > 6 else "")
        line, col = doc.pos(unread[0]) if unread else (1, 1)
        return Finding(
            doc.path,
            line,
            col,
            rule_id,
            f"本文件有 {len(unread)} 个加密字段（{names}），只有持有密钥的市人社局审核人才能读取；"
            f"本项检查（{rule_id}）需要读取这些字段，留待市人社局用密钥核对。申报单位无需处理。",
            Severity.INFO,
            field_path(unread[0]) if unread else "",
        )


PLAIN = Keyring()  # what a record made outside a scan loads with: no policy, no keys
