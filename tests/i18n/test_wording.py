"""French that reads right whoever it names: no "(e)" for a gender the words cannot know
(a wording without agreement instead: "date de naissance", not "né(e) le"), and no "de" or
"que" just before a person's name, which would need an elision before a vowel ("Signature de
Aminata"): such messages are worded around the name ("Signature : Aminata")."""

import re

import polib

from tests.i18n.test_catalogue import CATALOGUE

PERSON = r"%\((?:name|first_name|participant|child|guardian|who)\)s"
FAULTS = {
    "gender marked with (e)": re.compile(r"\w\((?:e|es|ne|le)\)"),
    "de or que before a name": re.compile(rf"\b(?:[Dd]e|[Qq]ue) {PERSON}"),
}


def wording_faults(catalogue: polib.POFile) -> list[str]:
    found = []
    for entry in catalogue.translated_entries():
        for text in [entry.msgstr, *entry.msgstr_plural.values()]:
            found += [f"{name}: {text!r}" for name, rule in FAULTS.items() if rule.search(text)]
    return found


def test_french_messages_need_no_agreement_and_no_elision_before_a_name():
    faults = wording_faults(polib.pofile(str(CATALOGUE)))
    assert not faults, "\n".join(faults)


def test_the_wording_check_catches_both_faults(tmp_path):
    po = tmp_path / "django.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "born %(date)s"\nmsgstr "né(e) le %(date)s"\n\n'
        'msgid "Signature of %(name)s"\nmsgstr "Signature de %(name)s"\n\n'
        'msgid "Results of %(title)s"\nmsgstr "Résultats de %(title)s"\n',
        encoding="utf-8",
    )
    assert len(wording_faults(polib.pofile(str(po)))) == 2
