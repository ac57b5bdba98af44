"""How long `lecturegen preview` takes to show a saved edit in the browser.

The default lecture (content/deep_learning.yaml, copied into a temporary folder) is previewed with
`--profile quick`; its demos are cached first (a quick build), so the numbers are the edit loop's,
not training's. Chromium (Debian's, driven by Playwright) shows slide N; each round saves a one-word
edit of that slide's title and waits until the page shows the new word. The clock starts just
before the file is written and stops when the page, checked at every animation frame, shows it.

Also measured: an edit of one demo parameter (the activations' input range, which the caption of
its figure quotes), which retrains that demo only. The preview's own breakdown of each refresh
(its `-v` lines: load, demos, figures, resolve, paginate, html) shows where the time goes; what is
left of the end-to-end time is the watcher noticing the save, the event reaching the page and the
page swapping the slide in.

The page is opened with Playwright's bypass_csp: waiting at every animation frame evaluates a
predicate in the page, which the page's policy (rightly) forbids. The policy itself is tested in
tests/preview. Targets (this 2-core CPU): median at most 0.3 s, worst at most 1.0 s.

The peer, in the same run: Marp (npm @marp-team/marp-cli, pinned in tests/js/package.json) on the same
deck written as Marp Markdown (bench/deck_markdown.py: the same slides, words and pictures). Each round
saves the same one-word edit of the same slide's title in three files, one after another: lecturegen's
YAML (Chromium shows it), the Markdown that `marp --watch` turns into HTML (the clock stops when the HTML
file holds the word) and the Markdown that `marp --server` serves (a second Chromium page shows it: Marp
reloads the page). The table gives each median and lecturegen's ratio to Marp's. marp-cli is installed
with `npm ci --prefix tests/js` (as `make test` does) when it is missing.

Usage: python bench/preview.py [--rounds 20] [--slide 12] [--no-marp]
Prints a table and writes bench/results/preview.json.
"""

from __future__ import annotations

import argparse
import atexit
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]
TARGET_MEDIAN_S, TARGET_WORST_S = 0.3, 1.0
STAGES = ("load", "demos", "figures", "resolve", "paginate", "html")
REFRESH = re.compile(r"refresh took (?P<total>[\d.]+) s: (?P<stages>.*)$")


MARP = REPO / "tests" / "js" / "node_modules" / ".bin" / "marp"


def marp_command() -> Path:
    """marp-cli, installed from tests/js's lock file if it is not there yet."""
    if not MARP.exists():
        subprocess.run(["npm", "ci", "--prefix", str(REPO / "tests" / "js"), "--no-audit", "--no-fund",
                        "--ignore-scripts", "--loglevel=error"], check=True)
    return MARP


class Marp:
    """`marp --watch` (HTML written next to the Markdown) or `marp --server` (served on ``port``) of one folder."""

    def __init__(self, folder: Path, markdown: str, server_port: int | None = None):
        self.folder, self.markdown, self.port = folder, folder / "deck.md", server_port
        self.markdown.write_text(markdown)
        self.html = folder / "deck.html"
        env = {**os.environ, "CHROME_PATH": CHROMIUM}
        if server_port is None:
            command = [str(marp_command()), "--watch", str(self.markdown), "-o", str(self.html)]
        else:
            command = [str(marp_command()), "--server", str(folder)]
            env["PORT"] = str(server_port)
        self.process = subprocess.Popen(command, cwd=folder, env=env, stdout=subprocess.PIPE,
                                        stderr=subprocess.STDOUT, text=True)
        # However the benchmark ends (a miss exits early), the peer goes with it.
        atexit.register(self.process.kill)
        self.lines: list[str] = []
        threading.Thread(target=lambda: self.lines.extend(line.rstrip() for line in self.process.stdout),
                         daemon=True).start()
        started = "Start server listened" if server_port is not None else "Start watching"
        deadline = time.monotonic() + 120
        while not any(started in line for line in self.lines):
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("marp did not start:\n" + "\n".join(self.lines[-20:]))
            time.sleep(0.05)
        if server_port is None:
            while not self.html.exists():
                time.sleep(0.05)

    def timed_edit_of_the_file(self, text: str, old: str, new: str, word: str) -> float:
        """Seconds from saving the edit until the HTML file marp writes holds ``word``."""
        started = time.perf_counter()
        self.markdown.write_text(text.replace(old, new, 1))
        deadline = started + 20
        seen = None
        while time.perf_counter() < deadline:
            # Size as well as time: a read can catch the file half-written, and the rest of the write
            # can land within the same tick of the file system's clock.
            status = self.html.stat()
            stamp = (status.st_mtime_ns, status.st_size)
            if stamp != seen:
                seen = stamp
                if word.encode() in self.html.read_bytes():
                    return time.perf_counter() - started
            time.sleep(0.002)
        in_markdown = word in self.markdown.read_text()
        in_html = word.encode() in self.html.read_bytes()
        raise SystemExit(f"marp --watch did not write the edit within 20 s (in the Markdown: {in_markdown}; "
                         f"in the HTML now: {in_html}; HTML stat {self.html.stat()}):\n" + "\n".join(self.lines[-10:]))

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(30)


