"""The pinned requirements form one working TensorFlow set (the traps named in the README)."""

from importlib import metadata


def test_tensorflow_hub_imports_with_keras_3() -> None:
    import keras
    import tensorflow as tf
    import tensorflow_hub as hub

    assert tf.__version__.startswith("2.21")
    assert keras.__version__.startswith("3.")
    assert hasattr(hub, "load")


def test_one_tensorflow_distribution_and_old_enough_setuptools() -> None:
    installed = {d.metadata["Name"].lower().replace("_", "-") for d in metadata.distributions()}
    assert "tensorflow" in installed
    assert "tensorflow-cpu" not in installed  # would install over the same folder as tensorflow
    major = int(metadata.version("setuptools").split(".")[0])
    assert major < 82  # tensorflow_hub imports pkg_resources


def test_requirements_are_all_pinned() -> None:
    from conftest import REPO

    for name in sorted(path.name for path in REPO.glob("requirements*.txt")):
        for line in (REPO / name).read_text().splitlines():
            line = line.split("#")[0].strip()
            if line and not line.startswith("-r"):
                assert "==" in line, f"{name}: {line} is not pinned"
