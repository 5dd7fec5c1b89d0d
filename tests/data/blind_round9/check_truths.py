#!/usr/bin/env python3
"""Check every iNN.truth.json of blind round 9 against itself and against iNN.txt. Exit 1 on any problem.

Round 8's checker with these changes: the file prefix i; in a tick-box form (a text holding ☑, i10) the ticked
plan verdicts, target verdicts and stage boxes, read in order, must equal the truth (an unticked row is null);
a value quoted in an e-mail reply (`> ` at the start of each line, i09) is read with the quote marks removed.
Everything else is unchanged."""
import json, glob, os, re, sys
HERE = os.path.dirname(os.path.abspath(__file__))
MON = ['มกราคม','กุมภาพันธ์','มีนาคม','เมษายน','พฤษภาคม','มิถุนายน','กรกฎาคม','สิงหาคม','กันยายน','ตุลาคม','พฤศจิกายน','ธันวาคม']
MAB = ['ม.ค.','ก.พ.','มี.ค.','เม.ย.','พ.ค.','มิ.ย.','ก.ค.','ส.ค.','ก.ย.','ต.ค.','พ.ย.','ธ.ค.']
STAGES = ['approval', 'procurement', 'completed']
PKEYS = ['name','code','fiscal_year','start_date','end_date','budget_received','budget_used','agency','coordinator','coordinator_phone']
IKEYS = ['number','date','progress_pct','disbursed_baht','disbursement_no','on_plan','on_target','stage']
ENC = {}
problems = []
def bad(f, msg): problems.append(f'{f}: {msg}')

def norm(t):
    t = t.translate(str.maketrans('๐๑๒๓๔๕๖๗๘๙', '0123456789'))
    t = t.replace('ํา', 'ำ').replace('เเ', 'แ').replace('\u200b', '').replace('\ufeff', '').replace('\r', '')
    return t.replace('**', '').replace('\\*', '*')
def flat(t): return re.sub(r'\s+', ' ', t)
def unboxed(t): return flat(re.sub(r'[|│║]', ' ', re.sub(r'(?m)^> ?', '', t)))
def codeform(t): return re.sub(r'(?<=[0-9])[Oo]|[Oo](?=[0-9])', '0', re.sub(r'(?<=[0-9])l|l(?=[0-9])', '1', t))

def date_forms(iso):
    y, m, d = map(int, iso.split('-')); be = y + 543
    return [iso, f'{d:02d}/{m:02d}/{be}', f'{d} {MON[m-1]} {be}', f'{d} {MAB[m-1]} {be % 100:02d}', f'{d} {MAB[m-1]} {be}',
            f'{d:02d}.{m:02d}.{be}', f'{d}/{m}/{be}', f'{be}-{m:02d}-{d:02d}']
def cell(text, s):
    """s alone in a table cell (| │ TAB or two spaces around it) or alone on its line."""
    return re.search(r'(?:^|[|│\t]| {2})[ ]*' + re.escape(s) + r'[ ]*(?:$|[|│\t]| {2})', text, re.M) is not None
def amt_ok(text, a):
    forms = [f'{a:,.2f}', f'{a:,}' + ' บาท', f'{a:,}.- บาท', f'{a:,} (ครั้งที่', f'| {a:,} ', f'{a / 1e6:g} ล้านบาท',
             f'{a / 1e6:.2f} ล้านบาท']
    return any(x in text for x in forms) or cell(text, f'{a:,}') or cell(text, f'{a:,}.-')
def pct_ok(text, p):
    s = '%g' % p
    forms = [f'{p:.2f} %', s + '%', f'{p:.2f}%', 'ร้อยละ ' + s, '\t' + s + '\t', ',' + s + ',', '| ' + s + ' ']
    return any(x in text for x in forms) or cell(text, s) or cell(text, f'{p:.2f}')
def grams(s, n=4):
    s = re.sub(r'\s+', '', s); return {s[i:i+n] for i in range(len(s) - n + 1)}

