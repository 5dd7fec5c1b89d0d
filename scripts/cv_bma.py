#!/usr/bin/env python3
"""Stage classifier on BMA monitoring notes (the notes users have): page-grouped CV over every real note.

Every real note (``training_data/real_notes.jsonl`` with its adjudicated label, both sides of the
page split) is predicted by models trained, with the shipped recipe (``training_set`` +
``stacked-clauses``), on the synthetic train notes and all real notes of the *other* folds; a
source page is never on both sides. The notes of BMA's project/KPI monitoring system
(``model.monitoring_note``: the page is a mykpi or myproject page) are few, so their pages are
dealt to the folds apart from the other pages (round-robin, largest pages first): every fold holds
out about 1/K of them, and all of them are scored out of fold. Each fold's models also score the
synthetic test families (never trained on).

Variants, each scored on the same notes in the same run (``--repeats`` refits the text model,
the others reuse the fold's text model):

- ``shipped recipe``: every monitoring note counted once (the recipe shipped until bma24 set
  ``MONITORING_REPEAT`` = 4; the name is kept so that cached results still read); the variants
  below are built on it and compared with it;
- ``monitoring xN``: each monitoring note counted N times in training (``training_set``);
- ``real-side gates, monitoring x4``: the text model as shipped, the stack's real-side table and
  gate search counting each monitoring note 4 times (``StackedStage.fit_gates(real_weights=)``);
- ``monitoring own domain``: a third side (table and gates fitted on the monitoring notes alone),
  mixed in by a second logistic domain model (monitoring page or not, among real notes; same
  features as the stack's), script only;
- ``threshold from real notes``: the shipped stack, its abstain threshold calibrated on the real
  training notes' out-of-fold predictions instead of all training notes';
- ``text model alone`` (and ``text model alone, monitoring xN``): the stack's text model without the gate;
- ``clause rules`` and ``keyword rules``.

Reported per variant: out-of-fold four-way accuracy (an abstention counts as none), macro-F1 and
none-notes left untagged on the monitoring notes and on all other real notes, with the counts of
notes; notes won / lost against the shipped recipe; the synthetic test macro-F1 (mean and range
over the folds' models). Each (fold, repeat) result is kept in ``--cache`` so an interrupted run
resumes.

    nice -n 10 python scripts/cv_bma.py [--folds 5] [--repeats 1 2 4] [--jobs 2] [--json out.json]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bma_nlp.classify.clauses import clause_label  # noqa: E402
from bma_nlp.classify.data import LABELS, Example, default_data_path, load_examples, load_real, monitoring_page  # noqa: E402
from bma_nlp.classify.metrics import accuracy, decide, macro_f1  # noqa: E402
from bma_nlp.classify.model import calibrate_threshold, monitoring_note, training_set  # noqa: E402
from bma_nlp.classify.rules import rule_label  # noqa: E402

BASE_DESIGN = "clauses-svm"  # the stack's text model (StackedStage's default)
GATE_WEIGHT = 4.0  # how much a monitoring note counts in the real-side gates of that variant


def page_folds(real: Sequence[Example], folds: int, fold_seed: int = 0) -> list[int]:
    """The fold of each real note: monitoring pages dealt round-robin (largest first, ties by a
    hash of the page, salted by ``fold_seed`` unless it is 0), the other pages likewise, so every
    fold holds out about 1/``folds`` of each. Another ``fold_seed`` is another dealing of the same pages."""
    salt = "" if fold_seed == 0 else f"{fold_seed}:"  # 0: the first dealing (bma23's), unchanged
    fold_of: dict[str, int] = {}
    for kind in (True, False):
        sizes: dict[str, int] = {}
        for e in real:
            if monitoring_note(e) == kind:
                sizes[e.source] = sizes.get(e.source, 0) + 1
        order = sorted(sizes, key=lambda p: (-sizes[p], hashlib.sha256((salt + p).encode()).hexdigest()))
        loads = [0] * folds
        for page in order:  # the least-loaded fold takes the next page
            f = min(range(folds), key=lambda i: (loads[i], i))
            fold_of[page] = f
            loads[f] += sizes[page]
    return [fold_of[e.source] for e in real]


def own_domain(stack: object, oof_base: np.ndarray, base_test: np.ndarray, texts: list[str], labels: list[str],
               groups: list[str], real: np.ndarray, monitoring: np.ndarray, test_texts: list[str], seed: int) -> tuple[np.ndarray, np.ndarray]:
    """The three-sided stack: the shipped two sides, plus a monitoring side (table and gates of
    the monitoring notes alone) weighed in, among real-like notes, by a second domain model.
    Returns (training out-of-fold probabilities, test probabilities)."""
    from sklearn.linear_model import LogisticRegression

    from bma_nlp.classify.gating import domain_features, gated, rule_labels, table
    from bma_nlp.classify.stack import _best_gates, _domain_oof

    rules = rule_labels(texts)
    gold = np.array([LABELS.index(lab) for lab in labels])
    mon_table = table(rules[monitoring], gold[monitoring])
    mon_gates = _best_gates(oof_base[monitoring], rules[monitoring], gold[monitoring], mon_table)
    features = domain_features(oof_base, texts)
    real_idx = np.where(real)[0]
    mon_model = LogisticRegression(C=1.0, class_weight="balanced", max_iter=2000, random_state=seed).fit(features[real_idx], monitoring[real_idx])
    mon_share = np.zeros(len(texts))
    mon_share[real_idx] = _domain_oof(features[real_idx], monitoring[real_idx], [groups[i] for i in real_idx], seed, 5)
    real_share = _domain_oof(features, real, groups, seed, 5)

    def mix(base: np.ndarray, rules_: np.ndarray, real_w: np.ndarray, mon_w: np.ndarray) -> np.ndarray:
        syn = gated(base, rules_, stack.tables_["synthetic"], stack.gates_["synthetic"])  # type: ignore[attr-defined]
        other = gated(base, rules_, stack.tables_["real"], stack.gates_["real"])  # type: ignore[attr-defined]
        mon = gated(base, rules_, mon_table, mon_gates)
        r, m = real_w[:, None], mon_w[:, None]
        return np.asarray(r * (m * mon + (1 - m) * other) + (1 - r) * syn)

    test_features = domain_features(base_test, test_texts)
    test_real = stack.domain_.predict_proba(test_features)[:, list(stack.domain_.classes_).index(True)]  # type: ignore[attr-defined]
    test_mon = mon_model.predict_proba(test_features)[:, list(mon_model.classes_).index(True)]
    return mix(oof_base, rules, real_share, mon_share), mix(base_test, rule_labels(test_texts), test_real, test_mon)


def cache_path(cache: str, fold: int, folds: int, repeat: int, seed: int, fold_seed: int = 0) -> Path:
    dealing = "" if fold_seed == 0 else f"_deal{fold_seed}"  # the first dealing keeps its old file names
    return Path(cache) / f"fold{fold}of{folds}{dealing}_x{repeat}_seed{seed}.json"


def stack_variant(repeat: int) -> str:
    """The name a fold's result gives the stack trained with monitoring notes counted ``repeat`` times."""
    return "shipped recipe" if repeat == 1 else f"monitoring x{repeat}"


