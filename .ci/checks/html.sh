#!/usr/bin/env bash
# The example HTML report in a real browser (issue 16): headless Chromium driven through
# WebDriver (selenium, /usr/bin/chromedriver). Types a query, picks filters, sorts, reloads with
# a fragment, and checks every visible count against numbers computed from the pack's
# assessment.json; checks that no request leaves the page (CSP violations and the network log
# empty), the phone width (390 px), the page without JavaScript (all controls shown), and the
# print: at most 1.5 times the PDF's page count.
#
#   bash .ci/checks/html.sh OUT        # OUT/packs/example-bank/ holds the example pack
#   KANSA_HTML_SHOTS=DIR bash .ci/checks/html.sh OUT   # also writes screenshots and print.pdf
#   KANSA_HTML_TIMING=big.html bash .ci/checks/html.sh OUT   # also times filters on big.html
set -euo pipefail
out=${1:?usage: html.sh OUT}
pack="$out/packs/example-bank"
for f in "$pack/report.html" "$pack/assessment.json" "$pack/report.pdf"; do
  [ -e "$f" ] || { echo "html check: $f is missing (build the example pack first)" >&2; exit 1; }
done
python3 -c "import selenium" 2>/dev/null \
  || pip install -q --break-system-packages selenium 2>/dev/null || pip install -q selenium
command -v pdfinfo >/dev/null || apt-get install -y -qq --no-install-recommends poppler-utils >/dev/null
pdf_pages=$(pdfinfo "$pack/report.pdf" | awk '/^Pages:/ { print $2 }')
KANSA_HTML_TIMING="${KANSA_HTML_TIMING:-}" timeout 900 python3 - "$(realpath "$pack")" "$pdf_pages" "${KANSA_HTML_SHOTS:-}" <<'PY'
import base64, json, os, sys, tempfile, time, unicodedata
from urllib.parse import quote
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

pack, pdf_pages, shots = sys.argv[1], int(sys.argv[2]), sys.argv[3]
page = "file://" + quote(os.path.join(pack, "report.html"))
failures = []


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        failures.append(what)


# --- What the counts must be: computed from the assessment, not from the page. ---
report = json.load(open(os.path.join(pack, "assessment.json"), encoding="utf-8"))
controls = [c for s in report["sections"] for m in s["majors"] for mi in m["middles"] for c in mi["controls"]]
register = [g["id"] for g in report["gaps"]]
fold = lambda s: unicodedata.normalize("NFKC", s).lower()
SEARCHED = ["id", "text", "answer", "finding", "plan", "owner", "evidence", "notes"]
for c in controls:
    c["_text"] = fold("\n".join(c[k] or "" for k in SEARCHED))
    c["_kind"] = "gap" if c["gap"] else "met" if c["met"] else "na"


def expect(q="", status="", section="", resp="", owner="", overdue=False):
    q = fold(q.strip())
    return [c for c in controls
            if (not q or q in c["_text"])
            and (not status or (c["_kind"] == status if status in ("gap", "met", "na") else c["status"] == status))
            and (not section or c["section"] == section)
            and (not resp or (c["responsibility"] or "unassigned") == resp)
            and (not owner or c["owner"] == owner)
            and (not overdue or c["overdue"])]


def driver(js=True, mobile=False, width=1280):
    o = webdriver.ChromeOptions()
    for a in ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
              "--disable-component-update", "--disable-sync", "--user-data-dir=" + tempfile.mkdtemp()]:
        o.add_argument(a)
    o.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    if mobile:
        o.add_experimental_option("mobileEmulation", {"deviceMetrics": {"width": 390, "height": 844, "pixelRatio": 1}})
    if not js:
        o.add_experimental_option("prefs", {"profile.managed_default_content_settings.javascript": 2})
    d = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=o)
    if not mobile:
        d.set_window_size(width, 900)
    # Record CSP violations from the first byte of every page on.
    d.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source":
        "window.__csp = []; document.addEventListener('securitypolicyviolation',"
        " e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));"})
    return d


VISIBLE = "return [...document.querySelectorAll(arguments[0])].filter(e => !e.closest('[hidden]')).length"


def visible(d, sel):
    return d.execute_script(VISIBLE, sel)


def counts(d):
    return (visible(d, "article.control"), visible(d, "tr.gap-row"),
            d.find_element(By.ID, "shown-count").text, d.find_element(By.ID, "gap-count").text)


