#!/usr/bin/env python3
"""check_workbook.py: reads a claimcheck workbook back and checks it.

Usage: check_workbook.py [--generic | --big | --change] [-v] WORKBOOK.xlsx

Without a flag the workbook must be tests/sample.c's cluster (with its
history) written by tests/test_report and every value is checked. With
--generic only what holds for any claimcheck workbook is checked: structure
(sheets, headers, frozen panes, autofilters, row counts against the
Summary), inertness (no formula anywhere, links only http(s) or to the
Findings sheet, cells within Excel's limit), the Status drop-down, the
Summary chart, the Matrix (columns, colours, grey blanks, caps), the change
columns and where claim highlighting stops. --big adds the checks for
test_report --big (300 sources, 10,200 claims); --change, for
fixtures/all-categories, that its stated change ("rose to 22") shows.

Prints one line per failed check (and per passed one with -v), then a final
"workbook: N passed, M failed"; exits 1 if any check failed, 2 on bad usage
or an unreadable file.
"""
import os
import re
import sys
import zipfile
import xml.etree.ElementTree as ET


def _import_openpyxl():
    """Imports openpyxl, re-running under the system python3 (where Debian's
    python3-openpyxl lives) when the python3 on PATH lacks it."""
    try:
        import openpyxl
        return openpyxl
    except ImportError:
        system = "/usr/bin/python3"
        if os.environ.get("CC_CHECK_REEXEC") or os.path.realpath(sys.executable) == \
                os.path.realpath(system) or not os.path.exists(system):
            sys.exit("check_workbook: openpyxl is not installed (apt install python3-openpyxl)")
        print("check_workbook: openpyxl missing in %s, using %s" % (sys.executable, system),
              file=sys.stderr)
        os.environ["CC_CHECK_REEXEC"] = "1"
        os.execv(system, [system] + sys.argv)


openpyxl = _import_openpyxl()

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
SHEETS = ["Summary", "Findings", "Matrix", "Claims", "Sources"]
TABLES = ["Findings", "Claims", "Sources"]
CLAIM_HEADS = ["Claim id", "Article", "Class", "Kind", "Key", "Value", "Lo", "Hi",
               "Qualifier", "Change", "Unit", "Date/TIMEX", "Attribution", "Group verdict", "Text",
               "Sentence"]
SOURCE_HEADS = ["Article id", "Outlet", "Title", "URL", "Published", "Date from", "Claims",
                "Findings"]
STATUS = ["Open", "Confirmed error", "Not an error", "Needs reporting"]
SEVERITY_RANK = {"high": 0, "medium": 1, "low": 2}
CELL_MAX = 32767
RED = "FFFF0000"
CATEGORIES = ["conflict", "discrepancy", "updated", "name_variant", "agree", "single"]
VERDICT_FILL = {"agree": "FFC6EFCE", "conflict": "FFFFC7CE", "discrepancy": "FFF8CBAD",
                "updated": "FFFFEB9C", "single": None, "none": None}
VERDICT_RANK = {"conflict": 0, "discrepancy": 1, "updated": 2, "agree": 3, "single": 4, "none": 5}
GREY = "FFD9D9D9"
HIGHLIGHT_MAX = 10000
MATRIX_SOURCES_MAX = 250
MATRIX_HEAD = 3  # the Matrix header is on row 3, below two note rows


class Checker:
    """Counts passed and failed checks and prints the failures."""

    def __init__(self, verbose):
        self.passed = self.failed = 0
        self.verbose = verbose

    def check(self, ok, name, detail=""):
        if ok:
            self.passed += 1
            if self.verbose:
                print("ok: %s" % name)
        else:
            self.failed += 1
            detail = str(detail)
            if len(detail) > 500:
                detail = detail[:500] + "..."
            print("FAIL: %s%s" % (name, ": " + detail if detail else ""))
        return ok

    def equal(self, got, want, name):
        return self.check(got == want, name, "got %r, want %r" % (got, want))


# ---- raw XML: highlighted runs and formulas ---------------------------------

def _run_is_red_bold(run):
    """True when a rich-text run <r> is bold and red."""
    rpr = run.find("m:rPr", NS)
    if rpr is None or rpr.find("m:b", NS) is None:
        return False
    color = rpr.find("m:color", NS)
    return color is not None and color.get("rgb", "").upper() == RED


