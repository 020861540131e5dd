"""Identity numbers of countries other than the US, and passports, by the word before them:
"Pasaporte No. BA386341", "C.C. No. 79.432.773 de Bogotá" (a Colombian cédula; both left in
clear in a CUAD signature block, read in session 13's legal export), "DNI 12345678Z",
"Aadhaar: 1234 5678 9012", "Passport No: X1234567". Found as ``ssn``, the type of a person's
national number, so every pack that redacts social security numbers redacts these.

A word that is also common text ("cc" of a letter's copies, "PAN" of a pan, "RUT", "RUN")
counts only with a number sign after it ("No.", "Nr.", "#", ":"); the value needs five digits
or more, so that "Passport 2019" (a year) and "C.C. 9" stay text."""

from __future__ import annotations

from curate.rules.pii.detector import Detector

# the words that name the document, in the languages of the passports and ID cards most often
# written into contracts and notes (long enough to be the document's name alone)
_NAMED = (
    r"passport|pasaporte|passeport|reisepass|passaporto|passaporte|paspoort|paszport"
    r"|c[ée]dula(?:[ \t]+de[ \t]+(?:ciudadan[ií]a|identidad))?|carte[ \t]+d'identit[ée]"
    r"|personalausweis|carta[ \t]+d'identit[àa]|documento[ \t]+de[ \t]+identidad"
    r"|national[ \t]+(?:id(?:entity)?|identification|insurance)(?:[ \t]+card)?"
    r"|(?:identity|identification|id)[ \t]+card|aadhaa?r|codice[ \t]+fiscale|curp|pesel"
    r"|dni|nie|nif|cpf"
)
# short or common words: only with a number sign after them ("C.C. No.", "RUT:", "PAN #")
_SIGNED = r"c\.[ \t]?c\.|cc|rut|run|pan|rfc|bsn|rg|tc[ \t]kimlik"
_SIGN = r"\.?[ \t]*(?:(?i:no|nr|n[º°o]|num|number)\.?[ \t]*[:#]?|[:#])[ \t]*"
_SEP = r"\.?[ \t]*(?:(?i:no|nr|n[º°o]|num|number|is)\.?[ \t]*){0,2}[:#]?[ \t]*"
# letters before (a passport's "BA", Spain's NIE "X"), digits with dots, dashes or blanks
# between groups ("79.432.773", "12.345.678-9", "1234 5678 9012"), a check letter after
_VALUE = r"(?:[A-Z]{1,3}[ -]?)?\d(?:[.\- ]?\d){4,14}(?:-?[0-9A-Z])?\b"

NATIONAL_IDS = [
    Detector("ssn", _VALUE, before=rf"\b(?i:{_NAMED}){_SEP}"),
    Detector("ssn", _VALUE, before=rf"(?:^|[^A-Za-z0-9_.])(?i:{_SIGNED}){_SIGN}"),
]
