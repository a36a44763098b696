"""``python -m weir.projects._supervisor SPEC.json``: watch one asynchronous project run.

Started by ``weir.projects.run(..., synchronous=False)`` in its own session, so the run keeps
being watched (and its final status recorded) even if the launching process exits. SIGTERM or
SIGINT stops the child and records KILLED. The spec file is deleted once read.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def main(spec_path: str) -> int:
    with open(spec_path, encoding="utf-8") as handle:
        spec = json.load(handle)
    os.unlink(spec_path)
    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGINT, _interrupt)

    from weir.projects.submitted import LocalSubmittedRun

    def cleanup() -> None:
        for directory in spec.get("cleanup_dirs", []):
            shutil.rmtree(directory, ignore_errors=True)

    try:
        process = subprocess.Popen(spec["argv"], cwd=spec["cwd"], env=spec["env"], start_new_session=True)
    except OSError as exc:
        from weir.tracking.client import WeirClient

        WeirClient(tracking_uri=spec["tracking_uri"]).set_terminated(spec["run_id"], "FAILED")
        cleanup()
        print(f"weir: could not start the project command: {exc}", file=sys.stderr)
        return 1
    submitted = LocalSubmittedRun(spec["run_id"], process, spec["tracking_uri"], cleanup=cleanup)
    try:
        return 0 if submitted.wait() else 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
