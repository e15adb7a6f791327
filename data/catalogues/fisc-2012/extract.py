#!/usr/bin/env python3
"""Extract the FISC 2012 list of measures and the AWS answers from the seed text.

The seed is a text dump of the PDF "Amazon Web Services の回答 2012年6月"
(columns 基準大項目 | 中項目 | 項番 | 小項目 | AWS回答).  The PDF conversion lost
the table structure: the 基準大項目 / 中項目 labels and the answer paragraphs are
emitted after the block of items they belong to (sometimes a page later), cells
that span a page break are printed once per page, and labels are split over
lines.  Item texts are parsed by rule; the label / answer assignment is given
by the explicit, commented tables GROUPS and ANSWERS below, which were decided
by reading the seed page by page (see SOURCE.md for the reasoning).

Every table entry cites the seed line numbers it was read from, and the script
verifies that each label / answer really is at those lines, so a wrong line
number or a changed seed makes the script fail instead of silently producing
wrong data.

Usage:
    python3 extract.py [SEED]            # (re)write the two CSV files
    python3 extract.py [SEED] --check    # regenerate in memory, compare, exit 1 on difference

Outputs:
    data/catalogues/fisc-2012/controls.csv   id,section,major,middle,text
    examples/aws-2012/answers.csv            id,status,responsibility,answer

Standard library only (Python 3.11).
"""

from __future__ import annotations

import argparse
import csv
import io
import re
import sys
import unicodedata
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]  # .../main
DEFAULT_SEED = (HERE / "../../../../shared/seeds/000_3e6b14d83ec583f6.txt").resolve()
CONTROLS_CSV = HERE / "controls.csv"
ANSWERS_CSV = REPO / "examples" / "aws-2012" / "answers.csv"

SECTIONS = {"設": "設備", "運": "運用", "技": "技術"}

# ---------------------------------------------------------------------------
# The expected id list (catalogue order = order of the guidelines).
# ---------------------------------------------------------------------------
EXTRA_IDS = {
    "設": ["83-1"],
    "運": ["10-1", "44-1", "51-1", "53-1", "87-1", "90-1", "105-1"],
    "技": ["35-1", "42-1"],
}
MAX_NUM = {"設": 83, "運": 107, "技": 51}


def id_key(cid: str) -> tuple[int, int, int]:
    m = re.fullmatch(r"(設|運|技)(\d+)(?:-(\d+))?", cid)
    if not m:
        raise ValueError(f"bad id {cid!r}")
    return ("設運技".index(m.group(1)), int(m.group(2)), int(m.group(3) or 0))


def expected_ids() -> list[str]:
    ids = []
    for p in "設運技":
        ids += [f"{p}{n}" for n in range(1, MAX_NUM[p] + 1)]
        ids += [f"{p}{x}" for x in EXTRA_IDS[p]]
    return sorted(ids, key=id_key)