def alone_variant(repeat: int) -> str:
    """The name of that training's text model without the gate ("text model alone" at x1, so cached results still read)."""
    return "text model alone" if repeat == 1 else f"text model alone, monitoring x{repeat}"


def run_fold(fold: int, repeat: int, folds: int, seed: int, cache: str, fold_seed: int = 0) -> dict:
    """One full training (the text model, then the stack variants) without fold ``fold``'s
    real notes; the probabilities of that fold's real notes and of the synthetic test."""
    out_path = cache_path(cache, fold, folds, repeat, seed, fold_seed)
    if out_path.is_file():
        return json.loads(out_path.read_text())
    from bma_nlp.classify.model import cross_validated_proba, fit_design, proba_in_label_order
    from bma_nlp.classify.stack import StackedStage

    started = time.process_time()
    synthetic = load_examples(default_data_path())
    syn_train = [e for e in synthetic if e.split == "train"]
    syn_test = [e.text for e in synthetic if e.split == "test"]
    real = load_real()
    fold_of = page_folds(real, folds, fold_seed)
    train_real = [e for e, f in zip(real, fold_of, strict=True) if f != fold]
    test_real = [e.text for e, f in zip(real, fold_of, strict=True) if f == fold]
    texts, labels, groups = training_set(syn_train, train_real, monitoring_repeat=repeat)
    real_flags = np.array([g.startswith("page:") for g in groups])
    monitoring = np.array([g.startswith("page:") and monitoring_page(g[5:]) for g in groups])
    oof_base = cross_validated_proba(BASE_DESIGN, texts, labels, groups, seed, 5)
    base = fit_design(BASE_DESIGN, texts, labels, seed)
    test_texts = test_real + syn_test
    base_test = proba_in_label_order(base, test_texts)

    def stacked(real_weights: np.ndarray | None = None) -> StackedStage:
        stack = StackedStage(BASE_DESIGN, seed, 5)
        stack.base_ = base
        return stack.fit_gates(oof_base, texts, labels, groups, real_flags, real_weights)

    variants: dict[str, tuple[np.ndarray, float]] = {}
    stack = stacked()
    name = stack_variant(repeat)
    variants[name] = (stack.proba_from_base(base_test, test_texts), calibrate_threshold(labels, stack.oof_))
    if repeat == 1:
        gold = np.array(labels, dtype=object)
        variants["threshold from real notes"] = (variants[name][0], calibrate_threshold(list(gold[real_flags]), stack.oof_[real_flags]))
        weighted = stacked(np.where(monitoring, GATE_WEIGHT, 1.0))
        variants[f"real-side gates, monitoring x{GATE_WEIGHT:g}"] = (weighted.proba_from_base(base_test, test_texts), calibrate_threshold(labels, weighted.oof_))
        oof3, test3 = own_domain(stack, oof_base, base_test, texts, labels, groups, real_flags, monitoring, test_texts, seed)
        variants["monitoring own domain"] = (test3, calibrate_threshold(labels, oof3))
    variants[alone_variant(repeat)] = (base_test, calibrate_threshold(labels, oof_base))  # the text model without the gate, at every weighting
    n = len(test_real)
    result = {
        "fold": fold, "repeat": repeat, "train_real": len(train_real), "train_texts": len(texts), "cpu_s": round(time.process_time() - started),
        "variants": {k: {"real": p[:n].tolist(), "synthetic": p[n:].tolist(), "threshold": t} for k, (p, t) in variants.items()},
    }  # fmt: skip
    out_path.write_text(json.dumps(result))
    return result


