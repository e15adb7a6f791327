#!/usr/bin/env bash
# Issue 17: the example report as report.docx, read back by python-docx (heading styles, every
# control id), converted by LibreOffice without errors (pdftotext finds every id), and two
# pages rendered to PNG (OUT/docx/page-*.png) to look at.
# Usage: bash .ci/checks/docx.sh OUT   (OUT: target/ci; the example inputs are the repo's)
set -euo pipefail
out="${1:?usage: docx.sh OUT}/docx"
rm -rf "$out" && mkdir -p "$out"

command -v soffice >/dev/null || apt-get install -y -qq --no-install-recommends \
  libreoffice-writer fonts-morisawa-bizud-gothic >/dev/null
command -v pdftotext >/dev/null || apt-get install -y -qq --no-install-recommends poppler-utils >/dev/null
python3 -c 'import docx' 2>/dev/null || pip install -q --break-system-packages python-docx 2>/dev/null \
  || pip install -q python-docx

docx="$out/report.docx"
pack="${1}/packs/example-bank/report.docx"
if [ -e "$pack" ]; then
  cp "$pack" "$docx"
else
  # The example pack makes no docx: the same report, with the example's document control.
  python3 - examples/example-bank/kansa.toml "$out/document.toml" <<'PY'
import sys, tomllib
pack = tomllib.load(open(sys.argv[1], "rb"))["pack"][0]
def value(v):
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{k} = {value(x)}" for k, x in v.items()) + " }"
    if isinstance(v, str):
        return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return str(v)
with open(sys.argv[2], "w", encoding="utf-8") as f:
    for k, v in pack.get("document", {}).items():
        f.write(f"{k} = {value(v)}\n")
PY
  cargo run --locked --quiet -- report --date 2026-11-25 --org "架空銀行（例）" \
    --answers examples/aws-2012/answers.csv --answers examples/example-bank/answers.csv \
    --document "$out/document.toml" -o "$docx"
fi

echo "== python-docx reads report.docx"
python3 - "$docx" data/catalogues/fisc-2012/controls.csv <<'PY'
import csv, re, sys
import docx
d = docx.Document(sys.argv[1])
names = {s.name for s in d.styles}
for want in ["Heading 1", "Heading 2", "Title", "toc 1"]:
    if want not in names:
        sys.exit(f"style {want!r} missing: {sorted(names)}")
used = {p.style.name for p in d.paragraphs}
for want in ["Heading 1", "Heading 2", "Title"]:
    if want not in used:
        sys.exit(f"no paragraph uses {want!r}")
texts = [p.text for p in d.paragraphs]
def cells(tables):
    for t in tables:
        for row in t.rows:
            for c in row.cells:
                yield from (p.text for p in c.paragraphs)
                yield from cells(c.tables)
texts.extend(cells(d.tables))
text = "\n".join(texts)
repeat = sum(1 for t in d.tables if t.rows and t.rows[0]._tr.trPr is not None
             and t.rows[0]._tr.trPr.find(docx.oxml.ns.qn("w:tblHeader")) is not None)
ids = [row["id"] for row in csv.DictReader(open(sys.argv[2], encoding="utf-8"))]
missing = [i for i in ids if not re.search(re.escape(i) + r"(?![0-9]|-[0-9])", text)]
print(f"python-docx: {len(ids) - len(missing)} of {len(ids)} control ids found; "
      f"{len(d.tables)} tables, {repeat} with a repeating header row")
if missing:
    sys.exit(f"missing: {missing[:20]}")
if repeat < 10:
    sys.exit("tables without w:tblHeader")
PY

echo "== LibreOffice converts report.docx to PDF"
profile=$(mktemp -d)
timeout 300 soffice -env:UserInstallation="file://$profile" --headless --convert-to pdf \
  --outdir "$out" "$docx" >"$out/soffice.log" 2>&1 || { cat "$out/soffice.log" >&2; exit 1; }
rm -rf "$profile"
if grep -qi "error" "$out/soffice.log"; then
  cat "$out/soffice.log" >&2
  echo "soffice reported an error" >&2
  exit 1
fi
pdf="$out/report.pdf"
[ -s "$pdf" ] || { echo "soffice wrote no PDF" >&2; exit 1; }
pdfinfo "$pdf" | grep Pages
pdftotext "$pdf" "$out/report.txt"
python3 - "$out/report.txt" data/catalogues/fisc-2012/controls.csv <<'PY'
import csv, re, sys
text = open(sys.argv[1], encoding="utf-8").read()
# LibreOffice sets its Asian/Latin spacing (a quarter em) between 運 and 12 even where the
# document turns it off (w:autoSpaceDE/DN = 0, which Word honours); pdftotext reads that gap
# as a space. Close it, then match as .ci/run does.
text = re.sub(r"(?<=[\u3040-\u30ff\u3400-\u9fff]) (?=[0-9])", "", text)
ids = [row["id"] for row in csv.DictReader(open(sys.argv[2], encoding="utf-8"))]
missing = [i for i in ids if not re.search(re.escape(i) + r"(?![0-9]|-[0-9])", text)]
print(f"pdftotext (LibreOffice PDF): {len(ids) - len(missing)} of {len(ids)} control ids found")
sys.exit(1 if missing else 0)
PY
pdftoppm -r 60 -png -f 1 -l 3 "$pdf" "$out/page"
ls "$out"/page-*.png