# ---------------------------------------------------------------------------
# GROUPS: which 基準大項目 / 中項目 each run of controls belongs to.
#
# Each row: (first id, last id, major, middle, answer key, major_src, middle_src)
#   *_src = seed line numbers where the label is printed (a split label is
#   given by all its lines).  The script checks that the label text (with the
#   PDF line breaks removed) occurs in those lines.  Where the seed prints a
#   label on several pages (a row group that crosses a page break), every
#   occurrence is listed.
#   middle == "" means the seed prints only one label for the group (the
#   guideline's 基準大項目 has no 中項目); these are listed in SOURCE.md.
#   Page numbers below are PDF pages (the seed has 17 pages; page n ends at
#   the n-th "List of Measures are Copyright" footer or page header).
# ---------------------------------------------------------------------------
GROUPS = [
    # ---- 設備基準 -------------------------------------------------------
    # p1 (設1-15): 環境 and the start of its answer are printed on the 設1 line
    # and the whole answer (6-16) precedes 設2 (18-20); in this seed that
    # layout only occurs for one-item groups, so 環境 = 設1 only.
    # 建物/周囲/構造/開口部 are printed after 設15.
    ("設1", "設1", "建物", "環境", "env", [52, 121], [6]),
    # 設2 goes to the next label, 周囲.  周囲 / 構造 boundary (設9 | 設10)
    # decided from the guideline structure (構造 = 耐火建築物 … 外壁等の強度);
    # both labels only occur on p1.
    ("設2", "設9", "建物", "周囲", "surroundings", [52], [54]),
    ("設10", "設13", "建物", "構造", "structure", [52], [68]),
    # 開口部 (建物) is printed on p1 and p2 with the same answer on both pages.
    ("設14", "設19", "建物", "開口部", "bldg_openings", [52, 121], [76, 123]),
    ("設20", "設21", "建物", "内装等", "interior", [121], [153]),
    # p2: コンピュータ室・データ保管室 / 位置 / 開口部; no other 中項目 label on
    # p2, so 設25-26 (必要空間, 専用の独立した室) belong to 位置.
    ("設22", "設26", "コンピュータ室・データ保管室", "位置", "cr_location", [161, 163], [165]),
    # 開口部 (コンピュータ室) is printed at the bottom of p2 and again on p3,
    # with the same answer on both pages (lines 125-139 = 233-247).
    ("設27", "設30", "コンピュータ室・データ保管室", "開口部", "cr_openings", [161, 163, 277, 279], [181, 281]),
    ("設31", "設36", "コンピュータ室・データ保管室", "構造・内装等", "cr_structure", [277, 279], [249]),
    ("設37", "設47", "コンピュータ室・データ保管室", "設備", "cr_equipment", [277, 279], [261]),
    # p3/p4: printed on both pages (設48 is on p3, 設49-51 on p4).
    ("設48", "設51", "コンピュータ室・データ保管室", "コンピュータ機器、什器・備品", "cr_furniture",
     [277, 279, 344, 346], [283, 285, 380, 382]),
    # Single label groups (the seed gives one label; it is the guideline's
    # 基準大項目, there is no 中項目).
    ("設52", "設60", "電源室・空調機械室", "", "power_room", [390], []),
    ("設61", "設71", "電源設備", "", "power", [348], []),
    # 空調設備 is printed on p4 (設72) and p5 (設73-79) with the same answer.
    ("設72", "設79", "空調設備", "", "hvac", [368, 453], []),
    ("設80", "設81", "監視制御設備", "", "monitoring_equipment", [491], []),
    ("設82", "設83-1", "回線関連設備", "", "line_equipment", [499], []),
    # ---- 運用基準 -------------------------------------------------------
    ("運1", "運2", "管理体制の確立", "セキュリティ管理と責任の明確化", "sec_mgmt", [465], [465, 467]),
    # 組織の整備 printed on p5 and p6 (運9 is on p6) with the same answer.
    ("運3", "運9", "管理体制の確立", "組織の整備", "organisation", [465, 542], [481, 544]),
    ("運10", "運10", "管理体制の確立", "各種規定の整備", "rules", [542], [516]),
    ("運10-1", "運10-1", "管理体制の確立", "セキュリティ遵守状況の確認", "compliance_check", [542], [520, 522]),
    ("運11", "運13", "入退管理", "入退館(室)管理", "entry", [564], [564]),
    ("運14", "運15", "運用管理", "マニュアルの整備", "manuals", [578], [578]),
    # アクセス権限の管理: 運16-17 on p6, 運18 on p7; label + answer on both pages.
    ("運16", "運18", "運用管理", "アクセス権限の管理", "access_rights", [578, 655], [590, 657]),
    ("運19", "運23", "運用管理", "オペレーション管理", "operations", [655], [633]),
    ("運24", "運24", "運用管理", "入力管理", "input", [655], [609]),
    ("運25", "運27", "運用管理", "データファイル管理", "data_files", [655], [643]),
    ("運28", "運29", "運用管理", "プログラムファイル管理", "program_files", [655], [659, 661]),
    ("運30", "運30", "運用管理", "コンピュータウイルス対策", "virus", [714], [668, 670]),
    ("運31", "運32", "運用管理", "ネットワーク設定情報管理", "network_config", [714], [728, 730]),
    ("運33", "運34", "運用管理", "ドキュメント管理", "documents_ops", [714], [720]),
    ("運35", "運36", "運用管理", "帳票管理", "forms", [714], [724]),
    ("運37", "運37", "運用管理", "出力管理", "output", [714], [692]),
    ("運38", "運42", "運用管理", "取引の管理", "transactions", [714], [716]),
    ("運43", "運43", "運用管理", "暗号鍵の管理", "crypto_keys", [801], [741]),
    # 運44-1 (正当な権限者の取引を確保 at CD・ATM) is kept with 運44 (本人確認):
    # the 運44 line (759) carries no answer, which points to a cell spanning
    # more than one row.  Judgement call, see SOURCE.md (not a general rule
    # for "-n" items: 運10-1 has its own 中項目); the two candidate answers
    # (803-805, 807-809) are identical, so only the 中項目 depends on it.
    ("運44", "運44-1", "運用管理", "厳正な本人確認の実施", "identity", [801], [827, 829]),
    ("運45", "運49", "運用管理", "CD・ATM等および無人店舗の管理", "atm", [801], [831, 833]),
    ("運50", "運50", "運用管理", "渉外端末の管理", "field_terminals", [801], [777]),
    ("運51", "運52", "運用管理", "カード管理", "cards", [801], [835]),
    ("運53", "運53-1", "運用管理", "顧客データ保護", "customer_data", [801], [819]),
    ("運54", "運54", "運用管理", "資源管理", "resources_ops", [801], [791]),
    ("運55", "運56", "運用管理", "外部接続管理", "external_connections", [801], [823]),
    # 機器の管理: 運57 on p9, 運58-59 on p10; label + answer on both pages.
    ("運57", "運59", "運用管理", "機器の管理", "devices", [801, 910], [811, 912]),
    ("運60", "運60", "運用管理", "運行監視", "operation_monitoring", [910], [842]),
    ("運61", "運61", "運用管理", "コンピュータ室・データ保管室の管理", "cr_management", [910], [856, 858, 860]),
    ("運62", "運64", "運用管理", "障害時・災害時対応策", "incident_response", [910], [916, 918]),
    ("運65", "運65", "運用管理", "コンティンジェンシープランの策定", "contingency", [910], [878, 880]),
    # システム開発・変更 is printed at the bottom of p10 (only 運66 of the
    # group is on p10) and again on p11.
    ("運66", "運66", "システム開発・変更", "ハードウェア・ソフトウェア管理", "hw_sw", [932, 1003], [886, 888]),
    ("運67", "運69", "システム開発・変更", "システム開発・変更管理", "dev_change", [1003], [1005, 1007]),
    ("運70", "運71", "システム開発・変更", "ドキュメント管理", "documents_dev", [1003], [1015]),
    ("運72", "運73", "システム開発・変更", "パッケージの導入", "packages", [1003], [1021]),
    ("運74", "運75", "システム開発・変更", "システムの廃棄", "disposal", [1003], [977]),
    ("運76", "運77", "各種設備管理", "保守管理", "maintenance", [991], [991]),
    ("運78", "運78", "各種設備管理", "資源管理", "resources_fac", [991], [957]),
    ("運79", "運79", "各種設備管理", "監視", "monitoring", [991], [961]),
    # 教育・訓練: 運80-81 on p11, 運82-84 on p12; label + answer on both pages.
    ("運80", "運84", "教育・訓練", "", "training", [1025, 1093], []),
    ("運85", "運86", "要員管理", "", "personnel", [1103], []),
    ("運87", "運87-1", "外部委託管理", "外部委託に関する計画", "outsourcing_plan", [1085], [1085, 1087]),
    ("運88", "運90-1", "外部委託管理", "外部委託業務管理", "outsourcing_mgmt", [1085], [1091]),
    ("運91", "運91", "システム監査", "システム監査(システム監査)", "audit", [1069], [1069, 1071]),
    # インストアブランチ (運92) and コンビニATM (運93-98) have no answer of
    # their own: the audit answer cell is printed on p12 and repeated on p13
    # (where only 運97-98 precede デビットカード), so it spans 運91-98.
    ("運92", "運92", "インストアブランチ", "", "audit", [1075], []),
    ("運93", "運98", "コンビニATM", "", "audit", [1119, 1210], []),
    ("運99", "運100", "デビットカード", "デビットカード・サービスの安全性確保", "debit", [1212], [1212, 1214]),
    # 顧客保護 / 顧客への注意喚起 lines carry no answer; the one unlabelled
    # answer of p13 ("顧客に対して提供する…") is assigned to both.
    ("運101", "運101", "デビットカード", "顧客保護", "debit_customers", [1212], [1132]),
    ("運102", "運102", "デビットカード", "顧客への注意喚起", "debit_customers", [1212], [1134]),
    ("運103", "運106", "オープンネットワークを利用した金融サービス", "インターネット、モバイル", "internet",
     [1174, 1176, 1178], [1180, 1182]),
    ("運107", "運107", "電子メール", "", "email", [1148], []),
    # ---- 技術基準 -------------------------------------------------------
    ("技1", "技1", "ハードウェアの信頼性向上対策", "ハードウェアの障害予防策", "hw_prevention",
     [1188, 1190], [1150, 1152]),
    ("技2", "技6", "ハードウェアの信頼性向上対策", "ハードウェアの予備", "hw_spare", [1188, 1190], [1192]),
    ("技7", "技13", "ソフトウェアの信頼性向上対策", "開発時の品質向上対策", "sw_dev", [1288, 1290], [1292, 1294]),
    ("技14", "技15", "ソフトウェアの信頼性向上対策", "メンテナンス時の品質向上対策", "sw_maint",
     [1288, 1290], [1304, 1306]),
    ("技16", "技19", "運用時の信頼性向上対策", "", "ops_reliability", [1260, 1262], []),
    ("技20", "技21", "障害の早期発見・早期回復", "障害の早期発見", "early_detection", [1266, 1268], [1270]),
    # 障害の早期回復: 技22-23 on p14, 技24 on p15; label + answer on both pages.
    ("技22", "技24", "障害の早期発見・早期回復", "障害の早期回復", "early_recovery",
     [1266, 1268, 1365, 1367], [1286, 1369]),
    # バックアップサイト: its line carries no answer; the answer cell of
    # 障害の早期回復 (repeated on p15) is taken to cover it, see SOURCE.md.
    ("技25", "技25", "災害時対策", "バックアップサイト", "early_recovery", [1327], [1327]),
    ("技26", "技29", "データ保護", "漏洩防止", "leak", [1415], [1415]),
    # 破壊・改ざん防止 = 技30-32 as in the FISC list; its answer (1429-1431)
    # answers 技32 too ("不良データの検出機能を実装することもできます").
    ("技30", "技32", "データ保護", "破壊・改ざん防止", "tamper", [1415], [1429]),
    # データ保護 / 検知策 (技33-34): label alone at line 1363; answer = the
    # unlabelled paragraph at 1373-1381, see SOURCE.md.
    ("技33", "技34", "データ保護", "検知策", "data_detection", [1415], [1363]),
    ("技35", "技37", "不正使用防止", "予防策(アクセス権限確認)", "access_check", [1383, 1508], [1383, 1385]),
    ("技38", "技39", "不正使用防止", "予防策(利用範囲の制限)", "usage_limits", [1383, 1508], [1393, 1395]),
    # 予防策(不正・偽造防止対策): 技40 on p15, 技41-42-1 on p16; label on both
    # pages and the same answer (1371 = 1470) on both pages.
    ("技40", "技42-1", "不正使用防止", "予防策(不正・偽造防止対策)", "forgery",
     [1383, 1508], [1399, 1401, 1510, 1512]),
    ("技43", "技44", "不正使用防止", "外部ネットワークからのアクセス制限", "external_access", [1508], [1472, 1474]),
    ("技45", "技47", "不正使用防止", "検知策", "misuse_detection", [1508], [1490]),
    ("技48", "技48", "不正使用防止", "対応策", "misuse_response", [1508], [1456]),
    ("技49", "技49", "不正プログラム防止", "防御策", "malware", [1541], [1515]),
    ("技50", "技50", "不正プログラム防止", "検知策", "malware", [1541], [1519]),
    ("技51", "技51", "不正プログラム防止", "復旧策", "malware", [1541], [1523]),
]

