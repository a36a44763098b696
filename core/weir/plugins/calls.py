"""What happens around a patched call: run handling, nesting, and the exactly-once guarantee.

A plugin's wrapper is a generator that yields once::

    def log_fit(call):                       # call: AutologCall
        weir.log_params(call.instance.get_params())      # before the user's fit
        result = yield                                    # weir runs the user's fit here
        weir.log_metric("score", call.instance.score(*call.args))   # after it
        # the generator's own return value is ignored: the user gets fit's result

weir drives it:

1. If autologging is off for the integration, or ``exclusive`` and a user-created run is active,
   or an outer patched call is already logging (nested ``fit``), the user's function is called
   directly and nothing else happens.
2. Otherwise, under a guard: start a managed run if none is active (tag ``mlflow.autologging``
   plus ``extra_tags``), then run the wrapper up to its ``yield``.
3. The user's function is called exactly once, outside any guard, with ``call.args`` /
   ``call.kwargs`` (the wrapper may change them, e.g. to add a callback; if the wrapper failed
   before its ``yield``, the user's original arguments are used).
4. If it raised: the exception is thrown into the wrapper (for clean-up, guarded), the managed run
   ends FAILED, and the user's exception propagates unchanged.
5. Otherwise the result is sent into the wrapper (guarded), the managed run ends FINISHED, and the
   result is returned as is.

Guarded steps turn exceptions into ``AutologgingWarning`` (errors under ``WEIR_AUTOLOG_STRICT=1``).
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from weir.plugins.safety import guard, is_strict, warn

if TYPE_CHECKING:
    from weir.plugins.autolog import AutologConfig
    from weir.plugins.patching import PatchRecord

__all__ = [
    "AUTOLOGGING_TAG",
    "AutologCall",
    "autologging_disabled",
    "in_autolog_call",
    "make_observer_method",
    "make_observer_wrapper",
    "make_safe_wrapper",
]

AUTOLOGGING_TAG = "mlflow.autologging"
PARENT_RUN_TAG = "mlflow.parentRunId"


@dataclass
class _Frame:
    """One patched call that is logging; inner patched calls look at it to decide."""

    integration: str
    instance: Any
    allow_children: bool
    call: AutologCall


_current: contextvars.ContextVar[_Frame | None] = contextvars.ContextVar("weir_autolog_frame", default=None)
_disabled: contextvars.ContextVar[bool] = contextvars.ContextVar("weir_autolog_disabled", default=False)
# Patched calls logging in any thread. A worker thread (joblib's threading backend) does not inherit
# the contextvar, so it checks this to avoid opening a second run for the same training.
_active_calls = 0
_active_lock = threading.Lock()


@dataclass
class AutologCall:
    """One call of a patched function, as seen by the integration's wrapper.

    :ivar integration: the integration name (``"sklearn"``).
    :ivar config: the integration's ``AutologConfig`` at call time (``call.config.log_models``...).
    :ivar instance: ``self`` for a method call, the class for a classmethod, None for a function.
    :ivar args: positional arguments the user's function will get (``self`` not included).
    :ivar kwargs: keyword arguments the user's function will get; the wrapper may change both.
    :ivar target: ``"Owner.name"`` of the patched attribute, for messages.
    :ivar run_id: id of the run the call logs into (None when ``manage_run=False`` and no run is active).
    :ivar managed_run: True when weir started that run for this call and will end it.
    """

    integration: str
    config: AutologConfig
    instance: Any
    args: tuple
    kwargs: dict
    target: str
    run_id: str | None = None
    managed_run: bool = False
    state: dict = field(default_factory=dict)

    @contextlib.contextmanager
    def child_run(self, run_name: str | None = None, tags: dict[str, str] | None = None) -> Iterator[str]:
        """Open a nested run under ``run_id`` (hyper-parameter search candidates); yields its id.

        The child is tagged ``mlflow.parentRunId`` and ``mlflow.autologging``, is the active run
        inside the block, and ends FINISHED (FAILED if the block raises).
        """
        import weir

        if self.run_id is None:
            raise RuntimeError("child_run() needs a parent run: wrap with manage_run=True")
        child_tags = {**_run_tags(self.integration, self.config), PARENT_RUN_TAG: self.run_id, **(tags or {})}
        run = weir.start_run(run_name=run_name, nested=True, tags=child_tags)
        run_id = run.info.run_id
        try:
            yield run_id
        except BaseException:
            _end_run(run_id, "FAILED")
            raise
        _end_run(run_id, "FINISHED")


@contextlib.contextmanager
def autologging_disabled() -> Iterator[None]:
    """Inside this block patched calls go straight to the original function (no logging).

    Plugins use it around framework helpers that fit many models internally (cross validation).
    """
    token = _disabled.set(True)
    try:
        yield
    finally:
        _disabled.reset(token)


def in_autolog_call() -> bool:
    """Whether the current context is inside a patched call that is logging."""
    return _current.get() is not None


def _run_tags(integration: str, config: AutologConfig) -> dict[str, str]:
    return {**{str(k): str(v) for k, v in config.extra_tags.items()}, AUTOLOGGING_TAG: integration}


def _end_run(run_id: str, status: str) -> None:
    import weir

    active = weir.active_run()
    if active is not None and active.info.run_id == run_id:
        weir.end_run(status=status)
    else:  # the user's code changed the active run under us: end ours by id only
        weir.MlflowClient().set_terminated(run_id, status=status)


def _should_log(integration: str, instance: Any, config: AutologConfig | None) -> tuple[bool, _Frame | None]:
    if config is None or config.disable or _disabled.get():
        return False, None
    outer = _current.get()
    if outer is not None:
        if instance is not None and outer.instance is instance:
            return False, outer  # fit calling super().fit / fit_transform calling fit
        if not outer.allow_children:
            return False, outer
        return True, outer
    if _active_calls and not _user_run_active():
        return False, None  # a worker thread of a call that is already logging
    return True, None


def make_safe_wrapper(
    integration: str,
    record: PatchRecord,
    wrapper: Callable[[AutologCall], Any],
    *,
    manage_run: bool,
    allow_children: bool,
) -> Callable:
    """Build the wrapt wrapper ``(wrapped, instance, args, kwargs)`` that drives ``wrapper``."""
    from weir.plugins.autolog import get_autolog_config

    def safe_wrapper(wrapped: Callable, instance: Any, args: tuple, kwargs: dict) -> Any:
        if not record.proxy._self_weir_active:
            return wrapped(*args, **kwargs)
        config = get_autolog_config(integration)
        log, outer = _should_log(integration, instance, config)
        if not log:
            return wrapped(*args, **kwargs)
        assert config is not None
        if config.exclusive and outer is None and _user_run_active():
            return wrapped(*args, **kwargs)
        call = AutologCall(integration, config, instance, args, dict(kwargs), record.target)
        return _drive(call, wrapper, wrapped, args, kwargs, outer, manage_run, allow_children)

    return safe_wrapper


def _observer_config(integration: str, record: PatchRecord, configs: dict) -> AutologConfig | None:
    """The integration's config when an observer should run now, else None."""
    if not record.proxy._self_weir_active or _disabled.get():
        return None
    outer = _current.get()
    if outer is not None and not outer.allow_children:
        return None
    config = configs.get(integration)
    if config is None or config.disable:
        return None
    if (config.exclusive or (_active_calls and outer is None)) and _user_run_active():
        return None
    return config


