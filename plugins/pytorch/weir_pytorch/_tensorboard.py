"""Vanilla PyTorch loops: ``SummaryWriter`` scalars and hparams become weir metrics and params.

    writer = SummaryWriter()
    writer.add_scalar("Loss/train", loss, epoch)        # metric "Loss/train" at step=epoch
    writer.add_scalars("acc", {"train": a, "val": b}, epoch)   # "acc/train", "acc/val"
    writer.add_hparams({"lr": 0.1}, {"hparam/acc": 0.9})       # params + metrics (step 0)

Scalars go to the active run. With no active run, each writer gets a run of its own (tagged
``mlflow.autologging=pytorch``, named after the writer's log directory), created at its first
scalar and ended when the writer is closed or the interpreter exits. ``add_scalar`` is observed
with ``Patches.observe`` and logs through the buffered ``weir.log_metric``: a few microseconds a call.
"""

from __future__ import annotations

import atexit
import os
import re
import threading
from typing import Any

import weir
from weir.plugins.calls import AUTOLOGGING_TAG

INTEGRATION = "pytorch"
# writer.__dict__[_RUN_ATTR]: the id of the run the writer opened, or _SKIP for a writer whose
# scalars another integration already logs (a Lightning logger's writer).
_RUN_ATTR = "_weir_run_id"
_SKIP = ""

_lock = threading.Lock()
_open_runs: dict[str, str] = {}  # run id -> tracking URI, for runs still to end at exit
_atexit_registered = False
_keys: dict[str, str] = {}  # tag -> metric key (valid tags map to themselves)
_INVALID_KEY_CHARS = re.compile(r"[^\w\-. :/]")


def metric_key(tag: Any) -> str:
    """The weir metric key for a TensorBoard tag: the tag itself, or with disallowed characters as ``_``."""
    key = _keys.get(tag)
    if key is not None:
        return key
    from weir.exceptions import WeirException
    from weir.tracking import validation

    text = str(tag)
    try:
        key = validation.validate_key("metric", text)
    except WeirException:
        cleaned = _INVALID_KEY_CHARS.sub("_", text)
        parts = [part for part in cleaned.split("/") if part not in ("", ".", "..")]
        key = validation.validate_key("metric", "/".join(parts)[: validation.MAX_KEY_LENGTH] or "_")
    if len(_keys) < 10_000:
        _keys[tag] = key
    return key


def mark_writer_skipped(writer: Any) -> None:
    """Never log this writer's scalars (its values already reach weir another way)."""
    writer.__dict__[_RUN_ATTR] = _SKIP


def _writer_run(writer: Any, config: Any) -> str | None:
    """The run a writer logs into when no run is active: its own, created on first use."""
    run_id = writer.__dict__.get(_RUN_ATTR)
    if run_id is not None:
        return run_id or None
    with _lock:
        run_id = writer.__dict__.get(_RUN_ATTR)
        if run_id is None:
            writer.__dict__[_RUN_ATTR] = _SKIP  # if creating fails, do not retry on every step
            run_id = _create_run(writer, config)
            writer.__dict__[_RUN_ATTR] = run_id
    return run_id or None


def _create_run(writer: Any, config: Any) -> str:
    global _atexit_registered
    from weir.tracking.context import resolve_run_context_tags
    from weir.tracking.fluent import _get_experiment_id

    tags = resolve_run_context_tags({**config.extra_tags, AUTOLOGGING_TAG: INTEGRATION})
    log_dir = getattr(writer, "log_dir", None)
    name = os.path.basename(os.path.normpath(log_dir)) if log_dir else None
    client = weir.MlflowClient()
    run = client.create_run(_get_experiment_id(), tags=tags, run_name=name or None)
    run_id = run.info.run_id
    _open_runs[run_id] = weir.get_tracking_uri()
    if not _atexit_registered:
        atexit.register(end_writer_runs)
        _atexit_registered = True
    return run_id


def _end_run(run_id: str, status: str) -> None:
    uri = _open_runs.pop(run_id, None)
    if uri is not None:
        weir.MlflowClient(tracking_uri=uri).set_terminated(run_id, status)


def end_writer_runs(status: str | None = None) -> None:
    """End every run a writer opened and did not close (at interpreter exit: FAILED after an error)."""
    from weir.tracking.fluent import _exit_status

    status = status or _exit_status()
    for run_id in list(_open_runs):
        try:
            _end_run(run_id, status)
        except Exception as exc:  # at exit nobody can handle it: report and go on with the others
            import warnings

            warnings.warn(f"weir could not end the SummaryWriter run {run_id}: {exc}", stacklevel=1)


