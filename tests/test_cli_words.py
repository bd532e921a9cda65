"""Issue 26.12: every CLI message is one sentence that names what to change; a typo is refused before any folder
exists, and a conditional model without --class takes every class in turn, as the app does."""

from __future__ import annotations

from pathlib import Path

import pytest

from gan_core.cli import main as cli_main


def said(argv: list[str], capsys: pytest.CaptureFixture) -> tuple[int, str]:
    """The exit code and what the command printed on stderr (argparse exits through SystemExit)."""
    try:
        code = cli_main(argv)
    except SystemExit as exc:
        code = int(exc.code or 0)
    return code, capsys.readouterr().err


@pytest.mark.parametrize(("flag", "value", "low"), [("--epochs", "-3", 1), ("--batch-size", "0", 2),
                                                     ("--d-steps", "0", 1)])  # fmt: skip
def test_a_bad_number_names_its_flag(flag: str, value: str, low: int, tmp_path: Path, capsys) -> None:
    code, err = said(["train", "--out", str(tmp_path / "run"), flag, value], capsys)
    assert code == 2 and f"argument {flag}: must be at least {low}, not {value}" in err
    assert not (tmp_path / "run").exists()


def test_an_option_before_any_command_is_named_as_such(capsys) -> None:
    code, err = said(["--nosuch"], capsys)
    assert code == 2 and "unknown option --nosuch: start with a command (datasets," in err
    assert "required" not in err
    code, err = said(["sample", "--model", "mnist", "--out", "x.png", "--nosuch"], capsys)
    assert code == 2 and "unrecognized arguments: --nosuch (see python -m gan_core sample --help)" in err


def test_a_missing_output_folder_is_said_before_the_work(capsys) -> None:
    code, err = said(["sample", "--model", "mnist", "--out", "/nonexistent/dir/x.png"], capsys)
    assert code == 2 and "argument --out: the folder /nonexistent/dir does not exist" in err
    assert "Errno" not in err


def test_a_conditional_model_without_a_class_takes_every_class_in_turn(tmp_path: Path, capsys) -> None:
    assert cli_main(["sample", "--model", "fashion-mnist", "--n", "4", "--out", str(tmp_path / "g.png")]) == 0
    assert "every class in turn" in capsys.readouterr().out and (tmp_path / "g.png").is_file()


def test_an_unknown_dataset_is_one_sentence(tmp_path: Path, capsys) -> None:
    code, err = said(["train", "--dataset", "mnsit", "--out", str(tmp_path / "run")], capsys)
    line = err.strip()
    assert code == 1 and line == ("error: no dataset named 'mnsit' (did you mean 'mnist'?): use mnist, "
                                  "fashion_mnist, cifar10, emoji, or a folder of your images.")  # fmt: skip


def test_a_toy_typo_is_refused_before_any_folder_exists(tmp_path: Path, capsys) -> None:
    out = tmp_path / "toy"
    code, err = said(["toy", "--data", "donut", "--out", str(out)], capsys)
    assert code == 2 and "argument --data: invalid choice: 'donut'" in err and not out.exists()
    code, err = said(["toy", "--points", str(tmp_path / "nope.csv"), "--out", str(out)], capsys)
    assert code == 2 and f"argument --points: no file {tmp_path / 'nope.csv'}" in err and "Errno" not in err
    assert not out.exists()


def test_a_file_error_is_one_sentence_without_an_errno(tmp_path: Path, capsys) -> None:
    taken = tmp_path / "grid.png"
    taken.mkdir()  # a folder where the picture should go
    code, err = said(["sample", "--model", "mnist", "--class", "3", "--out", str(taken)], capsys)
    assert code == 1 and err == f"error: {taken}: is a directory.\n"


def test_fid_resizes_folders_of_another_size_as_the_evaluate_page_does(tmp_path: Path, capsys) -> None:
    """Issue 26.12: `fid --features mnist` refused 96x80 pictures ("expected (28, 28, 1), got (80, 96, 1)")."""
    import numpy as np
    from PIL import Image

    rng = np.random.default_rng(0)
    for name in ("a", "b"):
        folder = tmp_path / name
        folder.mkdir()
        for i in range(140):
            Image.fromarray(rng.integers(0, 256, (80, 96), dtype=np.uint8)).save(folder / f"{i}.png")
    assert cli_main(["fid", str(tmp_path / "a"), str(tmp_path / "b"), "--features", "mnist"]) == 0
    printed = capsys.readouterr().out
    assert "resized to 28x28" in printed and "FID " in printed and "140 vs 140 images" in printed


