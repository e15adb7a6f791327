#!/usr/bin/env python3
"""Typeset the same content as kansa's PDF report with typst, for docs/benchmarks.md.

Reads kansa's assessment JSON, writes a .typ file with the same parts (cover table, summary
tables, gap list, per-section control tables with answers, inputs), and compiles it with the
typst compiler from PyPI (`pip install typst`), given only kansa's fonts (BIZ UDPGothic with
IPAex Gothic as the fallback, tables at 9 pt as kansa's); typst tags its PDF by default:

    target/release/kansa report -f json --date 2026-11-25 \\
        --answers examples/aws-2012/answers.csv --answers examples/example-bank/answers.csv \\
        -o target/bench/example.json
    python3 benches/typst_compare.py target/bench/example.json target/bench/example-typst.pdf
    hyperfine 'python3 benches/typst_compare.py target/bench/example.json target/bench/t.pdf'
"""
import json
import os
import sys

import typst


def esc(s: str) -> str:
    s = (s or "").replace("\\", "\\\\")
    for ch in "#$*_`<>@[]=~/\"":
        s = s.replace(ch, "\\" + ch)
    return s.replace("\n", " \\ ")


def simple_table(header, rows, widths):
    head = ", ".join(f"[*{esc(h)}*]" for h in header)
    body = ", ".join(f"[{esc(str(c))}]" for r in rows for c in r)
    return f"#table(columns: ({', '.join(widths)}), stroke: 0.4pt, inset: 3pt,\n table.header(repeat: true, {head}),\n {body})\n\n"


def build(report: dict) -> str:
    out = ['#set page(paper: "a4", margin: 18mm, numbering: "1 / 1", header: [#set text(7pt); ' + esc(report["title"]) + ' #h(1fr) ' + esc(report.get("organisation") or "") + '])\n',
           '#set text(font: ("BIZ UDPGothic", "IPAexGothic"), size: 9.5pt, lang: "ja")\n#show table: set text(9pt)\n#set heading(numbering: none)\n',
           f'#align(center, text(20pt)[{esc(report["title"])}])\n\n']
    cat = report["catalogue"]
    cover = [["基準", cat["name"]], ["版", cat["edition"]], ["基準日", report["report_date"]], ["作成ツール", "kansa " + report["kansa_version"]], ["基準 SHA-256", cat["sha256"]]]
    cover += [[i["path"], i["sha256"]] for i in report["inputs"]]
    out.append(simple_table(["項目", "内容"], cover, ["auto", "1fr"]))
    out.append("#pagebreak()\n#outline()\n#pagebreak()\n= 概要\n\n")
    s = report["summary"]
    out.append(simple_table(["対策項目数", "対象項目", "充足", "ギャップ", "期限超過", "充足率"], [[s["total"], s["applicable"], s["met"], s["gaps"], s["overdue"], f'{s["coverage"]}%']], ["1fr"] * 6))
    out.append(simple_table(["区分", "対策項目数", "充足", "ギャップ", "充足率"], [[x["label"], x["totals"]["total"], x["totals"]["met"], x["totals"]["gaps"], f'{x["totals"]["coverage"]}%'] for x in report["sections"]], ["auto"] + ["1fr"] * 4))
    out.append("#pagebreak()\n= ギャップ一覧\n\n")
    out.append(simple_table(["項番", "小項目", "対応状況", "責任区分", "担当", "期限"], [[g["id"], g["text"], g["status_label"], g["responsibility_label"], g.get("owner") or "", g.get("due") or ""] for g in report["gaps"]], ["auto", "3fr", "auto", "auto", "1fr", "auto"]))
    out.append("#pagebreak()\n= 対策項目ごとの回答\n\n")
    for sec in report["sections"]:
        out.append(f'== {esc(sec["label"])}\n\n')
        rows = []
        for m in sec["majors"]:
            for mid in m["middles"]:
                for c in mid["controls"]:
                    answer = f'（回答は {c["answer_same_as"]} と同じ）' if c.get("answer_same_as") else (c.get("answer") or "")
                    rows.append([c["id"], c["text"] + "\n" + m["name"] + (" / " + mid["name"] if mid["name"] else ""), c["status_label"] + "\n" + c["responsibility_label"], answer + ("\n担当: " + c["owner"] if c.get("owner") else "")])
        out.append(simple_table(["項番", "小項目", "対応状況", "回答"], rows, ["auto", "2fr", "auto", "4fr"]))
    return "".join(out)


def main(src: str, dst: str) -> None:
    with open(src, encoding="utf-8") as f:
        report = json.load(f)
    typ = os.path.splitext(dst)[0] + ".typ"
    with open(typ, "w", encoding="utf-8") as f:
        f.write(build(report))
    fonts = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "fonts")
    typst.compile(typ, output=dst, font_paths=[fonts], ignore_system_fonts=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
