"""Real OCR pairs: render clean Thai lines, read them back with Tesseract, keep (clean, ocr).

    nice -n 19 python scripts/make_ocr_pairs.py [--variants 6] [--out scripts/data/ocr_pairs.jsonl]
    python scripts/make_ocr_pairs.py --learn   # (re)learn bma_nlp/data/ocr_profile.json from the pairs

Needs Tesseract 5 with Thai (``apt-get install tesseract-ocr tesseract-ocr-tha fonts-thai-tlwg``)
and Pillow built with raqm (Thai marks must be shaped, or the "clean" image is already wrong).
Tests and CI never run this: they read the committed pairs and the learned table.

Source text: scripts/data/ocr_sources.txt (public BMA/government prose with its URL, and form
lines written for it), *not* scripts/data/clean_corpus.txt, which the synthetic benchmark uses.
The split is by source block: every third block (and every other form line) is held out, so
the pairs the benchmark scores never taught the error model anything.

Each line is rendered in several Thai fonts, sizes and degradations (blur, noise, JPEG,
down-and-up scaling, slight rotation), one Tesseract process at a time (``--psm 7``, one line).
A run is resumable (pairs already in --out are skipped). The committed pairs were made on a
shared 2-core host in three passes that had to fit the session: ``--variants 10`` (the first
~80 lines), then ``--variants 4``, then ``--variants 2 --shuffle``: every clean line has at least
two renderings, the first sources more (1,036 pairs: 698 learn, 338 held-out).
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DATA = Path(__file__).parent / "data"
SOURCES = DATA / "ocr_sources.txt"
FONT_DIR = Path("/usr/share/fonts/truetype/tlwg")
FONTS = ["Garuda", "Loma", "Norasi", "Kinnari", "Laksaman", "Sawasdee", "Umpush", "Waree", "TlwgTypo", "Garuda-Bold", "Norasi-Bold"]
SIZES = [18, 22, 28, 36]  # pixel size of the font: ~100-200 dpi for 10-14 pt text
DEGRADATIONS = ["clean", "blur", "noise", "jpeg", "rescale", "rotate"]
LINE_MIN, LINE_MAX = 35, 75


def read_sources(path: Path = SOURCES) -> list[tuple[str, list[str]]]:
    """Blocks of (source URL, paragraphs) from the sources file."""
    blocks: list[tuple[str, list[str]]] = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line.startswith("# source:"):
            blocks.append((line.split(":", 1)[1].strip(), []))
        elif line and not line.startswith("#") and blocks:
            blocks[-1][1].append(line)
    return blocks


def wrap(paragraph: str) -> list[str]:
    """Cut a paragraph into report-like lines at word boundaries."""
    from pythainlp.tokenize import word_tokenize

    lines, cur = [], ""
    for tok in word_tokenize(paragraph, engine="newmm"):
        if len(cur) + len(tok) > LINE_MAX and len(cur) >= LINE_MIN:
            lines.append(cur.strip())
            cur = ""
        cur += tok
    if cur.strip():
        lines.append(cur.strip())
    return lines


def source_lines(path: Path = SOURCES) -> list[dict[str, object]]:
    """Every clean line with its source, block number and split (a file other than the default
    sources is a fresh held-out set: every line of it is split "fresh")."""
    out: list[dict[str, object]] = []
    for b, (url, paragraphs) in enumerate(read_sources(path)):
        form = url.startswith("form")
        for p_no, para in enumerate(paragraphs):
            pieces = [para] if form else wrap(para)
            for piece in pieces:
                held = (p_no % 2 == 1) if form else (b % 3 == 2)
                split = "fresh" if path != SOURCES else "heldout" if held else "learn"
                out.append({"source": url, "block": b, "split": split, "clean": piece})
    return out


def render(text: str, font: str, size: int, degradation: str, rng: random.Random):  # type: ignore[no-untyped-def]
    from PIL import Image, ImageDraw, ImageFont, features

    if not features.check("raqm"):
        sys.exit("make_ocr_pairs: Pillow has no raqm (complex text layout); Thai would be drawn wrongly")
    face = ImageFont.truetype(str(FONT_DIR / f"{font}.ttf"), size, layout_engine=ImageFont.Layout.RAQM)
    left, top, right, bottom = face.getbbox(text)
    pad = size
    img = Image.new("L", (right - left + 2 * pad, bottom - top + 2 * pad), 255)
    ImageDraw.Draw(img).text((pad - left, pad - top), text, font=face, fill=0)
    return degrade(img, degradation, rng)


def degrade(img, degradation: str, rng: random.Random):  # type: ignore[no-untyped-def]
    """``img`` (grey) as a scanner and Tesseract's input may leave it: one of ``DEGRADATIONS``.
    Also the pages of ``scan_pages.py`` (scanned reports): one model of degradation for every
    piece of OCR material the project makes."""
    from PIL import Image, ImageFilter

    if degradation == "blur":
        img = img.filter(ImageFilter.GaussianBlur(radius=0.6 + rng.random() * 0.6))
    elif degradation == "noise":
        px = img.load()
        w, h = img.size
        for _ in range(w * h // 40):
            x, y = rng.randrange(w), rng.randrange(h)
            px[x, y] = 255 - px[x, y] if rng.random() < 0.5 else rng.randrange(256)
        img = img.filter(ImageFilter.GaussianBlur(radius=0.4))
    elif degradation == "jpeg":
        buf = io.BytesIO()
        img.save(buf, "JPEG", quality=rng.randrange(8, 20))
        img = Image.open(io.BytesIO(buf.getvalue())).convert("L")
    elif degradation == "rescale":
        w, h = img.size
        f = 0.45 + rng.random() * 0.2
        img = img.resize((max(1, int(w * f)), max(1, int(h * f))), Image.BILINEAR).resize((w, h), Image.BILINEAR)
    elif degradation == "rotate":
        img = img.rotate(rng.uniform(-1.2, 1.2), resample=Image.BILINEAR, expand=True, fillcolor=255)
    return img


def ocr(img, tmpdir: str) -> str:  # type: ignore[no-untyped-def]
    path = os.path.join(tmpdir, "line.png")
    img.save(path)
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    out = subprocess.run(
        ["nice", "-n", "19", "tesseract", path, "stdout", "-l", "tha+eng", "--psm", "7"],
        capture_output=True, text=True, env=env, check=False,
    )
    return " ".join(out.stdout.split())


def make_pairs(out_path: Path, variants: int, limit: int | None, shuffle: bool = False, split: str | None = None, sources: Path = SOURCES) -> None:
    lines = source_lines(sources)[:limit]
    if split:  # e.g. only the learn split, to tune on without touching the held-out lines
        lines = [line for line in lines if line["split"] == split]
    if shuffle:  # a run cut short still covers every part of the sources
        random.Random(0).shuffle(lines)
    done: set[str] = set()
    if out_path.exists():  # resumable: a long run killed half-way keeps what it had
        done = {json.loads(x)["id"] for x in out_path.read_text(encoding="utf-8").splitlines() if x.strip()}
    start = time.time()
    n = 0
    with out_path.open("a", encoding="utf-8") as fh, tempfile.TemporaryDirectory() as tmpdir:
        for line in lines:
            clean = str(line["clean"])
            seed = int(hashlib.sha1(clean.encode()).hexdigest()[:8], 16)
            rng = random.Random(seed)
            for v in range(variants):
                font, size, deg = rng.choice(FONTS), rng.choice(SIZES), DEGRADATIONS[(seed + v) % len(DEGRADATIONS)]
                pair_id = f"{seed:08x}-{v}"
                if pair_id in done:
                    continue
                text = ocr(render(clean, font, size, deg, rng), tmpdir)
                fh.write(json.dumps({"id": pair_id, **line, "font": font, "size": size, "degradation": deg, "ocr": text}, ensure_ascii=False) + "\n")
                fh.flush()
                n += 1
                if n % 50 == 0:
                    print(f"{n} pairs, {time.time() - start:.0f}s", file=sys.stderr)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=DATA / "ocr_pairs_all.jsonl")
    ap.add_argument("--variants", type=int, default=6, help="renderings of each clean line")
    ap.add_argument("--limit", type=int, default=None, help="only the first N clean lines")
    ap.add_argument("--shuffle", action="store_true", help="take the clean lines in a seeded random order")
    ap.add_argument("--split", choices=["learn", "heldout"], default=None, help="only the clean lines of this split")
    ap.add_argument("--sources", type=Path, default=SOURCES, help="clean text (another file than the default: a fresh held-out set, split 'fresh')")
    ap.add_argument("--learn", action="store_true", help="learn the OCR profile table from --out and write the held-out file")
    args = ap.parse_args()
    if args.learn:
        sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
        from bma_nlp.repair.profile import learn_table, write_table

        pairs = [json.loads(x) for x in args.out.read_text(encoding="utf-8").splitlines() if x.strip()]
        learn = [(p["clean"], p["ocr"]) for p in pairs if p["split"] == "learn"]
        table = learn_table(learn)
        table["provenance"] = {
            "pairs": len(learn),
            "made_by": "scripts/make_ocr_pairs.py (Tesseract tha+eng, psm 7) on scripts/data/ocr_sources.txt, learn split",
        }
        write_table(table)
        held = [p for p in pairs if p["split"] == "heldout"]
        keep = ("source", "font", "size", "degradation", "clean", "ocr")
        with (DATA / "ocr_pairs_heldout.jsonl").open("w", encoding="utf-8") as fh:
            for p in held:
                fh.write(json.dumps({k: p[k] for k in keep}, ensure_ascii=False) + "\n")
        print(f"learned from {len(learn)} pairs; {len(held)} held-out pairs written")
        return
    make_pairs(args.out, args.variants, args.limit, args.shuffle, args.split, args.sources)


if __name__ == "__main__":
    main()