def _red_text(node):
    """The concatenated text of the red bold runs under an <is> or <si>."""
    return "".join("".join(t.text or "" for t in r.iter("{%s}t" % NS["m"]))
                   for r in node.findall("m:r", NS) if _run_is_red_bold(r))


def _sheet_paths(zf):
    """Maps sheet name -> XML member path via workbook.xml and its rels."""
    rels = ET.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    target = {r.get("Id"): r.get("Target") for r in rels}
    wb = ET.fromstring(zf.read("xl/workbook.xml"))
    rid = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
    paths = {}
    for s in wb.find("m:sheets", NS):
        t = target[s.get(rid)]
        paths[s.get("name")] = t.lstrip("/") if t.startswith("/") else "xl/" + t
    return paths


def read_raw(path):
    """Returns ({sheet: {coord: red bold text}}, [members holding a formula])."""
    with zipfile.ZipFile(path) as zf:
        sst = []
        if "xl/sharedStrings.xml" in zf.namelist():
            sst = ET.fromstring(zf.read("xl/sharedStrings.xml")).findall("m:si", NS)
        red, formulas = {}, []
        for name, member in _sheet_paths(zf).items():
            root = ET.fromstring(zf.read(member))
            if root.find(".//m:f", NS) is not None:
                formulas.append(member)
            red[name] = {}
            for c in root.iter("{%s}c" % NS["m"]):
                node = c.find("m:is", NS)
                if c.get("t") == "s" and c.find("m:v", NS) is not None:
                    node = sst[int(c.find("m:v", NS).text)]
                if node is not None and _red_text(node):
                    red[name][c.get("r")] = _red_text(node)
    return red, formulas


# ---- generic checks ---------------------------------------------------------

def header(ws, r=1):
    """The values of header row r, up to the last non-empty cell."""
    row = [c.value for c in ws[r]]
    while row and row[-1] is None:
        row.pop()
    return row


