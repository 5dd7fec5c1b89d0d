"""bma_nlp.installed reads versions from the .dist-info folder names, as importlib.metadata does."""

import subprocess
import sys

import pytest

from bma_nlp import installed


@pytest.mark.parametrize(
    ("distribution", "module"),
    [("pythainlp", None), ("scikit-learn", "sklearn"), ("numpy", None), ("skops", None), ("rapidfuzz", None), ("click", None)],
)
def test_same_version_as_importlib_metadata(distribution, module):
    from importlib import metadata

    assert installed.version(distribution, module) == metadata.version(distribution)


def test_missing_distribution():
    assert installed.version("no_such_package_here") == "?"
    assert installed.version("no_such_package_here", missing="not installed") == "not installed"


def test_a_folder_name_with_other_separators_and_case(tmp_path, monkeypatch):
    """A distribution spelt with '-' is found under the '_' of its .dist-info folder; a module
    with two .dist-info folders of its name is asked of importlib.metadata instead."""
    site = tmp_path / "site"
    (site / "my_pkg").mkdir(parents=True)
    (site / "my_pkg" / "__init__.py").write_text("")
    (site / "My_Pkg-1.2.3.dist-info").mkdir()
    (site / "My_Pkg-1.2.3.dist-info" / "METADATA").write_text("Metadata-Version: 2.1\nName: my-pkg\nVersion: 1.2.3\n")
    monkeypatch.syspath_prepend(str(site))
    installed.version.cache_clear()
    installed._dist_infos.cache_clear()
    assert installed.version("my-pkg", "my_pkg") == "1.2.3"
    (site / "my_pkg-0.9.dist-info").mkdir()
    (site / "my_pkg-0.9.dist-info" / "METADATA").write_text("Metadata-Version: 2.1\nName: my-pkg\nVersion: 0.9\n")
    installed.version.cache_clear()
    installed._dist_infos.cache_clear()
    assert installed.version("my-pkg", "my_pkg") in ("1.2.3", "0.9")  # importlib.metadata's pick of the two
    installed.version.cache_clear()
    installed._dist_infos.cache_clear()


def test_start_up_does_not_import_importlib_metadata():
    """Loading the stage model and repair's word data reads versions without importlib.metadata
    (the second run: the first may derive the cache files, which imports more)."""
    code = (
        "import sys; from bma_nlp.classify.persist import load_model; load_model();"
        "from bma_nlp.repair.lexicon import load_lexicon; load_lexicon();"
        "print('importlib.metadata' in sys.modules)"
    )
    for _ in range(2):
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out[-1] == "False"