# ---------------------------------------------------------------------------
# ANSWERS: where each AWS answer is printed.
#
# key: {
#   "src":    (first line, last line, prefix, suffix) -- the text used;
#             prefix = exact text before the answer on the first line (label
#             and/or item), suffix = text glued after it on the last line
#             (page footer, label) -- both are checked and removed.
#   "copies": further (first, last, prefix, suffix) occurrences of the same
#             cell on another page; they must produce the identical text
#             (a partial copy is marked with "partial": True and must be a
#             prefix of the full text).
#   "resp":   provider / customer / shared (see SOURCE.md for the rule).
# }
# ---------------------------------------------------------------------------
P = "provider"
C = "customer"
S = "shared"

ANSWERS = {
    # 設備 ---------------------------------------------------------------
    "env": dict(src=(6, 16, "環境 設1 各種災害、障害が発生しやすい地域を避けること。 ", ""), resp=P),
    "surroundings": dict(src=(54, 66, "周囲 ", ""), resp=P),
    "structure": dict(src=(68, 74, "構造 ", ""), resp=P),
    "bldg_openings": dict(src=(76, 86, "開口部 ", ""), copies=[(141, 151, "", "")], resp=P),
    "interior": dict(src=(153, 159, "内装等 ", ""), resp=P),
    "cr_location": dict(src=(165, 179, "位置 ", ""), resp=P),
    # printed without label on p2 (125-139) and p3 (233-247)
    "cr_openings": dict(src=(125, 139, "", ""), copies=[(233, 247, "", "")], resp=P),
    "cr_structure": dict(src=(249, 259, "構造・内装等 ", ""), resp=P),
    "cr_equipment": dict(src=(261, 275, "設備 ", ""), resp=P),
    # full text on p4 (384-388); p3 (287-289) shows only the first two lines
    "cr_furniture": dict(src=(384, 388, "", ""), copies=[(287, 289, "", "", "partial")], resp=P),
    "power_room": dict(src=(390, 408, "電源室・空調機械室 ", ""), resp=P),
    "power": dict(src=(348, 366, "電源設備 ", ""), resp=P),
    "hvac": dict(src=(368, 378, "空調設備 ", ""), copies=[(453, 463, "空調設備 ", "")], resp=P),
    "monitoring_equipment": dict(src=(491, 497, "監視制御設備 ", ""), resp=P),
    "line_equipment": dict(src=(499, 511, "回線関連設備 ", ""), resp=P),
    # 運用 ---------------------------------------------------------------
    "sec_mgmt": dict(src=(469, 479, "", ""), resp=P),
    "organisation": dict(src=(481, 489, "組織の整備 ", ""), copies=[(544, 552, "組織の整備 ", "")], resp=P),
    "rules": dict(src=(516, 518, "各種規定の整備 運10 各種規定を整備すること。 ", ""), resp=P),
    "compliance_check": dict(src=(524, 526, "運10-1 セキュリティ遵守状況を確認すること。 ", ""), resp=P),
    "entry": dict(src=(564, 576, "入退管理 入退館(室)管理 ", ""), resp=P),
    "manuals": dict(src=(578, 588, "運用管理 マニュアルの整備 ", ""), resp=P),
    "access_rights": dict(src=(554, 562, "", ""), copies=[(623, 631, "", "")], resp=P),
    "operations": dict(src=(633, 641, "オペレーション管理 ", ""), resp=P),
    "input": dict(src=(609, 611, "入力管理 運24 データの入力管理を行うこと。 ", ""), resp=C),
    "data_files": dict(src=(643, 653, "データファイル管理 ", ""), resp=C),
    "program_files": dict(src=(663, 665, "", ""), resp=C),
    "virus": dict(src=(672, 678, "運30 コンピュータウイルス対策を講ずること。 ", ""), resp=P),
    "network_config": dict(src=(732, 738, "", ""), resp=P),
    "documents_ops": dict(src=(720, 722, "ドキュメント管理 ", ""), resp=C),
    "forms": dict(src=(724, 726, "帳票管理 ", ""), resp=C),
    "output": dict(src=(696, 698, "", ""), resp=C),
    "transactions": dict(src=(716, 718, "取引の管理 ", ""), resp=C),
    "crypto_keys": dict(src=(741, 757, "暗号鍵の管理 運43 暗号鍵の利用において運用管理方法を明確にすること。 ", ""),
                        resp=S),
    # Two identical unlabelled paragraphs (803-805, 807-809) for the two
    # groups 厳正な本人確認の実施 / CD・ATM等および無人店舗の管理.
    "identity": dict(src=(803, 805, "", ""), resp=C),
    "atm": dict(src=(807, 809, "", ""), resp=C),
    "field_terminals": dict(src=(777, 779, "渉外端末の管理 運50 運用管理方法を明確にすること。 ", ""), resp=C),
    "cards": dict(src=(815, 817, "", ""), resp=C),
    "customer_data": dict(src=(819, 821, "顧客データ保護 ", ""), resp=C),
    "resources_ops": dict(src=(791, 793, "資源管理 運54 能力および使用状況の確認を行うこと。 ", ""), resp=C),
    "external_connections": dict(src=(823, 825, "外部接続管理 ", ""), resp=C),
    "devices": dict(src=(811, 813, "機器の管理 ", ""), copies=[(912, 914, "機器の管理 ", "")], resp=C),
    "operation_monitoring": dict(src=(842, 854, "運行監視 運60 監視体制を整備すること。 ", ""), resp=S),
    "cr_management": dict(src=(862, 870, "運61 入室後の作業を管理すること。 ", ""), resp=P),
    "incident_response": dict(src=(920, 930, "", ""), resp=C),
    "contingency": dict(src=(882, 884, "運65 コンティンジェンシープランを策定すること。 ", ""), resp=P),
    # two paragraphs: hardware inventory (890-898) + SDLC quality (900-908)
    "hw_sw": dict(src=(890, 908, "運66 ハードウェア、ソフトウェアの管理を行うこと。 ", ""), resp=P),
    "dev_change": dict(src=(1009, 1013, "", ""), resp=C),
    "documents_dev": dict(src=(1015, 1019, "ドキュメント管理 ", ""), resp=P),
    "packages": dict(src=(1021, 1023, "パッケージの導入 ", ""), resp=C),
    "disposal": dict(src=(977, 989, "システムの廃棄 ", ""), resp=P),
    "maintenance": dict(src=(991, 1001, "各種設備管理 保守管理 ", ""), resp=P),
    "resources_fac": dict(src=(957, 959, "資源管理 運78 能力および使用状況の確認を行うこと。 ", ""), resp=P),
    "monitoring": dict(src=(961, 971, "監視 運79 監視体制を整備すること。 ", ""), resp=P),
    # p11 copy has the page footer glued to its last line
    "training": dict(src=(1093, 1101, "教育・訓練 ", ""),
                     copies=[(1025, 1033, "教育・訓練 ",
                              "List of Measures are Copyright © 2012 The Center for Financial Industry "
                              "Information Systems. AWS Responses are Copyright © 2012 Amazon, Inc. 11/17")],
                     resp=P),
    "personnel": dict(src=(1103, 1111, "要員管理 ", ""), resp=P),
    "outsourcing_plan": dict(src=(1089, 1089, "", ""), resp=C),
    "outsourcing_mgmt": dict(src=(1091, 1091, "外部委託業務管理 ", ""), resp=C),
    # the label コンビニATM is glued to the last line on both pages
    "audit": dict(src=(1113, 1119, "", "コンビニATM"), copies=[(1204, 1210, "", "コンビニATM")], resp=S),
    "debit": dict(src=(1216, 1218, "", ""), resp=C),
    "debit_customers": dict(src=(1220, 1220, "", ""), resp=C),
    "internet": dict(src=(1184, 1186, "", ""), resp=C),
    "email": dict(src=(1148, 1148, "電子メール 運107 電子メールの運用方針を明確にすること。 ", ""), resp=C),
    # 技術 ---------------------------------------------------------------
    "hw_prevention": dict(src=(1154, 1162, "技1 予防保守を実施すること。 ", ""), resp=P),
    "hw_spare": dict(src=(1192, 1202, "ハードウェアの予備 ", ""), resp=P),
    "sw_dev": dict(src=(1296, 1302, "", ""), resp=P),
    "sw_maint": dict(src=(1308, 1310, "", ""), resp=P),
    "ops_reliability": dict(src=(1264, 1264, "", ""), resp=C),
    "early_detection": dict(src=(1270, 1284, "障害の早期発見 ", ""), resp=S),
    "early_recovery": dict(src=(1312, 1322, "", ""), copies=[(1403, 1413, "", "")], resp=C),
    "leak": dict(src=(1415, 1427, "データ保護 漏洩防止 ", ""), resp=P),
    "tamper": dict(src=(1429, 1431, "破壊・改ざん防止 ", ""), resp=C),
    "data_detection": dict(src=(1373, 1381, "", ""), resp=P),
    "access_check": dict(src=(1387, 1391, "", ""), resp=C),
    "usage_limits": dict(src=(1397, 1397, "", ""), resp=C),
    "forgery": dict(src=(1371, 1371, "", ""), copies=[(1470, 1470, "", "")], resp=C),
    "external_access": dict(src=(1476, 1488, "", ""), resp=P),
    "misuse_detection": dict(src=(1490, 1506, "検知策 ", ""), resp=S),
    # 対応策: customer paragraph on the 技48 line + AWS paragraph (1460-1468)
    "misuse_response": dict(src=(1456, 1468, "対応策 技48 不正アクセスの発生に備えて対応策、復旧策を講じておくこと。 ", ""),
                            resp=S),
    "malware": dict(src=(1541, 1549, "不正プログラム防止 ", ""), resp=P),
}

