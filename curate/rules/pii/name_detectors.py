"""Name detectors of the unseen-name classes (moved out of ``engine.py``, which holds the
passes): a capitalised word no list holds in a person's place, checked in Python
(``unseen.py``), and a note's subject before a person's verb."""

from __future__ import annotations

from curate.rules.pii.detector import Detector
from curate.rules.pii.name_contexts import NOTE_SUBJECT_AFTER, NOTE_SUBJECT_BEFORE, SENTENCE_START
from curate.rules.pii.patterns import LOWER, UPPER
from curate.rules.pii.unseen import (
    PRONOUN_AFTER,
    PRONOUN_GATE,
    PRONOUN_NEXT,
    PRONOUN_NEXT_GATE,
    UNSEEN_SLOT,
)


def _unseen_detectors() -> list[Detector]:
    """A capitalised word that no other detector took, where a person is often named, checked
    in Python (unseen.unseen_word: no English word, place, brand or listed name): a name no
    list holds. The places: after a word that governs a person ("Why is Vehbija so
    impulsive?", "I met Akifumi"; unseen.UNSEEN_SLOT), and two such words joined by "and"
    opening a sentence ("Boix and Ajao were"). Not a word opening a sentence before "is",
    "has", "said": in generated tickets ("This is", "Cable is") that made the trailing pass
    3x as costly, and in support tweets brands were subjects as often ("Cmerga is", "Presto
    said"). After any lower-case word the candidates were 3.5 finds per generated ticket and
    a pass of their own cost a fifth of the scan; a class before the words, not a word's
    edge, keeps Rust from a prefilter on frequent literals (2.4x as slow)."""
    # (a word's edge; after a letter that is no ASCII, a blank or a stop: "Kovač.")
    end = r"(?:\b|$|[ \t.,;:!?)\"'’])"
    token = rf"(?:[{UPPER}]['’])?[{UPPER}][{LOWER}]{{2,}}(?:-[{UPPER}][{LOWER}]+)?"
    name = rf"{token}(?:[ \t]+(?:[{UPPER}]\.?[ \t]+)?{token}){{0,2}}"
    first = rf"(?:[A-SUVX-Z{UPPER[3:]}]|[TW][a-gi-z])[{LOWER}]{{3,}}"
    return [
        # (no context after: the check sees what follows, names._peek: "with Lou Gehrig's
        # disease" is an eponym's)
        # (digits or capitals after it are the find's, which the check gives back: "is
        # Dragonslayer99", "AllinfortheLaptop.com")
        Detector(
            "person",
            rf"{name}[0-9A-Za-z_]*",
            before=rf"(?:^|[ \t,(]){UNSEEN_SLOT}[ \t]+",
            check="unseen",
        ),
        # two names opening a sentence: "Boix and Carre were" (both checked, one find)
        Detector("person", rf"{first}[ \t]+and[ \t]+{token}", SENTENCE_START, end, "unseen"),
        # one opening a sentence as the subject of "is"/"had", a person's pronoun after it
        # ("Simonetta is a very sympathetic person", "Sevican had given Minhas his address"):
        # a brand is "it"; spelt like a name too (check "unseen_shape", unseen.name_shape)
        Detector("person", token, SENTENCE_START, PRONOUN_AFTER, "unseen_shape", gate=PRONOUN_GATE),
        # and "him"/"her" in the next sentence: "Seona is very reliable. You can always depend
        # on her."
        Detector(
            "person", token, SENTENCE_START, PRONOUN_NEXT, "unseen_shape", gate=PRONOUN_NEXT_GATE
        ),
    ]


def _note_subjects() -> list[Detector]:
    """A note's capitalised word no list holds opening a sentence (or after "time,") before a
    verb that only a person does there ("Jasmit reports that pt", "At this time, Débora
    wishes to"), spelt like a name (check "note_subject": "Pt states", "Neice called" stay)."""
    token = rf"(?:[{UPPER}]['’])?[{UPPER}][{LOWER}]{{2,}}(?:-[{UPPER}][{LOWER}]+)?"
    return [Detector("person", token, NOTE_SUBJECT_BEFORE, NOTE_SUBJECT_AFTER, "note_subject")]
