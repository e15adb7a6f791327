#!/usr/bin/env python3
"""Write a kansa.toml with N organisations, each with its own synthetic overlay on the FISC
catalogue (stacked on the AWS answers), for the multi-pack benchmark in docs/benchmarks.md:

    python3 benches/gen_orgs.py 200 target/orgs
    /usr/bin/time -v target/release/kansa pack target/orgs/kansa.toml --jobs 2 --quiet
"""
import csv
import os
import random
import sys

STATUSES = ["実施済", "一部実施", "計画中", "未実施", "対象外", ""]


def main(n: int, out: str) -> None:
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.dirname(here)
    aws = os.path.join(root, "examples", "aws-2012", "answers.csv")
    with open(aws, encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    customer = [r["id"] for r in rows if r["responsibility"] != "provider"]
    os.makedirs(out, exist_ok=True)
    rng = random.Random(2012)
    with open(os.path.join(out, "kansa.toml"), "w", encoding="utf-8") as cfg:
        for i in range(n):
            name = f"org-{i:03}"
            path = os.path.join(out, f"{name}.csv")
            with open(path, "w", encoding="utf-8-sig", newline="") as f:
                w = csv.writer(f, lineterminator="\r\n")
                w.writerow(["項番", "対応状況", "回答", "担当", "期限", "部署コード"])
                for cid in customer:
                    st = rng.choice(STATUSES)
                    due = f"2026-{rng.randint(1, 12):02}-{rng.randint(1, 28):02}" if st in ("一部実施", "計画中", "未実施") else ""
                    w.writerow([cid, st, f"{name} の対応状況（{cid}）。" if st else "", f"担当{rng.randint(1, 9)}", due, f"D{rng.randint(100, 999)}"])
            cfg.write(
                f'[[pack]]\nname = "{name}"\norganisation = "組織 {i:03}"\n'
                f'overlays = ["{aws}", "{name}.csv"]\ndate = "2026-11-25"\nformats = ["md", "html", "pdf", "xlsx"]\nout = "packs"\n\n'
            )


if __name__ == "__main__":
    main(int(sys.argv[1]), sys.argv[2])