# Lines of the seed that are neither items, labels nor answers.
HEADER = "基準大項目 中項目 項番 小項目 AWS回答"
FOOTER_RE = re.compile(r"^List of Measures are Copyright © 2012 .*Amazon, Inc\.( \d+/17)?$")
TITLE = "Amazon Web Services の回答\u30002012年6月"
NOTICES = (1529, 1539)  # the English "Notices" block on the last page

ITEM_RE = re.compile(r"^(?P<pre>.*?)(?P<id>(?:設|運|技)\d+(?:-\d+)?) (?P<rest>.*)$")
# label prefixes that the PDF put on the same line as an item id
ITEM_LINE_PREFIXES = {
    "", "環境 ", "各種規定の整備 ", "入力管理 ", "出力管理 ", "暗号鍵の管理 ", "渉外端末の管理 ",
    "資源管理 ", "運行監視 ", "監視 ", "インストアブランチ ", "顧客保護 ", "顧客への注意喚起 ",
    "電子メール ", "災害時対策 バックアップサイト", "対応策 ", "防御策 ", "検知策 ", "復旧策 ",
}


class ExtractError(Exception):
    pass


def die(msg: str) -> None:
    raise ExtractError(msg)


def nows(s: str) -> str:
    """Remove all whitespace (for the 'appears in the seed' checks)."""
    return re.sub(r"\s+", "", s)


