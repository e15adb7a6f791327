#!/usr/bin/env python3
"""Worst case for the PDF font subset: an overlay whose answers use N distinct kanji that IPAex
Gothic has (needs `pip install fonttools`), for docs/benchmarks.md:

    python3 benches/gen_kanji.py 3200 target/bench/kanji.csv
    target/release/kansa report --answers target/bench/kanji.csv -o target/bench/kanji.pdf
"""
import csv
import os
import sys

from fontTools.ttLib import TTFont


def main(n: int, out: str) -> None:
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    cmap = TTFont(os.path.join(root, "data", "fonts", "ipaexg.ttf")).getBestCmap()
    kanji = [chr(c) for c in range(0x4E00, 0x9FFF) if c in cmap][:n]
    with open(os.path.join(root, "data", "catalogues", "fisc-2012", "controls.csv"), encoding="utf-8") as f:
        ids = [r["id"] for r in csv.DictReader(f)]
    per = -(-len(kanji) // len(ids))
    os.makedirs(os.path.dirname(out) or ".", exist_ok=True)
    with open(out, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", "status", "answer"])
        for i, cid in enumerate(ids):
            chunk = "".join(kanji[i * per:(i + 1) * per])
            w.writerow([cid, "partial", f"漢字の網羅試験：{chunk}。"])
    print(f"{len(kanji)} distinct kanji over {len(ids)} answers")


if __name__ == "__main__":
    main(int(sys.argv[1]), sys.argv[2])
