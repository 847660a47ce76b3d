#!/usr/bin/env python3
"""search_corpus.py -- build the search benchmark corpus from Debian's
manpages-ja (apt-get install manpages-ja): every groff page under
/usr/share/man/ja/ (gzip'd) is stripped of its markup and split into
paragraphs (.PP .P .LP .TP .IP .HP .SH .SS .sp and blank lines start a new
one); each paragraph with at least one Japanese character is a document,
and a paragraph longer than 160 characters is cut after a 。 into pieces of
at least 80 characters (so that the corpus passes 100,000 documents).

Output (default /tmp/mg-search-corpus.tsv), one document a line:
    id <TAB> title <TAB> body
id is "page.section/n", title "PAGE(section) heading".  Tabs and newlines
in text become spaces.  Deterministic: files are read in sorted order.
The corpus is never committed (it is Debian's text, rebuilt on demand).

    python3 bench/search_corpus.py [OUT] [MAN_DIR]
"""
import gzip, os, re, sys

out_path = sys.argv[1] if len(sys.argv) > 1 else "/tmp/mg-search-corpus.tsv"
man_dir = sys.argv[2] if len(sys.argv) > 2 else "/usr/share/man/ja"

LONG, PIECE = 160, 80
BREAK = re.compile(r"^\.(PP|P|LP|TP|IP|HP|SH|SS|sp|br|RS|RE|nf|fi|TH|in|ti)\b")
JA = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff66-\uff9f]")
ESC = [
    (re.compile(r"\\f(\[[^\]]*\]|\(..|.)"), ""),   # font changes
    (re.compile(r"\\s[-+]?\d"), ""),                # size changes
    (re.compile(r"\\\(em|\\\(en"), "—"),
    (re.compile(r"\\\(co"), "©"),
    (re.compile(r"\\\(bu"), "・"),
    (re.compile(r"\\\((..)"), ""),                  # other specials
    (re.compile(r"\\\[[^\]]*\]"), ""),
    (re.compile(r"\\[-]"), "-"),
    (re.compile(r"\\[&/,|^%:]"), ""),
    (re.compile(r"\\e"), "\\\\"),
    (re.compile(r"\\ "), " "),
    (re.compile(r"\\\*\(..|\\\*\[[^\]]*\]|\\\*."), ""),
    (re.compile(r"\\n\(..|\\n."), ""),
    (re.compile(r"\\c$"), ""),
]

def clean(line):
    for rx, rep in ESC:
        line = rx.sub(rep, line)
    return line.replace("\\", "")

def chunks(body):
    """a paragraph longer than LONG characters is cut after a 。 into
    pieces of at least PIECE characters (the last piece takes the rest)"""
    if len(body) <= LONG:
        return [body]
    out, cur = [], ""
    for sent in re.split(r"(?<=。)", body):
        cur += sent
        if len(cur) >= PIECE:
            out.append(cur.strip())
            cur = ""
    if cur.strip():
        if out and len(cur) < PIECE // 2:
            out[-1] += cur
        else:
            out.append(cur.strip())
    return out

def pages():
    for root, _, files in os.walk(man_dir):
        for f in files:
            if f.endswith(".gz"):
                yield os.path.join(root, f)

def main():
  n = 0
  with open(out_path, "w", encoding="utf-8") as out:
    for path in sorted(pages()):
        try:
            raw = gzip.open(path).read()
        except OSError:
            continue
        text = raw.decode("utf-8", errors="replace")
        if text.startswith(".so "):
            continue                                    # a link to another page
        base = os.path.basename(path)[:-3]
        name, _, sect = base.rpartition(".")
        heading, para, k = "", [], 0

        def flush():
            nonlocal k, n
            body = " ".join(" ".join(para).split())
            para.clear()
            if not JA.search(body):
                return
            title = f"{name.upper()}({sect}) {heading}".strip()
            for piece in chunks(body):
                k += 1
                n += 1
                out.write(f"{base}/{k}\t{title}\t{piece}\n")

        for line in text.split("\n"):
            if line.startswith('.\\"') or line.startswith("'\\\""):
                continue
            if BREAK.match(line) or not line.strip():
                flush()
                m = re.match(r"^\.(SH|SS)\s+(.*)", line)
                if m:
                    heading = clean(m.group(2)).strip('"').strip()
                    continue
                rest = re.sub(r"^\.\w+\s*", "", line)
                if line.startswith((".TP", ".IP", ".HP")) and rest:
                    para.append(clean(rest).strip('"'))
                continue
            if line.startswith((".", "'")):
                m = re.match(r"^[.'](B|I|BI|BR|IB|IR|RB|RI|SM|SB|UR|MT)\s+(.*)", line)
                if m:
                    para.append(clean(m.group(2)).replace('"', ""))
                continue
            para.append(clean(line))
        flush()
  print(f"corpus: {n} documents in {out_path}", file=sys.stderr)

main()
