"""bench/RESULTS.md keeps every benchmark's section: one writer replaces its own and leaves the rest."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.results_file import update_section


def test_a_benchmark_replaces_its_own_section_and_keeps_the_others(tmp_path: Path) -> None:
    results = tmp_path / "RESULTS.md"
    results.write_text("# Quality\n\nold table\n\n## Ablation\n\nold rows\n\n# Flicker\n\n10 of 40\n")
    update_section(["# Quality", "", "new table"], results)
    assert results.read_text() == "# Quality\n\nnew table\n\n# Flicker\n\n10 of 40\n"
    update_section(["# bfloat16", "", "| a | b |"], results)  # a new section goes at the end
    assert results.read_text().endswith("# Flicker\n\n10 of 40\n\n# bfloat16\n\n| a | b |\n")
    update_section(["# Flicker", "", "0 of 40"], results)
    assert "10 of 40" not in results.read_text() and results.read_text().count("# ") == 3
    with pytest.raises(ValueError, match="top-level heading"):
        update_section(["## not a section"], results)