def _notify(
    integration: str, record: PatchRecord, observer: Callable[..., Any], config: AutologConfig, *call: Any
) -> None:
    try:
        observer(config, *call)
    except Exception as exc:
        if is_strict():
            raise
        message = f"logging after {record.target} failed: {type(exc).__name__}: {exc}"
        warn(integration, message, silent=config.silent)


def make_observer_wrapper(integration: str, record: PatchRecord, observer: Callable[..., Any]) -> Callable:
    """The wrapt wrapper of ``Patches.observe``: the user's call, then ``observer`` (guarded).

    For per-step hooks (``add_scalar``) where the generator machinery of ``make_safe_wrapper`` costs
    too much: no run handling, no frame; the observer is skipped when the integration is off, inside
    ``autologging_disabled()`` or a logging call that allows no children, and with ``exclusive``
    while a user run is active.
    """

    from weir.plugins.autolog import _configs  # read per call: a function call costs too much here

    def observing_wrapper(wrapped: Callable, instance: Any, args: tuple, kwargs: dict) -> Any:
        result = wrapped(*args, **kwargs)
        config = _observer_config(integration, record, _configs)
        if config is not None:
            _notify(integration, record, observer, config, instance, args, kwargs, result)
        return result

    return observing_wrapper


def make_observer_method(
    integration: str, record: PatchRecord, original: Callable, observer: Callable[..., Any]
) -> Callable:
    """``make_observer_wrapper`` as a plain function for a plain method of a class: the same
    behaviour at a fraction of a wrapt proxy's cost (which dominates for hot per-step methods)."""

    from weir.plugins.autolog import _configs

    @functools.wraps(original)
    def observed(instance: Any, *args: Any, **kwargs: Any) -> Any:
        result = original(instance, *args, **kwargs)
        config = _observer_config(integration, record, _configs)
        if config is not None:
            _notify(integration, record, observer, config, instance, args, kwargs, result)
        return result

    return observed


