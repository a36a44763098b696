"""Framework version checks from installed metadata, without importing the framework.

A plugin declares its supported ranges once (``package.py``) as requirement strings::

    SUPPORTED = ("scikit-learn >= 1.3, < 2",)

``check_requirements(SUPPORTED)`` reads each distribution's version with ``importlib.metadata``
and compares it with a small PEP 440 subset (``== != >= <= > < ~=`` and ``==X.*``), so core weir
needs no ``packaging`` dependency. Several requirements are alternatives for one framework
(``tensorflow`` or ``tensorflow-cpu``): the framework counts as installed when any of them is,
and every installed one must be inside its range.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import metadata

__all__ = [
    "Requirement",
    "VersionCheck",
    "check_requirements",
    "installed_version",
    "parse_requirement",
    "version_key",
]

_VERSION = re.compile(
    r"^\s*v?(?:(?P<epoch>\d+)!)?(?P<release>\d+(?:\.\d+)*)"
    r"(?:[-_.]?(?P<pre_l>a|b|c|rc|alpha|beta|pre|preview)[-_.]?(?P<pre_n>\d*))?"
    r"(?:(?:-(?P<post_n1>\d+))|(?:[-_.]?(?:post|rev|r)[-_.]?(?P<post_n2>\d*)))?"
    r"(?:[-_.]?dev[-_.]?(?P<dev_n>\d*))?"
    r"(?:\+(?P<local>[a-z0-9]+(?:[-_.][a-z0-9]+)*))?\s*$",
    re.IGNORECASE,
)
_PRE_ORDER = {"a": 0, "alpha": 0, "b": 1, "beta": 1, "c": 2, "rc": 2, "pre": 2, "preview": 2}
_REQUIREMENT = re.compile(r"^\s*(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*(?P<specs>.*)$")
_SPEC = re.compile(r"^\s*(?P<op>~=|==|!=|<=|>=|<|>)\s*(?P<version>[^\s,;]+)\s*$")


def version_key(version: str) -> tuple:
    """A sortable key for a PEP 440 version (local labels ignored). Raises ValueError if invalid."""
    match = _VERSION.match(version)
    if match is None:
        raise ValueError(f"invalid version {version!r}")
    release = tuple(int(part) for part in match["release"].split("."))
    while len(release) > 1 and release[-1] == 0:
        release = release[:-1]
    if match["pre_l"]:
        pre = (_PRE_ORDER[match["pre_l"].lower()], int(match["pre_n"] or 0))
    elif match["dev_n"] is not None and match["post_n1"] is None and match["post_n2"] is None:
        pre = (-1, 0)  # 1.0.dev1 sorts before 1.0a1
    else:
        pre = (3, 0)  # final release
    post_text = match["post_n1"] if match["post_n1"] is not None else match["post_n2"]
    post = -1 if post_text is None else int(post_text or 0)
    dev = float("inf") if match["dev_n"] is None else int(match["dev_n"] or 0)
    return (int(match["epoch"] or 0), release, pre, post, dev)


def _is_prerelease(version: str) -> bool:
    return version_key(version)[2][0] != 3


def _release(version: str) -> tuple[int, ...]:
    match = _VERSION.match(version)
    assert match is not None
    return tuple(int(part) for part in match["release"].split("."))


@dataclass(frozen=True)
class Requirement:
    """A distribution name and its version specifiers, e.g. ``scikit-learn >= 1.3, < 2``."""

    name: str
    specifiers: tuple[tuple[str, str], ...]

    def __str__(self) -> str:
        return self.name + ",".join(f"{op}{version}" for op, version in self.specifiers)

    def contains(self, version: str) -> bool:
        """Whether ``version`` satisfies every specifier."""
        return all(_satisfies(version, op, bound) for op, bound in self.specifiers)


def parse_requirement(text: str) -> Requirement:
    """Parse ``"name >= 1.3, < 2"``; raises ValueError naming the problem."""
    match = _REQUIREMENT.match(text.split(";")[0])
    if match is None:
        raise ValueError(f"invalid requirement {text!r}: expected 'name >= x, < y'")
    specs = []
    for part in filter(None, (piece.strip() for piece in match["specs"].split(","))):
        spec = _SPEC.match(part)
        if spec is None:
            raise ValueError(f"invalid version specifier {part!r} in requirement {text!r}")
        bound = spec["version"]
        check = bound[:-2] if bound.endswith(".*") else bound
        version_key(check)  # validates
        if bound.endswith(".*") and spec["op"] not in ("==", "!="):
            raise ValueError(f"'.*' is only allowed with == and != (in {text!r})")
        specs.append((spec["op"], bound))
    return Requirement(name=match["name"], specifiers=tuple(specs))


def _satisfies(version: str, op: str, bound: str) -> bool:
    if bound.endswith(".*"):
        prefix = _release(bound[:-2])
        matches = _release(version)[: len(prefix)] + (0,) * max(0, len(prefix) - len(_release(version)))
        return (matches == prefix) == (op == "==")
    have, want = version_key(version), version_key(bound)
    if op == "==":
        return have == want
    if op == "!=":
        return have != want
    if op == ">=":
        return have >= want
    if op == "<=":
        return have <= want
    if op == ">":
        return have > want
    if op == "<":
        # PEP 440: "< 2" excludes 2.0 pre-releases unless the bound itself is a pre-release.
        if _is_prerelease(version) and not _is_prerelease(bound) and have[1] == want[1]:
            return False
        return have < want
    if op == "~=":
        release = _release(bound)
        if len(release) < 2:
            raise ValueError(f"'~={bound}' needs at least two release components")
        upper = release[:-2] + (release[-2] + 1,)
        return have >= want and version_key(version)[1] < upper
    raise ValueError(f"unknown version operator {op!r}")


def installed_version(distribution: str) -> str | None:
    """The installed version of a distribution, from its metadata; None if not installed."""
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return None


@dataclass(frozen=True)
class VersionCheck:
    """Outcome of checking installed distributions against requirement strings."""

    requirements: tuple[str, ...]
    installed: dict[str, str]  # distribution -> version, for those installed
    conflicts: tuple[str, ...]  # readable "needs X; found Y" lines

    @property
    def is_installed(self) -> bool:
        return bool(self.installed) or not self.requirements

    @property
    def ok(self) -> bool:
        """Installed and inside every range (True when there is nothing to check)."""
        return self.is_installed and not self.conflicts

    @property
    def found(self) -> str:
        """``"scikit-learn 1.5.2"``, or ``"not installed"``."""
        if not self.installed:
            return "not installed"
        return ", ".join(f"{name} {version}" for name, version in self.installed.items())


def check_requirements(requirements: tuple[str, ...] | list[str]) -> VersionCheck:
    """Compare installed versions with ``requirements`` (alternatives for one framework)."""
    installed: dict[str, str] = {}
    conflicts = []
    for text in requirements:
        requirement = parse_requirement(text)
        version = installed_version(requirement.name)
        if version is None:
            continue
        installed[requirement.name] = version
        try:
            inside = requirement.contains(version)
        except ValueError:
            inside = False
        if not inside:
            conflicts.append(f"needs {text.strip()}; found {requirement.name} {version}")
    return VersionCheck(tuple(requirements), installed, tuple(conflicts))
