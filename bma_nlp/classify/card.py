"""The model's data card: what it was trained on, how the real notes were labelled, its scores.

``train`` writes it beside the model (``stage.card.md``) from the sidecar metadata and
``training_data/real_agreement.json`` (the two labelling passes' agreement), so the card always
describes the file it sits next to.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

from bma_nlp.classify.data import LABELS, default_real_notes_path, monitoring_page, repo_root


def card_path(model_path: str | Path) -> Path:
    return Path(model_path).with_suffix(".card.md")


def real_sources(notes_path: Path | None = None) -> dict[str, Any]:
    """Counts of the real notes by kind of source (BMA monitoring pages or other public pages)."""
    path = notes_path or default_real_notes_path()
    if not path.is_file():
        return {}
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    kinds = Counter("BMA monitoring pages (mykpi/myproject)" if monitoring_page(r["source_url"]) else "other public pages (news, notices)" for r in rows)
    return {"notes": len(rows), "pages": len({r["source_page"] for r in rows}), "by_source": dict(kinds)}


def agreement(path: Path | None = None) -> dict[str, Any]:
    path = path or repo_root() / "training_data" / "real_agreement.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def _row(name: str, m: dict[str, Any]) -> str:
    none_n = m.get("per_class", {}).get("none", {}).get("support", 0)
    none_recall = m.get("per_class", {}).get("none", {}).get("recall")
    none = f"{none_recall:.2f} (n={int(none_n)})" if none_n else "n/a"
    return f"| {name} | {m['n']} | {m['accuracy']:.3f} | {m['macro_f1']:.3f} | {m['ece']:.3f} | {none} |"


def render(meta: dict[str, Any], model_file: str) -> str:
    td = meta.get("training_data", {})
    src = meta.get("data_card", {}).get("real_sources", {})
    agree = meta.get("data_card", {}).get("agreement", {})
    lines = [
        f"# Data card: `{model_file}`",
        "",
        f"Design `{meta.get('design')}`: {meta.get('description')}. Abstains (no stage) below probability "
        f"{meta.get('abstain_threshold')}. Rebuilt by `bma-nlp train` (seed {meta.get('seed')}).",
        "",
        "## Training data",
        "",
        f"- Synthetic notes: `{td.get('file')}`, {td.get('train_notes')} train notes "
        f"({', '.join(f'{k} {v}' for k, v in td.get('label_counts', {}).items())}), made by `training_data/build_notes.py`.",
    ]
    if td.get("real_labels_file"):
        by = ", ".join(f"{v} from {k}" for k, v in src.get("by_source", {}).items())
        trained = ", ".join(f"{k} {v}" for k, v in td.get("real_train_label_counts", {}).items())
        lines += [
            f"- Real notes: `real_notes.jsonl`, {src.get('notes')} notes copied verbatim from {src.get('pages')} public pages ({by}); "
            + (
                f"all of them trained on ({trained}): none is "
                "held out, so the held-out figures are page-grouped CV of this recipe (`scripts/cv_bma.py`) and blind batches scored "
                "before any fit (`training_data/blind/README.md`). "
                if td.get("real_notes") == "all"
                else f"split by source page (a page is never on both sides): {td.get('real_train_notes')} train "
                f"({trained}), {td.get('real_test_notes')} held out. "
            )
            + f"Each real training note counts {td.get('real_repeat')} times, each synthetic one {td.get('synthetic_repeat', 1)} times"
            f", each note of BMA's monitoring pages {td.get('monitoring_repeat', 1)} times the other real notes.",
        ]
    if agree:
        counts = agree.get("counts", {}).get("final", {})
        relabel = agree.get("relabel_guide_v2")  # notes labelled again when the guide moved a line between labels (training_data/relabel.py)
        lines += [
            "",
            "## Labels of the real notes",
            "",
            f"Two independent passes from `training_data/GUIDE.md` alone: Cohen's kappa **{agree.get('cohen_kappa'):.3f}** "
            f"(observed agreement {agree.get('observed_agreement'):.3f}, {agree.get('disagreements')} disagreements of "
            f"{agree.get('notes')}). Disagreements were settled by re-reading the note against the guide; the rule used is "
            f"recorded per note in `real_labels.jsonl` (settled for pass 1: {agree.get('settled_for', {}).get('pass1', 0)}, "
            f"pass 2: {agree.get('settled_for', {}).get('pass2', 0)}, neither: {agree.get('settled_for', {}).get('neither', 0)}). "
            f"{'Counts from these passes' if relabel else 'Final counts'}: {', '.join(f'{k} {v}' for k, v in counts.items())}.",
        ]
        if relabel:
            moves = ", ".join(f"{k} {v}" for k, v in relabel.get("moves", {}).items() if k.split(" -> ")[0] != k.split(" -> ")[1])
            lines.append(
                f"Guide version 2 (P5/N1/N2: the office's own work reported as being carried out is procurement) was applied by "
                f"labelling again the {relabel.get('relabelled')} none-notes its line could move, in two more independent passes "
                f"(kappa {relabel.get('cohen_kappa'):.3f}, {relabel.get('disagreements')} disagreements settled the same way): {moves}. "
                f"Counts with version 2: {', '.join(f'{k} {v}' for k, v in relabel.get('final', {}).items())}."
            )
        sessions = agree.get("sessions", [])
        if len(sessions) > 1:  # notes were added and labelled in batches: the agreement of each
            lines.append("Per labelling session: " + "; ".join(
                f"{s['ids']} ({s['notes']} notes): kappa {s['cohen_kappa']:.3f}, {s['disagreements']} disagreements" for s in sessions
            ) + ".")  # fmt: skip
    lines += [
        "",
        "## Scores (from training; `scripts/eval_classifier.py` compares with the keyword rules and the previous model)",
        "",
        "| set | n | accuracy | macro-F1 | ECE | none left untagged |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    names = {"cv": "grouped CV (train, incl. every real note)" if td.get("real_notes") == "all" else "grouped CV (train, incl. real-train)", "test": "synthetic test", "external": "external (hand-written)", "real-test": "real held-out pages"}
    for key, m in meta.get("metrics", {}).items():
        lines.append(_row(names.get(key, key), m))
    lines += [
        "",
        "## Limits",
        "",
        "- The real notes are short excerpts of public pages; many end where the stored copy ended.",
        "- Most real notes come from news and notices, not progress-report forms (BMA's monitoring pages are few "
        "among the stored pages); approval and completed remain the rarer classes.",
        "- The clause reading's cues were written against the real-train notes; only the held-out pages "
        "(page-grouped CV for a model fitted on every real note) and blind batches measure how they carry to new wording.",
        f"- Labels: {', '.join(LABELS)}; `none` means the note reports no stage (metrics, routine work, names).",
    ]
    return "\n".join(lines) + "\n"
