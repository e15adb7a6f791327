#!/usr/bin/env bash
# Issue 14: the example PDF is tagged and passes the PDF/UA-1 checker `pdfua` (PyPI, on pikepdf)
# with no errors and no warnings; pdftotext still finds every control id.
set -euo pipefail
out=$1
pip install -q --break-system-packages pdfua==0.1.3 2>/dev/null || pip install -q pdfua==0.1.3
pdf="$out/packs/example-bank/report.pdf"
pdfinfo "$pdf" | grep -q "^Tagged: *yes" || { echo "pdfinfo: $pdf is not tagged" >&2; exit 1; }
python3 -m pdfua check "$pdf" | tee "$out/pdfua.txt"
# Any finding line is an error or a warning ([ERROR] / [WARN ]); a rule the checker could not
# evaluate ([skip ]) is a failure too, so nothing passes unchecked.
if grep -qE '^\s*\[(ERROR|WARN |skip )\]' "$out/pdfua.txt"; then
  echo "pdfua: findings on $pdf (see above)" >&2
  exit 1
fi
echo "pdfua: 0 errors, 0 warnings"

# pdftotext -raw (content order, which is structure order here) still finds every control's full
# text after its id: whole, or, for a row split
# across pages, in two parts (the rest after the next page's header and the "(続き)" mark).
pdftotext -raw "$pdf" "$out/report-full.txt"
python3 - "$out/report-full.txt" data/catalogues/fisc-2012/controls.csv <<'PY'
import csv, re, sys
squeeze = lambda s: re.sub(r"\s+", "", s)
text = squeeze(open(sys.argv[1], encoding="utf-8").read())
missing = []
for row in csv.DictReader(open(sys.argv[2], encoding="utf-8")):
    cid, body = squeeze(row["id"]), squeeze(row["text"])
    whole = cid + body in text
    split = any(cid + body[:k] in text and body[k:] in text for k in range(1, len(body)))
    if not (whole or split):
        missing.append(cid)
print(f"pdftotext -raw: full text found for all but {len(missing)} controls {missing}")
sys.exit(1 if missing else 0)
PY