def assert_view(d, want, what):
    n, gaps, shown, gap_count = counts(d)
    want_gaps = sum(1 for c in want if c["gap"])
    check(n == len(want), f"{what}: {n} controls shown, {len(want)} expected")
    check(gaps == want_gaps, f"{what}: {gaps} register rows shown, {want_gaps} expected")
    check(shown == f"{len(want)} / {len(controls)}", f"{what}: count reads {shown!r}")
    filtered = len(want) != len(controls)
    want_count = f"{want_gaps} / {len(register)}" if filtered else str(len(register))
    check(gap_count == want_count, f"{what}: register heading count {gap_count!r}, {want_count!r} expected")
    ids = d.execute_script("return [...document.querySelectorAll('article.control')]"
                           ".filter(e => !e.closest('[hidden]')).map(e => e.dataset.id)")
    check(ids == [c["id"] for c in want], f"{what}: the very controls expected")


def settle(d):
    d.execute_script("return new Promise(r => requestAnimationFrame(() => setTimeout(r, 0)))")


def no_requests(d, what):
    """Every request the report's documents made is for the report itself (or data:), and the
    browser as a whole sent nothing over the network (its own chrome:// pages aside)."""
    mine, network = [], []
    for entry in d.get_log("performance"):
        m = json.loads(entry["message"])["message"]
        if m["method"] == "Network.requestWillBeSent":
            url, doc = m["params"]["request"]["url"], m["params"].get("documentURL", "")
            if doc.split("#")[0] == page:
                mine.append(url)
            if url.split(":")[0] in ("http", "https", "ws", "wss", "ftp"):
                network.append(url)
    check(mine != [], f"{what}: the network log holds the report's requests")
    strays = [u for u in mine if u.split("#")[0] != page and not u.startswith("data:")]
    check(strays == [], f"{what}: the page requests nothing but itself {strays[:3]}")
    check(network == [], f"{what}: no request leaves the machine {network[:3]}")
    violations = d.execute_script("return window.__csp")
    check(violations == [], f"{what}: no CSP violation {violations}")
    console = [e["message"] for e in d.get_log("browser") if e["level"] in ("SEVERE", "WARNING")]
    check(console == [], f"{what}: console clean {console[:3]}")


