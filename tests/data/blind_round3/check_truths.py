#!/usr/bin/env python3
"""Checks every cNN.truth.json of blind round 3: schema, types, counts, internal consistency,
and that the values can be read from cNN.txt (after the normalisations a clerk applies:
Thai digits, ํ+า -> ำ, เเ -> แ, Latin O/l in codes).  Prints the totals.  Exit 1 on any problem."""
import datetime as dt
import glob
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ENCODING = {"c07": "cp874"}  # everything else UTF-8 (c12 with BOM + CRLF)
PROJECT_KEYS = ["name", "code", "fiscal_year", "start_date", "end_date", "budget_received", "budget_used",
                "agency", "coordinator", "coordinator_phone"]
INST_KEYS = ["number", "date", "progress_pct", "disbursed_baht", "disbursement_no", "on_plan", "on_target",
             "stage"]
STAGES = ["approval", "procurement", "completed"]
M_FULL = ["มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน", "กรกฎาคม",
          "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม"]
M_ABBR = ["ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค."]
PLAN_WORDS = {"เป็นไปตามแผน": True, "เร็วกว่าแผน": True, "ไม่เป็นไปตามแผน": False, "ล่าช้ากว่าแผน": False}
problems = []


def bad(f, msg):
    problems.append(f"{f}: {msg}")


