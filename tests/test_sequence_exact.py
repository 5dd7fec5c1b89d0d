"""``classify.sequence`` decodes on Python floats: the same bits as the NumPy array code it
replaced (kept here as the reference), on random reports and on edge cases (ties, zeros,
certain notes, probabilities at the floor, metrics that change the prior)."""

from __future__ import annotations

import random

import numpy as np

from bma_nlp.classify.sequence import _FLOOR, METRIC_PRIOR, Decision, decode, emissions, posteriors, viterbi
from bma_nlp.records import STAGES


def _ref_emissions(proba, progress, disbursed):  # type: ignore[no-untyped-def]
    stage_p = proba[:, :3] + proba[:, 3:4] / 3.0
    prior = np.ones_like(stage_p)
    for i, (pct, baht) in enumerate(zip(progress, disbursed, strict=True)):
        if pct is not None and pct >= 100:
            prior[i] *= METRIC_PRIOR["progress_complete"]
        if baht is not None and baht > 0:
            prior[i] *= METRIC_PRIOR["money_disbursed"]
    out = np.maximum(stage_p * prior, _FLOOR)
    return np.asarray(out / out.sum(axis=1, keepdims=True))


def _ref_viterbi(emit):  # type: ignore[no-untyped-def]
    n, k = emit.shape
    if n == 0:
        return []
    logs = np.log(emit)
    score = logs[0].copy()
    back = np.zeros((n, k), dtype=int)
    for i in range(1, n):
        new = np.empty(k)
        for t in range(k):
            s = int(np.argmax(score[: t + 1]))
            back[i, t] = s
            new[t] = score[s] + logs[i, t]
        score = new
    path = [int(np.argmax(score))]
    for i in range(n - 1, 0, -1):
        path.append(int(back[i, path[-1]]))
    return path[::-1]


def _ref_posteriors(emit):  # type: ignore[no-untyped-def]
    n, k = emit.shape
    if n == 0:
        return emit.copy()
    alpha = np.zeros((n, k))
    beta = np.ones((n, k))
    alpha[0] = emit[0] / emit[0].sum()
    for i in range(1, n):
        alpha[i] = emit[i] * np.cumsum(alpha[i - 1])
        alpha[i] /= alpha[i].sum()
    for i in range(n - 2, -1, -1):
        nxt = emit[i + 1] * beta[i + 1]
        beta[i] = np.cumsum(nxt[::-1])[::-1]
        beta[i] /= beta[i].sum()
    gamma = alpha * beta
    return np.asarray(gamma / gamma.sum(axis=1, keepdims=True))


def _ref_decode(proba, progress, disbursed, threshold):  # type: ignore[no-untyped-def]
    n = len(proba)
    if n == 0:
        return []
    emit = _ref_emissions(proba, progress, disbursed)
    path = _ref_viterbi(emit)
    post = _ref_posteriors(emit)
    out = []
    for i in range(n):
        best = int(np.argmax(proba[i]))
        note_conf = float(proba[i, :3].max())
        note_stage = STAGES[best] if best < 3 and proba[i, best] >= threshold else None
        seq = path[i]
        seq_conf = float(post[i, seq])
        if seq_conf < threshold:
            out.append(Decision(None, seq_conf, "sequence") if note_stage is not None else Decision(None, note_conf, "note"))
        elif note_stage == STAGES[seq]:
            out.append(Decision(note_stage, float(proba[i, best]), "note"))
        else:
            out.append(Decision(STAGES[seq], seq_conf, "sequence"))
    return out


def _report(rng: random.Random) -> tuple[np.ndarray, list[float | None], list[float | None]]:
    n = rng.choice([1, 1, 2, 3, 5, 8, 12, 30])
    kind = rng.random()
    if kind < 0.15:  # ties and certain notes
        rows = [rng.choice([[0.25] * 4, [1.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 1.0], [0.5, 0.5, 0.0, 0.0], [0.0, 0.0, 1.0, 0.0]]) for _ in range(n)]
        proba = np.array(rows, dtype=float)
    elif kind < 0.25:  # at the floor
        proba = np.array([[rng.choice([0.0, 1e-12, 1e-300, 5e-10]) for _ in range(3)] + [rng.random()] for _ in range(n)])
    else:
        proba = np.random.default_rng(rng.getrandbits(32)).dirichlet([rng.choice([0.1, 0.5, 1.0, 3.0])] * 4, size=n)
    progress = [rng.choice([None, 0.0, 50.0, 99.99, 100.0, 120.0]) for _ in range(n)]
    disbursed = [rng.choice([None, 0.0, 0.0, 1.0, 250000.0]) for _ in range(n)]
    return proba, progress, disbursed


def test_decode_gives_the_array_codes_bits() -> None:
    rng = random.Random(13)
    for _ in range(3000):
        proba, progress, disbursed = _report(rng)
        threshold = rng.choice([0.3, 0.45, 0.5, 0.6, 0.9])
        expected = _ref_emissions(proba, progress, disbursed)
        emit = emissions(proba, progress, disbursed)
        assert emit.tobytes() == expected.tobytes()
        assert viterbi(emit) == _ref_viterbi(expected)
        assert posteriors(emit).tobytes() == _ref_posteriors(expected).tobytes()
        got, want = decode(proba, progress, disbursed, threshold), _ref_decode(proba, progress, disbursed, threshold)
        assert [(d.stage, d.source, d.confidence.hex()) for d in got] == [(d.stage, d.source, d.confidence.hex()) for d in want]
    assert decode(np.zeros((0, 4)), [], [], 0.5) == []