d = driver()
try:
    d.get(page)
    settle(d)
    assert_view(d, controls, "initial view")
    check(d.find_element(By.ID, "filters").is_displayed(), "the filters show with JavaScript")
    box = d.find_element(By.CSS_SELECTOR, "input[type=search]")

    # Search: Japanese, then full-width Latin that NFKC and case folding turn into "soc".
    box.send_keys("バックアップ")
    settle(d)
    assert_view(d, expect(q="バックアップ"), "search バックアップ")
    box.clear()
    box.send_keys("ｓｏｃ")
    settle(d)
    assert_view(d, expect(q="ｓｏｃ"), "search ｓｏｃ (full-width, lower case)")
    check(len(expect(q="ｓｏｃ")) > 0, "ｓｏｃ matches SOC in answers")
    box.clear()
    box.send_keys("運２６")
    settle(d)
    assert_view(d, expect(q="運２６"), "search 運２６ (full-width id)")
    box.clear()
    box.send_keys("バックアップ")
    settle(d)

    # Filters, one after another, with the query still on.
    Select(d.find_element(By.NAME, "status")).select_by_value("gap")
    settle(d)
    want = expect(q="バックアップ", status="gap")
    assert_view(d, want, "バックアップ + gaps")
    check(len(want) > 0, "バックアップ + gaps is not empty")
    box.clear()
    settle(d)
    assert_view(d, expect(status="gap"), "gaps")
    Select(d.find_element(By.NAME, "section")).select_by_value("運用")
    settle(d)
    assert_view(d, expect(status="gap", section="運用"), "gaps in 運用")
    Select(d.find_element(By.NAME, "resp")).select_by_value("customer")
    settle(d)
    assert_view(d, expect(status="gap", section="運用", resp="customer"), "gaps in 運用, customer")
    d.find_element(By.NAME, "overdue").click()
    settle(d)
    assert_view(d, expect(status="gap", section="運用", resp="customer", overdue=True), "… overdue")
    owner = "情報システム部 佐藤"
    Select(d.find_element(By.NAME, "owner")).select_by_value(owner)
    settle(d)
    assert_view(d, expect(status="gap", section="運用", resp="customer", overdue=True, owner=owner), "… owner")
    d.find_element(By.CSS_SELECTOR, "#filters button[type=reset]").click()
    settle(d)
    assert_view(d, controls, "after clearing")
    Select(d.find_element(By.NAME, "status")).select_by_value("not_applicable")
    settle(d)
    assert_view(d, expect(status="not_applicable"), "status 対象外")
    Select(d.find_element(By.NAME, "status")).select_by_value("met")
    settle(d)
    assert_view(d, expect(status="met"), "met")

    # Sorting the register: a button per sortable header, by mouse and by keyboard.
    d.find_element(By.CSS_SELECTOR, "#filters button[type=reset]").click()
    settle(d)
    order = lambda: d.execute_script("return [...document.querySelectorAll('tr.gap-row')].map(r => r.cells[0].textContent)")
    gaps = {c["id"]: c for c in controls if c["gap"]}
    by_due = sorted(register, key=lambda i: (gaps[i]["due"] is None, gaps[i]["due"] or "", register.index(i)))
    due = d.find_element(By.CSS_SELECTOR, "th[data-sort=due] button")
    due.click()
    settle(d)
    check(order() == by_due, "sorted by due date, earliest first, none last")
    th = d.find_element(By.CSS_SELECTOR, "th[data-sort=due]")
    check(th.get_attribute("aria-sort") == "ascending", "aria-sort ascending")
    due.send_keys(Keys.ENTER)
    settle(d)
    check(th.get_attribute("aria-sort") == "descending", "Enter on the focused button sorts descending")
    dated = [i for i in by_due if gaps[i]["due"]]
    check([i for i in order() if gaps[i]["due"]] == sorted(dated, key=lambda i: (gaps[i]["due"], -register.index(i)), reverse=True),
          "sorted by due date, latest first")
    rank = {"high": 0, "medium": 1, "low": 2}
    d.find_element(By.CSS_SELECTOR, "th[data-sort=risk] button").click()
    settle(d)
    check(order() == sorted(register, key=lambda i: (rank.get(gaps[i]["risk"], 9), register.index(i))), "sorted by risk, high first")
    check(d.find_elements(By.CSS_SELECTOR, "th[aria-sort]") == [d.find_element(By.CSS_SELECTOR, "th[data-sort=risk]")],
          "one header carries aria-sort")
    d.find_element(By.CSS_SELECTOR, "th[data-sort=id] button").click()
    settle(d)
    catalogue = [c["id"] for c in controls]
    check(order() == sorted(register, key=catalogue.index), "sorted by id: catalogue order")

    # The view in the fragment: set filters, read the URL, open it anew.
    box.send_keys("バックアップ")
    Select(d.find_element(By.NAME, "status")).select_by_value("gap")
    settle(d)
    url = d.current_url
    check("q=" in url and "status=gap" in url and "sort=id" in url, f"state in the fragment: {url[-60:]}")
    d.get("about:blank")
    d.get(url)
    settle(d)
    assert_view(d, expect(q="バックアップ", status="gap"), "reloaded from the fragment")
    check(d.find_element(By.NAME, "q").get_attribute("value") == "バックアップ", "the search box is filled from the fragment")
    d.get(page + "#" + "q=" + quote("ＳＯＣ") + "&status=met&section=" + quote("設備"))
    settle(d)
    assert_view(d, expect(q="ＳＯＣ", status="met", section="設備"), "a hand-written fragment")
    d.get(page + "#owner=" + quote("nobody here") + "&status=met")
    settle(d)
    assert_view(d, expect(status="met"), "an owner the report does not have is dropped")
    d.get("about:blank")
    d.get(page + "#c-" + quote("運26"))
    settle(d)
    assert_view(d, controls, "plain anchor #c-運26")
    top = d.execute_script("return document.getElementById('c-運26').getBoundingClientRect().top")
    check(abs(top) < 5, f"#c-運26 scrolls to the control (top {top})")

    # Timing on the example (the 10,000-control timing is docs/benchmarks.md's).
    ms = d.execute_script("const t = performance.now(); kansaView.apply('#q=' + encodeURIComponent('バックアップ') + '&status=gap');"
                          " document.body.offsetHeight; return performance.now() - t")
    print(f"info one filter pass with layout on the example: {ms:.1f} ms")
    no_requests(d, "with JavaScript")
    if shots:
        d.get(page)
        settle(d)
        d.save_screenshot(os.path.join(shots, "html-1280.png"))
        d.get(page + "#status=gap&sort=due")
        settle(d)
        d.execute_script("document.getElementById('gaps').scrollIntoView()")
        d.save_screenshot(os.path.join(shots, "html-1280-register.png"))

    # Print: A4 from the page's own @page rules, at most 1.5 times the PDF's pages.
    d.get(page)
    settle(d)
    printed = base64.b64decode(d.execute_cdp_cmd("Page.printToPDF", {"preferCSSPageSize": True, "printBackground": True})["data"])
    pages = printed.count(b"/Type /Page") - printed.count(b"/Type /Pages")
    check(0 < pages <= 1.5 * pdf_pages, f"print: {pages} pages, the PDF has {pdf_pages}")
    if shots:
        open(os.path.join(shots, "html-print.pdf"), "wb").write(printed)