def test_the_hub_path_prints_no_pkg_resources_warning() -> None:
    """Issue 26.12: every TF Hub path printed setuptools' two-line pkg_resources warning."""
    import os
    import subprocess
    import sys

    from conftest import REPO

    code = "from gan_core.models.hub import tensorflow_hub; tensorflow_hub()"
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "PYTHONPATH": str(REPO)})  # fmt: skip
    assert done.returncode == 0 and "pkg_resources" not in done.stderr


@pytest.mark.parametrize(("argv", "words"), [
    (["sample", "--model", "mnist", "--seed", "-1"], "argument --seed: must be a whole number from 0 to 2,147,483,647, "
                                                     "not -1"),
    (["sample", "--model", "mnist", "--n", "5000"], "argument --n: must be a whole number from 1 to 64, not 5,000"),
    (["sample", "--model", "mnist", "--truncation", "5"], "argument --truncation: must be a number from 0.02 to 1, "
                                                          "not 5"),
    (["interpolate", "--model", "mnist", "--steps", "999"], "argument --steps: must be a whole number from 2 to 32"),
    (["toy", "--lr", "0"], "argument --lr: must be a number more than 0 and at most 0.1, not 0"),
    (["evaluate", "--run", "x", "--n", "-5"], "argument --n: must be a whole number from 2 to 50,000, not -5"),
])  # fmt: skip
def test_a_number_out_of_range_names_its_flag_and_the_range(argv: list[str], words: str, tmp_path: Path,
                                                            capsys) -> None:  # fmt: skip
    """Issue 36.9: NumPy's "Seed must be between 0 and 2**32 - 1", "at most 64 per request" with no flag named,
    "learning rates must be between 0 and 1" for a 0 that is refused."""
    out = ["--out", str(tmp_path / ("x.png" if argv[0] in ("sample",) else "x.gif" if argv[0] == "interpolate"
                                    else "toy"))] if argv[0] != "evaluate" else []  # fmt: skip
    code, err = said([*argv, *out], capsys)
    assert code == 2 and words in err, err


def test_messages_that_name_what_to_change(tmp_path: Path, capsys) -> None:
    """Issue 36.9: an unknown class lists a small model's classes; fetch's refusal is a sentence; importing into an
    existing folder names --out and writes nothing over it; a refused import does not say "imported"."""
    code, err = said(["sample", "--model", "fashion-mnist", "--class", "dinosaur", "--out", str(tmp_path / "x.png")],
                     capsys)  # fmt: skip
    assert code == 1 and "--class: no class named 'dinosaur'; this model's classes are T-shirt/top," in err
    code, err = said(["fetch", "nonsense-thing"], capsys)
    assert code == 1 and "nothing to fetch named 'nonsense-thing'. Known:" in err and err.strip().endswith(".")
    from PIL import Image

    images = tmp_path / "images"
    images.mkdir()
    for i in range(12):
        Image.new("RGB", (40, 40), (i * 20, 100, 200 - i * 10)).save(images / f"{i}.png")
    existing = tmp_path / "existing"
    existing.mkdir()
    (existing / "keep.txt").write_text("mine")
    code, err = said(["import-images", str(images), "--out", str(existing)], capsys)
    assert code == 2 and "--out" in err and "already exists" in err
    assert [p.name for p in existing.iterdir()] == ["keep.txt"]
    code = cli_main(["import-images", str(images), "--out", str(tmp_path / "new"), "--min-images", "50"])
    captured = capsys.readouterr()
    assert code == 1 and "at least 50" in captured.err and "imported" not in captured.out
    assert not (tmp_path / "new").exists()


def test_toy_data_and_points_together_are_refused(tmp_path: Path, capsys) -> None:
    """Issue 36.8: `toy --data grid --points f.csv` used the points silently."""
    points = tmp_path / "p.csv"
    points.write_text("\n".join(f"{i % 7},{i // 7}" for i in range(60)))
    code, err = said(["toy", "--data", "grid", "--points", str(points), "--out", str(tmp_path / "toy")], capsys)
    assert code == 2 and "--data and --points both say what to learn; give one" in err
    assert not (tmp_path / "toy").exists()
