"""Reversible, safe patches: the only way an autologger patches a framework.

Usage inside ``Autologger._patch``::

    def _patch(self, module, config, patches):
        patches.wrap(module.Model, "fit", log_fit)        # log_fit: a generator, see weir.plugins.calls

``Patches.wrap`` installs a ``WeirPatch`` (a ``wrapt.FunctionWrapper``) on ``owner.name`` and
records ``(owner, name, had_own_attr)``. ``Patches.revert()`` undoes the records in reverse order:
if ``owner.name`` is still our proxy it puts back the exact original object, or deletes the
attribute when it was inherited (so ``Sub.fit`` patched on a subclass goes back to resolving to
``Base.fit``). A proxy that someone else has wrapped in the meantime is left in place but turned
off, so it only passes calls through.
"""

from __future__ import annotations

import inspect
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import wrapt

__all__ = ["PatchRecord", "Patches", "WeirPatch", "find_weir_patches", "is_weir_patch"]


class WeirPatch(wrapt.FunctionWrapper):
    """A wrapt proxy installed by weir; ``_self_weir_integration`` marks it as ours."""

    def __init__(self, wrapped: Any, wrapper: Callable, integration: str) -> None:
        super().__init__(wrapped, wrapper)
        self._self_weir_integration = integration
        self._self_weir_active = True


def is_weir_patch(obj: Any) -> bool:
    """Whether ``obj`` is a proxy installed by weir (bound or not)."""
    if isinstance(obj, WeirPatch) or _patched_by(obj) is not None:
        return True
    parent = getattr(obj, "_self_parent", None)
    return isinstance(parent, WeirPatch)


def _patched_by(obj: Any) -> str | None:
    """The integration whose patch ``obj`` is (a ``WeirPatch`` or an observer method), else None."""
    if isinstance(obj, WeirPatch):
        return obj._self_weir_integration
    if inspect.ismethod(obj):
        obj = obj.__func__
    if inspect.isfunction(obj):
        return obj.__dict__.get("_self_weir_integration")
    return None


def _raw_attribute(owner: Any, name: str) -> tuple[Any, bool]:
    """The attribute as stored (no descriptor binding) and whether ``owner`` holds it itself."""
    own = vars(owner)
    if name in own:
        return own[name], True
    if inspect.isclass(owner):
        for klass in owner.__mro__[1:]:
            if name in vars(klass):
                return vars(klass)[name], False
    raise AttributeError(f"{_describe(owner)} has no attribute {name!r} to patch")


def _describe(owner: Any) -> str:
    if inspect.ismodule(owner):
        return owner.__name__
    return getattr(owner, "__qualname__", None) or type(owner).__name__


@dataclass
class PatchRecord:
    """One installed patch: where it went, what was there, and our proxy."""

    owner: Any
    name: str
    had_own_attr: bool
    original: Any  # the raw attribute that was in owner.__dict__ (if had_own_attr) or inherited
    proxy: WeirPatch

    @property
    def target(self) -> str:
        return f"{_describe(self.owner)}.{self.name}"

    def is_installed(self) -> bool:
        return vars(self.owner).get(self.name) is self.proxy


