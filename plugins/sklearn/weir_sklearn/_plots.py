"""Training plots for classifiers as PNG files (matplotlib, Agg, never shown).

    jobs = classifier_plot_jobs(fitted, X, y)        # predictions computed now, on this thread
    files = render(jobs, out_dir)                     # drawing can happen anywhere later
    # ["training_confusion_matrix.png", "training_roc_curve.png", "training_precision_recall_curve.png"]

The confusion matrix (normalized over true labels) is drawn for every classifier; the ROC and
precision-recall curves only for binary ones with ``predict_proba`` or ``decision_function``, as in
MLflow. Drawing uses matplotlib's object API (``Figure`` + Agg canvas), never pyplot's figure
manager, so it is safe on a background thread and never touches the user's figures. Without
matplotlib there are no plots.

``PlotWorker`` draws and uploads on one background thread, so a ``fit`` does not wait ~40 ms per
plot; ``wait()`` (also run at interpreter exit) blocks until everything submitted is logged.
"""

from __future__ import annotations

import atexit
import importlib.util
import os
import queue
import shutil
import tempfile
import threading
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from weir.tracking.background import register_waiter

PREFIX = "training_"


@dataclass(frozen=True)
class PlotJob:
    """One plot to draw: its file name and a function drawing it on a matplotlib ``Axes``."""

    file_name: str
    draw: Callable[[Any], None]


def matplotlib_available() -> bool:
    return importlib.util.find_spec("matplotlib") is not None


def _positive_scores(fitted: Any, X: Any) -> Any:
    for method in ("predict_proba", "decision_function"):
        if _has_method(fitted, method):
            scores = getattr(fitted, method)(X)
            return scores[:, 1] if getattr(scores, "ndim", 1) == 2 else scores
    return None


def classifier_plot_jobs(
    fitted: Any, X: Any, y_true: Any, sample_weight: Any = None, y_pred: Any = None
) -> list[PlotJob]:
    """Compute what the plots need from the fitted classifier now; return the drawing jobs."""
    if y_true is None or not matplotlib_available():
        return []
    # sklearn's displays import pyplot; do it here, on the caller's thread, so the backend is
    # chosen where the user's own pyplot import would choose it.
    import matplotlib.pyplot  # noqa: F401
    from sklearn import metrics

    y_pred = fitted.predict(X) if y_pred is None else y_pred
    labels = getattr(fitted, "classes_", None)
    jobs = [
        PlotJob(
            f"{PREFIX}confusion_matrix.png",
            lambda ax: metrics.ConfusionMatrixDisplay.from_predictions(
                y_true,
                y_pred,
                labels=labels,
                sample_weight=sample_weight,
                normalize="true",
                cmap="Blues",
                ax=ax,
            ),
        )
    ]
    if labels is not None and len(labels) == 2:
        scores = _positive_scores(fitted, X)
        if scores is not None:
            pos_label = labels[1]
            jobs.append(
                PlotJob(
                    f"{PREFIX}roc_curve.png",
                    lambda ax: metrics.RocCurveDisplay.from_predictions(
                        y_true, scores, pos_label=pos_label, sample_weight=sample_weight, ax=ax
                    ),
                )
            )
            jobs.append(
                PlotJob(
                    f"{PREFIX}precision_recall_curve.png",
                    lambda ax: metrics.PrecisionRecallDisplay.from_predictions(
                        y_true, scores, pos_label=pos_label, sample_weight=sample_weight, ax=ax
                    ),
                )
            )
    return jobs


def render(jobs: list[PlotJob], out_dir: str | os.PathLike) -> list[str]:
    """Draw each job into ``out_dir/<file_name>``; a plot that fails for this data is skipped."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    written = []
    for job in jobs:
        fig = Figure()
        FigureCanvasAgg(fig)
        ax = fig.add_subplot()
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                job.draw(ax)
            ax.set_title(job.file_name[: -len(".png")].replace("_", " "))
            fig.savefig(os.path.join(out_dir, job.file_name), dpi=100)
        except (ValueError, TypeError, IndexError):
            continue  # e.g. a single class in y
        written.append(job.file_name)
    return written


def classifier_plots(
    fitted: Any, X: Any, y_true: Any, out_dir: str | os.PathLike, sample_weight: Any = None
) -> list[str]:
    """Draw the training plots of a fitted classifier into ``out_dir`` now; return the file names."""
    return render(classifier_plot_jobs(fitted, X, y_true, sample_weight), out_dir)


class PlotWorker:
    """Draws plot jobs and logs them as run artifacts on one daemon thread, in submission order."""

    def __init__(self) -> None:
        self._queue: queue.Queue = queue.Queue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self.errors: list[BaseException] = []

    def submit(self, tracking_uri: str, run_id: str, jobs: list[PlotJob], silent: bool = False) -> None:
        if not jobs:
            return
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="weir-sklearn-plots", daemon=True)
                self._thread.start()
        self._queue.put((tracking_uri, run_id, jobs, silent))

    def wait(self) -> list[BaseException]:
        """Block until every submitted plot is logged; return (and forget) the errors seen."""
        if threading.current_thread() is self._thread:
            return []  # called from a plot's own logging: waiting here would wait for itself
        self._queue.join()
        errors, self.errors = self.errors, []
        return errors

    def _run(self) -> None:
        while True:
            tracking_uri, run_id, jobs, silent = self._queue.get()
            try:
                _draw_and_log(tracking_uri, run_id, jobs)
            except Exception as exc:  # reported by wait(); the user's program carries on
                self.errors.append(exc)
                if not silent:
                    warnings.warn(
                        f"weir autologging (sklearn): logging training plots failed: {type(exc).__name__}: {exc}",
                        stacklevel=1,
                    )
            finally:
                self._queue.task_done()


def _draw_and_log(tracking_uri: str, run_id: str, jobs: list[PlotJob]) -> None:
    from weir.tracking.client import WeirClient

    # mkdtemp, not TemporaryDirectory: the latter's finalizer deletes the folder at interpreter
    # exit, under this thread's feet, while the exit handler is still waiting for it.
    tmp = tempfile.mkdtemp(prefix="weir-sklearn-plots-")
    try:
        names = render(jobs, tmp)
        client = WeirClient(tracking_uri=tracking_uri)
        for name in names:
            client.log_artifact(run_id, os.path.join(tmp, name))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


worker = PlotWorker()
atexit.register(worker.wait)
register_waiter(worker.wait)  # end_run and weir.flush() wait for the plots too


def _has_method(obj: Any, name: str) -> bool:
    try:
        return callable(getattr(obj, name, None))
    except Exception:
        return False


__all__ = ["PlotJob", "PlotWorker", "classifier_plot_jobs", "classifier_plots", "render", "worker"]