def check_report(f, t, text, tflat, top=True):
    for k in ['copies', 'project', 'installments', 'narrative']:
        if k not in t: bad(f, f'missing {k}'); return
    p = t['project']
    if sorted(p) != sorted(PKEYS): bad(f, 'project keys')
    if not isinstance(t['copies'], int) or not 1 <= t['copies'] <= 3: bad(f, 'copies')
    for k in ['name','code','start_date','end_date','agency','coordinator','coordinator_phone']:
        if not isinstance(p[k], str): bad(f, f'{k} type')
    for k in ['fiscal_year','budget_received','budget_used']:
        if not isinstance(p[k], (int, float)) or isinstance(p[k], bool): bad(f, f'{k} type')
    # values readable from the text
    tub = unboxed(text)
    for k in ['name', 'agency', 'coordinator', 'coordinator_phone']:
        # a value wrapped at a Thai word boundary has its pieces on two lines (no space between them)
        if flat(p[k]) not in tflat and flat(p[k]) not in tub and not (k == 'name' and re.sub(r'\s+', '', p[k]) in re.sub(r'\s+', '', text)):
            bad(f, f'{k} {p[k]!r} not in text')
    if p['code'] not in codeform(text): bad(f, f'code {p["code"]} not in text')
    if str(p['fiscal_year']) not in text: bad(f, 'fiscal_year not in text')
    for k in ['start_date', 'end_date']:
        if not any(x in text for x in date_forms(p[k])): bad(f, f'{k} not in text')
    for k in ['budget_received', 'budget_used']:
        if not amt_ok(text, p[k]): bad(f, f'{k} not in text')
    fy = p['fiscal_year']
    if p['start_date'] != f'{fy-544}-10-01' or p['end_date'] != f'{fy-543}-09-30': bad(f, 'period vs fiscal year')
    if p['budget_used'] > p['budget_received']: bad(f, 'used > received')
    ins = t['installments']
    if not 3 <= len(ins) <= 12: bad(f, 'installment count')
    prev = None
    for i, it in enumerate(ins, 1):
        if sorted(it) != sorted(IKEYS): bad(f, f'#{i} keys'); continue
        if it['number'] != i or it['disbursement_no'] != i: bad(f, f'#{i} numbering')
        if not isinstance(it['progress_pct'], float): bad(f, f'#{i} progress type')
        if it['stage'] not in STAGES: bad(f, f'#{i} stage')
        for k in ['on_plan', 'on_target']:
            if it[k] not in (True, False, None): bad(f, f'#{i} {k}')
        if not p['start_date'] <= it['date'] <= p['end_date']: bad(f, f'#{i} date outside period')
        if not any(x in text for x in date_forms(it['date'])): bad(f, f'#{i} date not in text')
        if not pct_ok(text, it['progress_pct']): bad(f, f'#{i} progress not in text')
        if not amt_ok(text, it['disbursed_baht']): bad(f, f'#{i} amount not in text')
        if prev:
            if it['date'] <= prev['date']: bad(f, f'#{i} date not increasing')
            if it['progress_pct'] < prev['progress_pct']: bad(f, f'#{i} progress decreasing')
            if it['disbursed_baht'] < prev['disbursed_baht']: bad(f, f'#{i} amount decreasing')
            if STAGES.index(it['stage']) < STAGES.index(prev['stage']): bad(f, f'#{i} stage goes back')
        prev = it
    if ins and ins[-1]['disbursed_baht'] > p['budget_used']: bad(f, 'last amount > budget_used')
    vp = {True: ['เป็นไปตามแผน', 'เร็วกว่าแผน'], False: ['ไม่เป็นไปตามแผน', 'ล่าช้ากว่าแผน']}
    vt = {True: ['เป็นไปตามเป้าหมาย', 'สูงกว่าเป้าหมาย'], False: ['ไม่เป็นไปตามเป้าหมาย', 'ต่ำกว่าเป้าหมาย']}
    for it in ins:
        if it['on_plan'] is not None and not any(x in text for x in vp[it['on_plan']]): bad(f, 'plan verdict phrase missing')
        if it['on_target'] is not None and not any(x in text for x in vt[it['on_target']]): bad(f, 'target verdict phrase missing')
    if '☑' in text:
        tp = re.findall(r'☑ (เป็นไปตามแผน|เร็วกว่าแผน|ล่าช้ากว่าแผน|ไม่เป็นไปตามแผน)', text)
        tt = re.findall(r'☑ (เป็นไปตามเป้าหมาย|สูงกว่าเป้าหมาย|ต่ำกว่าเป้าหมาย|ไม่เป็นไปตามเป้าหมาย)', text)
        ts = re.findall(r'☑ (ขออนุมัติ|อยู่ระหว่างจัดซื้อจัดจ้าง|ดำเนินการแล้วเสร็จ)', text)
        vb = {'เป็นไปตามแผน': True, 'เร็วกว่าแผน': True, 'ล่าช้ากว่าแผน': False, 'ไม่เป็นไปตามแผน': False,
              'เป็นไปตามเป้าหมาย': True, 'สูงกว่าเป้าหมาย': True, 'ต่ำกว่าเป้าหมาย': False, 'ไม่เป็นไปตามเป้าหมาย': False}
        sb = {'ขออนุมัติ': 'approval', 'อยู่ระหว่างจัดซื้อจัดจ้าง': 'procurement', 'ดำเนินการแล้วเสร็จ': 'completed'}
        if [vb[x] for x in tp] != [it['on_plan'] for it in ins if it['on_plan'] is not None]: bad(f, 'ticked plan verdicts differ')
        if [vb[x] for x in tt] != [it['on_target'] for it in ins if it['on_target'] is not None]: bad(f, 'ticked target verdicts differ')
        if [sb[x] for x in ts] != [it['stage'] for it in ins]: bad(f, 'ticked stages differ')
    n = t['narrative']
    if sorted(n) != ['objectives', 'rationale', 'targets']: bad(f, 'narrative keys')
    strs = [n['rationale'], n['targets']] + list(n['objectives'])
    tg = grams(text)
    for s in strs:
        if not isinstance(s, str) or not s or s != s.strip() or '  ' in s or 'ํา' in s or 'เเ' in s or '\n' in s:
            bad(f, f'narrative string not clean: {s!r}'); continue
        g = grams(s); rec = len(g & tg) / max(1, len(g))
        if rec < 0.8: bad(f, f'narrative recall {rec:.2f}: {s[:30]}')
    if re.match(r'^(\(?\d+[.)]|[-•])', ' '.join(n['objectives'])): bad(f, 'item marker kept')
    if top:
        heads = len(re.findall(r'หลักการและเหตุผล', text))
        if heads != t['copies']: bad(f, f'copies {t["copies"]} vs {heads} rationale headings')

