"""An HTML-only build whose demos and figures are cached loads neither python-pptx nor matplotlib.

Paginating plans the PowerPoint slides from the layouts' geometry and measured text, with no python-pptx
(render/pptx/plan.py); figures, native charts, equation checks and pictures come from the cache and the
memo (generator/memo.py), with no matplotlib. Each is a large import that such a build does not need.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.conftest import DEFAULT_LECTURE, REPO

# The command line in a process that, at exit, writes the names of the modules it loaded to a file.
RUNNER = r"""
import atexit, json, sys

LISTING = sys.argv[1]

def report():
    with open(LISTING, "w") as listing:
        json.dump(sorted(sys.modules), listing)

atexit.register(report)
sys.argv = ["lecturegen", *sys.argv[2:]]
from generator.startup import main
main()
"""

HEAVY = ("pptx", "matplotlib")


def _build(tmp_path, listing, *arguments: str) -> list[str]:
    command = [sys.executable, "-c", RUNNER, str(listing), "build", str(DEFAULT_LECTURE), "-o", str(tmp_path / "out"),
               "--profile", "quick", "--device", "cpu", "-q", *arguments]
    result = subprocess.run(command, cwd=REPO, env=os.environ, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stderr
    return json.loads(listing.read_text())


def test_an_html_only_warm_build_loads_neither_python_pptx_nor_matplotlib(tmp_path):
    # The first build fills the cache (demos, figures, charts, equations), and writes slides.pptx: it loads python-pptx.
    first = _build(tmp_path, tmp_path / "first.json", "--format", "pptx,html,report")
    assert "pptx" in first
    modules = _build(tmp_path, tmp_path / "html.json", "--format", "html")
    loaded = sorted(name for name in modules if name.split(".")[0] in HEAVY)
    assert loaded == [], f"an HTML-only warm build loaded {loaded[:5]}"
    assert (tmp_path / "out" / "deep-learning" / "slides.html").is_file()
