"""Save screenshots of the main UI pages into docs/ui/ (run: .venv/bin/python tests/ui/make_screenshots.py).

Seeds a temporary store, starts ``weir ui`` on a free port, drives /usr/bin/chromium with Playwright.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from conftest import CHROMIUM, CHROMIUM_ARGS, start_ui_server, stop_process  # noqa: E402
from seed import seed_store  # noqa: E402

OUT = HERE.parent.parent / "docs" / "ui"


def main() -> None:
    from playwright.sync_api import sync_playwright

    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="weir-ui-shots-") as tmp:
        root = Path(tmp)
        seeded = seed_store(root / "store", root / "work", big_metric_points=20_000)
        server, process, _log = start_ui_server(root, seeded)
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
                )
                page = browser.new_page(viewport={"width": 1360, "height": 860}, base_url=server.url)
                exp, run = seeded.tutorial_experiment, seeded.artifact_run

                page.goto(f"/#/experiments/{exp}")
                page.locator(".runs-table td.name a").first.wait_for()
                page.screenshot(path=str(OUT / "runs.png"))

                page.goto(f"/#/experiments/{exp}/runs/{run}")
                page.locator(".chart[data-drawn]").first.wait_for()
                page.locator("button[data-path='plots']").click()
                page.locator("button[data-path='plots/residuals.png']").click()
                page.locator(".preview-image").wait_for()
                page.wait_for_timeout(300)
                page.screenshot(path=str(OUT / "run.png"), full_page=True)

                ids = ",".join(seeded.child_runs)
                page.goto(f"/#/compare?runs={ids}")
                page.locator(".chart[data-drawn]").first.wait_for()
                page.wait_for_timeout(300)
                page.screenshot(path=str(OUT / "compare.png"), full_page=True)

                page.goto(f"/#/models/{seeded.model_name}/versions/1")
                page.locator("table.history-table").wait_for()
                page.screenshot(path=str(OUT / "model_version.png"), full_page=True)
                browser.close()
        finally:
            stop_process(process)
    print(f"screenshots written to {OUT}")


if __name__ == "__main__":
    main()
