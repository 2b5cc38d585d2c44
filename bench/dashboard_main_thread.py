"""Main-thread work of the district dashboard on a slow phone (issue 18, item 13).

Against a running server with the demo (e.g. `make run`, or `manage.py runserver` on a seeded database), it logs in
as `phongnn` in headless Chromium on a 360 × 740 phone screen, slows the CPU 4× through the DevTools protocol
(`Emulation.setCPUThrottlingRate`, Lighthouse's "mid-range phone"), opens `/bang-dieu-khien/?year=2024` `--runs`
times and, for each, collects the Performance API's long tasks (> 50 ms) until 3 s after the load event. It prints
per run the number of long tasks, the longest, their sum and the total blocking time (the part of each above 50 ms),
then the medians. Optionally it scrolls to the bottom first (`--scroll`), so every chart is drawn in the window.

    .venv/bin/python bench/dashboard_main_thread.py --base http://127.0.0.1:8000 --runs 8
"""

import argparse
import statistics

from playwright.sync_api import sync_playwright

OBSERVE = """
window.__long = [];
new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__long.push(e.duration); })
  .observe({type: 'longtask', buffered: true});
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--runs", type=int, default=8)
    parser.add_argument("--rate", type=float, default=4)
    parser.add_argument("--scroll", action="store_true")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=args.chromium, args=["--headless", "--no-sandbox", "--disable-gpu"])
        context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True)
        context.add_init_script(OBSERVE)
        page = context.new_page()
        page.goto(f"{args.base}/dang-nhap/")
        page.fill("input[name=username]", "phongnn")
        page.fill("input[name=password]", "ocop-demo")
        page.click("button[type=submit]")
        page.wait_for_url(f"{args.base}/")
        context.new_cdp_session(page).send("Emulation.setCPUThrottlingRate", {"rate": args.rate})
        rows = []
        for run in range(args.runs):
            page.goto(f"{args.base}/bang-dieu-khien/?year=2024")
            page.wait_for_load_state("load")
            if args.scroll:
                for _ in range(12):
                    page.mouse.wheel(0, 500)
                    page.wait_for_timeout(300)
            page.wait_for_timeout(3000)
            tasks = page.evaluate("window.__long")
            row = {
                "count": len(tasks),
                "longest": max(tasks, default=0),
                "sum": sum(tasks),
                "tbt": sum(max(0, t - 50) for t in tasks),
                "drawn": page.evaluate("document.querySelectorAll('canvas[data-drawn]').length"),
            }
            rows.append(row)
            print(
                f"run {run + 1}: {row['count']} long tasks, longest {row['longest']:.0f} ms, "
                f"sum {row['sum']:.0f} ms, blocking {row['tbt']:.0f} ms, charts drawn {row['drawn']}"
            )
        print(
            "median: longest {:.0f} ms, sum {:.0f} ms, blocking {:.0f} ms".format(
                *(statistics.median(r[key] for r in rows) for key in ("longest", "sum", "tbt"))
            )
        )


if __name__ == "__main__":
    main()
