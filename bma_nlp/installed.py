"""Installed libraries' versions, read the quick way.

Why: the stage model checks the versions it was built with, and repair's cache is filed under
PyThaiNLP's version, on every start. ``importlib.metadata`` costs 0.05 s to import (the email and
CSV modules it pulls in) and about 0.01 s a look-up, more than a ``bma-nlp search`` has to spend
on everything; importing a library only to read ``__version__`` costs far more (scikit-learn: a
second). What ``importlib.metadata`` reads is the name of the ``<name>-<version>.dist-info``
folder beside the package, so that name is read first, and it is asked only when that folder
is not there (an editable install, an egg) or is not the only one.
"""

from __future__ import annotations

import importlib.util
import re
from functools import lru_cache
from pathlib import Path

_SEPARATORS = re.compile(r"[-_.]+")


def _normalised(name: str) -> str:
    """A distribution's name as its ``.dist-info`` folder spells it (PEP 503, then ``-`` as ``_``)."""
    return _SEPARATORS.sub("_", name).lower()


@lru_cache(maxsize=8)
def _dist_infos(site: str) -> dict[str, list[str]]:
    """The ``.dist-info`` folders of ``site`` by normalised distribution name."""
    out: dict[str, list[str]] = {}
    for path in Path(site).glob("*.dist-info"):
        name, _, _ = path.name[: -len(".dist-info")].rpartition("-")
        out.setdefault(_normalised(name), []).append(path.name)
    return out


@lru_cache(maxsize=64)
def version(distribution: str, module: str | None = None, missing: str = "?") -> str:
    """The installed version of ``distribution`` (whose import name is ``module``, by default the
    distribution's own name); ``missing`` when it is not installed."""
    spec = importlib.util.find_spec(module or distribution)
    if spec is None:
        return missing
    if spec.submodule_search_locations:  # a package: its folder's parent holds the .dist-info
        sites = [Path(folder).parent for folder in spec.submodule_search_locations]
    else:  # a single-file or compiled module: its own folder does
        sites = [Path(spec.origin).parent] if spec.origin else []
    for site in sites:
        found = _dist_infos(str(site)).get(_normalised(distribution), [])
        if len(found) == 1 and (site / found[0] / "METADATA").is_file():
            return found[0][: -len(".dist-info")].rpartition("-")[2]
    from importlib import metadata

    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return missing