def width(s: str) -> int:
    """Approximate printed width: East Asian wide/fullwidth/ambiguous = 2."""
    return sum(2 if unicodedata.east_asian_width(c) in "WFA" else 1 for c in s)


# ---------------------------------------------------------------------------
# Items
# ---------------------------------------------------------------------------
def parse_items(lines: list[str]) -> tuple[dict[str, str], list[str], dict[str, list[int]]]:
    """Return (id -> text, ids in seed order, id -> seed line numbers used)."""
    texts: dict[str, str] = {}
    order: list[str] = []
    used: dict[str, list[int]] = {}
    n = len(lines)
    i = 0
    while i < n:
        line = lines[i]
        m = ITEM_RE.match(line)
        if m and line.strip() != HEADER and m.group("pre") in ITEM_LINE_PREFIXES:
            cid = m.group("id")
            rest = m.group("rest")
            used_lines = [i + 1]
            text = rest
            j = i
            # The item text always ends with the first "。"; an answer may
            # follow on the same line after a space.
            while "。" not in text:
                j += 1
                while j < n and not lines[j].strip():
                    j += 1
                if j >= n:
                    die(f"{cid}: item text does not end")
                text += lines[j].strip()
                used_lines.append(j + 1)
            text = text[: text.index("。") + 1].strip()
            if cid in texts:
                die(f"duplicate item {cid} (lines {used[cid]} and {used_lines})")
            texts[cid] = text
            order.append(cid)
            used[cid] = used_lines
            i = j + 1
            continue
        i += 1
    return texts, order, used


