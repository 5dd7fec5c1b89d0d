#!/usr/bin/env python3
"""Check every dNN.truth.json of round 4 against its text. Exit 1 on any problem.

Checks keys, types, counts and internal consistency of each truth, and that every value can be read
from the text in at least one copy (after Thai digits -> Arabic, ํา -> ำ, เเ -> แ, zero-width removed,
Latin O/l -> 0/1 inside codes), that the number of copies matches the form headers in the text, the
file sizes (3-16 KB) and the two special encodings (d03 cp874, d04 UTF-8 BOM + CRLF).
"""
import datetime as dt
import glob
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
MONTHS = ["มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน", "กรกฎาคม", "สิงหาคม",
          "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม"]
ABBR = ["ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค."]
STAGES = ["approval", "procurement", "completed"]
PROJECT_KEYS = {"name": str, "code": str, "fiscal_year": int, "start_date": str, "end_date": str,
                "budget_received": (int, float), "budget_used": (int, float), "agency": str,
                "coordinator": str, "coordinator_phone": str}
INST_KEYS = ["number", "date", "progress_pct", "disbursed_baht", "disbursement_no", "on_plan", "on_target", "stage"]
PLAN_T = ["เป็นไปตามแผน", "เร็วกว่าแผน"]
PLAN_F = ["ไม่เป็นไปตามแผน", "ไมเป็นไปตามแผน", "ล่าช้ากว่าแผน"]
TGT_T = ["เป็นไปตามเป้าหมาย", "สูงกว่าเป้าหมาย"]
TGT_F = ["ไม่เป็นไปตามเป้าหมาย", "ต่ำกว่าเป้าหมาย", "ต่ำกว่าเป้าหบาย"]
ENCODING = {"d03": "cp874"}
BOM_CRLF = {"d04"}

problems = []


def bad(f, msg):
    problems.append(f"{f}: {msg}")


