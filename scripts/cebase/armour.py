"""A sealed value as the loader sees it, below every stage that reads values.

A sealed field holds an ASCII-armoured age message. When no key opens it, the
record carries a ``Sealed`` stand-in instead of the text: the schema skips it,
text rules do not see it (it is no string), and a rule that tries to use it
raises ``SealedValue``, so the rule is reported as waiting for the bureau rather
than judging ciphertext. Nothing here decrypts; ``seal.py`` does, with pyrage.
"""

from __future__ import annotations

from typing import Any, NoReturn

BEGIN = "-----BEGIN AGE ENCRYPTED FILE-----"
END = "-----END AGE ENCRYPTED FILE-----"
# What a sealed value shows where a person reads a form: never its content.
SHOWN = "〔已加密〕"


def is_armoured(value: Any) -> bool:
    """Is ``value`` an ASCII-armoured age message (as a sealed field holds it)?"""
    if not isinstance(value, str):
        return False
    text = value.strip()
    return text.startswith(BEGIN) and text.endswith(END)


class SealedValue(TypeError):
    """A rule used a sealed value that no key at hand opens."""


def _refuse(self: Sealed, *args: Any, **kwargs: Any) -> NoReturn:
    raise SealedValue("sealed value: the bureau's key is needed to read it")


class Sealed:
    """A sealed value not opened: it holds the armour and refuses to be read."""

    __slots__ = ("armour",)

    def __init__(self, armour: str) -> None:
        self.armour = armour

    def __repr__(self) -> str:
        return "Sealed(...)"

    def __bool__(self) -> bool:
        return True  # empty values are never sealed

    def __html__(self) -> str:
        return SHOWN

    def __getattr__(self, name: str) -> NoReturn:
        if name.startswith("__"):  # protocol probes (copy, pickle) see a plain object
            raise AttributeError(name)
        _refuse(self)  # .get(), .items(), .strip(): the rule wanted the content


# Every use that needs the content: text, numbers, containers, ordering.
for _name in (
    "__str__",
    "__format__",
    "__len__",
    "__iter__",
    "__getitem__",
    "__contains__",
    "__int__",
    "__float__",
    "__index__",
    "__round__",
    "__abs__",
    "__neg__",
    "__lt__",
    "__le__",
    "__gt__",
    "__ge__",
    "__add__",
    "__radd__",
    "__sub__",
    "__rsub__",
    "__mul__",
    "__rmul__",
    "__truediv__",
    "__rtruediv__",
):
    setattr(Sealed, _name, _refuse)