def norm(text):
    text = text.translate(str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789"))
    return text.replace("\r\n", "\n").replace("ํา", "ำ").replace("เเ", "แ")


def date_forms(iso):
    y, m, d = (int(x) for x in iso.split("-"))
    b = y + 543
    return [f"{d:02d}/{m:02d}/{b}", f"{d}/{m}/{b}", f"{d:02d}/{m:02d}/{b % 100:02d}", f"{d:02d}.{m:02d}.{b}",
            f"{d} {M_ABBR[m-1]} {b}", f"{d} {M_ABBR[m-1]} {b % 100:02d}", f"{d} {M_FULL[m-1]} {b}",
            f"วันที่ {d} เดือน{M_FULL[m-1]} พ.ศ. {b}", iso]


def amount_forms(x):
    forms = [f"{x:,}", f"{x:,.2f}", str(x)]
    if x >= 1000000:
        forms.append(f"{x/1e6:.6f}".rstrip("0").rstrip(".") + " ล้านบาท")
    return forms


def is_iso(s):
    try:
        dt.date.fromisoformat(s)
        return True
    except (TypeError, ValueError):
        return False


def check_report(f, rep, text, where):
    w = f"{f}{where}"
    keys = list(rep)
    allowed = {"copies", "project", "installments", "narrative", "other_reports"}
    if set(keys) - allowed or not {"copies", "project", "installments", "narrative"} <= set(keys):
        bad(w, f"top-level keys {keys}")
    if not isinstance(rep["copies"], int) or not 1 <= rep["copies"] <= 3:
        bad(w, "copies must be an int 1..3")
    p = rep["project"]
    if list(p) != PROJECT_KEYS:
        bad(w, f"project keys {list(p)}")
    for k in ("name", "code", "agency", "coordinator"):
        if not isinstance(p[k], str) or not p[k]:
            bad(w, f"project.{k} must be a non-empty string")
    if not re.fullmatch(r"\d{8}-\d{4}", p["code"]):
        bad(w, f"code {p['code']}")
    if not isinstance(p["fiscal_year"], int) or not 2563 <= p["fiscal_year"] <= 2568:
        bad(w, "fiscal_year must be an int 2563..2568")
    for k in ("start_date", "end_date"):
        if not is_iso(p[k]):
            bad(w, f"{k} not ISO")
    if is_iso(p["start_date"]) and is_iso(p["end_date"]):
        if p["start_date"] >= p["end_date"]:
            bad(w, "start_date >= end_date")
        if int(p["start_date"][:4]) + 543 + 1 != p["fiscal_year"]:
            bad(w, "start_date does not open the fiscal year")
    for k in ("budget_received", "budget_used"):
        if not isinstance(p[k], int) or isinstance(p[k], bool) or p[k] < 0:
            bad(w, f"{k} must be a non-negative int")
    if p["agency"].count(" / ") != 2:
        bad(w, "agency must have three parts joined by ' / '")
    if p["coordinator_phone"] is not None and not re.fullmatch(r"[0-9 ]+( ต่อ \d+)?", p["coordinator_phone"]):
        bad(w, f"phone {p['coordinator_phone']}")

    ins = rep["installments"]
    if not 3 <= len(ins) <= 10:
        bad(w, f"{len(ins)} installments (want 3..10)")
    prev_stage, prev_amt, prev_pct = 0, 0, 0.0
    for n, i in enumerate(ins, 1):
        if list(i) != INST_KEYS:
            bad(w, f"installment {n} keys {list(i)}")
            continue
        if i["number"] != n or i["disbursement_no"] != n:
            bad(w, f"installment {n}: number/disbursement_no")
        if i["date"] is not None and not is_iso(i["date"]):
            bad(w, f"installment {n}: date")
        if i["date"] and not p["start_date"] <= i["date"] <= p["end_date"]:
            bad(w, f"installment {n}: date outside the project period")
        if n > 1 and ins[n - 2]["date"] and i["date"] and i["date"] <= ins[n - 2]["date"]:
            bad(w, f"installment {n}: date not after the previous one")
        if not isinstance(i["progress_pct"], float) or not 0 <= i["progress_pct"] <= 100:
            bad(w, f"installment {n}: progress_pct must be a float 0..100")
        if i["progress_pct"] < prev_pct:
            bad(w, f"installment {n}: progress goes down")
        prev_pct = i["progress_pct"]
        if not isinstance(i["disbursed_baht"], int) or isinstance(i["disbursed_baht"], bool):
            bad(w, f"installment {n}: disbursed_baht must be an int")
        elif i["disbursed_baht"] < prev_amt or i["disbursed_baht"] > p["budget_received"]:
            bad(w, f"installment {n}: cumulative disbursement decreases or exceeds the budget")
        else:
            prev_amt = i["disbursed_baht"]
        for k in ("on_plan", "on_target"):
            if i[k] not in (True, False, None):
                bad(w, f"installment {n}: {k}")
        if i["stage"] not in STAGES:
            bad(w, f"installment {n}: stage {i['stage']}")
        else:
            s = STAGES.index(i["stage"])
            if s < prev_stage:
                bad(w, f"installment {n}: stage goes back")
            prev_stage = s
        if i["stage"] == "completed" and i["progress_pct"] < 90:
            bad(w, f"installment {n}: completed below 90 %")
        # values readable from the text
        if i["date"] and not any(x in text for x in date_forms(i["date"])):
            bad(w, f"installment {n}: date {i['date']} not found in the text")
        if not any(x in text for x in amount_forms(i["disbursed_baht"])):
            bad(w, f"installment {n}: amount {i['disbursed_baht']} not found")
    if ins and prev_amt != ins[-1]["disbursed_baht"]:
        pass
    if ins and ins[-1]["stage"] == "completed" and ins[-1]["disbursed_baht"] != p["budget_used"]:
        bad(w, "completed project: last cumulative disbursement differs from budget_used")

    nar = rep["narrative"]
    if list(nar) != ["rationale", "objectives", "targets"]:
        bad(w, f"narrative keys {list(nar)}")
    if not isinstance(nar["rationale"], str) or not isinstance(nar["targets"], str):
        bad(w, "narrative rationale/targets must be strings")
    if not isinstance(nar["objectives"], list) or not all(isinstance(x, str) and x for x in nar["objectives"]) \
            or not 1 <= len(nar["objectives"]) <= 5:
        bad(w, "narrative objectives must be 1..5 non-empty strings")
    for s in [nar["rationale"], nar["targets"]] + nar["objectives"]:
        if s and (s != s.strip() or "  " in s or "ํา" in s or "เเ" in s or re.match(r"^(\d+[.)]|\(\d+\)|[-•])", s)):
            bad(w, f"narrative text not clean: {s[:40]}")

    # header values readable from at least one copy
    joined = re.sub(r"\n\s*", "\n", text)
    code_text = re.sub(r"(?<=[0-9])[Oo](?=[0-9-])|(?<=[0-9-])[Oo](?=[0-9])", "0", text)
    code_text = re.sub(r"(?<=[0-9])l|l(?=[0-9])", "1", code_text)
    if p["code"] not in code_text:
        bad(w, f"code {p['code']} not found")
    if str(p["fiscal_year"]) not in text:
        bad(w, "fiscal year not found")
    name_ok = p["name"] in text or p["name"] in joined.replace("\n", "") or p["name"] in joined.replace("\n", " ")
    if not name_ok:
        bad(w, "name not found (also across a wrap)")
    for k in ("agency", "coordinator", "coordinator_phone"):
        if p[k] and p[k] not in text:
            bad(w, f"{k} not found")
    for k in ("budget_received", "budget_used"):
        if not any(x in text for x in amount_forms(p[k])):
            bad(w, f"{k} not found")
    if not any(x in text for x in date_forms(p["start_date"]) + [p["start_date"]]):
        bad(w, "start_date not found")
    # installment labels: each number K appears with a disbursement ordinal or a report number in some copy
    for i in ins:
        k = i["number"]
        if not re.search(rf"(ครั้งที่|ครั้งที|ครังที่)\s*{k}(?!\d)|^\|? ?{k} \||^{k}\s+\d|\({k}\)|= {k}$|\[รายงานครั้งที่ {k}\]",
                         text, re.M):
            bad(w, f"installment {k}: no ordinal found")
    return rep["copies"]


def main():
    totals = {"files": 0, "reports": 0, "copies": 0, "installments": 0}
    stages = {s: 0 for s in STAGES}
    verdicts = {"on_plan": {True: 0, False: 0, None: 0}, "on_target": {True: 0, False: 0, None: 0}}
    for tp in sorted(glob.glob(os.path.join(HERE, "c[0-9][0-9].truth.json"))):
        f = os.path.basename(tp)[:3]
        raw = open(os.path.join(HERE, f + ".txt"), "rb").read()
        size = len(raw)
        if not 3000 <= size <= 16384:
            bad(f, f"size {size} bytes outside 3-16 KB")
        enc = ENCODING.get(f, "utf-8")
        if f == "c12" and not (raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw):
            bad(f, "c12 must be UTF-8 with BOM and CRLF")
        if f == "c07":
            try:
                raw.decode("utf-8")
                bad(f, "c07 must be cp874, not UTF-8")
            except UnicodeDecodeError:
                pass
        text = norm(raw.decode("utf-8-sig" if enc == "utf-8" else enc))
        truth = json.load(open(tp, encoding="utf-8"))
        reps = [truth] + truth.get("other_reports", [])
        n_copies = 0
        for j, rep in enumerate(reps):
            n_copies += check_report(f, rep, text, "" if j == 0 else f" other_reports[{j-1}]")
            totals["reports"] += 1
            totals["installments"] += len(rep["installments"])
            for i in rep["installments"]:
                stages[i["stage"]] += 1
                verdicts["on_plan"][i["on_plan"]] += 1
                verdicts["on_target"][i["on_target"]] += 1
        for r in truth.get("other_reports", []):
            if "other_reports" in r:
                bad(f, "nested other_reports")
        labels = len(re.findall(r"ชื่อโครงการ/กิจกรรม", text))
        if labels != n_copies:
            bad(f, f"{labels} copies in the text, truth says {n_copies}")
        totals["files"] += 1
        totals["copies"] += n_copies
    print(json.dumps({"totals": totals, "stages": stages,
                      "verdicts": {k: {str(a): b for a, b in v.items()} for k, v in verdicts.items()}},
                     ensure_ascii=False))
    if problems:
        print("\n".join(problems))
        sys.exit(1)
    print("all truths consistent")


if __name__ == "__main__":
    main()
