"""Small report files for the archive tests, in the BMA form (one-line ``::`` layout)."""

from __future__ import annotations

from pathlib import Path

DEFAULT_AGENCY = "สำนักงานเขตบางรัก / ฝ่ายโยธา"


def report_text(code: str, fy: int, notes: list[str], name: str = "ปรับปรุงทางเท้าถนนสีลม", agency: str = DEFAULT_AGENCY) -> str:
    lines = [
        "แบบแสดงรายงานความก้าวหน้าและข้อมูลเกี่ยวกับโครงการ",
        "1. ชื่อโครงการและหน่วยงานที่รับผิดชอบโครงการ",
        f"ชื่อโครงการ/กิจกรรม : {name}",
        f"รหัสโครงการ : {code}",
        f"ปีงบประมาณ พ.ศ. : {fy}",
        "งบประมาณที่ได้รับ : 100,000 บาท",
        f"หน่วยงานที่รับผิดชอบ : {agency}",
        "2. รายงานความก้าวหน้าของโครงการและการใช้จ่ายงบประมาณ",
    ]
    for k, note in enumerate(notes, 1):
        lines.append(
            f"รายงานครั้งที่{k}\t:: 15/{k:02d}/{fy} : {note} :: ความก้าวหน้าของงานฯ = {10 * k}.00 % "
            f"งบประมาณที่เบิกใช้ (ครั้งที่ {k}) = {1000 * (k - 1):,} บาท : เป็นไปตามแผน : เป็นไปตามเป้าหมาย"
        )
    return "\n".join(lines) + "\n"


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# Three reports in two districts, with notes that need tokenisation to be found.
YOTHA = report_text(
    "50120000-0042", 2567,
    ["อยู่ระหว่างขออนุมัติโครงการ", "อยู่ระหว่างประกวดราคาอิเล็กทรอนิกส์ (e-bidding)", "ผู้รับจ้างเข้าดำเนินการตามสัญญา"],
    agency="สำนักการโยธา / กองควบคุมการก่อสร้าง",
)  # fmt: skip
SCHOOL = report_text(
    "50070000-1234", 2566,
    ["ได้รับอนุมัติเงินประจำงวดแล้ว", "อยู่ระหว่างจัดซื้อวัสดุการศึกษา", "ดำเนินการเรียบร้อยแล้ว", "โครงการแล้วเสร็จ"],
    name="พัฒนาคุณภาพการศึกษาโรงเรียนในสังกัด", agency="สำนักงานเขตดุสิต / ฝ่ายการศึกษา",
)  # fmt: skip
DRAIN = report_text(
    "50120000-0077", 2567,
    ["ขออนุมัติจ้างเหมาลอกท่อระบายน้ำ", "ลงนามสัญญาจ้างแล้ว"],
    name="ลอกท่อระบายน้ำ", agency="สำนักงานเขตบางรัก / ฝ่ายโยธา",
)  # fmt: skip