# ---------------------------------------------------------------------------
# Answers
# ---------------------------------------------------------------------------
URL_END_RE = re.compile(r"https?://[\x21-\x7e]*$", re.IGNORECASE)
FULL_WIDTH = 95  # printed width of a full line of the answer column (see SOURCE.md)


def answer_lines(lines: list[str], seg: tuple) -> list[str]:
    first, last, prefix, suffix = seg[:4]
    out = []
    for ln in range(first, last + 1):
        s = lines[ln - 1]
        if not s.strip():
            continue
        if ln == first and prefix:
            if not s.startswith(prefix):
                die(f"line {ln}: expected prefix {prefix!r}, got {s[:len(prefix) + 10]!r}")
            s = s[len(prefix):]
        if ln == last and suffix:
            if not s.rstrip().endswith(suffix):
                die(f"line {ln}: expected suffix {suffix!r}")
            s = s.rstrip()[: -len(suffix)]
        if HEADER in s or FOOTER_RE.match(s.strip()):
            die(f"line {ln}: page header/footer inside an answer range")
        out.append(s)
    if not out:
        die(f"empty answer range {seg}")
    return out


def ends_paragraph(phys: str, para: str, nxt: str | None) -> bool:
    s = phys.rstrip()
    # A sentence that ends well before the full width of the answer column
    # was followed by a hard line break in the PDF: start a new paragraph.
    if s.endswith("。") and width(s) < FULL_WIDTH:
        return True
    # A line that ends with a complete URL (the next line does not continue
    # the URL, i.e. does not start with an ASCII character) ends a paragraph.
    if URL_END_RE.search(para.rstrip()) and (nxt is None or not re.match(r"[\x21-\x7e]", nxt)):
        return True
    return False