def _number(value: Any) -> float:
    """A float from a Python number, numpy scalar or one-element tensor (without autograd's warning)."""
    item = getattr(value, "item", None)
    if item is not None:
        detach = getattr(value, "detach", None)
        return float(detach().item() if detach is not None else item())
    return float(value)


def _log_point(writer: Any, config: Any, key: str, value: Any, step: Any, walltime: Any) -> None:
    step = 0 if step is None else int(step)
    every = config.options.get("log_every_n_step")
    if every and step % every:
        return
    timestamp = None if walltime is None else int(walltime * 1000)
    number = value if type(value) is float else _number(value)
    if weir.active_run() is not None:
        weir.log_metric(key, number, step=step, timestamp=timestamp)
        return
    run_id = _writer_run(writer, config)
    if run_id is not None:
        weir.log_metric(key, number, step=step, timestamp=timestamp, run_id=run_id)


def on_add_scalar(config: Any, writer: Any, args: tuple, kwargs: dict, result: Any) -> None:
    """Observer of ``SummaryWriter.add_scalar(tag, scalar_value, global_step=None, walltime=None, ...)``."""
    if writer.__dict__.get(_RUN_ATTR) == _SKIP:
        return
    count = len(args)
    tag = args[0] if count > 0 else kwargs["tag"]
    value = args[1] if count > 1 else kwargs["scalar_value"]
    step = args[2] if count > 2 else kwargs.get("global_step")
    walltime = args[3] if count > 3 else kwargs.get("walltime")
    _log_point(writer, config, metric_key(tag), value, step, walltime)


def on_add_scalars(config: Any, writer: Any, args: tuple, kwargs: dict, result: Any) -> None:
    """Observer of ``add_scalars(main_tag, tag_scalar_dict, global_step=None, walltime=None)``."""
    if writer.__dict__.get(_RUN_ATTR) == _SKIP:
        return
    count = len(args)
    main_tag = args[0] if count > 0 else kwargs["main_tag"]
    values = args[1] if count > 1 else kwargs["tag_scalar_dict"]
    step = args[2] if count > 2 else kwargs.get("global_step")
    walltime = args[3] if count > 3 else kwargs.get("walltime")
    for tag, value in values.items():
        _log_point(writer, config, metric_key(f"{main_tag}/{tag}"), value, step, walltime)


def on_close(config: Any, writer: Any, args: tuple, kwargs: dict, result: Any) -> None:
    """Observer of ``SummaryWriter.close``: the writer's own run ends FINISHED."""
    run_id = writer.__dict__.pop(_RUN_ATTR, None)
    if run_id:
        _end_run(run_id, "FINISHED")


def log_hparams(call: Any) -> Any:
    """Wrapper of ``add_hparams(hparam_dict, metric_dict, hparam_domain_discrete=None, run_name=None,
    global_step=None)``: hparams become params, metrics are logged at ``global_step`` (default 0).

    A full wrapper (not an observer) so the ``add_scalar`` calls torch makes inside it are not
    logged a second time.
    """
    yield
    writer = call.instance
    if writer.__dict__.get(_RUN_ATTR) == _SKIP:
        return
    names = ("hparam_dict", "metric_dict", "hparam_domain_discrete", "run_name", "global_step")
    bound = {**dict(zip(names, call.args, strict=False)), **call.kwargs}
    hparams = bound.get("hparam_dict") or {}
    metrics = bound.get("metric_dict") or {}
    step = int(bound.get("global_step") or 0)
    run_id = call.run_id or _writer_run(writer, call.config)
    if run_id is None:
        return
    if hparams:
        weir.log_params({str(k): v for k, v in hparams.items()}, run_id=run_id)
    for tag, value in metrics.items():
        weir.log_metric(metric_key(tag), _number(value), step=step, run_id=run_id)


def patch_summary_writer(writer_class: type, patches: Any) -> None:
    """Install the SummaryWriter hooks (reverted with ``patches``)."""
    patches.observe(writer_class, "add_scalar", on_add_scalar)
    patches.observe(writer_class, "add_scalars", on_add_scalars)
    patches.observe(writer_class, "close", on_close)
    patches.wrap(writer_class, "add_hparams", log_hparams, manage_run=False)


__all__ = ["end_writer_runs", "mark_writer_skipped", "metric_key", "patch_summary_writer"]
