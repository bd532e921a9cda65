"""House rules that keep the set-up honest: the README's commands, CI running the same one, lazy TensorFlow."""

import re

from conftest import REPO


def readme_commands() -> list[str]:
    text = (REPO / "README.md").read_text()
    return re.findall(r"```bash\n(.+?)\n```", text)


def test_readme_opens_with_exactly_two_setup_commands() -> None:
    setup = (REPO / "README.md").read_text().split("## Set up", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"```bash\n(.+?)\n```", setup, flags=re.S)
    assert len(commands) == 2
    assert "streamlit run app.py" in commands[0]
    assert "pytest" in commands[1] and "ruff check" in commands[1]


def test_ci_runs_the_readme_test_command_verbatim() -> None:
    test_command = readme_commands()[1]
    assert test_command in (REPO / ".ci" / "run").read_text().splitlines()


def test_no_tensorflow_import_in_the_app_or_pages() -> None:
    for path in [REPO / "app.py", *(REPO / "pages").rglob("*.py")]:
        source = path.read_text()
        assert not re.search(r"^\s*(import|from)\s+(tensorflow|keras|tensorflow_hub)\b", source, re.M), path


def test_gan_core_never_imports_streamlit() -> None:
    for path in (REPO / "gan_core").rglob("*.py"):
        assert not re.search(r"^\s*(import|from)\s+streamlit\b", path.read_text(), re.M), path


def test_the_suites_longest_first_list_names_files_that_exist() -> None:
    """tests/conftest.py hands these out first; a renamed file would silently drop out of the order."""
    import ast

    tree = ast.parse((REPO / "tests" / "conftest.py").read_text())  # read, not imported: `conftest` is ambiguous
    listed = next(node.value for node in tree.body if isinstance(node, ast.Assign)
                  and getattr(node.targets[0], "id", "") == "LONGEST_FIRST")  # fmt: skip
    longest_first = [e.value for e in listed.elts if isinstance(e, ast.Constant)]
    assert len(longest_first) == len(listed.elts) - 1  # every entry but BROWSER_TESTS is a path written out
    assert all((REPO / path).exists() for path in longest_first), longest_first
