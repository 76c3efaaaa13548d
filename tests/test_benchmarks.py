"""The benchmark commands run and print their tables (the figures themselves are the README's)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_bench_extract_prints_unseen_and_repeated_rates(tmp_path):
    out = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "bench_extract.py"), "--corpus", str(tmp_path / "none"),
         "--synthetic", "40", "--repeat", "1", "--extractors", "rules"],
        capture_output=True, text=True, check=True, timeout=300).stdout
    header, *rows = [line.split(" | ") for line in out.splitlines() if " | " in line]
    assert [h.strip() for h in header] == ["input", "papers", "chars/abstract", "extractor", "unseen/s", "repeat/s", "peak MB"]
    assert [(r[0].strip(), r[3].strip()) for r in rows] == [("synthetic", "rules"), ("synthetic", "candidates")]
    for r in rows:  # each rate measured, in its own process for unseen/s
        assert float(r[4].replace(",", "")) > 0 and float(r[5].replace(",", "")) > 0
