"""Rules over the changed paths themselves: names, places, modes, types and limits.

They apply to everyone, the bureau included: a path the registry scan would
not place, or that a person cannot read, never reaches ``main``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from .. import layout
from ..findings import Finding
from ..git import MODE_EXECUTABLE, MODE_SUBMODULE, MODE_SYMLINK
from ..idcodes import find_citizen_ids
from .change import Change, Request, Where, where
from .rule import at, change_rule, q, whole

MAX_PATH_BYTES = 1024  # far above any registry path; Git and file systems allow 4096
MAX_NAME_BYTES = 255  # one part of a path (the usual file-system limit)
MAX_FILES_PER_REQUEST = 1000
MAX_FILES_PER_FOLDER = 200
TEXT_SUFFIXES = (".yaml", ".md")
TEXT_SNIFF_BYTES = 8192  # enough to see a NUL byte in a binary file named .yaml or .md
SEALED_SNIFF_BYTES = 40  # the longer of the two ways an age file begins


def name_problem(c: Change) -> str:
    """Chinese: what is wrong with the name itself, wherever it is ('' when nothing)."""
    if not c.utf8:
        return "文件名不是 UTF-8 编码"
    raw = c.path.encode("utf-8", "surrogateescape")
    if len(raw) > MAX_PATH_BYTES:
        return f"路径长达 {len(raw)} 字节，超过 {MAX_PATH_BYTES} 字节上限"
    for part in c.path.split("/"):
        if len(part.encode("utf-8", "surrogateescape")) > MAX_NAME_BYTES:
            return f"其中一级名称超过 {MAX_NAME_BYTES} 字节"
        if why := layout.bad_part(part):
            return why.rstrip("。")
    return ""


def _named(req: Request) -> Iterator[tuple[Change, str, Where]]:
    """Placed paths whose names are readable (the others get ``gate-path`` only)."""
    for c, path, w in req.places:
        if not name_problem(c):
            yield c, path, w


@change_rule("gate-path")
def check_names(req: Request) -> Iterator[Finding]:
    """Every changed name is UTF-8, visible, of sane length, and has no empty, "." or ".." part."""
    for c in req.changes:
        if c.deleted or not (why := name_problem(c)):
            continue  # removing a badly named file is how it gets fixed
        if find_citizen_ids(c.path):  # the same rule id as the registry scan's
            yield at(where(c.path, req.prefix), "personal-id", f"{q(c.path)}：{why}。")
            continue
        yield at(
            where(c.path, req.prefix),
            "gate-path",
            f"{q(c.path)}：{why}。Git 能保存这样的名称，但登记册无法可靠地读取和显示它，"
            "因此本次拉取请求不能合并。请删除该文件，改用普通的中文、英文或数字名称重新上传。",
        )


@change_rule("gate-layout")
def check_places(req: Request) -> Iterator[Finding]:
    """Every path added under cycles/ or submissions/ has a place in the layout."""
    for c, _path, w in _named(req):
        if c.deleted or not w.inside or w.place is None or w.place.ok:
            continue
        yield at(
            w,
            "gate-layout",
            f"{q(w.rel)} 在登记册中没有对应的位置：{w.place.problem}"
            "请删除或改名后重新提交（登记册不会跳过任何文件，无法识别的文件一律不能合并）。",
        )


_MODES = {
    MODE_SYMLINK: (
        "gate-symlink",
        "是符号链接（快捷方式）。登记册不接受符号链接：请删除它，把真实文件上传到对应位置。",
    ),
    MODE_SUBMODULE: (
        "gate-submodule",
        "是 Git 子模块。登记册不接受子模块：请删除它，把需要的文件直接上传。",
    ),
    MODE_EXECUTABLE: (
        "gate-executable",
        "被标记为可执行文件。材料文件不应可执行：请运行 `git update-index --chmod=-x` "
        "或在网页上删除后重新上传。",
    ),
}


@change_rule("gate-mode")
def check_modes(req: Request) -> Iterator[Finding]:
    """No symlinks, submodules or executables."""
    for c in req.changes:
        if c.mode in _MODES:
            rule, text = _MODES[c.mode]
            yield at(where(c.path, req.prefix), rule, f"{q(c.path)} {text}")


@change_rule("gate-file-type")
def check_text_files(req: Request) -> Iterator[Finding]:
    """YAML and Markdown files are text; the web editor's keep file is empty."""
    for c, path, w in _named(req):
        if c.deleted or path != c.path or c.mode in _MODES:
            continue
        if w.what == layout.KEEP_PLACE and c.size > layout.KEEP_FILE_MAX_BYTES:
            yield at(
                w, "gate-file-type", f"{q(w.rel)} 只用来建立文件夹，应为空文件。请删除其中的内容。"
            )
        elif w.inside and w.rel.endswith(TEXT_SUFFIXES) and w.what != layout.README_PLACE:
            head = req.head.read(c.path, TEXT_SNIFF_BYTES) or b""
            if layout.sniff(head) is not None or b"\x00" in head:
                yield at(
                    w,
                    "gate-file-type",
                    f"{q(w.rel)} 应是文本文件（YAML 或 Markdown），但内容是二进制文件。"
                    "请用文本编辑器或网页编辑器编写；扫描件请放在 attachments/ 文件夹中。",
                )