finally:
    d.quit()

# Phone width, with JavaScript (the filters shown) and with a wide table in view.
d = driver(mobile=True)
try:
    d.get(page)
    settle(d)
    width, inner = d.execute_script("return [document.documentElement.scrollWidth, innerWidth]")
    check(width <= inner, f"390 px: page {width} px wide in a {inner} px viewport")
    labels = d.execute_script("return [...document.querySelectorAll('figure.chart svg text')].map(t => t.getBoundingClientRect().height)")
    check(labels and min(labels) >= 9, f"390 px: chart text at least 9 px high (smallest {min(labels or [0]):.1f})")
    no_requests(d, "390 px")
    if shots:
        d.save_screenshot(os.path.join(shots, "html-390.png"))
        d.execute_script("document.getElementById('gaps').scrollIntoView()")
        d.save_screenshot(os.path.join(shots, "html-390-register.png"))
finally:
    d.quit()

# Without JavaScript: everything shown, no filters, nothing hidden.
d = driver(js=False)
try:
    d.get(page + "#q=x&status=gap")
    n = visible(d, "article.control")
    check(n == len(controls), f"no JavaScript: {n} of {len(controls)} controls shown")
    check(visible(d, "tr.gap-row") == len(register), "no JavaScript: every register row shown")
    check(not d.find_element(By.ID, "filters").is_displayed(), "no JavaScript: no filters")
finally:
    d.quit()

# Optional: filter timing on a large report (docs/benchmarks.md), KANSA_HTML_TIMING=FILE.html.
big = os.environ.get("KANSA_HTML_TIMING")
if big:
    d = driver()
    try:
        d.set_script_timeout(120)
        t = time.time()
        d.get("file://" + quote(os.path.abspath(big)))
        n = d.execute_script("return document.querySelectorAll('article.control').length")
        print(f"info {big}: {n} controls, loaded in {time.time() - t:.1f} s")
        time.sleep(2)  # the search index is built in the background after load
        TIME = ("const t = performance.now(); kansaView.apply(arguments[0]);"
                " document.body.offsetHeight; return performance.now() - t")
        sections = d.execute_script("return [...document.querySelectorAll('#f-section option')].map(o => o.value).filter(v => v)")
        views = [("search 管理", "#q=" + quote("管理")), ("search ｓｏｃ (NFKC)", "#q=" + quote("ｓｏｃ")),
                 ("status=gap", "#status=gap"), ("section + gap + overdue", "#status=gap&overdue=1&section=" + quote(sections[1])),
                 ("gap, sorted by due", "#status=gap&sort=due"), ("all again", "#")]
        worst = 0
        for name, h in views:
            runs = []
            for _ in range(5):
                d.execute_script(TIME, "#q=" + quote("\u3042\u3042\u3042"))  # from another view each time
                runs.append(d.execute_script(TIME, h))
            runs.sort()
            shown = d.find_element(By.ID, "shown-count").text
            print(f"info {name}: median {runs[2]:.1f} ms, max {runs[-1]:.1f} ms (5 runs; {shown} shown)")
            worst = max(worst, runs[2])
        check(worst < 200, f"{n} controls: every filter view under 200 ms (median; worst {worst:.1f} ms)")
        many = d.execute_script("const t = document.querySelector('table.findings');"
                                " return [t.classList.contains('many'), t.getAttribute('role'), t.rows[1].getAttribute('role')]")
        check(many == [True, "table", "row"], f"a register of {n} controls: rows as grids, with table roles {many}")
        # The same with the findings register on screen (its rows are laid out, not skipped).
        d.execute_script("kansaView.apply('#'); document.getElementById('gaps').scrollIntoView()")
        for name, h in views[:1] + views[2:5]:
            runs = []
            for _ in range(3):
                d.execute_script(TIME, "#")
                runs.append(d.execute_script(TIME, h))
            runs.sort()
            print(f"info register in view, {name}: median {runs[1]:.1f} ms, max {runs[-1]:.1f} ms")
    finally:
        d.quit()

if failures:
    print(f"html check: {len(failures)} failed", file=sys.stderr)
    for f in failures:
        print("  " + f, file=sys.stderr)
    sys.exit(1)
print("html check: all passed")
PY