tot = dict(files=0, copies=0, inst=0)
stage = {s: 0 for s in STAGES}; plan = {True: 0, False: 0, None: 0}; targ = {True: 0, False: 0, None: 0}
for tf in sorted(glob.glob(os.path.join(HERE, 'i[0-9][0-9].truth.json'))):
    f = os.path.basename(tf)[:3]
    raw = open(os.path.join(HERE, f + '.txt'), 'rb').read()
    if not 3000 <= len(raw) <= 40000: bad(f, f'size {len(raw)}')
    enc = ENC.get(f)
    if enc == 'cp874':
        try: raw.decode('utf-8'); bad(f, 'expected cp874, decodes as UTF-8')
        except UnicodeDecodeError: pass
        text = raw.decode('cp874')
    else:
        if enc == 'bom-crlf':
            if not raw.startswith(b'\xef\xbb\xbf') or raw.count(b'\r\n') != raw.count(b'\n'): bad(f, 'expected BOM + CRLF')
        elif raw.startswith(b'\xef\xbb\xbf') or b'\r' in raw: bad(f, 'unexpected BOM/CR')
        text = raw.decode('utf-8')
    text = norm(text); tflat = flat(text)
    t = json.load(open(tf, encoding='utf-8'))
    check_report(f, t, text, tflat)
    tot['files'] += 1; tot['copies'] += t['copies']; tot['inst'] += len(t['installments'])
    for it in t['installments']:
        stage[it['stage']] = stage.get(it['stage'], 0) + 1; plan[it['on_plan']] += 1; targ[it['on_target']] += 1
print(f"{tot['files']} files, {tot['copies']} copies, {tot['inst']} installments: "
      f"{stage['approval']} approval, {stage['procurement']} procurement, {stage['completed']} completed")
print(f"on_plan {plan[True]} true / {plan[False]} false / {plan[None]} null; on_target {targ[True]} true / {targ[False]} false / {targ[None]} null")
for p in problems: print('PROBLEM', p)
sys.exit(1 if problems else 0)