class Patches:
    """The patches of one integration. ``wrap`` adds one, ``revert`` removes them all exactly."""

    def __init__(self, integration: str) -> None:
        self.integration = integration
        self._records: list[PatchRecord] = []
        self._lock = threading.Lock()

    def __iter__(self) -> Iterator[PatchRecord]:
        return iter(list(self._records))

    def __len__(self) -> int:
        return len(self._records)

    def wrap(
        self,
        owner: Any,
        name: str,
        wrapper: Callable,
        *,
        manage_run: bool = True,
        allow_children: bool = False,
    ) -> WeirPatch:
        """Patch ``owner.name`` (a class or module attribute) with a safe autologging wrapper.

        :param owner: the class or module holding the attribute. Patching a subclass whose method
            is inherited works, and ``revert`` deletes the subclass attribute again.
        :param name: the attribute name (``"fit"``, ``"train"``).
        :param wrapper: a generator function ``wrapper(call)`` that yields exactly once: code
            before the ``yield`` runs before the user's function, ``result = yield`` receives its
            return value, code after runs afterwards. ``call`` is a ``weir.plugins.calls.AutologCall``.
            weir calls the user's function itself, once, outside any guard.
        :param manage_run: start a run tagged ``mlflow.autologging`` when none is active, and end it
            when the call returns (FINISHED) or raises (FAILED).
        :param allow_children: let patched calls made inside this one log too (for example
            ``xgboost.train`` called by ``XGBClassifier.fit``); by default they are suppressed, so a
            ``Pipeline.fit`` calling each step's ``fit`` logs once.
        :returns: the installed proxy.
        """
        from weir.plugins.calls import make_safe_wrapper

        if not inspect.isgeneratorfunction(wrapper):
            raise TypeError(
                f"the autolog wrapper for {_describe(owner)}.{name} must be a generator function "
                "that yields once (def wrapper(call): ...; result = yield; ...)"
            )
        with self._lock:
            original, had_own = _raw_attribute(owner, name)
            if (
                had_own
                and isinstance(original, WeirPatch)
                and original._self_weir_integration == self.integration
            ):
                raise RuntimeError(f"{_describe(owner)}.{name} is already patched by {self.integration!r}")
            record = PatchRecord(owner, name, had_own, original, None)  # type: ignore[arg-type]
            safe = make_safe_wrapper(
                self.integration,
                record,
                wrapper,
                manage_run=manage_run,
                allow_children=allow_children,
            )
            proxy = WeirPatch(original, safe, self.integration)
            record.proxy = proxy
            setattr(owner, name, proxy)
            self._records.append(record)
            return proxy

    def observe(self, owner: Any, name: str, observer: Callable) -> Any:
        """Patch ``owner.name`` with a light hook: ``observer(config, instance, args, kwargs, result)``
        runs after each call that returned, guarded like ``wrap``'s wrappers.

        For hot per-step methods (``SummaryWriter.add_scalar``): no managed run and no nesting frame
        of its own, so it costs about a microsecond instead of ``wrap``'s ten. It is skipped when
        the integration is off, inside ``autologging_disabled()`` or another logging call, and with
        ``exclusive`` while a user run is active. ``revert`` undoes it like any other patch. A plain
        method of a class is replaced by a plain function (marked as weir's); anything else gets a
        ``WeirPatch`` proxy.
        """
        from weir.plugins.calls import make_observer_method, make_observer_wrapper

        with self._lock:
            original, had_own = _raw_attribute(owner, name)
            if had_own and _patched_by(original) == self.integration:
                raise RuntimeError(f"{_describe(owner)}.{name} is already patched by {self.integration!r}")
            record = PatchRecord(owner, name, had_own, original, None)  # type: ignore[arg-type]
            if inspect.isclass(owner) and inspect.isfunction(original):
                proxy: Any = make_observer_method(self.integration, record, original, observer)
                proxy._self_weir_integration = self.integration
                proxy._self_weir_active = True
            else:
                wrapper = make_observer_wrapper(self.integration, record, observer)
                proxy = WeirPatch(original, wrapper, self.integration)
            record.proxy = proxy
            setattr(owner, name, proxy)
            self._records.append(record)
            return proxy

    def revert(self) -> None:
        """Undo every patch, newest first. Idempotent."""
        with self._lock:
            records, self._records = self._records, []
        for record in reversed(records):
            record.proxy._self_weir_active = False
            if not record.is_installed():
                continue  # someone wrapped or replaced it since: leave theirs alone
            if record.had_own_attr:
                setattr(record.owner, record.name, record.original)
            else:
                delattr(record.owner, record.name)


def find_weir_patches(owners: list[Any] | None = None) -> list[str]:
    """``"Owner.attr"`` for every weir proxy still installed on the given classes/modules.

    With ``owners=None`` it scans every class and module reachable from ``sys.modules`` that a weir
    patch was ever recorded for (through the live autologgers); tests use it to prove a clean undo.
    """
    if owners is None:
        from weir.plugins.autolog import _all_patch_owners

        owners = _all_patch_owners()
    found = []
    for owner in owners:
        for name, value in list(vars(owner).items()):
            if _patched_by(value) is not None:
                found.append(f"{_describe(owner)}.{name}")
    return found