def users_labels(real: Sequence[Example]) -> dict[int, str]:
    """Index in ``real`` -> the label the users gave, for the notes of ``../shared/real-notes``
    (empty when that folder is not beside the checkout)."""
    path = ROOT.parent / "shared" / "real-notes" / "notes.jsonl"
    if not path.is_file():
        return {}
    given = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            given[row["text"]] = row.get("stage") or "none"
    return {i: given[e.text] for i, e in enumerate(real) if e.text in given}


def scores(gold: Sequence[str], pred: Sequence[str]) -> dict:
    none = [p for g, p in zip(gold, pred, strict=True) if g == "none"]
    return {
        "n": len(gold), "right": sum(g == p for g, p in zip(gold, pred, strict=True)), "accuracy": accuracy(gold, pred),
        "macro_f1": macro_f1(gold, pred), "none_n": len(none), "none_untagged_n": sum(p == "none" for p in none),
    }  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--repeats", type=int, nargs="+", default=[1, 2, 4], help="monitoring-note weights to train (1: the baseline, 'shipped recipe')")
    parser.add_argument("--seed", type=int, default=0, help="the trainings' seed")
    parser.add_argument("--fold-seed", type=int, default=0, help="how pages are dealt to folds (0: the first dealing)")
    parser.add_argument("--jobs", type=int, default=1, help="trainings run at once")
    parser.add_argument("--cache", default=str(ROOT.parent.parent / "tmp" / "cv_bma"), help="where each fold's result is kept")
    parser.add_argument("--cached-only", action="store_true", help="train nothing: score the folds whose every repeat is in --cache (the others' notes left out)")
    parser.add_argument("--json", help="also write the summary here")
    parser.add_argument("--pool", nargs="+", default=[], metavar="JSON", help="--json summaries of other dealings: also print every dealing pooled")
    args = parser.parse_args()
    if 1 not in args.repeats:
        args.repeats = [1, *args.repeats]
    Path(args.cache).mkdir(parents=True, exist_ok=True)

    synthetic = load_examples(default_data_path())
    syn_test = [e for e in synthetic if e.split == "test"]
    syn_gold = [e.label for e in syn_test]
    real = load_real()
    fold_of = page_folds(real, args.folds, args.fold_seed)
    is_mon = np.array([monitoring_note(e) for e in real])
    gold = [e.label for e in real]
    mon_pages = {e.source for e in real if monitoring_note(e)}
    print(f"real notes {len(real)} ({int(is_mon.sum())} monitoring notes from {len(mon_pages)} pages, "
          f"{len(real) - int(is_mon.sum())} other); monitoring notes per fold "
          f"{[int(((np.array(fold_of) == f) & is_mon).sum()) for f in range(args.folds)]}; synthetic test {len(syn_test)}", file=sys.stderr)  # fmt: skip

    done = [f for f in range(args.folds) if all(cache_path(args.cache, f, args.folds, r, args.seed, args.fold_seed).is_file() for r in args.repeats)]
    scored = done if args.cached_only else list(range(args.folds))
    if args.cached_only:
        print(f"scoring the cached folds {done} only", file=sys.stderr)
    tasks = [(f, r) for r in args.repeats for f in scored]
    started = time.time()
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        futures = {t: pool.submit(run_fold, t[0], t[1], args.folds, args.seed, args.cache, args.fold_seed) for t in tasks}
        results = {}
        for task, future in futures.items():
            results[task] = future.result()
            print(f"fold {task[0]} x{task[1]}: {results[task]['train_texts']} training texts, {results[task]['cpu_s']} CPU s", file=sys.stderr)
    print(f"trainings done in {time.time() - started:.0f} s", file=sys.stderr)

    preds: dict[str, list[str]] = {}  # out-of-fold label of every real note, per variant
    syn_f1: dict[str, list[float]] = {}
    thresholds: dict[str, list[float]] = {}
    for (fold, _repeat), res in sorted(results.items()):
        idx = [i for i, f in enumerate(fold_of) if f == fold]
        for name, v in res["variants"].items():
            labels = decide(np.array(v["real"]), v["threshold"])
            preds.setdefault(name, [""] * len(real))
            for i, lab in zip(idx, labels, strict=True):
                preds[name][i] = lab
            syn_f1.setdefault(name, []).append(macro_f1(syn_gold, decide(np.array(v["synthetic"]), v["threshold"])))
            thresholds.setdefault(name, []).append(v["threshold"])
    keep = [i for i, f in enumerate(fold_of) if f in scored]  # every note when all folds ran
    real, gold, is_mon = [real[i] for i in keep], [gold[i] for i in keep], is_mon[keep]
    preds = {name: [pred[i] for i in keep] for name, pred in preds.items()}
    texts = [e.text for e in real]
    preds["clause rules"] = [clause_label(t) for t in texts]
    preds["keyword rules"] = [rule_label(t) for t in texts]
    syn_f1["clause rules"] = [macro_f1(syn_gold, [clause_label(e.text) for e in syn_test])]
    syn_f1["keyword rules"] = [macro_f1(syn_gold, [rule_label(e.text) for e in syn_test])]

    shipped = preds["shipped recipe"]
    held_out = np.array([e.split == "real-test" for e in real])
    # the clause rules were written while reading real-train notes (monitoring ones among them):
    # on the held-out side of the page split they are out of sample too
    parts = {"monitoring": is_mon, "other real": ~is_mon, "monitoring, held-out side": is_mon & held_out}
    summary: dict[str, dict] = {}
    for name, pred in preds.items():
        row: dict = {}
        for part, mask in parts.items():
            g = [x for x, m in zip(gold, mask, strict=True) if m]
            p = [x for x, m in zip(pred, mask, strict=True) if m]
            s = [x for x, m in zip(shipped, mask, strict=True) if m]
            row[part] = scores(g, p)
            row[part]["won"] = sum(a == b != c for a, b, c in zip(p, g, s, strict=True))
            row[part]["lost"] = sum(c == b != a for a, b, c in zip(p, g, s, strict=True))
        row["synthetic macro_f1"] = syn_f1[name]
        row["thresholds"] = thresholds.get(name, [])
        summary[name] = row

    print(f"\n{args.folds} page-grouped folds ({len(scored)} scored) over {len(real)} real notes; won/lost: notes right/wrong here and wrong/right for the shipped recipe")
    print("| variant | " + " | ".join(f"{part} acc (right/n) | macro-F1 | none untagged | won/lost" for part in parts) + " | synthetic test macro-F1 mean (range) |")
    print("|---|" + "---|---:|---|---|" * len(parts) + "---|")
    for name, row in summary.items():
        cells = []
        for part in parts:
            s = row[part]
            cells += [f"{s['accuracy']:.3f} ({s['right']}/{s['n']})", f"{s['macro_f1']:.3f}",
                      f"{s['none_untagged_n'] / max(1, s['none_n']):.2f} ({s['none_untagged_n']}/{s['none_n']})", f"+{s['won']}/-{s['lost']}"]  # fmt: skip
        f1 = row["synthetic macro_f1"]
        cells.append(f"{np.mean(f1):.3f} ({min(f1):.3f}-{max(f1):.3f})" if len(f1) > 1 else f"{f1[0]:.3f}")
        print(f"| {name} | " + " | ".join(cells) + " |")
    users = users_labels(real)
    if users:
        # the users' own sample of monitoring notes (../shared/real-notes), scored against the labels
        # the users gave them, not this project's: the closest measure of how the users' judge labels
        print(f"\nthe users' {len(users)} monitoring notes (shared/real-notes) out of fold, against the users' own labels:")
        print("| variant | accuracy (right/n) | none untagged |")
        print("|---|---|---|")
        for name, pred in preds.items():
            s = summary[name]["users' labels"] = scores(list(users.values()), [pred[i] for i in users])
            print(f"| {name} | {s['accuracy']:.3f} ({s['right']}/{s['n']}) | {s['none_untagged_n']}/{s['none_n']} |")
    for name, row in summary.items():
        if row["thresholds"]:
            print(f"abstain thresholds, {name}: {', '.join(f'{t:.2f}' for t in row['thresholds'])}")
    if args.json:
        Path(args.json).write_text(json.dumps({"folds": args.folds, "scored": scored, "fold_of": [fold_of[i] for i in keep], "summary": summary, "predictions": preds}, ensure_ascii=False, indent=1))
    if args.pool:
        print_pooled([summary] + [json.loads(Path(f).read_text())["summary"] for f in args.pool])
    return 0