def marp_title_line(markdown: str, slide: int) -> str:
    """The heading line of slide ``slide`` (1-based) of bench/deck_markdown.marp_markdown's Markdown."""
    chunk = markdown.split("\n---\n\n")[slide]  # chunk 0 is the front matter
    return chunk.splitlines()[0]


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Preview:
    def __init__(self, content: Path, workdir: Path, env: dict[str, str]):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "generator", "preview", str(content), "--port", "0", "--profile", "quick", "-v",
             "-o", str(workdir / "out")],
            cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        self.lines: list[str] = []
        threading.Thread(target=lambda: self.lines.extend(line.rstrip() for line in self.process.stderr),
                         daemon=True).start()
        self.url = re.search(r"http://\S+/slides\.html", self.wait_for(r"http://\S+/slides\.html")).group(0)

    def wait_for(self, pattern: str, after: int = 0, timeout: float = 600) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in self.lines[after:]:
                if re.search(pattern, line):
                    return line
            if self.process.poll() is not None:
                break
            time.sleep(0.02)
        raise SystemExit("the preview did not say " + pattern + ":\n" + "\n".join(self.lines[-20:]))

    def refreshes(self, after: int) -> list[dict[str, float]]:
        found = []
        for line in self.lines[after:]:
            match = REFRESH.search(line)
            if match:
                stages = {name: float(value) for name, value in re.findall(r"(\w+) ([\d.]+)", match["stages"])}
                found.append({"total": float(match["total"]), **stages})
        return found

    def stop(self) -> int:
        self.process.send_signal(signal.SIGINT)
        return self.process.wait(60)


