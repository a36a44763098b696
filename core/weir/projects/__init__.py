"""Projects: run code from a folder or git repository as a reproducible weir run (MLflow Projects).

``weir.projects.run("examples/projects/experiment", entry_point="manual_logger",
parameters={"max_iter": 1000}, experiment_name="manual_logging")`` validates the invocation,
creates the run, prepares the environment and runs the entry point's command with the run's id
in its environment, so the project's own ``weir.start_run()`` logs into that run.
"""

from weir.projects.errors import ExecutionException
from weir.projects.runner import run
from weir.projects.spec import EntryPoint, Parameter, Project, load_project
from weir.projects.submitted import LocalSubmittedRun, SubmittedRun

__all__ = [
    "EntryPoint",
    "ExecutionException",
    "LocalSubmittedRun",
    "Parameter",
    "Project",
    "SubmittedRun",
    "load_project",
    "run",
]
