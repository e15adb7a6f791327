#!/usr/bin/env python3
"""Write a synthetic catalogue (controls.csv + catalogue.toml) and a full overlay of N controls,
the same shape as `synthetic()` in benches/pipeline.rs, for whole-process timings:

    python3 benches/gen_synthetic.py 100000 target/synth-100k
    /usr/bin/time -v target/release/kansa report --catalogue target/synth-100k \
        --answers target/synth-100k/answers.csv -f html -o /dev/null
"""
import os
import sys

STATUSES = ["implemented", "partial", "planned", "not_implemented", "not_applicable", "inherited"]


def main(n: int, out: str) -> None:
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "catalogue.toml"), "w", encoding="utf-8") as f:
        f.write('id = "synthetic"\nname = "synthetic"\nedition = "1"\n')
    with open(os.path.join(out, "controls.csv"), "w", encoding="utf-8", newline="") as cat, open(
        os.path.join(out, "answers.csv"), "w", encoding="utf-8", newline=""
    ) as ans:
        cat.write("id,section,major,middle,text\n")
        ans.write("id,status,responsibility,answer,owner,due,cost centre\n")
        for i in range(n):
            s, ma, mi = i * 3 // n, (i * 30 // n) % 10, (i * 300 // n) % 10  # contiguous groups
            cat.write(
                f"C{i},S{s},大項目{s}-{ma},中項目{ma}-{mi},"
                f"対策{i}を講ずること。情報システムの安全対策として必要な措置を講ずること。\n"
            )
            resp = ["provider", "customer", "shared"][i % 3]
            ans.write(
                f'C{i},{STATUSES[i % len(STATUSES)]},{resp},"回答{i}: **実施** 済みの対策について説明します。\n\n'
                f'証跡は文書管理システムにあります。",担当{i % 17},2026-{i % 12 + 1:02}-15,CC-{i % 50}\n'
            )


if __name__ == "__main__":
    main(int(sys.argv[1]), sys.argv[2])
