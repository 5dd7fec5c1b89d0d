"""spaCy component ``bma_stage``: fills ``doc.cats`` with the three stage probabilities.

    import spacy
    nlp = spacy.blank("th")
    nlp.add_pipe("bma_stage")            # or nlp.add_pipe("bma_stage", config={"model": "my.skops"})
    nlp("โครงการแล้วเสร็จ").cats         # {"approval": ..., "procurement": ..., "completed": ...}

The factory is declared under the ``spacy_factories`` entry-point group in pyproject.toml, so a
fresh process finds it without importing this module first. The cats are the note-alone
probabilities (``none`` is left out, so they may sum to less than 1); ``doc._.bma_stage`` holds
the decision (a stage, or None when the note says nothing about it or the model abstains).
Text is not repaired inside the pipeline (``Doc.text`` is immutable): repair it before ``nlp()``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from spacy.language import Language
from spacy.tokens import Doc

from bma_nlp.classify import STAGES, classify

if not Doc.has_extension("bma_stage"):
    Doc.set_extension("bma_stage", default=None)


class StageComponent:
    """Pipeline component; the model is loaded on first use (once per process and file)."""

    def __init__(self, name: str = "bma_stage", model: str = "") -> None:
        self.name = name
        self.model = model or None

    def _fill(self, docs: list[Doc]) -> None:
        results = classify([doc.text for doc in docs], model=self.model)
        for doc, result in zip(docs, results, strict=True):
            doc.cats = {stage: result.scores[stage] for stage in STAGES}
            doc._.bma_stage = result.stage

    def __call__(self, doc: Doc) -> Doc:
        self._fill([doc])
        return doc

    def pipe(self, stream: Iterable[Doc], batch_size: int = 256) -> Iterator[Doc]:
        batch: list[Doc] = []
        for doc in stream:
            batch.append(doc)
            if len(batch) >= batch_size:
                self._fill(batch)
                yield from batch
                batch = []
        if batch:
            self._fill(batch)
            yield from batch


@Language.factory("bma_stage", default_config={"model": ""})
def make_bma_stage(nlp: Language, name: str, model: str) -> StageComponent:
    """``model``: path of a stage model (.skops with its .json sidecar; a file other than the shipped one needs BMA_NLP_TRUST_MODEL=1); empty for the shipped one."""
    return StageComponent(name, model)
