"""What derived a record: ``pipeline_version`` (package version, pipeline revision, a digest of
the word lists and of the stage model in use). ``bma-nlp stats`` counts the records derived by
another version and ``bma-nlp reprocess`` brings them up to this one.

Kept apart from ``bma_nlp.pipeline`` so that reading the version imports nothing heavy: not the
parser, OCR repair (rapidfuzz), the classifier (NumPy, scikit-learn) nor PyThaiNLP.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
from importlib import resources
from pathlib import Path

# Bump when a code change alters what the pipeline derives from the same copies (the model
# file and the word lists are hashed into the version on their own, see ``pipeline_version``).
PIPELINE_REVISION = 12  # 3: OCR repair of issue 9 (real-word slips, ring misreads, MIN_GAIN 3.5, dictionary-compound pairs); 4: its second round (partial fixes no rival, a second pass near changes); 5: the parser passes of issue 15 on blind rounds 3 and 4 (reports read otherwise); 6: OCR repair reads words several cheap slips away (shape candidates); 7: OCR repair drops more specks at a line's edge (a dot glued after specks, one glued to the last word, an edge colon beside a form label's own) and repairs prose after a place word used as a common noun (ชุมชน|ใน|...); 8: OCR repair leaves the names its neighbours mark (after an address word or canal, before จังหวัด, before ฯ), a lone ณ, and an opening bracket at a line end; 9: OCR repair weighs word pairs of real BMA prose (data/context_pairs.tsv), crediting a fix only with the pairs it changes; 10: OCR repair reads a listed word that only begins like a title as a word (the name after it protected as the next person's), joins a space inside a word with a slip beside it, restores a consonant lost before its mark, and reads rather than drops a consonant with its marks; 11: OCR repair leaves initialisms (ป.ป.ท., อ.บ.ต.) and the name after ถนน (a road) as they are; 12: OCR repair protects the name after the other common titles and ranks (น.ส., พล.อ., ร.อ., หม่อมหลวง...) and after a title ending the line before, and keeps a listed word of 5+ characters as it stands

# Where the stage model in use is: $BMA_NLP_MODEL (or its pre-0.2 name), else the shipped model.
# The one definition (``bma_nlp.classify.model`` takes it from here), light enough that reading the
# pipeline's version finds the model's card without importing the classifier.
MODEL_ENV = "BMA_NLP_MODEL"
LEGACY_MODEL_ENV = "BMA_NLP_STAGE_MODEL"  # its name before 0.2, still honoured
SHIPPED_MODEL_NAME = "stage.skops"  # ``classify.persist.MODEL_SUFFIX`` is its suffix (tested)


def shipped_model_path() -> Path:
    """The model shipped inside the package (package data, so an installed wheel has it); its
    sha256 is pinned in ``bma_nlp.classify.shipped``."""
    return Path(str(resources.files("bma_nlp") / "data" / "models" / SHIPPED_MODEL_NAME))


def default_model_path() -> Path:
    """The model the pipeline uses: ``$BMA_NLP_MODEL`` if set, else the shipped one."""
    env = os.environ.get(MODEL_ENV) or os.environ.get(LEGACY_MODEL_ENV)
    return Path(env) if env else shipped_model_path()


def model_card_path() -> Path:
    """The JSON sidecar of the stage model in use (it records the model file's sha256)."""
    return default_model_path().with_suffix(".json")


@functools.lru_cache(maxsize=8)
def _data_digest(model_sha: str) -> str:
    h = hashlib.sha256(model_sha.encode())
    data = resources.files("bma_nlp") / "data"
    for name in sorted(p.name for p in data.iterdir() if p.name.endswith((".txt", ".json", ".tsv"))):  # word lists, OCR profile, word pairs
        h.update(name.encode())
        h.update((data / name).read_bytes())
    return h.hexdigest()[:12]


def pipeline_version(*, repair: bool = True, classify: bool = True) -> str:
    """What derived a record: package version, pipeline revision, and a digest of the word
    lists and the stage model in use."""
    from bma_nlp import __version__

    model_sha = "-"
    if classify:
        try:
            model_sha = json.loads(model_card_path().read_text(encoding="utf-8")).get("sha256", "?")
        except (OSError, ValueError):
            model_sha = "?"
    steps = ("" if repair else "-norepair") + ("" if classify else "-noclassify")
    return f"{__version__}/r{PIPELINE_REVISION}/{_data_digest(model_sha)}{steps}"