def assemble(lines: list[str], seg: tuple) -> str:
    phys = answer_lines(lines, seg)
    paras: list[str] = []
    cur = ""
    for k, p in enumerate(phys):
        # PDF line wraps are joined without inserting anything: a real space
        # at the end/start of a source line is kept, none is added.  URLs
        # split by the PDF ("http:" + "//aws…") are rejoined the same way.
        cur += p
        nxt = phys[k + 1] if k + 1 < len(phys) else None
        if ends_paragraph(p, cur, nxt):
            paras.append(cur.strip())
            cur = ""
    if cur.strip():
        paras.append(cur.strip())
    return "\n\n".join(paras)


# ---------------------------------------------------------------------------
# Build
# ---------------------------------------------------------------------------
def build(seed: Path) -> tuple[str, str, dict]:
    raw = seed.read_text(encoding="utf-8")
    lines = raw.split("\n")
    seed_nows = nows(raw)
    problems: list[str] = []

    texts, order, item_lines = parse_items(lines)
    exp = expected_ids()
    if sorted(order, key=id_key) != order:
        problems.append("items are not in guideline order in the seed")
    missing = [c for c in exp if c not in texts]
    extra = [c for c in texts if c not in exp]
    if missing or extra:
        problems.append(f"missing items {missing}, unexpected items {extra}")
    if len(order) != 251:
        problems.append(f"{len(order)} items, expected 251")

    # item text checks
    for cid, t in texts.items():
        if nows(t) not in seed_nows:
            problems.append(f"{cid}: text not found in seed")
        if re.search(r"(設|運|技)\d", t) or "AWS" in t or t.count("。") != 1 or not t.endswith("。"):
            problems.append(f"{cid}: suspicious item text {t!r}")
        if t != t.strip() or "\n" in t:
            problems.append(f"{cid}: whitespace in item text")

    # answers
    answers: dict[str, str] = {}
    answer_src_lines: set[int] = set()
    for key, spec in ANSWERS.items():
        text = assemble(lines, spec["src"])
        answers[key] = text
        for seg in [spec["src"]] + spec.get("copies", []):
            answer_src_lines.update(range(seg[0], seg[1] + 1))
        for cp in spec.get("copies", []):
            ctext = assemble(lines, cp)
            partial = len(cp) > 4 and cp[4] == "partial"
            if partial:
                if not nows(text).startswith(nows(ctext)):
                    problems.append(f"answer {key}: partial copy {cp[:2]} is not a prefix of the full text")
            elif ctext != text:
                problems.append(f"answer {key}: copy at {cp[:2]} differs from {spec['src'][:2]}")
        if nows(text) not in seed_nows:
            problems.append(f"answer {key}: not found in seed")
        if spec["resp"] not in (P, C, S):
            problems.append(f"answer {key}: bad responsibility")
        if re.search(r"(設|運|技)\d", text) or "List of Measures" in text or HEADER in text:
            problems.append(f"answer {key}: contains an item id / header / footer")
        if "\n\n\n" in text or text != text.strip():
            problems.append(f"answer {key}: bad paragraph separation")

    # groups -> per-control rows
    rows: dict[str, tuple[str, str, str]] = {}
    used_answer_keys = set()
    for first, last, major, middle, akey, major_src, middle_src in GROUPS:
        if first not in texts or last not in texts:
            problems.append(f"group {first}-{last}: unknown id")
            continue
        lo, hi = id_key(first), id_key(last)
        members = [c for c in exp if lo <= id_key(c) <= hi]
        for lab, src in ((major, major_src), (middle, middle_src)):
            if not lab:
                if src:
                    problems.append(f"group {first}-{last}: empty label with source lines")
                continue
            if not src:
                problems.append(f"group {first}-{last}: label {lab!r} without source lines")
                continue
            # a label split over lines is rejoined; consecutive lines listed
            # in src are concatenated (blank lines in between ignored)
            chunks, cur, prev = [], "", None
            for ln in src:
                if prev is not None and ln - prev > 2:
                    chunks.append(cur)
                    cur = ""
                cur += nows(lines[ln - 1])
                prev = ln
            chunks.append(cur)
            for ch in chunks:
                if nows(lab) not in ch:
                    problems.append(f"group {first}-{last}: label {lab!r} not at lines {src}")
        if akey not in ANSWERS:
            problems.append(f"group {first}-{last}: unknown answer key {akey}")
        used_answer_keys.add(akey)
        for c in members:
            if c in rows:
                problems.append(f"{c}: in two groups")
            rows[c] = (major, middle, akey)
    for c in exp:
        if c not in rows:
            problems.append(f"{c}: not in any group")
    unused = set(ANSWERS) - used_answer_keys
    if unused:
        problems.append(f"answers not used by any group: {sorted(unused)}")

    # every non-empty seed line must be accounted for
    label_lines = set()
    for g in GROUPS:
        label_lines.update(g[5])
        label_lines.update(g[6])
    item_line_set = {ln for v in item_lines.values() for ln in v}
    unaccounted = []
    for ln, s in enumerate(lines, 1):
        st = s.strip()
        if not st or st == HEADER or st == TITLE or FOOTER_RE.match(st):
            continue
        if NOTICES[0] <= ln <= NOTICES[1]:
            continue
        if ln in item_line_set or ln in answer_src_lines or ln in label_lines:
            continue
        unaccounted.append(ln)
    if unaccounted:
        problems.append(f"seed lines not accounted for: {unaccounted}")

    if problems:
        die("\n".join(problems))

    # CSV output
    cbuf = io.StringIO()
    w = csv.writer(cbuf, lineterminator="\n")
    w.writerow(["id", "section", "major", "middle", "text"])
    abuf = io.StringIO()
    aw = csv.writer(abuf, lineterminator="\n")
    aw.writerow(["id", "status", "responsibility", "answer"])
    stats = {"sections": {}, "resp": {}, "empty_major": [], "empty_middle": [], "empty_answer": []}
    for c in exp:
        major, middle, akey = rows[c]
        sec = SECTIONS[c[0]]
        w.writerow([c, sec, major, middle, texts[c]])
        resp = ANSWERS[akey]["resp"]
        status = "inherited" if resp == P else ""
        ans = answers[akey]
        aw.writerow([c, status, resp, ans])
        stats["sections"][sec] = stats["sections"].get(sec, 0) + 1
        stats["resp"][resp] = stats["resp"].get(resp, 0) + 1
        if not major:
            stats["empty_major"].append(c)
        if not middle:
            stats["empty_middle"].append(c)
        if not ans:
            stats["empty_answer"].append(c)
    return cbuf.getvalue(), abuf.getvalue(), stats


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("seed", nargs="?", default=str(DEFAULT_SEED), help="seed text file")
    ap.add_argument("--check", action="store_true",
                    help="regenerate in memory and exit 1 if the committed CSVs differ")
    args = ap.parse_args(argv)
    try:
        controls, answers, stats = build(Path(args.seed))
    except ExtractError as e:
        print(f"extract.py: {e}", file=sys.stderr)
        return 2
    summary = (f"controls: {sum(stats['sections'].values())} {stats['sections']}; "
               f"responsibility: {stats['resp']}; empty middle: {len(stats['empty_middle'])}; "
               f"empty major: {len(stats['empty_major'])}; empty answer: {len(stats['empty_answer'])}")
    if args.check:
        ok = True
        for path, data in ((CONTROLS_CSV, controls), (ANSWERS_CSV, answers)):
            if not path.exists():
                print(f"missing: {path}", file=sys.stderr)
                ok = False
            elif path.read_bytes() != data.encode("utf-8"):
                print(f"differs: {path}", file=sys.stderr)
                ok = False
        print(("OK " if ok else "FAIL ") + summary)
        return 0 if ok else 1
    CONTROLS_CSV.write_bytes(controls.encode("utf-8"))
    ANSWERS_CSV.parent.mkdir(parents=True, exist_ok=True)
    ANSWERS_CSV.write_bytes(answers.encode("utf-8"))
    print(summary)
    return 0


if __name__ == "__main__":
    sys.exit(main())