def sign_test(won: int, lost: int) -> float:
    """Two-sided sign test of won against lost notes (ties, notes both right or both wrong, dropped)."""
    from scipy.stats import binomtest

    return float(binomtest(won, won + lost).pvalue) if won + lost else 1.0


def print_pooled(summaries: list[dict]) -> None:
    """Each variant's counts summed over several dealings (a note is counted once per dealing, so
    the sign test treats the dealings' won/lost notes as independent, which they are only in part)."""
    parts = ("monitoring", "other real")
    print(f"\n{len(summaries)} dealings pooled (counts summed; synthetic macro-F1 over every fold model); sign test two-sided on won/lost")
    print("| variant | " + " | ".join(f"{part} right/n (acc) | none untagged | won/lost | sign p" for part in parts) + " | synthetic test macro-F1 mean |")
    print("|---|" + "---|---|---|---:|" * len(parts) + "---:|")
    for name in summaries[0]:
        if not all(name in s for s in summaries):
            continue
        cells = []
        for part in parts:
            total = {k: sum(s[name][part][k] for s in summaries) for k in ("right", "n", "none_untagged_n", "none_n", "won", "lost")}
            cells += [f"{total['right']}/{total['n']} ({total['right'] / total['n']:.3f})", f"{total['none_untagged_n']}/{total['none_n']}",
                      f"+{total['won']}/-{total['lost']}", f"{sign_test(total['won'], total['lost']):.3f}"]  # fmt: skip
        f1 = [x for s in summaries for x in s[name]["synthetic macro_f1"]]
        cells.append(f"{np.mean(f1):.3f}")
        print(f"| {name} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    raise SystemExit(main())