def findings_heads(ws):
    """The expected Findings header for the number of value groups it has
    (and a Change column when the workbook has one: a previous run)."""
    got = header(ws)
    change = ["Change"] if "Change" in got else []
    slots = max(1, min(4, (len(got) - 7 - len(change)) // 3))
    heads = ["Severity", "Category", "Finding", "Kind"]
    for n in range(1, slots + 1):
        heads += ["Value %d" % n, "Source %d" % n, "Sentence %d" % n]
    return heads + ["Attribution"] + change + ["Status", "Notes"]


def col_of(ws, name):
    """1-based column of header name (0 when absent)."""
    row = header(ws)
    return row.index(name) + 1 if name in row else 0


def summary_value(ws, label, col=2):
    """Column col (default B) next to the first column-A cell equal to
    label, or None."""
    for row in ws.iter_rows(min_col=1, max_col=col):
        if row[0].value == label:
            return row[col - 1].value
    return None


def check_structure(ck, wb):
    ck.equal(wb.sheetnames, SHEETS, "sheet names and order")
    if wb.sheetnames != SHEETS:
        return False
    ck.equal(wb["Summary"]["A1"].value, "claimcheck report", "Summary title")
    ck.equal(wb.properties.title, "claimcheck report", "document title property")
    created = wb.properties.created
    ck.equal(created and created.strftime("%Y-%m-%dT%H:%M:%S"), "2024-01-01T00:00:00",
             "fixed creation time")
    ck.equal(header(wb["Findings"]), findings_heads(wb["Findings"]), "Findings header")
    ck.equal(header(wb["Claims"]), CLAIM_HEADS, "Claims header")
    ck.equal(header(wb["Sources"]), SOURCE_HEADS, "Sources header")
    check_changes(ck, wb["Claims"])
    for name in TABLES:
        ws = wb[name]
        ck.equal(ws.freeze_panes, "A2", "%s header row frozen" % name)
        last = openpyxl.utils.get_column_letter(len(header(ws)))
        ck.equal(ws.auto_filter.ref, "A1:%s%d" % (last, ws.max_row), "%s autofilter" % name)
        ck.equal(ws.page_setup.orientation, "landscape", "%s prints landscape" % name)
        ck.check(ws.sheet_properties.pageSetUpPr is not None and
                 ws.sheet_properties.pageSetUpPr.fitToPage, "%s fits to width" % name)
    return True


def check_counts(ck, wb):
    s = wb["Summary"]
    ck.equal(summary_value(s, "Articles"), wb["Sources"].max_row - 1, "Summary article count")
    ck.equal(summary_value(s, "Claims"), wb["Claims"].max_row - 1, "Summary claim count")
    ck.equal(summary_value(s, "Findings"), wb["Findings"].max_row - 1, "Summary finding count")
    sev = [c.value for c in wb["Findings"]["A"][1:]]
    by_sev = sum(summary_value(s, k) or 0 for k in SEVERITY_RANK)
    known = sum(v in SEVERITY_RANK for v in sev)
    ck.equal(by_sev, known, "Summary findings by severity add up")
    ranks = [SEVERITY_RANK.get(v, 3) for v in sev]
    ck.check(ranks == sorted(ranks), "Findings most severe first", sev)


def check_inert(ck, wb, formulas):
    ck.equal(formulas, [], "no <f> element in any sheet")
    bad, long_cells = [], []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if c.data_type == "f":
                    bad.append("%s!%s" % (ws.title, c.coordinate))
                if isinstance(c.value, str) and len(c.value) > CELL_MAX:
                    long_cells.append("%s!%s" % (ws.title, c.coordinate))
    ck.equal(bad, [], "no formula cell")
    ck.equal(long_cells, [], "no cell over %d characters" % CELL_MAX)


def check_links(ck, wb):
    """Sources links are http(s) and only where the URL is; each Summary
    link points at the Findings row holding the message beside it."""
    src, url_col, bad = wb["Sources"], col_of(wb["Sources"], "URL"), []
    for row in src.iter_rows(min_row=2):
        for c in row:
            link = c.hyperlink
            web = isinstance(c.value, str) and re.match(r"(?i)https?://", c.value) is not None
            if link is not None and (c.column != url_col or not web or link.target != c.value):
                bad.append("%s -> %s" % (c.coordinate, link.target))
    ck.equal(bad, [], "Sources links are the http(s) URLs only")
    find, summary, bad = wb["Findings"], wb["Summary"], []
    for row in summary.iter_rows():
        for c in row:
            if c.hyperlink is None:
                continue
            m = re.fullmatch(r"'Findings'!A(\d+)", c.hyperlink.location or "")
            ok = (m and not c.hyperlink.target and c.value == "Findings row " + m.group(1) and
                  find.cell(int(m.group(1)), 3).value == summary.cell(c.row, 3).value)
            if not ok:
                bad.append("%s -> %s" % (c.coordinate, c.hyperlink.location or c.hyperlink.target))
    ck.equal(bad, [], "Summary links go to the Findings row of their message")


def check_validation(ck, wb):
    ws = wb["Findings"]
    col = col_of(ws, "Status")
    n = ws.max_row - 1
    if not ck.check(col > 0, "Findings has a Status column"):
        return
    letter = openpyxl.utils.get_column_letter(col)
    dvs = [dv for dv in ws.data_validations.dataValidation if letter in str(dv.sqref)]
    if n == 0:
        ck.equal(dvs, [], "no Status drop-down without findings")
        return
    if not ck.equal(len(dvs), 1, "one Status drop-down"):
        return
    dv = dvs[0]
    ck.equal(dv.type, "list", "Status drop-down is a list")
    ck.equal(dv.formula1, '"%s"' % ",".join(STATUS), "Status options")
    want = "%s2:%s%d" % (letter, letter, n + 1) if n > 1 else "%s2" % letter
    ck.equal(str(dv.sqref), want, "Status drop-down range")
    values = {ws.cell(r, col).value for r in range(2, n + 2)}
    ck.check(values <= set(STATUS), "Status cells hold listed values", values)


def check_numbers(ck, wb):
    bad = []
    for name, heads in (("Claims", ["Value", "Lo", "Hi"]), ("Sources", ["Claims", "Findings"])):
        ws = wb[name]
        for h in heads:
            for c in ws.iter_cols(min_col=col_of(ws, h), max_col=col_of(ws, h), min_row=2):
                bad += ["%s!%s" % (name, x.coordinate) for x in c
                        if x.value is not None and x.data_type != "n"]
    ck.equal(bad, [], "number columns hold numbers")


def highlighted(wb, red, sheet, coord):
    """True when the cell has a red bold run or is itself red bold."""
    if coord in red[sheet]:
        return True
    font = wb[sheet][coord].font
    return bool(font.b) and font.color is not None and font.color.rgb == RED


def sentence_cells(wb):
    """The sentence cells in the order the writer fills them: Findings row
    by row (Sentence 1, 2...), then Claims; as (sheet, cell) pairs."""
    cells = []
    for name in ("Findings", "Claims"):
        ws = wb[name]
        cols = [col_of(ws, h) for h in header(ws) if h and h.startswith("Sentence")]
        for row in ws.iter_rows(min_row=2):
            cells += [(name, row[c - 1]) for c in cols if c <= len(row)]
    return cells


def highlight_note(wb):
    """The Summary's note on where highlighting stops, or None."""
    return summary_value(wb["Summary"], "Highlighting", 3)


def check_highlights(ck, wb, red):
    """Sentences highlight their claim up to the HIGHLIGHT_MAX-th sentence
    cell (Findings first, then Claims) and are plain after it; the Summary
    says so exactly when the workbook has more sentence cells than that."""
    cells = sentence_cells(wb)
    rich = cells[:HIGHLIGHT_MAX]
    missing = ["%s!%s" % (n, c.coordinate) for n, c in rich
               if c.value and not highlighted(wb, red, n, c.coordinate)]
    extra = ["%s!%s" % (n, c.coordinate) for n, c in cells[HIGHLIGHT_MAX:]
             if c.value and highlighted(wb, red, n, c.coordinate)]
    ck.equal(missing, [], "every sentence up to the limit highlights its claim")
    ck.equal(extra, [], "sentences after the limit are plain")
    note = highlight_note(wb)
    ck.equal(note is not None, len(cells) > HIGHLIGHT_MAX, "Summary notes where highlighting stops")
    m = re.search(r"Claims rows 2 to (\d+)", note or "")
    if m:
        last = [c.row for n, c in rich if n == "Claims"][-1:]
        ck.equal([int(m.group(1))], last, "highlight note names the last highlighted Claims row")


def summary_table(ws, title, width=2):
    """The rows under the column-A head title, up to the first empty row."""
    rows, inside = [], False
    for row in ws.iter_rows(max_col=width):
        vals = tuple(c.value for c in row)
        if inside and vals[0] is None:
            break
        if inside:
            rows.append(vals)
        inside = inside or vals[0] == title
    return rows


def check_chart(ck, wb):
    """One column chart on the Summary, over the Findings by category table,
    whose counts add up to the Findings rows."""
    s = wb["Summary"]
    table = summary_table(s, "Findings by category")
    ck.equal([r[0] for r in table], CATEGORIES, "category table rows")
    ck.equal(sum(r[1] for r in table), wb["Findings"].max_row - 1, "category counts add up")
    if not ck.equal(len(s._charts), 1, "Summary has one chart"):
        return
    chart = s._charts[0]
    ck.equal((chart.tagname, chart.type), ("barChart", "col"), "chart is a column chart")
    head = next(r[0].row for r in s.iter_rows(max_col=1) if r[0].value == "Findings by category")
    rng = "$%s$%d:$%s$%d" % ("%s", head + 1, "%s", head + len(CATEGORIES))
    series = chart.series[0]
    cat = series.cat.numRef or series.cat.strRef
    ck.equal((cat.f, series.val.numRef.f),
             ("Summary!" + rng % ("A", "A"), "Summary!" + rng % ("B", "B")),
             "chart plots the category table")


def matrix_rows(ws):
    """The Matrix data rows as lists of cells."""
    return [list(r) for r in ws.iter_rows(min_row=MATRIX_HEAD + 1)]


def check_matrix_layout(ck, wb):
    """Header, source columns (Sources order, capped), frozen panes,
    autofilter, print titles and notes of the Matrix."""
    ws, src = wb["Matrix"], wb["Sources"]
    heads = header(ws, MATRIX_HEAD)
    ck.equal(heads[:2], ["Fact", "Verdict"], "Matrix header")
    names = [(r[1].value or r[0].value) for r in src.iter_rows(min_row=2, max_col=2)]
    ck.equal(len(heads) - 2, min(len(names), MATRIX_SOURCES_MAX), "Matrix source columns")
    pos = [names.index(h.split("\n")[0]) if h and h.split("\n")[0] in names else -1
           for h in heads[2:]]
    ck.check(-1 not in pos and pos == sorted(pos), "Matrix sources are Sources, in order", pos)
    last = openpyxl.utils.get_column_letter(max(len(heads), 2))
    ck.equal(ws.freeze_panes, "B%d" % (MATRIX_HEAD + 1), "Matrix header row and Fact column frozen")
    ck.equal(ws.auto_filter.ref, "A%d:%s%d" % (MATRIX_HEAD, last, max(ws.max_row, MATRIX_HEAD)),
             "Matrix autofilter")
    ck.equal((ws.print_title_rows, ws.print_title_cols), ("$3:$3", "$A:$A"), "Matrix print titles")
    capped = "Showing %d of %d sources" % (MATRIX_SOURCES_MAX, len(names))
    ck.equal(capped in (ws["A2"].value or ""), len(names) > MATRIX_SOURCES_MAX,
             "Matrix says when sources are capped")
    return len(heads)


def check_matrix_cells(ck, wb, ncols):
    """Rows: most severe verdict first, one per shown group (the note counts
    the rest), every value cell filled with its row's verdict colour, blanks
    greyed by one conditional format."""
    ws = wb["Matrix"]
    rows = [r for r in matrix_rows(ws) if r[0].value and r[1].value in VERDICT_RANK]
    ranks = [VERDICT_RANK[r[1].value] for r in rows]
    ck.check(ranks == sorted(ranks), "Matrix rows most severe verdict first", ranks)
    m = re.match(r"(\d+) single-source facts? without a finding", ws["A2"].value or "")
    groups = summary_value(wb["Summary"], "Groups")
    ck.check(m is not None and int(m.group(1)) + len(rows) == groups,
             "Matrix rows + left out = groups", (ws["A2"].value, len(rows), groups))
    bad = ["%s=%s" % (c.coordinate, c.fill.fgColor.rgb if c.fill.fill_type else None)
           for r in rows for c in [r[1]] + r[2:ncols]
           if c.value is not None and
           (c.fill.fgColor.rgb if c.fill.fill_type else None) != VERDICT_FILL[r[1].value]]
    ck.equal(bad, [], "Matrix cells coloured by verdict")
    cfs = [(str(cf.sqref), [(x.type, x.dxf.fill.bgColor.rgb) for x in cf.rules])
           for cf in ws.conditional_formatting]
    last = openpyxl.utils.get_column_letter(ncols)
    want = [("C%d:%s%d" % (MATRIX_HEAD + 1, last, ws.max_row), [("containsBlanks", GREY)])]
    ck.equal(cfs, want if rows and ncols > 2 else [], "Matrix blanks are grey")


def check_history(ck, wb):
    """Change column values and the Summary's change counts agree; without
    a Change column there is no history on the Summary either."""
    ws, s = wb["Findings"], wb["Summary"]
    col = col_of(ws, "Change")
    if not col:
        ck.equal(summary_value(s, "New since last run"), None, "no history, no change counts")
        return
    marks = [ws.cell(r, col).value for r in range(2, ws.max_row + 1)]
    ck.check(set(marks) <= {None, "new"}, "Change holds 'new' or nothing", set(marks))
    ck.equal(summary_value(s, "New since last run"), marks.count("new"), "new findings counted")
    resolved = summary_table(s, "Findings resolved since last run", 4)[1:]
    n = summary_value(s, "Resolved since last run")
    shown = [r for r in resolved if r[3] is not None]
    ck.equal(len(shown), min(n, 1000), "resolved table lists the resolved findings")


def check_generic(ck, wb, red, formulas):
    if not check_structure(ck, wb):
        return False
    check_counts(ck, wb)
    check_inert(ck, wb, formulas)
    check_links(ck, wb)
    check_validation(ck, wb)
    check_numbers(ck, wb)
    check_highlights(ck, wb, red)
    check_chart(ck, wb)
    check_matrix_cells(ck, wb, check_matrix_layout(ck, wb))
    check_history(ck, wb)
    return True


# ---- sample-specific checks ------------------------------------------------

AP = ("At least 43 people were killed on Thursday, officials said. "
      "Some 40 hostages remain.")
REUTERS = ("=HYPERLINK(\"http://evil\") 40 people were killed, the Health Ministry said. "
           "All hostages must be freed \u2014 Caf\u00e9 Ren\u00e9 says.")
BLOG = "+1 more: 12 trucks of aid crossed."
RESOLVED = ["Death toll: ap said 41; reuters said 40.",
            "@Event date: ap said Wednesday; reuters said Thursday."]
MESSAGES = ["Death toll: ap says at least 43 killed; reuters says 40 killed.",
            "Hostages: ap says some 40; reuters says all hostages.",
            "Name spelling: \"Ren\u00e9\" (1 source) vs \"Rene\" (1 source).",
            "@SUM(A1) only blog reports 12 trucks."]


def check_changes(ck, ws):
    """Claims' Change cells read "up by", "down to", "up from"... or are
    blank; an amount of change and an earlier level carry the key suffix
    that keeps them apart from levels (docs/ndjson.md)."""
    change, key = col_of(ws, "Change"), col_of(ws, "Key")
    bad = []
    for row in ws.iter_rows(min_row=2, values_only=True):
        c, k = row[change - 1], row[key - 1] or ""
        want = {"by": "~change", "from": "~before"}.get((c or "").split(" ")[-1])
        ok = c is None or re.fullmatch(r"(up|down) (by|to|from)", c) is not None
        if not ok or (want and not k.endswith(want)) or (c and c.endswith(" to") and "~" in k):
            bad.append((c, k))
    ck.equal(bad[:3], [], "Change cells and their keys")
    return [row[change - 1] for row in ws.iter_rows(min_row=2, values_only=True)]


def row_dict(ws, r):
    """{header: cell} for row r."""
    return {h: ws.cell(r, i + 1) for i, h in enumerate(header(ws))}


def string_cell(ck, cell, want, name):
    """The cell is a string cell holding exactly want."""
    ck.check(cell.data_type == "s" and cell.value == want, name,
             "type %r value %r" % (cell.data_type, cell.value))


def check_sample_summary(ck, wb):
    s = wb["Summary"]
    want = {"Sources": 3, "Publication dates": "2024-03-21 to 2024-03-22", "Articles": 3,
            "Claims": 6, "Groups": 4, "Findings": 4, "New since last run": 1,
            "Resolved since last run": 2, "agree": 0, "conflict": 1, "discrepancy": 1,
            "updated": 0, "single": 2, "high": 1, "medium": 2, "low": 1}
    got = {k: summary_value(s, k) for k in want}
    ck.equal(got, want, "Summary counts")
    row = next(r for r in s.iter_rows() if r[0].value == "Sources")
    ck.equal(row[2].value, "AP, Reuters, blog", "Summary source list")
    links = [(s.cell(c.row, 3).value, c.value) for r in s.iter_rows() for c in r
             if c.hyperlink is not None]
    ck.equal(links, [(m, "Findings row %d" % (i + 2)) for i, m in enumerate(MESSAGES[:3])],
             "Summary top findings, most severe first, with links; dismissed one left out")
    ck.equal(summary_table(s, "Findings by category"),
             [("conflict", 1), ("discrepancy", 1), ("updated", 0), ("name_variant", 1),
              ("agree", 0), ("single", 1)], "Summary findings by category")
    ck.equal(summary_table(s, "Findings resolved since last run", 4),
             [("Severity", "Category", "Finding", "Finding id"),
              ("high", "conflict", RESOLVED[0], "f-old-toll"),
              ("medium", "discrepancy", RESOLVED[1], "f-old-date")],
             "Summary resolved findings, most severe first")
    string_cell(ck, next(c for c in s["C"] if c.value == RESOLVED[1]), RESOLVED[1],
                "resolved '@' message is a string")
    ck.equal(highlight_note(wb), None, "no highlight note for a small workbook")


def check_sample_findings(ck, wb, red):
    ws = wb["Findings"]
    ck.equal(ws.max_row - 1, 4, "Findings rows")
    ck.equal(len(header(ws)), 14, "Findings has 2 value groups and a Change column")
    ck.equal([c.value for c in ws["C"][1:]], MESSAGES, "Findings order")
    f = row_dict(ws, 2)
    got = {k: f[k].value for k in ("Severity", "Category", "Kind", "Value 1", "Source 1",
                                   "Value 2", "Source 2", "Attribution", "Change", "Status",
                                   "Notes")}
    ck.equal(got, {"Severity": "high", "Category": "conflict", "Kind": "Other number",
                   "Value 1": "At least 43", "Source 1": "AP\n2024-03-21", "Value 2": "40",
                   "Source 2": "Reuters\n2024-03-22", "Attribution": "Health Ministry",
                   "Change": None, "Status": "Confirmed error",
                   "Notes": "AP confirms 43; Reuters to correct."}, "first finding's cells")
    review = [(ws.cell(r, col_of(ws, "Change")).value, ws.cell(r, col_of(ws, "Status")).value,
               ws.cell(r, col_of(ws, "Notes")).value) for r in range(2, 6)]
    ck.equal(review, [(None, "Confirmed error", "AP confirms 43; Reuters to correct."),
                      ("new", "Open", None), (None, "Open", None),
                      (None, "Not an error", "=blog quotes the UN figure")],
             "Change, Status and Notes from the review")
    string_cell(ck, ws.cell(5, col_of(ws, "Notes")), "=blog quotes the UN figure",
                "'=' note is a string")
    string_cell(ck, f["Sentence 1"], AP, "Findings sentence 1 text")
    string_cell(ck, f["Sentence 2"], REUTERS, "'=HYPERLINK(' sentence is a string")
    ck.equal(red["Findings"].get(f["Sentence 1"].coordinate), "At least 43",
             "claim at sentence start highlighted")
    ck.equal(red["Findings"].get(f["Sentence 2"].coordinate), "40", "claim highlighted")
    string_cell(ck, ws.cell(5, 3), MESSAGES[3], "'@SUM' message is a string")
    fill = ws["A2"].fill.fgColor.rgb
    ck.check(ws["A2"].fill.fill_type == "solid" and fill != ws["A3"].fill.fgColor.rgb,
             "severity fills differ", fill)
    f = row_dict(ws, 5)
    ck.equal((f["Value 1"].value, f["Source 1"].value, f["Value 2"].value),
             ("12", "blog", None), "single-source finding")


def check_sample_claims(ck, wb, red):
    ws = wb["Claims"]
    ck.equal(ws.max_row - 1, 6, "Claims rows")
    rows = {ws.cell(r, 1).value: row_dict(ws, r) for r in range(2, ws.max_row + 1)}
    ap = rows.get("ap@0", {})
    ck.check(ap and ap["Value"].data_type == "n" and ap["Value"].value == 43,
             "claim value is a number", ap and ap["Value"].value)
    ck.equal((ap["Lo"].value, ap["Hi"].value, ap["Qualifier"].value, ap["Group verdict"].value),
             (43, 43, "at_least", "conflict"), "claim numbers and verdict")
    blog = next((r for r in rows.values() if r["Article"].value == "blog"), {})
    string_cell(ck, blog["Sentence"], BLOG, "'+1' sentence is a string")
    ck.equal(red["Claims"].get(blog["Sentence"].coordinate), "12", "blog claim highlighted")
    alls = next((r for r in rows.values() if r["Text"].value == "All"), {})
    ck.equal((alls["Value"].value, alls["Lo"].value, alls["Hi"].value), (None, None, None),
             "absent numbers are blank")
    ck.equal([r["Change"].value for r in rows.values()], [None] * 6, "no change is stated")
    ck.check("Caf\u00e9 Ren\u00e9" in (alls["Sentence"].value or ""), "non-ASCII round-trips")
    date = next((r for r in rows.values() if r["Class"].value == "date"), {})
    ck.equal(date["Date/TIMEX"].value, "2024-03-21", "TIMEX column")


def check_sample_sources(ck, wb):
    ws = wb["Sources"]
    ck.equal(ws.max_row - 1, 3, "Sources rows")
    got = [[c.value for c in r] for r in ws.iter_rows(min_row=2)]
    ck.equal(got, [["ap", "AP", "Report ap", "https://example.org/ap?x=1&y=2", "2024-03-21",
                    "metadata", 3, 3],
                   ["reuters", "Reuters", "Report reuters", "javascript:alert(1)", "2024-03-22",
                    "metadata", 2, 3],
                   ["blog", None, "Report blog", None, None, "cluster", 1, 1]], "Sources rows")
    link = ws["D2"].hyperlink
    ck.check(link is not None and link.target == "https://example.org/ap?x=1&y=2",
             "https URL is a hyperlink")
    ck.check(ws["D3"].hyperlink is None and ws["D3"].data_type == "s",
             "javascript: URL is plain text")


def check_sample_matrix(ck, wb):
    ws = wb["Matrix"]
    ck.equal([c.value for c in ws[MATRIX_HEAD]],
             ["Fact", "Verdict", "AP\n2024-03-21", "Reuters\n2024-03-22", "blog"],
             "Matrix header: outlet or id, and date")
    ck.equal(ws["A2"].value, "1 single-source fact without a finding is left out (see Claims).",
             "Matrix left-out note")
    got = [[c.value for c in r] for r in matrix_rows(ws)]
    ck.equal(got, [["Other number\nkilled/people", "conflict", "At least 43", "40", None],
                   ["Other number\nhostages/hostage", "discrepancy", "Some 40", "All", None],
                   ["Other number\naid/truck", "single", None, None, "12"]],
             "Matrix rows: facts x sources, conflicts first")
    fills = [c.fill.fgColor.rgb if c.fill.fill_type else None for c in ws[MATRIX_HEAD + 1]]
    ck.equal(fills[1:4], [VERDICT_FILL["conflict"]] * 3, "conflict row is red")
    ck.equal(ws["C5"].fill.fgColor.rgb, VERDICT_FILL["discrepancy"], "discrepancy cell is orange")
    ck.equal(ws["E4"].fill.fill_type, None, "not-reported cell has no fill of its own")


def check_sample(ck, wb, red):
    check_sample_summary(ck, wb)
    check_sample_matrix(ck, wb)
    check_sample_findings(ck, wb, red)
    check_sample_claims(ck, wb, red)
    check_sample_sources(ck, wb)


def check_big(ck, wb):
    """test_report --big: 300 sources of which the 250 reporting two facts
    (src050..src299) get Matrix columns; a finding with 4 sentences, so
    Claims rows 2 to 9997 are highlighted."""
    ws = wb["Matrix"]
    heads = [c.value for c in ws[MATRIX_HEAD]]
    ck.equal((heads[2], heads[-1], len(heads)), ("Outlet 050", "Outlet 299", 252),
             "big Matrix shows the 250 sources with most facts")
    ck.check("Showing 250 of 300 sources" in ws["A2"].value, "big Matrix cap note", ws["A2"].value)
    ck.equal([r[1].value for r in matrix_rows(ws)], ["conflict", "agree"], "big Matrix rows")
    ck.check("Claims rows 2 to 9997;" in (highlight_note(wb) or ""), "big highlight note",
             highlight_note(wb))


def main(argv):
    args = [a for a in argv[1:] if not a.startswith("-")]
    flags = [a for a in argv[1:] if a.startswith("-")]
    if len(args) != 1 or set(flags) - {"--generic", "--big", "--change", "-v"}:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    try:
        wb = openpyxl.load_workbook(args[0])
        red, formulas = read_raw(args[0])
    except Exception as e:  # any unreadable file is a usage-level failure
        print("check_workbook: cannot read %s: %s" % (args[0], e), file=sys.stderr)
        return 2
    ck = Checker("-v" in flags)
    try:
        if check_generic(ck, wb, red, formulas) and "--big" in flags:
            check_big(ck, wb)
        elif "--change" in flags:
            ck.equal([c for c in check_changes(ck, wb["Claims"]) if c], ["up to"],
                     "the stated change shows in Claims")
        elif "--generic" not in flags and "--big" not in flags:
            check_sample(ck, wb, red)
    except (KeyError, StopIteration, AttributeError, TypeError) as e:
        ck.check(False, "workbook layout as expected", "%s: %s" % (type(e).__name__, e))
    print("workbook: %d passed, %d failed" % (ck.passed, ck.failed))
    return 1 if ck.failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