@change_rule("gate-limit")
def check_limits(req: Request) -> Iterator[Finding]:
    """A pull request adds at most so many files, and a folder holds at most so many."""
    added = [c for c in req.changes if not c.deleted]
    if len(added) > MAX_FILES_PER_REQUEST:
        yield whole(
            "gate-limit",
            f"本次拉取请求新增或修改了 {len(added)} 个文件，超过每个拉取请求 {MAX_FILES_PER_REQUEST} "
            "个文件的上限。请只提交本单位本年度需要的材料；确需大量文件时，请分批提交或联系"
            f"{req.contact}。",
        )
    folders = Counter(c.path.rpartition("/")[0] for c in added)
    for folder in sorted(folders):
        held = len(req.head.names(folder)) if folders[folder] else 0
        if held > MAX_FILES_PER_FOLDER:
            w = where(folder, req.prefix)
            yield at(
                w,
                "gate-limit",
                f"文件夹 {q(w.rel)} 中有 {held} 个文件，超过每个文件夹 {MAX_FILES_PER_FOLDER} 个的上限。"
                "请合并扫描件（例如把多页扫描合成一个 PDF），删除不需要的文件后重新提交。",
            )


@change_rule("attachment-size")
def check_attachments(req: Request) -> Iterator[Finding]:
    """An attachment no record refers to is still PDF/JPEG/PNG by its bytes and under the cap.

    Attachments a record refers to are checked with that record (the
    validator's ``attachment-size`` and ``attachment-type``): one finding per problem.
    """
    for c, path, w in _named(req):
        if c.deleted or path != c.path or w.what != layout.ATTACHMENT_PLACE or c.mode in _MODES:
            continue
        if w.rel.endswith(layout.SEALED_SUFFIX):  # its content is the bureau's to read
            head = req.head.read(c.path, SEALED_SNIFF_BYTES) or b""
            yield from sealed_findings(w, c.size, head)
            continue
        if req.referenced is not None and req.referenced(w.rel):
            continue
        yield from attachment_findings(w, c.size, req.head.read(c.path, layout.SNIFF_BYTES) or b"")


def _too_large(w: Where, size: int, again: str) -> Finding:
    return at(
        w,
        "attachment-size",
        f"附件 {q(w.rel)} 有 {size / 1048576:.1f} MB，超过 "
        f"{layout.ATTACHMENT_MAX_BYTES // 1048576} MB 上限。"
        f"请降低扫描分辨率（150–200 dpi 即可）或压缩后{again}。",
    )


def sealed_findings(w: Where, size: int, head: bytes) -> Iterator[Finding]:
    """A sealed scan (name.pdf.age) is an age file under the size cap."""
    if size > layout.ATTACHMENT_MAX_BYTES:
        yield _too_large(w, size, "重新加密上传")
    if not head.startswith(layout.SEALED_MAGIC):
        yield at(
            w,
            "attachment-type",
            f"{q(w.rel)} 以 {layout.SEALED_SUFFIX} 结尾，但不是 age 加密文件。"
            "请用 `cebase seal` 加密原文件后重新上传。",
        )


def attachment_findings(w: Where, size: int, head: bytes) -> Iterator[Finding]:
    name = w.rel.rsplit("/", 1)[-1]
    ext = layout.extension(name)
    if size > layout.ATTACHMENT_MAX_BYTES:
        yield _too_large(w, size, "重新上传")
    actual = layout.sniff(head)
    if actual is None:
        yield at(
            w,
            "attachment-type",
            f"{q(w.rel)} 的扩展名是 .{ext}，但内容不是 PDF、JPEG 或 PNG 文件。"
            "请导出为 PDF，或将扫描件保存为 JPEG/PNG 后重新上传。",
        )
    elif layout.MAGIC[ext] != layout.MAGIC[actual]:
        yield at(
            w,
            "attachment-type",
            f"{q(w.rel)} 的扩展名是 .{ext}，但内容是 {layout.TYPE_NAMES[actual]}。"
            f"请把扩展名改为 .{actual}。",
        )
