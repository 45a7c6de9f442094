"""A pseudo-locale in which every translated string is visibly marked, and the text a person sees.

``pseudo_catalogue(directory)`` writes ``<directory>/xx/LC_MESSAGES/django.mo``: every entry of
the French catalogue as Django loads it (the project's ``locale/fr`` and Django's own, so form
errors and month names count too) with its translation wrapped in ``⟦ ⟧``. A page rendered in
``xx`` then shows ``⟦…⟧`` around everything that went through gettext, and plain text around
everything that did not.

``visible_text(html)`` lists what a person sees or hears of a page: text nodes (outside script
and style), the title, and the placeholder, aria-label, alt and title attributes and the value
of buttons. ``unmarked(text, data)`` is what is left once marked strings, data values, numbers,
dates and punctuation are taken out.
"""

import re
from html.parser import HTMLParser
from pathlib import Path

import polib
from django.utils import translation
from django.utils.translation import trans_real

PSEUDO = "xx"
OPEN, CLOSE = "⟦", "⟧"
_INNERMOST = re.compile(f"{OPEN}[^{OPEN}{CLOSE}]*{CLOSE}")
# Numbers, times, dates written with digits, and everything that is not a letter.
_NOT_WORDS = re.compile(r"[^\w]|[\d_]")
# Data of a shape rather than a value: the initial of a last name ("Lina M."), a path or an
# address (anything with a slash: the audit trail's paths, links shown as text).
_DATA_SHAPES = re.compile(r"(?<!\w)[A-ZÀ-Ý]\.|\S*/\S*")


def pseudo_catalogue(directory: Path) -> Path:
    with translation.override("fr"):
        french = trans_real.translation("fr")
    entries: dict[str, str] = {}
    plurals: dict[str, dict[int, str]] = {}
    for key, value in french._catalog.items():
        if isinstance(key, tuple):
            msgid, index = key
            plurals.setdefault(msgid, {}).setdefault(index, f"{OPEN}{value}{CLOSE}")
        elif key:
            entries.setdefault(key, f"{OPEN}{value}{CLOSE}")
    catalogue = polib.POFile()
    catalogue.metadata = {
        "Content-Type": "text/plain; charset=UTF-8",
        "Plural-Forms": "nplurals=2; plural=(n > 1);",
        "Language": PSEUDO,
    }
    for msgid, msgstr in entries.items():
        catalogue.append(polib.POEntry(msgid=msgid, msgstr=msgstr))
    for msgid, forms in plurals.items():
        catalogue.append(
            polib.POEntry(
                msgid=msgid,
                # The plural id is not kept by Django's catalogue; lookups use the singular only.
                msgid_plural=f"{msgid}\x01plural",
                msgstr_plural={0: forms.get(0, ""), 1: forms.get(1, forms.get(0, ""))},
            )
        )
    target = directory / PSEUDO / "LC_MESSAGES"
    target.mkdir(parents=True, exist_ok=True)
    catalogue.save_as_mofile(str(target / "django.mo"))
    return directory


class _VisibleText(HTMLParser):
    """Text is gathered per block (a paragraph with a link inside is one string, as a
    translator sees it); attributes one by one."""

    SKIPPED = {"script", "style", "template"}
    INLINE = {
        "a",
        "abbr",
        "b",
        "br",
        "code",
        "em",
        "i",
        "kbd",
        "mark",
        "q",
        "s",
        "small",
        "span",
        "strong",
        "sub",
        "sup",
        "time",
        "u",
        "wbr",
        "bdi",
        "data",
        "dfn",
        "var",
        "samp",
    }
    VOID = {"input", "br", "img", "meta", "link", "hr", "source", "col", "wbr", "area"}
    ATTRIBUTES = ("placeholder", "aria-label", "alt", "title")
    BUTTON_TYPES = {"submit", "button", "reset"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[tuple[str, str]] = []
        self._skipping: list[str] = []
        self._blocks: list[str] = []
        self._buffer: list[str] = []

    def _flush(self) -> None:
        text = " ".join("".join(self._buffer).split())
        if text:
            self.texts.append((self._blocks[-1] if self._blocks else "text", text))
        self._buffer = []

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        for name in self.ATTRIBUTES:
            if values.get(name):
                self.texts.append((f"{tag}[{name}]", values[name]))
        if tag == "input" and values.get("type") in self.BUTTON_TYPES and values.get("value"):
            self.texts.append(("input[value]", values["value"]))
        if tag in self.INLINE or tag in self.VOID:
            return
        self._flush()
        if tag in self.SKIPPED:
            self._skipping.append(tag)
        self._blocks.append(tag)

    def handle_endtag(self, tag):
        if tag in self.INLINE or tag in self.VOID:
            return
        self._flush()
        if self._skipping and self._skipping[-1] == tag:
            self._skipping.pop()
        if tag in self._blocks:
            while self._blocks and self._blocks.pop() != tag:
                pass

    def handle_data(self, data):
        if not self._skipping:
            self._buffer.append(data)

    def close(self):
        super().close()
        self._flush()


def visible_text(html: str) -> list[tuple[str, str]]:
    parser = _VisibleText()
    parser.feed(html)
    parser.close()
    return parser.texts


def without_marked(text: str) -> str:
    previous = None
    while previous != text:
        previous, text = text, _INNERMOST.sub(" ", text)
    return text


def unmarked(text: str, data: list[str]) -> str:
    """The words of ``text`` that no translation marked and that are not data; '' if none."""
    rest = without_marked(text)
    for value in data:
        if value in rest:
            rest = rest.replace(value, " ")
    rest = _DATA_SHAPES.sub(" ", rest)
    if not _NOT_WORDS.sub("", rest):
        return ""
    return " ".join(rest.split())
