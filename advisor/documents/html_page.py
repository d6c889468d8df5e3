"""One self-contained HTML page: inline CSS, no script, nothing fetched (no web font, no
image, no link to load), a font stack that shows Chinese from the fonts already on the
machine, and print styles for A4.  Every text goes in through `esc`: a Situation's
labels are the person's own words and untrusted.  No template engine is a dependency,
so pages are small string building, here."""

from __future__ import annotations

import html
import re

# Fonts on the reader's machine only: Noto Sans CJK / Source Han Sans (Linux), PingFang
# and Hiragino (macOS), Microsoft YaHei / JhengHei (Windows); SC before TC, as the
# default language is Simplified Chinese.
FONT_STACK = (
    '"Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Noto Sans CJK TC", "Source Han Sans TC", '
    '"PingFang SC", "PingFang TC", "Hiragino Sans GB", "Microsoft YaHei", "Microsoft JhengHei", '
    '"WenQuanYi Micro Hei", "Droid Sans Fallback", sans-serif'
)

CSS = """
@page { size: A4; margin: 16mm 15mm 18mm 15mm; }
* { box-sizing: border-box; }
html { font-family: FONTS; font-size: 11pt; line-height: 1.55; color: #1b1b1b; background: #fff; }
body { max-width: 180mm; margin: 0 auto; padding: 8mm 4mm; }
h1 { font-size: 20pt; margin: 0 0 2mm; }
h2 { font-size: 14pt; margin: 7mm 0 2mm; padding-bottom: 1mm; border-bottom: 1.5pt solid #333; }
h3 { font-size: 11.5pt; margin: 0 0 1mm; }
p { margin: 0 0 1.5mm; }
.meta, .muted { color: #555; font-size: 9.5pt; }
ul.overview { list-style: none; padding: 0; margin: 0; }
ul.overview li { margin: 0 0 1.5mm; padding: 1.5mm 2.5mm; border-left: 4pt solid #999; background: #f6f6f6; }
ul.overview li.act { border-color: #1f5fbf; }
ul.overview li.risk { border-color: #c0392b; }
ul.overview li.calm { border-color: #2e8b57; }
.tag { display: inline-block; min-width: 3.2em; font-weight: bold; margin-right: 2mm; }
.act .tag { color: #1f5fbf; } .risk .tag, .serious { color: #c0392b; }
.calm .tag, .calm-text { color: #2e7d4f; } .watch { color: #9a6700; }
ol.steps { padding-left: 0; list-style: none; margin: 0; }
ol.steps > li { display: flex; gap: 3mm; margin: 0 0 3.5mm; }
.num { flex: 0 0 8mm; height: 8mm; border-radius: 50%; background: #1f5fbf; color: #fff; font-weight: bold;
  text-align: center; line-height: 8mm; }
.step { flex: 1; }
.call a { font-weight: bold; font-size: 12pt; color: #1b1b1b; text-decoration: none; border: 1pt solid #1f5fbf;
  border-radius: 2mm; padding: 0 1.5mm; margin-right: 1.5mm; }
.refs a, .refs { color: #555; font-size: 9pt; }
dl.effects dt { font-weight: bold; } dl.effects dd { margin: 0 0 2mm 0; }
.debt { font-weight: bold; margin-top: 2mm; }
ul.timeline { margin: 0 0 1mm; padding-left: 5mm; }
ol.sources { padding-left: 6mm; font-size: 9.5pt; }
ol.sources li { margin-bottom: 1.5mm; }
.address { overflow-wrap: anywhere; word-break: break-all; }
.warnings { border: 1pt solid #9a6700; background: #fff8e6; padding: 2mm 3mm; }
footer { margin-top: 8mm; padding-top: 2mm; border-top: 0.75pt solid #999; font-size: 9pt; color: #444; }
.letter p { margin: 0 0 2.5mm; }
.blank { background: #fff3b0; border-bottom: 1pt dashed #9a6700; padding: 0 0.5mm; }
.note { border: 1pt dashed #999; padding: 2mm 3mm; font-size: 9.5pt; color: #444; margin-bottom: 5mm; }
@media print {
  body { max-width: none; padding: 0; }
  h2, h3 { break-after: avoid; }
  ol.steps > li, ul.overview li, dl.effects dd, ol.sources li { break-inside: avoid; }
  .num { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  ul.overview li, .blank, .warnings { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  .note { display: none; }
}
""".replace("FONTS", FONT_STACK)

TC_FIRST = (
    '"Noto Sans CJK TC", "Source Han Sans TC", "PingFang TC", "Microsoft JhengHei", "Noto Sans CJK SC", '
    '"PingFang SC", "Microsoft YaHei", sans-serif'
)
# Traditional Chinese pages prefer the traditional glyph shapes.
CSS += "html:lang(zh-Hant) { font-family: " + TC_FIRST + "; }\n"


def lang_tag(language: str) -> str:
    """The page's `lang` (BCP 47) for a catalog language: zh is Simplified Chinese."""
    return "zh-Hans" if language == "zh" else language


# 【…】: a blank the person fills in (letters); shown highlighted on the page.
BLANK = re.compile(r"【[^】]*】")


def esc(text: object) -> str:
    """`text` as HTML text or attribute value: &, <, >, " and ' escaped."""
    return html.escape(str(text), quote=True)


def esc_marking_blanks(text: str) -> str:
    """`esc(text)` with each 【…】 blank wrapped in a highlighted span."""
    parts, last = [], 0
    for found in BLANK.finditer(text):
        parts.append(esc(text[last : found.start()]))
        parts.append(f'<span class="blank">{esc(found.group())}</span>')
        last = found.end()
    parts.append(esc(text[last:]))
    return "".join(parts)


def page(language: str, title: str, body: str) -> str:
    """A whole page in a catalog `language`: `body` is HTML already escaped by its builder."""
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{esc(lang_tag(language))}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        # Nothing may be loaded from anywhere: no script, no network, no frame.
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n"
        '<meta name="referrer" content="no-referrer">\n'
        f"<title>{esc(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n"
    )