def norm(t):
    t = t.translate(str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789"))
    t = t.replace("\r", "").replace("\u200b", "").replace("\ufeff", "")
    t = t.replace("ํา", "ำ").replace("เเ", "แ")
    return t


def squash(t):
    return re.sub(r"\s+", "", t)


def date_forms(iso):
    d = dt.date.fromisoformat(iso)
    be = d.year + 543
    return [f"{d.day:02d}/{d.month:02d}/{be}", f"{d.day}/{d.month}/{be}", f"{d.day}/{d.month}/{be % 100:02d}",
            f"{d.day:02d}/{d.month:02d}/{be % 100:02d}", f"{d.day:02d}/{d.month:02d}/{d.year}", iso,
            f"{d.day} {MONTHS[d.month-1]} {be}", f"{d.day} {ABBR[d.month-1]} {be % 100:02d}",
            f"{d.day} {ABBR[d.month-1]} {be}", f"{d.day:02d}.{d.month:02d}.{be}"]


def amount_forms(v):
    if float(v).is_integer():
        v = int(v)
        return [f"{v:,}", f"{v:,}.00", str(v)]
    return [f"{v:,.2f}", f"{v:.2f}"]


def found_num(text, s):
    return re.search(r"(?<![\d.,])" + re.escape(s) + r"(?![\d,]|\.\d)", text) is not None


def in_order(parts, sq):
    """A value wrapped at its spaces inside a table or a column: its pieces appear in order."""
    pos = 0
    for part in parts:
        k = sq.find(squash(part), pos)
        if k < 0:
            return False
        pos = k + len(squash(part))
    return True


def ngram_recall(s, text, n=4):
    s = squash(s)
    grams = {s[i:i + n] for i in range(len(s) - n + 1)}
    return sum(g in text for g in grams) / max(1, len(grams))


def check_report(f, rep, text, sq):
    for k in ("copies", "project", "installments", "narrative"):
        if k not in rep:
            bad(f, f"missing key {k}")
            return None
    if not isinstance(rep["copies"], int) or not 1 <= rep["copies"] <= 3:
        bad(f, "copies")
    p = rep["project"]
    if set(p) != set(PROJECT_KEYS):
        bad(f, f"project keys {sorted(p)}")
    for k, ty in PROJECT_KEYS.items():
        if p.get(k) is not None and not isinstance(p[k], ty):
            bad(f, f"project.{k} type")
    # values in text
    if squash(p["name"]) not in sq and not in_order(p["name"].split(" "), sq):
        bad(f, f"name not in text: {p['name']}")
    codes = {c.translate(str.maketrans("Ol", "01")) for c in re.findall(r"[0-9Ol]{7,8}-[0-9Ol]{4}", text)}
    if p["code"] not in codes:
        bad(f, f"code {p['code']} not in text")
    if not found_num(text, str(p["fiscal_year"])):
        bad(f, "fiscal_year")
    for k in ("start_date", "end_date"):
        if not any(x in text for x in date_forms(p[k])):
            bad(f, f"{k} {p[k]} not in text")
    for k in ("budget_received", "budget_used"):
        if not any(found_num(text, x) for x in amount_forms(p[k])):
            bad(f, f"{k} {p[k]} not in text")
    parts = p["agency"].split(" / ")
    if len(parts) != 3 or not all(x in text for x in parts):
        bad(f, "agency")
    for k in ("coordinator", "coordinator_phone"):
        if p[k] not in text:
            bad(f, f"{k} not in text")
    # installments
    ins = rep["installments"]
    if not 3 <= len(ins) <= 10:
        bad(f, f"{len(ins)} installments")
    prev = None
    start, end = p["start_date"], p["end_date"]
    for i, it in enumerate(ins, 1):
        if list(it) != INST_KEYS:
            bad(f, f"installment {i} keys")
            continue
        if it["number"] != i or it["disbursement_no"] != i:
            bad(f, f"installment {i} numbering")
        if it["stage"] not in STAGES:
            bad(f, f"#{i} stage")
        for k in ("on_plan", "on_target"):
            if it[k] not in (True, False, None):
                bad(f, f"#{i} {k}")
        if not isinstance(it["progress_pct"], float) or not 0 <= it["progress_pct"] <= 100:
            bad(f, f"#{i} progress type")
        if it["date"] is not None:
            if not start <= it["date"] <= end:
                bad(f, f"#{i} date outside the project period")
            if not any(x in text for x in date_forms(it["date"])):
                bad(f, f"#{i} date {it['date']} not in text")
        if not any(found_num(text, x) for x in {f"{it['progress_pct']:.2f}", f"{it['progress_pct']:g}"}):
            bad(f, f"#{i} progress {it['progress_pct']} not in text")
        if not any(found_num(text, x) for x in amount_forms(it["disbursed_baht"])):
            bad(f, f"#{i} amount {it['disbursed_baht']} not in text")
        if not re.search(rf"(ครั้งที่|ครั้งที|ครังที่|คร้งที่)\s*{i}\b|no=\"{i}\"|│ {i}\s", text):
            bad(f, f"#{i} ordinal not in text")
        if it["on_plan"] is not None and not any(x in text for x in (PLAN_T if it["on_plan"] else PLAN_F)):
            bad(f, f"#{i} plan verdict family not in text")
        if it["on_target"] is not None and not any(x in text for x in (TGT_T if it["on_target"] else TGT_F)):
            bad(f, f"#{i} target verdict family not in text")
        if prev:
            if it["date"] and prev["date"] and it["date"] <= prev["date"]:
                bad(f, f"#{i} date not increasing")
            if it["disbursed_baht"] < prev["disbursed_baht"]:
                bad(f, f"#{i} cumulative amount decreasing")
            if it["progress_pct"] < prev["progress_pct"]:
                bad(f, f"#{i} progress decreasing")
            if STAGES.index(it["stage"]) < STAGES.index(prev["stage"]):
                bad(f, f"#{i} stage goes back")
        prev = it
    if ins and ins[-1]["disbursed_baht"] > p["budget_used"]:
        bad(f, "last cumulative disbursement above budget_used")
    if p["budget_used"] > p["budget_received"]:
        bad(f, "budget_used above budget_received")
    # narrative
    n = rep["narrative"]
    if set(n) != {"rationale", "objectives", "targets"} or not isinstance(n["objectives"], list):
        bad(f, "narrative keys")
        return rep
    strings = [n["rationale"], n["targets"]] + n["objectives"]
    for s in strings:
        if not isinstance(s, str) or not s:
            bad(f, "narrative empty")
            continue
        if "ํา" in s or "เเ" in s or "  " in s or s != s.strip() or re.match(r"^(\(?\d+[.)]|[-•])", s):
            bad(f, f"narrative not clean: {s[:40]}")
        r = ngram_recall(s, sq)
        if r < 0.8:
            bad(f, f"narrative not found in text (4-gram recall {r:.2f}): {s[:40]}")
    return rep


def main():
    tot = dict(files=0, reports=0, copies=0, inst=0)
    stages = {s: 0 for s in STAGES}
    plan = {True: 0, False: 0, None: 0}
    target = {True: 0, False: 0, None: 0}
    paths = sorted(glob.glob(os.path.join(HERE, "d[0-9][0-9].truth.json")))
    if len(paths) != 16:
        bad("round", f"{len(paths)} truth files, expected 16")
    for tp in paths:
        f = os.path.basename(tp).split(".")[0]
        raw = open(os.path.join(HERE, f + ".txt"), "rb").read()
        if not 3 * 1024 <= len(raw) <= 16 * 1024:
            bad(f, f"size {len(raw)}")
        enc = ENCODING.get(f, "utf-8")
        if enc == "cp874":
            try:
                raw.decode("utf-8")
                bad(f, "expected cp874, decodes as UTF-8")
            except UnicodeDecodeError:
                pass
        if f in BOM_CRLF:
            if not raw.startswith(b"\xef\xbb\xbf") or b"\r\n" not in raw or raw.count(b"\n") != raw.count(b"\r\n"):
                bad(f, "expected UTF-8 BOM + CRLF")
        elif raw.startswith(b"\xef\xbb\xbf") or b"\r" in raw:
            bad(f, "unexpected BOM or CR")
        text = norm(raw.decode("utf-8-sig" if enc == "utf-8" else enc))
        sq = squash(text)
        truth = json.load(open(tp, encoding="utf-8"))
        reps = [truth] + truth.get("other_reports", [])
        extra = set(truth) - {"copies", "project", "installments", "narrative", "other_reports"}
        if extra:
            bad(f, f"unexpected keys {extra}")
        ncopies = 0
        for rep in reps:
            if check_report(f, rep, text, sq) is None:
                continue
            tot["reports"] += 1
            tot["copies"] += rep["copies"]
            ncopies += rep["copies"]
            for it in rep["installments"]:
                tot["inst"] += 1
                stages[it["stage"]] += 1
                plan[it["on_plan"]] += 1
                target[it["on_target"]] += 1
        heads = len(re.findall(r"หลักการ\s*(?:และ)?\s*เหตุ(?:ผล|พล)", text))
        if heads != ncopies:
            bad(f, f"{heads} rationale headings in the text, truth says {ncopies} copies")
        tot["files"] += 1
    print(f"{tot['files']} files, {tot['reports']} reports, {tot['copies']} copies, {tot['inst']} installments: "
          + ", ".join(f"{v} {k}" for k, v in stages.items()))
    print(f"on_plan {plan[True]} true / {plan[False]} false / {plan[None]} null; "
          f"on_target {target[True]} true / {target[False]} false / {target[None]} null")
    for p in problems:
        print("PROBLEM", p)
    print("OK" if not problems else f"{len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
