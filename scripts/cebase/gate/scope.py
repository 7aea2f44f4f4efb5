"""Scope and ownership: an institution changes its own folder, one folder per pull request.

Who may change a folder is the ``maintainers`` list of its institution.yaml on
the BASE commit; a new folder's first submitter lists themselves. The bureau's
pull requests (``--trusted``) may change anything, but never a review together
with the material it reviews.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from .. import layout
from ..findings import Finding
from .change import Change, Request, Tree, Where
from .rule import at, change_rule, q, whole

# Top-level names that belong to the bureau (or the maintainers of the tool).
BUREAU_OWNED = frozenset(
    {"cycles", "schemas", "scripts", "docs", "mkdocs.yml", ".github", ".ci", "tests"}
)


def is_review(w: Where) -> bool:
    return w.what == layout.Kind.REVIEW


def maintainers(req: Request, tree: Tree, uscc: str) -> list[str] | None:
    """The accounts listed in an institution.yaml; None if absent or unreadable."""
    data = req.load(tree, f"{layout.SUBMISSIONS}/{uscc}/{layout.INSTITUTION_FILE}")
    listed = data.get("maintainers") if data else None
    if not isinstance(listed, list) or not all(isinstance(m, str) for m in listed):
        return None
    return listed


def folders(req: Request) -> dict[str, list[tuple[Change, Where]]]:
    """Changes grouped by the institution folder they touch (both ends of a rename)."""
    by: dict[str, list[tuple[Change, Where]]] = defaultdict(list)
    for c, _path, w in req.places:
        if w.uscc:
            by[w.uscc].append((c, w))
    return by


def new_folder(req: Request, uscc: str) -> bool:
    return not req.base.exists(f"{req.prefix}{layout.SUBMISSIONS}/{uscc}")


def authorised(req: Request, uscc: str) -> tuple[bool, str]:
    """(may the author change this folder, why not in Chinese)."""
    author = req.author.strip().lower()
    if not new_folder(req, uscc):
        listed = maintainers(req, req.base, uscc)
        if listed is None:
            return False, (
                f"单位 {uscc} 的文件夹已存在，但 main 分支上的 institution.yaml 缺失或无法读取，"
                f"无法确认维护账号。请联系{req.contact}处理。"
            )
        if author in (m.lower() for m in listed):
            return True, ""
        return False, (
            f"您的账号“{req.author}”不在单位 {uscc} 的维护账号（main 分支上 institution.yaml 的 "
            "maintainers）中，不能修改该单位的文件夹。请只修改本单位的文件夹；如需增加维护账号，"
            f"请由现有维护账号提交修改，或联系{req.contact}。"
        )
    head_listed = maintainers(req, req.head, uscc)  # a new folder: its first submitter
    if head_listed is None:
        return False, (
            f"新单位文件夹 submissions/{shown_folder(uscc)}/ 中缺少可读取的 institution.yaml。"
            "请先用 `cebase new` 生成并填写 institution.yaml，在 maintainers 中写上您的账号。"
        )
    if author in (m.lower() for m in head_listed):
        return True, ""
    return False, (
        f"新单位文件夹 submissions/{shown_folder(uscc)}/ 的 institution.yaml 中，maintainers 没有列出"
        f"您的账号“{req.author}”。首次提交的账号即为本单位的维护账号：请在 maintainers 中加上“{req.author}”。"
    )


def shown_folder(uscc: str) -> str:
    return q(uscc).strip("“”")


@change_rule("gate-scope", trusted=False)
def check_scope(req: Request) -> Iterator[Finding]:
    """An institution changes only its own folder, and no review."""
    if not req.author.strip():
        yield whole(
            "gate-maintainer",
            "无法确认提交者的账号（未提供 --author），因此不能判断是否有权修改这些文件。"
            "请在运行检查时用 --author 写明账号。",
        )
    for c, path, w in req.places:
        moved = f"（由 {q(c.old_path)} 重命名而来）" if path == c.path and c.old_path else ""
        if w.uscc:
            if is_review(w):
                yield at(
                    w,
                    "gate-review-file",
                    f"{q(w.rel)} 是市人社局填写的评审记录，申报单位不能新增、修改或删除。"
                    "请从本次拉取请求中撤销对该文件的修改。",
                )
        elif w.inside or w.rel.split("/", 1)[0] in BUREAU_OWNED:
            yield at(
                w,
                "gate-bureau-file",
                f"{q(w.rel)}{moved}由市人社局或系统维护人员管理，申报单位不能修改。"
                "请从本次拉取请求中撤销对它的修改，只修改 submissions/ 下本单位的文件夹。",
            )
        else:
            yield at(
                w,
                "gate-scope",
                f"{q(w.rel)}{moved}不在 submissions/ 下的单位文件夹中，申报单位只能修改本单位的文件夹。"
                "请撤销这项修改，把文件放回 submissions/<统一社会信用代码>/ 中。",
            )
    if req.author.strip():
        yield from _ownership(req)


def _ownership(req: Request) -> Iterator[Finding]:
    by = folders(req)
    if not by:
        return
    verdicts = {u: authorised(req, u) for u in sorted(by)}
    own = [u for u, (ok, _) in verdicts.items() if ok]
    # The request's own folder: the authorised one, else the one with the most changes.
    primary = own[0] if own else max(sorted(by), key=lambda u: len(by[u]))
    for uscc, pairs in sorted(by.items()):
        ok, why = verdicts[uscc]
        first = min(pairs, key=lambda p: p[1].rel)[1]
        if not ok:
            yield at(first, "gate-maintainer", why)
        if uscc != primary:
            names = "、".join(sorted({q(w.rel) for _, w in pairs})[:5])
            yield at(
                first,
                "gate-scope",
                f"本次拉取请求修改了其他单位的文件夹 submissions/{shown_folder(uscc)}/（{names}），"
                f"而一个拉取请求只能修改一个单位（本次为 submissions/{shown_folder(primary)}/）。"
                "请只修改本单位的文件夹，或分成多个拉取请求。",
            )


@change_rule("gate-mixed-review", untrusted=False)
def check_trusted(req: Request) -> Iterator[Finding]:
    """A reviewer never changes an institution's submission in the request that reviews it."""
    for _uscc, pairs in sorted(folders(req).items()):
        reviews = sorted({w.rel for _, w in pairs if is_review(w)})
        if not reviews:
            continue
        for w in sorted({w for _, w in pairs if not is_review(w)}, key=lambda w: w.rel):
            yield at(
                w,
                "gate-mixed-review",
                f"同一个拉取请求既修改了评审记录（{'、'.join(reviews)}），又修改了该单位自己的材料 {q(w.rel)}。"
                "评审记录与被评审的材料必须分开提交：请把对单位材料的修改移到另一个拉取请求，"
                "由单位的维护账号提交。",
            )
