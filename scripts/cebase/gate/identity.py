"""Identity: only the bureau creates the folder of a known base or reuses a base's name.

A certified base listed in a cycle's ``incumbents`` that has no folder yet
would otherwise go to whoever creates the folder first; a new folder, or a
renamed institution, whose name equals an existing one (compared by
``rules.identity.name_key``) would pass for it on the site.
"""

from __future__ import annotations

from collections.abc import Iterator

from .. import layout
from ..findings import Finding
from ..rules.identity import name_key
from .change import Request, shown, where
from .rule import at, change_rule
from .scope import folders, new_folder, shown_folder


def _incumbent_of(req: Request, uscc: str) -> str:
    """The newest cycle that lists ``uscc`` among its incumbents ('' when none), on the base."""
    for cycle in req.cycles.values():
        for item in cycle.data.get("incumbents") or []:
            if isinstance(item, dict) and item.get("uscc") == uscc:
                return cycle.id
    return ""


def _name(data: dict | None) -> str:
    name = data.get("name") if data else None
    return name if isinstance(name, str) else ""


@change_rule("gate-identity", trusted=False)
def check_identity(req: Request) -> Iterator[Finding]:
    """A new folder is no incumbent's, and no institution takes another's name."""
    for uscc, pairs in sorted(folders(req).items()):
        first = min(pairs, key=lambda p: p[1].rel)[1]
        created = new_folder(req, uscc)
        if created and (cycle := _incumbent_of(req, uscc)):
            yield at(
                first,
                "gate-identity",
                f"统一社会信用代码 {shown_folder(uscc)} 是 {cycle} 年度通知（cycles/{cycle}/cycle.yaml 的 "
                "incumbents）中列出的已认定基地，它的文件夹只能由市人社局建立。如果您是该基地的工作人员，"
                f"请联系{req.contact}，由管理科建立文件夹并登记您的账号。",
            )
        path = f"{layout.SUBMISSIONS}/{uscc}/{layout.INSTITUTION_FILE}"
        if not created and not any(w.rel == path for _, w in pairs):
            continue  # the name can only change with its file
        name = _name(req.load(req.head, path))
        if not name or (
            not created and name_key(name) == name_key(_name(req.load(req.base, path)))
        ):
            continue
        other = req.names.owner(name, uscc)
        if other:
            yield at(
                where(req.prefix + path, req.prefix),
                "gate-identity",
                f"单位名称“{shown(name)}”与已登记的单位 {other} 的名称相同（忽略全角半角、空格和不可见字符后比较）。"
                f"同名单位只能由市人社局登记：请核对名称，或联系{req.contact}。",
            )
