"""Garbage in every query parameter of every page and in every CLI flag: one clear sentence, never a traceback
or a crashed session."""

from __future__ import annotations

import pytest
import streamlit as st
from conftest import REPO
from streamlit.testing.v1 import AppTest

from gan_core.cli import build_parser, main
from gan_core.explore.link import ExploreLink

GARBAGE = ("-1", "99999999999999999999999", "abc", "nan", "inf", "../../etc/passwd", "%00<script>", "1e308", "∞")
PAGE_PARAMS = {
    "pages/explore.py": ("model", "classes", "seed", "truncation", "n", "steps", "interpolate", "directions",
                         "show"),
    "pages/train.py": ("run",),
    "pages/inside.py": ("toy",),
    "pages/datasets.py": ("dataset",),
    "pages/classroom.py": ("present",),
    "pages/evaluate.py": ("present",),
}
SAYS = {"pages/explore.py": ("From the link, changed or not used:",),
        "pages/train.py": ("The link's run", "No run called"), "pages/datasets.py": ("The link's dataset",),
        "pages/inside.py": ("The toy run",)}


@pytest.mark.parametrize("page", list(PAGE_PARAMS))
def test_garbage_in_every_query_parameter_never_crashes_a_page(sandbox, page: str) -> None:
    for value in GARBAGE:
        st.cache_data.clear()
        at = AppTest.from_file(str(REPO / "app.py"), default_timeout=120)
        for name in PAGE_PARAMS[page]:
            at.query_params[name] = value
        at.run()
        at.switch_page(page).run()
        assert not at.exception, (page, value, [e.value for e in at.exception])
        assert at.title, (page, value)  # the page drew itself
        said = " ".join(c.value for c in at.caption)
        if page in SAYS:  # and said in one sentence what it did not use
            assert any(sentence in said for sentence in SAYS[page]), (page, value, said)


def test_the_explorer_says_which_link_values_it_did_not_use() -> None:
    link = ExploreLink.from_params({"model": "../x", "seed": "abc", "truncation": "nan", "n": "500",
                                    "classes": "1,x,2", "steps": "-3"}, ["emoji"], 12, 12)  # fmt: skip
    assert (link.model, link.seed, link.truncation, link.n, link.classes, link.steps) == (None, 0, None, 12, (1, 2), 2)
    said = " ".join(link.ignored)
    expected = ("model '../x' is not on this server", "seed 'abc' is not a whole number",
                "truncation 'nan' is not a number", "n '500' is outside 1 to 12",
                "classes '1,x,2' holds something other than class ids", "steps '-3' is outside 2 to 12")
    for phrase in expected:
        assert phrase in said
    assert "show 'everything' is not one of directions, find" in " ".join(
        ExploreLink.from_params({"show": "everything"}, ["emoji"], 12, 12).ignored)
    assert ExploreLink.from_params({}, ["emoji"], 12, 12).ignored == ()  # no link: nothing to say
    far = ExploreLink.from_params({"seed": "99999999999"}, ["emoji"], 12, 12)  # issue 36.9: not 2.14748e+09
    assert "seed '99999999999' is outside 0 to 2,147,483,647" in " ".join(far.ignored)


def _cli_cases() -> list[list[str]]:
    """Every numeric or named flag of every command, given garbage; commands that need --out get a safe one."""
    cases = []
    for command, flags in {
        "train": ["--epochs", "--batch-size", "--lr-g", "--lr-d", "--beta1", "--label-smoothing", "--d-steps",
                  "--seed", "--sample-every", "--checkpoint-every", "--eval-every", "--log-every", "--dataset",
                  "--worker-timeout"],
        "sample": ["--n", "--seed", "--truncation", "--model", "--class"],
        "interpolate": ["--steps", "--seed", "--truncation", "--from", "--model"],
        "directions": ["--steps", "--seed", "--truncation", "--class", "--model"],
        "invert": ["--model", "--images", "--truncation"],
        "export": ["--model"],
        "push": ["--run", "--repo"],
        "evaluate": ["--n", "--seed", "--run", "--dataset"],
        "toy": ["--data", "--points", "--loss", "--seed", "--noise-dim", "--steps", "--seconds", "--lr", "--out"],
        "fetch": [],
    }.items():  # fmt: skip
        for flag in flags:
            for value in ("-5", "abc", "1e999", "../../etc/passwd"):
                cases.append([command, flag, value])
    cases += [["fetch", "../../etc/passwd"], ["import-images", "/nonexistent/../x", "--out", "x"],
              ["fid", "/nonexistent", "../../etc"], ["nonsense-command"]]  # fmt: skip
    return cases


@pytest.mark.parametrize("argv", _cli_cases(), ids=lambda a: " ".join(a))
def test_garbage_in_every_cli_flag_gets_one_sentence(sandbox, tmp_path, argv, capsys) -> None:
    argv = list(argv)
    needs_out = {"train": ["--out", str(tmp_path / "r")], "sample": ["--out", str(tmp_path / "x.png")],
                 "toy": ["--out", str(tmp_path / "t")] if "--out" not in argv else [],
                 "interpolate": ["--out", str(tmp_path / "x.gif")], "directions": ["--out", str(tmp_path / "d.png")],
                 "invert": ["--out", str(tmp_path / "found")], "export": ["--out", str(tmp_path / "e")]}  # fmt: skip
    argv += needs_out.get(argv[0], [])
    if argv[0] == "invert" and "--images" not in argv:
        (tmp_path / "mine").mkdir()
        argv += ["--images", str(tmp_path / "mine")]  # an empty folder: garbage in the other flag answers first
    if argv[0] in ("sample", "interpolate", "directions", "invert") and "--model" not in argv:
        argv += ["--model", "mnist"]
    if argv[0] == "push":  # the other flag sane: garbage answers before any Hub is asked
        argv += ["--repo", "alice/x"] if "--repo" not in argv else ["--run", str(tmp_path / "no-run")]
    if argv[0] == "evaluate" and "--run" not in argv:
        argv += ["--run", "test-split"]
    if argv[0] == "train":
        argv += ["--epochs", "0"] if "--epochs" not in argv else []  # never a long run: validation answers first
    if argv[0] == "toy":
        argv += ["--steps", "0"] if "--steps" not in argv else []
    try:
        code = main(argv)
    except SystemExit as exit_:  # argparse: a usage line and one sentence
        code = exit_.code
    out = capsys.readouterr()
    assert code != 0 or argv[0] == "evaluate", out  # garbage is refused (evaluate of the floor may still run)
    assert "Traceback" not in out.err and "Traceback" not in out.out
    message = [line for line in out.err.splitlines() if line.startswith(("error:", "python -m gan_core"))]
    assert message or code == 0, out.err


def test_every_cli_command_is_in_the_sweep() -> None:
    commands = set(build_parser()._subparsers._group_actions[0].choices)  # argparse's own list
    swept = {case[0] for case in _cli_cases()}
    assert commands <= swept | {"datasets"}  # `datasets` takes no arguments
