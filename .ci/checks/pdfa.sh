#!/usr/bin/env bash
# Issue 14, PDF/A-3b: the example report.pdf validated as PDF/A-3b, plus explicit checks.
#
# Validator: pikepdf.pdfa (pikepdf[pdfa] from PyPI), an allowlist validator for PDF/A-1b, 2b
# and 3b built from the veraPDF validation profiles (its rule catalogue is veraPDF's, CC BY
# 4.0): it approves a file only if every construct it meets is known to conform, and reports
# anything else. It leaves the file-syntax rules to qpdf (it assumes qpdf wrote the file), so
# those are checked below with qpdf --check and byte checks. veraPDF itself is not installable
# here (no Debian, PyPI or npm package).
set -euo pipefail
out=${1:-target/ci}
pack="$out/packs/example-bank"
pdf="$pack/report.pdf"
[ -f "$pdf" ] || { echo "pdfa: no $pdf (build the example pack first)" >&2; exit 1; }

echo "== PDF/A-3b: pikepdf[pdfa] (veraPDF rules), qpdf --check, pdfdetach"
pip install -q --break-system-packages 'pikepdf[pdfa]==10.18.0' 2>/dev/null \
  || pip install -q 'pikepdf[pdfa]==10.18.0'

qpdf --check "$pdf" | tail -n 2 | paste -sd " "

python3 - "$pdf" <<'PY'
import logging, re, sys, tempfile
import pikepdf
import pikepdf.pdfa as pdfa

logging.getLogger("fontTools").setLevel(logging.ERROR)
path = sys.argv[1]
bad = []

# pikepdf.pdfa approves no XMP extension schema, so it rejects PDF/UA's claim (pdfuaid:part)
# even when declared as PDF/A requires (ISO 19005-3, 6.6.2.3; veraPDF accepts it). Those
# findings alone are let through, and only when the packet declares the pdfuaid schema.
with pikepdf.open(path) as p:
    xmp = p.Root.Metadata.read_bytes().decode("utf-8")
declared = ("<pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/</pdfaSchema:namespaceURI>" in xmp
            and "<pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>" in xmp
            and "<pdfaProperty:name>part</pdfaProperty:name>" in xmp)
def ua_claim(f):
    return (declared and f.rule == "ISO_19005_3:6.6.2.3.1-1"
            and any(w in f.message for w in ("pdfaExtension", "pdfaSchema", "pdfaProperty", "pdfuaid:part")))

report = pdfa.validate_written(path, "3b")
known = [f for f in report.findings if ua_claim(f)]
for f in report.findings:
    if not ua_claim(f):
        bad.append(f"validator: {f}")
print(f"pikepdf.pdfa 3b: {len(report.findings) - len(known)} findings"
      + (f" (and {len(known)} on the declared PDF/UA extension schema, which it does not support)" if known else ""))

# The validator must catch a broken copy (no output intent), or its pass means nothing.
with pikepdf.open(path) as p, tempfile.NamedTemporaryFile(suffix=".pdf") as t:
    del p.Root.OutputIntents
    p.save(t.name)
    if pdfa.validate_written(t.name, "3b").passed:
        bad.append("validator approved a copy without an output intent")

raw = open(path, "rb").read()
# File syntax (rules 6.1.2, 6.1.7.1): a binary comment of four bytes > 127 after the header,
# every stream keyword followed by an end of line, every endstream preceded by one.
if not re.match(rb"%PDF-1\.[0-7]\r?\n%[\x80-\xff]{4}", raw):
    bad.append("header: no %PDF-1.n line followed by a binary comment")
if len(re.findall(rb"(?<!end)stream\r?\n", raw)) != raw.count(b"endstream"):
    bad.append("a stream keyword is not followed by an end of line")
if len(re.findall(rb"\r?\nendstream", raw)) != raw.count(b"endstream"):
    bad.append("an endstream keyword is not preceded by an end of line")
if b"GTS_PDFX" in raw:
    bad.append("a GTS_PDFX key or value is left")

with pikepdf.open(path) as p:
    if p.is_encrypted:
        bad.append("encrypted")
    if "/ID" not in p.trailer:
        bad.append("no document /ID")
    with p.open_metadata() as m:
        if (m.get("pdfaid:part"), m.get("pdfaid:conformance")) != ("3", "B"):
            bad.append(f"XMP pdfaid: {m.get('pdfaid:part')} {m.get('pdfaid:conformance')}")
        if str(p.docinfo.get("/Title", "")) != m.get("dc:title"):
            bad.append("XMP dc:title differs from the information dictionary's /Title")
    intents = [i for i in p.Root.get("/OutputIntents", []) if i.get("/S") == "/GTS_PDFA1"]
    if len(intents) != 1:
        bad.append(f"{len(intents)} GTS_PDFA1 output intents")
    else:
        icc = intents[0].DestOutputProfile
        data = icc.read_bytes()
        if icc.get("/N") != 3 or data[36:40] != b"acsp" or data[16:20] != b"RGB ":
            bad.append("the output intent's profile is not an RGB ICC profile with /N 3")
    af = list(p.Root.get("/AF", []))
    names = {}
    for spec in af:
        if spec.get("/AFRelationship") != "/Data":
            bad.append(f"{spec.get('/UF')}: AFRelationship {spec.get('/AFRelationship')}")
        f = spec.EF.UF
        names[str(spec.UF)] = str(f.Subtype)
        if int(f.Params.Size) != len(f.read_bytes()) or "/ModDate" not in f.Params:
            bad.append(f"{spec.UF}: /Params without the right /Size or a /ModDate")
    if names != {"assessment.json": "/application/json", "gaps.csv": "/text/csv"}:
        bad.append(f"associated files: {names}")
    tree = p.Root.Names.EmbeddedFiles.Names
    keys = [str(tree[i]) for i in range(0, len(tree), 2)]
    if keys != sorted(keys) or set(keys) != set(names):
        bad.append(f"EmbeddedFiles name tree: {keys}")
    for page in p.pages:
        for a in page.get("/Annots", []):
            if int(a.get("/F", 0)) & 0b100111 != 4:
                bad.append(f"annotation without the print flag: {a.get('/Subtype')}")
                break

for b in bad:
    print(f"pdfa: {b}", file=sys.stderr)
if bad:
    sys.exit(1)
print("pikepdf: XMP pdfaid 3/B, one sRGB GTS_PDFA1 output intent, 2 associated files (Data), no PDF/X keys")
PY

listed=$(pdfdetach -list "$pdf")
echo "$listed"
for f in assessment.json gaps.csv; do
  grep -qx "[0-9]*: $f" <<<"$listed" || { echo "pdfa: pdfdetach does not list $f" >&2; exit 1; }
done
tmp=$(mktemp -d)
pdfdetach -saveall -o "$tmp" "$pdf"
for f in assessment.json gaps.csv; do
  cmp "$tmp/$f" "$pack/$f" || { echo "pdfa: the embedded $f differs from the pack's" >&2; exit 1; }
done
rm -rf "$tmp"
echo "pdfdetach: assessment.json and gaps.csv equal the pack's byte for byte"
