"""The reader document's stylesheet (Qt's rich-text CSS subset), light and dark. No Qt here.

Code lines hang (``margin-left`` with a negative ``text-indent``): a command that
soft-wraps shows its continuation indented, so one long line never looks like
several.
"""

from __future__ import annotations


def document_css(dark: bool = False) -> str:
    """Default stylesheet of the reader document (Qt rich-text CSS subset)."""
    c = _DARK if dark else _LIGHT
    return f"""
body {{ color: {c["fg"]}; }}
a {{ color: {c["link"]}; text-decoration: none; }}
h1 {{ font-size: x-large; margin-top: 10px; }}
h2 {{ font-size: large; margin-top: 16px; border-bottom: 1px solid {c["rule"]}; }}
h3 {{ font-size: medium; margin-top: 12px; }}
table.card {{ background-color: {c["card"]}; border: 1px solid {c["rule"]}; margin-bottom: 8px; }}
p.cardwhere {{ color: {c["muted"]}; }}
span.path {{ font-family: monospace; }}
table.codebox {{ background-color: {c["code"]}; border: 1px solid {c["rule"]};
  margin: 4px 0 8px 0; }}
table.danger-box {{ border: 2px solid {c["red"]}; }}
table.diagram {{ background-color: {c["card"]}; border: 1px dashed {c["rule"]};
  margin: 4px 0 8px 0; }}
a.unfilled {{ color: {c["unfilledfg"]}; background-color: {c["unfilled"]};
  font-weight: bold; text-decoration: underline; }}
span.unfilledwarn {{ color: {c["amber"]}; font-weight: bold; }}
p.toc {{ background-color: {c["card"]}; border: 1px solid {c["rule"]}; }}
td.codehead {{ background-color: {c["codehead"]}; color: {c["muted"]}; font-size: small; }}
pre.code {{ font-family: monospace; white-space: pre-wrap; margin: 0 0 0 20px;
  text-indent: -20px; }}
code {{ font-family: monospace; background-color: {c["code"]}; }}
a.icode {{ color: {c["fg"]}; }}
a.copy {{ font-weight: bold; color: {c["link"]}; }}
span.lang {{ font-weight: bold; }}
span.num {{ color: {c["muted"]}; }}
span.danger {{ color: {c["red"]}; font-weight: bold; }}
span.hiddenwarn {{ color: {c["red"]}; font-weight: bold; }}
span.hidden {{ color: #ffffff; background-color: {c["red"]}; }}
span.filled {{ background-color: {c["filled"]}; color: {c["filledfg"]}; font-weight: bold; }}
span.cut {{ color: {c["muted"]}; font-style: italic; }}
span.amber {{ color: {c["amber"]}; font-weight: bold; }}
span.red {{ color: {c["red"]}; font-weight: bold; }}
span.blocked {{ color: {c["muted"]}; font-style: italic; }}
p.notice {{ color: {c["amber"]}; font-weight: bold; }}
a.box {{ color: {c["fg"]}; font-size: x-large; }}
h1 a.box {{ font-size: x-large; }}
h2 a.box {{ font-size: large; }}
h3 a.box, h4 a.box, h5 a.box, h6 a.box {{ font-size: medium; }}
a.on {{ color: {c["green"]}; }}
a.step {{ font-weight: bold; }}
table.md {{ border-color: {c["rule"]}; }}
th {{ background-color: {c["codehead"]}; }}
"""


_LIGHT = {
    "fg": "#1f2328",
    "muted": "#59636e",
    "link": "#0969da",
    "rule": "#d0d7de",
    "card": "#f6f8fa",
    "code": "#f6f8fa",
    "codehead": "#eaeef2",
    "red": "#cf222e",
    "amber": "#9a6700",
    "green": "#1a7f37",
    "filled": "#fff1a8",
    "filledfg": "#1f2328",
    "unfilled": "#ffebe9",
    "unfilledfg": "#a40e26",
}
_DARK = {
    "fg": "#e6edf3",
    "muted": "#9198a1",
    "link": "#4493f8",
    "rule": "#3d444d",
    "card": "#151b23",
    "code": "#151b23",
    "codehead": "#212830",
    "red": "#f85149",
    "amber": "#d29922",
    "green": "#3fb950",
    "filled": "#5a4a00",
    "filledfg": "#fff4c2",
    "unfilled": "#5d0f12",
    "unfilledfg": "#ffdcd7",
}