def _user_run_active() -> bool:
    import weir

    try:
        return weir.active_run() is not None
    except Exception:  # a broken tracking setup must not break the user's fit
        return False


def _drive(
    call: AutologCall,
    wrapper: Callable[[AutologCall], Any],
    wrapped: Callable,
    args: tuple,
    kwargs: dict,
    outer: _Frame | None,
    manage_run: bool,
    allow_children: bool,
) -> Any:
    global _active_calls
    import weir

    name, silent = call.integration, call.config.silent
    generator = None
    with guard(name, f"starting a run for {call.target}", silent=silent):
        active = weir.active_run()
        if active is not None:
            call.run_id = active.info.run_id
        elif manage_run:
            run = weir.start_run(tags=_run_tags(name, call.config))
            call.run_id, call.managed_run = run.info.run_id, True
    with guard(name, f"logging before {call.target}", silent=silent):
        candidate = wrapper(call)
        next(candidate)
        generator = candidate
    if generator is None:  # the wrapper broke before its yield: run the user's call untouched
        call.args, call.kwargs = args, kwargs

    frame = _Frame(name, call.instance, allow_children and (outer is None or outer.allow_children), call)
    token = _current.set(frame)
    with _active_lock:
        _active_calls += 1
    try:
        result = wrapped(*call.args, **call.kwargs)
    except BaseException as user_error:
        traceback = user_error.__traceback__
        _current.reset(token)
        _leave()
        if generator is not None:
            with guard(name, f"cleaning up after {call.target} raised", silent=silent):
                try:
                    generator.throw(user_error)
                except StopIteration:
                    pass
                except BaseException as exc:
                    if exc is not user_error:
                        raise
        if call.managed_run:
            with guard(name, f"ending the run of {call.target}", silent=silent):
                _end_run(call.run_id, "FAILED")  # type: ignore[arg-type]
        user_error.__traceback__ = traceback  # hide the wrapper frames that throw() added
        raise
    _current.reset(token)
    _leave()
    if generator is not None:
        with guard(name, f"logging after {call.target}", silent=silent):
            try:
                generator.send(result)
            except StopIteration:
                pass
            else:
                generator.close()
                raise RuntimeError("the autolog wrapper yielded more than once")
    if call.managed_run:
        with guard(name, f"ending the run of {call.target}", silent=silent):
            _end_run(call.run_id, "FINISHED")  # type: ignore[arg-type]
    if is_strict() and call.managed_run and _still_active(call.run_id):
        raise AssertionError(f"autologging for {name} leaked its managed run {call.run_id}")
    return result


def _leave() -> None:
    global _active_calls
    with _active_lock:
        _active_calls -= 1


def _still_active(run_id: str | None) -> bool:
    import weir

    active = weir.active_run()
    return active is not None and active.info.run_id == run_id


def warn_once(integration: str, key: str, message: str, *, silent: bool = False) -> None:
    """A warning shown once per process for ``(integration, key)``."""
    seen = _warned.setdefault(integration, set())
    if key in seen:
        return
    seen.add(key)
    warn(integration, message, silent=silent)


_warned: dict[str, set[str]] = {}
