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