def timed_edit(page, content: Path, text: str, old: str, new: str, shown: str) -> float:
    started = time.perf_counter()
    content.write_text(text.replace(old, new, 1))
    page.wait_for_function(shown, polling="raf", timeout=60_000)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--slide", type=int, default=12, help="the slide whose title is edited")
    parser.add_argument("--no-marp", action="store_true", help="leave out the Marp peer")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    workdir = Path(tempfile.mkdtemp(prefix="lecturegen-preview-bench-"))
    env = {**os.environ, "LECTUREGEN_CACHE_DIR": str(workdir / "cache"), "PYTHONUNBUFFERED": "1"}
    content = workdir / "deep_learning.yaml"
    shutil.copy(REPO / "content" / "deep_learning.yaml", content)
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "generator", "build", str(content), "-o", str(workdir / "built"), "-q",
                    "--profile", "quick", "--format", "html"], cwd=REPO, env=env, check=True)
    print(f"demos cached by a quick build in {time.perf_counter() - started:.1f} s", file=sys.stderr)

    marp_watch = marp_server = None
    if not args.no_marp:
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from deck_markdown import deck_of, marp_markdown

        os.environ["LECTUREGEN_CACHE_DIR"] = env["LECTUREGEN_CACHE_DIR"]
        deck = deck_of(content, "quick")
        for name in ("marp-watch", "marp-server"):
            (workdir / name).mkdir()
        marp_text = marp_markdown(deck, workdir / "marp-watch")
        marp_markdown(deck, workdir / "marp-server")
        marp_watch = Marp(workdir / "marp-watch", marp_text)
        marp_server = Marp(workdir / "marp-server", marp_text, server_port=free_port())

    preview = Preview(content, workdir, env)
    preview.wait_for(r"^updated in ")
    first = preview.refreshes(0)[0]
    text = content.read_text()
    rounds: list[float] = []
    marp_rounds: dict[str, list[float]] = {"watch": [], "server": []}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        page = browser.new_context(viewport={"width": 1280, "height": 720}, bypass_csp=True).new_page()
        page.goto(f"{preview.url}#{args.slide}")
        page.wait_for_function(f"document.querySelector('#slide-{args.slide}.is-current')", polling="raf")
        title = page.eval_on_selector(f"#slide-{args.slide} .slide-title", "e => e.textContent").strip()
        word = title.split()[-1]
        assert f"title: {title}" in text, f"slide {args.slide}'s title is not written plainly in the file: {title!r}"
        if marp_server is not None:
            marp_page = browser.new_context(viewport={"width": 1280, "height": 720}, bypass_csp=True).new_page()
            marp_page.goto(f"http://localhost:{marp_server.port}/deck.md#{args.slide}")
            marp_page.wait_for_function("document.querySelectorAll('section').length > 1", polling="raf")
            marp_title = marp_title_line(marp_text, args.slide)
            assert marp_title.endswith(word), f"slide {args.slide} of the Marp deck is {marp_title!r}, not {title!r}"
        mark = len(preview.lines)
        for number in range(args.rounds):
            new = f"{title[: -len(word)]}edit{number}"
            shown = (f"document.querySelector('#slide-{args.slide}.is-current .slide-title')"
                     f".textContent.includes('edit{number}')")
            rounds.append(timed_edit(page, content, text, f"title: {title}", f"title: {new}", shown))
            time.sleep(0.4)  # an author does not save ten times a second; let the refresh settle
            if marp_server is not None:
                marp_new = f"{marp_title[: -len(word)]}edit{number}"
                marp_rounds["server"].append(timed_edit(marp_page, marp_server.markdown, marp_text, marp_title,
                                                        marp_new, f"document.body.textContent.includes('edit{number}')"))
                time.sleep(0.4)
                marp_rounds["watch"].append(marp_watch.timed_edit_of_the_file(marp_text, marp_title, marp_new,
                                                                             f"edit{number}"))
                time.sleep(0.4)
        refreshes = preview.refreshes(mark)
        hash_kept = page.evaluate("location.hash") == f"#{args.slide}"

        # One demo parameter: the activations' input range, quoted by the caption of their figure.
        content.write_text(text)
        preview.wait_for(r"^updated in ", after=len(preview.lines), timeout=60)
        page.goto(f"{preview.url}#1")
        caption = "document.body.textContent.includes('to 7, computed with PyTorch')"
        mark = len(preview.lines)
        demo_edit = timed_edit(page, content, text, "    act:\n      points: 201\n",
                               "    act:\n      points: 201\n      x_max: 7\n", caption)
        reran = [line.split(":")[0] for line in preview.lines[mark:] if ": running on " in line]
        demo_refresh = (preview.refreshes(mark) or [{}])[-1]
        browser.close()
    code = preview.stop()
    for peer in (marp_watch, marp_server):
        if peer is not None:
            peer.stop()

    def stage(name: str) -> float:
        return statistics.median(refresh.get(name, 0.0) for refresh in refreshes)

    median, worst = statistics.median(rounds), max(rounds)
    refresh_median = stage("total")
    rows = [
        ("one-word edit, median (s)", median, TARGET_MEDIAN_S),
        ("one-word edit, worst of %d (s)" % len(rounds), worst, TARGET_WORST_S),
        ("  of which the preview's refresh, median (s)", refresh_median, None),
        *((f"    {name}" , stage(name), None) for name in STAGES),
        ("  watcher + event + swap in the page, median (s)", median - refresh_median, None),
        ("first build in the preview (s)", first["total"], None),
        (f"demo parameter edit: {', '.join(reran) or 'no demo'} reran, shown after (s)", demo_edit, None),
        *((f"    {name}", demo_refresh.get(name, 0.0), None) for name in STAGES),
    ]
    width = max(len(row[0]) for row in rows)
    print(f"\n{'lecturegen preview, default lecture (--profile quick)':<{width}}  {'measured':>9}  {'target':>7}")
    for name, value, target in rows:
        print(f"{name:<{width}}  {value:>9.3f}  {'' if target is None else f'{target:>7.1f}'}")
    marp = {}
    if marp_rounds["watch"]:
        print(f"\n{'the same edit, the same deck, the same rounds':<{width}}  {'median':>9}  {'worst':>7}  lecturegen / it")
        for name, values in (("lecturegen preview, shown in Chromium", rounds),
                             ("marp --server, shown in Chromium (page reloaded)", marp_rounds["server"]),
                             ("marp --watch, written to the HTML file", marp_rounds["watch"])):
            ratio = median / statistics.median(values)
            marp[name] = {"median_s": statistics.median(values), "worst_s": max(values), "ratio": ratio}
            print(f"{name:<{width}}  {statistics.median(values):>9.3f}  {max(values):>7.3f}  {ratio:.2f}x")
        print(f"marp --watch rounds (s): {' '.join(f'{value:.3f}' for value in marp_rounds['watch'])}")
        print(f"marp --server rounds (s): {' '.join(f'{value:.3f}' for value in marp_rounds['server'])}")
    print(f"slide kept in the URL: {hash_kept}; preview exit code after Ctrl-C: {code}")
    print(f"all rounds (s): {' '.join(f'{value:.3f}' for value in rounds)}")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "preview.json").write_text(json.dumps({
        "rounds_s": rounds, "median_s": median, "worst_s": worst, "targets_s": [TARGET_MEDIAN_S, TARGET_WORST_S],
        "refreshes": refreshes, "first_build": first, "demo_edit_s": demo_edit, "demo_refresh": demo_refresh,
        "demos_rerun": reran,
        "marp_rounds_s": marp_rounds, "marp": marp,
        "hash_kept": hash_kept, "exit_code": code, "cpus": os.cpu_count(),
        "load_average": os.getloadavg(),
    }, indent=2) + "\n")
    shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
