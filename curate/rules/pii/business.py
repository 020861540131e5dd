"""Phone numbers that cannot be a private person's: toll-free and other business-only ranges.

A support answer's "call us here: 1-800-379-6453 between 4AM-7PM PT" or "You can also call
1-866-216-1072, 24 hours a day" is the answer: exported as ``[PHONE]`` it teaches a model to
put a placeholder where the helpline was (9 of the 18 ``[PHONE]`` in session 12's support
export were in agents' answers, all 9 NANP toll-free; 24 of the 56 phone finds in the twcs, IBM
and ABCD records are in the ranges below, every one a company's). Only ranges that the
numbering plans give to businesses alone are kept, so no person's number is:

- NANP toll-free (FCC, 47 CFR 52.101): area code 800, 833, 844, 855, 866, 877, 888 and an
  exchange (2-9 first), after a 1 / +1 or grouped as NANP writes it ("1-800-379-6453",
  "(855) 551 2113", "800.591.3869"); never ten bare digits: "8000930028" is an Indian mobile
  (India's mobiles start 6-9, with 800-888 among them);
- freephone 0800 (UK, Nigeria, Germany, the Netherlands, New Zealand, South Africa ...: ten or
  eleven digits, "0800 042 0800"); 0808 only after +44, since "0808 731 8665" is a Nigerian
  mobile as well as a UK freephone number;
- Australian and Irish freecall and Australian local-rate numbers (ACMA, ComReg): 1800 and
  1300 ("1800 123 456", "1300 655 506"); India's toll-free 1800 numbers have the same prefix.

UK 03 numbers ("0345 322 0000", given by several twcs answers) are left redacted: they are
charged as geographic and open to anyone who buys one.

Mobile and geographic numbers of any country stay redacted, however a text introduces them
("our office: 020 7946 0000" may be a sole trader's home). The ``clinical`` pack keeps every
number redacted (HIPAA Safe Harbor names telephone numbers with no exception); ``default``
keeps these.

``BUSINESS_PHONE_PATTERNS`` are the same rules as regexes for the engine (a "hold" pass before
the phones' whose finds are kept whole, as public.PUBLIC_EMAIL_PATTERNS are for role e-mail
boxes: no Python step per number); ``business_phone`` is the check on one found number.
"""

from __future__ import annotations

import re

__all__ = [
    "BUSINESS_PHONE_AFTER",
    "BUSINESS_PHONE_GATE",
    "BUSINESS_PHONE_PATTERNS",
    "NANP_TOLL_FREE",
    "business_phone",
]

# the area codes in service as toll-free (822 and 880-887, 889 are reserved for later)
NANP_TOLL_FREE = ("800", "833", "844", "855", "866", "877", "888")
_NPA = "|".join(NANP_TOLL_FREE)
_S = r"[ \t./-]"  # one separator
_DIGITS = r"(?:[ \t-]?\d)"  # a digit, maybe after a separator: "0800 042 0800", "08000 158 123"
BUSINESS_PHONE_PATTERNS = (
    # NANP after a 1: "1-800-379-6453", "+1 888.555.0100", "1 (800) 642 7676", "18003796453"
    rf"\+?1{_S}?(?:\((?:{_NPA})\)|(?:{_NPA})){_S}?[2-9]\d{{2}}{_S}?\d{{4}}",
    # NANP grouped as NANP writes it: "800-300-8514", "(855) 551 2113", "844.401.8500"
    rf"(?:\((?:{_NPA})\){_S}?|(?:{_NPA}){_S})[2-9]\d{{2}}{_S}\d{{4}}",
    # freephone 0800, and UK 0800/0808 after +44: "0800 042 0800", "+44 (0) 808 123 4567"
    rf"0800{_DIGITS}{{6,7}}",
    rf"\+44[ \t]?(?:\(0\)[ \t]?)?80[08]{_DIGITS}{{6,7}}",
    # AU / IE freecall, AU local rate, India toll-free: "1800 123 456", "1300 655 506",
    # "+61 1800 123 456", "1800-425-3800"
    rf"(?:\+(?:61|353|91)[ \t-]?)?1[38]00{_DIGITS}{{6,7}}",
)
# what may follow a kept number: no more of its digits ("1800 123 456 789" is no helpline's
# number but part of a longer one), an extension's "x12" apart
BUSINESS_PHONE_AFTER = r"(?:$|[^0-9 \t./-]|[ \t./-](?:$|[^0-9]))"
# the literals every pattern holds, for the engine's prefilter (Gate): "800".."888", "1300"
BUSINESS_PHONE_GATE = r"8(?:00|33|44|55|66|77|88)|1300"
_WHOLE = re.compile("|".join(f"(?:{p})" for p in BUSINESS_PHONE_PATTERNS))
_EXT = re.compile(r"[ \t]*(?:x|ext\.?|extension)[ \t]*\d{1,5}$", re.IGNORECASE)


def business_phone(value: str) -> bool:
    """``value`` (a found phone number) is in a range only businesses are given: NANP
    toll-free, freephone 0800 (UK 0808), AU/IE/IN 1800 or AU 1300. An extension may follow."""
    number = _EXT.sub("", value.strip())
    return _WHOLE.fullmatch(number) is not None
