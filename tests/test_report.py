"""report.html from a real run, rendered by headless Chromium; --show at a terminal."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from litecoop_mlir.cli.main import main
from litecoop_mlir.driver.optimize import optimize
from litecoop_mlir.driver.options import OptimizeOptions
from litecoop_mlir.export.report import SECTIONS

CHROMIUM = next((shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome") if shutil.which(n)), None)


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory) -> Path:
    from tests.conftest import SMALL_CONV_S2

    tmp = tmp_path_factory.mktemp("report")
    src = tmp / "small.mlir"
    src.write_text(SMALL_CONV_S2)  # im2col, probed first, wins ~3.5x on AVX2 and AVX-512 code
    optimize(str(src), tmp / "run", OptimizeOptions(budget=3, search_repetitions=2, repetitions=2, final_rounds=1, db=""))
    return tmp / "run"


def test_report_has_every_section(run_dir: Path) -> None:
    text = (run_dir / "report.html").read_text()
    for s in SECTIONS:
        assert f'<section id="{s}">' in text, s
    assert "data:image/png;base64," in text
    best = json.loads((run_dir / "summary.json").read_text())["best_scripts"]["main_dispatch_0"]
    assert best and "default configuration:</p><pre>" in text  # the winning script, as a diff
    assert f"flag {best[0]['name']} = {best[0]['value']}" in text or best[0].get("level", "~") in text
    assert (run_dir / "candidates.jsonl").read_text().count("\n") == 4  # the baseline and 3 candidates


def test_report_renders_codegen_scripts_as_transform_dialect() -> None:
    from litecoop_mlir.export.report import _dispatch_html
    from litecoop_mlir.space.script import Script
    from litecoop_mlir.space.vocabulary import SetTileSizes
    from tests.conftest import make_fake_kernel

    k = make_fake_kernel()
    html = _dispatch_html(k, k.executable, Script((SetTileSizes("vector_common_parallel", (4, 16, 0)),)).to_json())
    assert "transform.named_sequence" in html and "vector_common_parallel = [4, 16, 0]" in html


@pytest.mark.skipif(CHROMIUM is None, reason="needs chromium (apt-get install chromium)")
def test_report_renders_in_headless_chromium(run_dir: Path, tmp_path: Path) -> None:
    url = (run_dir / "report.html").as_uri()
    flags = [CHROMIUM, "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]
    dom = subprocess.run([*flags, "--dump-dom", url], capture_output=True, text=True, timeout=120)
    assert dom.returncode == 0, dom.stderr[-2000:]
    for s in SECTIONS:
        assert re.search(rf'<section id="{s}">', dom.stdout), s
    shot = tmp_path / "report.png"
    res = subprocess.run([*flags, "--window-size=1200,2400", f"--screenshot={shot}", url], capture_output=True, text=True, timeout=120)
    assert res.returncode == 0 and shot.stat().st_size > 10_000, res.stderr[-2000:]
    print(f"screenshot: {shot}")


def test_show_run_and_node(run_dir: Path, capsys) -> None:
    assert main(["--show", str(run_dir)]) == 0
    assert "best five" in capsys.readouterr().out
    assert main(["--show", str(run_dir), "main_dispatch_0:1"]) == 0
    out = capsys.readouterr().out
    assert "node #1" in out and "lowering_config" in out and "measurement: median" in out
    assert main(["--show", str(run_dir), "7:1"]) == 2
    assert main(["--show", str(run_dir / "nope")]) == 1
