"""Dates as they are spoken and transcribed: "December third nineteen ninety five", "the
twenty eighth of February", "June of two thousand eight", "January on the thirteenth",
"date of birth , 5 , 7 , 1961", "mammoplasty on 10-10 20-20".

Doctor-patient transcripts (ACI-Bench, MTS-Dialog) write a date in words, so the numeric
forms of ``dates.py`` left its day in clear ("Since [DATE] eleventh": the month masked after
"since", its day not), and a date read out digit group by digit group became a phone. HIPAA
Safe Harbor wants every element of a date but the year; a spoken year attached to a date is
taken with it, so that no part of the date is left beside a placeholder.

Not dates: an ordinal alone ("your third problem", "the fifth metatarsal"), "may" and "march"
as verbs (lower-case "may" is a month only before an ordinal day: "may seventeenth"), a
month and a count ("in June two weeks later"). One pass of its own ("date:spoken",
``patterns.PASS_TYPES``), before the numbers' pass, gated on the months' full names and the
words of a birth date: most texts have neither, and the pass costs them nothing.
"""

from __future__ import annotations

from curate.rules.pii.detector import NUM_AFTER, Detector, Gate

UNIT = r"(?:one|two|three|four|five|six|seven|eight|nine)"
TEEN = r"(?:ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen)"
TENS = r"(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)"
# the ordinal days, 1st-31st, and the cardinal ones ("June thirty", "April twenty two");
# "nineth" as transcripts misspell it ("July twenty nineth" left "[DATE] nineth")
ORD_UNIT = r"(?:first|second|third|fourth|fifth|sixth|seventh|eighth|nine?th)"
ORDINAL = (
    rf"(?:(?:twenty|thirty)[ \t-]{ORD_UNIT}|twentieth|thirtieth|{ORD_UNIT}|tenth|eleventh"
    r"|twelfth|thirteenth|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth)"
)
# (from the third: "you may first want to", "we may second that" are verbs)
ORDINAL_3 = (
    rf"(?:(?:twenty|thirty)[ \t-]{ORD_UNIT}|twentieth|thirtieth|third|fourth|fifth|sixth"
    r"|seventh|eighth|nine?th|tenth|eleventh|twelfth|thirteenth|fourteenth|fifteenth"
    r"|sixteenth|seventeenth|eighteenth|nineteenth)"
)
CARDINAL = rf"(?:twenty(?:[ \t-]{UNIT})?|thirty(?:[ \t-]one)?|{TEEN}|{UNIT})"
# a year in words: "nineteen ninety five", "nineteen oh five", "two thousand and eight",
# "twenty twenty one"; or in digits
TWO_DIGITS = rf"(?:{TENS}(?:[ \t-]{UNIT})?|{TEEN}|(?i:o|oh)[ \t-]{UNIT})"
YEAR_WORDS = (
    rf"(?:(?:nineteen|twenty)[ \t-]{TWO_DIGITS}"
    rf"|two[ \t-]thousand(?:[ \t]+and)?(?:[ \t]+(?:{TENS}(?:[ \t-]{UNIT})?|{TEEN}|{UNIT}))?"
    r"|[0-9]{4}\b)"
)
# a year of two digits: "O eight", "'08"; after "of" or "in", "ninety three"
YEAR_SHORT = rf"(?:(?i:o|oh)[ \t-]{UNIT}|['’][0-9]{{2}}\b)"
YEAR_LATE = rf"(?:(?:fifty|sixty|seventy|eighty|ninety)(?:[ \t-]{UNIT})?)"
# what joins a year to its date: "January eighth, nineteen ninety three", "June third of two
# thousand nine", "September in ninety two"
YEAR_AFTER_DAY = (
    rf"(?:[ \t]*,)?[ \t]+(?:(?:of|in)[ \t]+)?(?:{YEAR_WORDS}|{YEAR_SHORT}|{YEAR_LATE}\b)"
)
YEAR_AFTER_MONTH = (
    rf"(?:[ \t]*,)?[ \t]+(?:{YEAR_WORDS}|{YEAR_SHORT}|(?:of|in)[ \t]+(?:{YEAR_WORDS}|{YEAR_SHORT}"
    rf"|{YEAR_LATE}\b|(?:this|last|next)[ \t]+year\b))"
)
# the months: full names in any case, but "may" capitalized ("May I ask" is no date: no day
# word follows it)
MONTH_WORD = (
    r"(?:(?i:january|february|march|april|june|july|august|september|october|november|december)"
    r"|May|MAY)"
)
# (a day in digits too, so that its year after a spaced comma is taken with it: "january
# 20th , 2020", as a transcript spaces its punctuation)
DAY_AFTER_MONTH = (
    rf"(?:(?:on[ \t]+)?the[ \t]+{ORDINAL}|{ORDINAL}|{CARDINAL}|[0-9]{{1,2}}(?:st|nd|rd|th)?\b)"
)
# a count or a span after a month and a number is no date: "in June two weeks later",
# "since March three times" (matched first and given back as text)
COUNT_AFTER = (
    r"[ \t]+(?:years?|months?|weeks?|days?|times?|hours?|minutes?|patients?|people|pounds?"
    r"|of[ \t]+(?:them|us|these|those|my|his|her|their))\b"
)
# the words that say a date of birth follows ("date of birth , 5 , 7 , 1961", "DOB: 3 6 49")
BIRTH = (
    r"\b(?i:date[ \t]+of[ \t]+birth|birth[ \t]*date|dob|d\.o\.b\.?|born(?:[ \t]+on)?)"
    r"(?:[ \t]+(?i:is|was|of))?[ \t]*[:,]?[ \t]*"
)
NUM_SEP = r"(?:[ \t]*,[ \t]*|[ \t]+)"
MD = r"(?:0?[1-9]|[12][0-9]|3[01])"

# the pass's gates: a month's full name, a lower-case "may" before an ordinal day or after
# "of", a birth date's words, a spoken year after a month/day read as digits ("10-10 20-20");
# each detector's words as its regex has them (one space where the gate has one), so that a
# gated scan finds what an ungated one does
# a second month joined to the first, and its year: "in May and December", "the month of
# November and December" (the words before the first month start these finds, which the
# two months' own detector, starting at the month, cannot take back: "[DATE] and December"
# was read in the clinical export)
SECOND_MONTH = rf"[ \t]+(?i:and|or|through|thru|to)[ \t]+{MONTH_WORD}(?:{YEAR_AFTER_MONTH})?"
SPOKEN_GATE = Gate(
    "january|february|march|april|june|july|august|september|october|november|december"
    "|may third|may fourth|may fifth|may sixth|may seventh|may eighth|may ninth|may nineth|may tenth"
    "|may eleventh|may twelfth|may thirteenth|may fourteenth|may fifteenth|may sixteenth"
    "|may seventeenth|may eighteenth|may nineteenth|may twent|may thirt|of may"
    r"|birth|dob|d\.o\.b|born| 19-| 20-",
    fold=True,
)
# and a capitalized "May" ("the end of May", "May third"): in the text as written (a pass
# runs on the texts that pass any of its detectors' gates; gates.py)
MAY_GATE = Gate("May|MAY")

SPOKEN_DATES: list[Detector] = [
    Detector(
        "date",
        rf"{MONTH_WORD}[ \t]+{CARDINAL}{COUNT_AFTER}",
        before=r"\b",
        check="reject",
        gate=MAY_GATE,
    ),
    # a day in digits before its month: "delivered on 15 March 2023", "1st of May" (the
    # date pass takes these too, but runs after this one: the month and year alone must not
    # be taken here first, leaving "15 [DATE]")
    Detector(
        "date",
        rf"{MD}(?:st|nd|rd|th)?[ \t]+(?:(?i:of)[ \t]+)?{MONTH_WORD}(?:{YEAR_AFTER_DAY})?\b",
        before=r"\b",
        gate=SPOKEN_GATE,
    ),
    # a month and its spoken year: "June of two thousand eight", "March two thousand and
    # seven", "August O eight", "September of ninety three", "march of this
    # year" (first: "March two thousand" is no "March two"; "June nineteen ninety five" is
    # June 1995)
    Detector(
        "date",
        rf"{MONTH_WORD}{YEAR_AFTER_MONTH}\b",
        before=r"\b",
        gate=SPOKEN_GATE,
    ),
    # two months: "november and december", "in May and July of two thousand"
    Detector(
        "date",
        rf"{MONTH_WORD}[ \t]+(?i:and|or|through|thru|to)[ \t]+{MONTH_WORD}(?:{YEAR_AFTER_MONTH})?\b",
        before=r"\b",
        gate=SPOKEN_GATE,
    ),
    # "May" alone after a preposition of time ("Back in May.", "done in May, which"): the
    # other months are dates.py's (a month alone), which never takes "may"; capitalized
    # only, so no verb ("in may be"); with its day or year ("since May 2017", "in May 5, 2020":
    # this match starts at "in", before the date pass's)
    Detector(
        "date",
        rf"(?:May|MAY)(?:{YEAR_AFTER_MONTH}|,?[ \t]+{DAY_AFTER_MONTH}(?:{YEAR_AFTER_DAY})?"
        rf"|{SECOND_MONTH})?\b",
        before=r"\b(?i:in|since|during|until|till|through|early|late|mid)[ \t-]+",
        gate=MAY_GATE,
    ),
    # a month alone after words of time that the numeric forms do not take ("around
    # december", "end of May", "the last two weeks of june", "most likely july"), and its
    # day or year if one follows ("around July seventh": these words start the match, which
    # a later alternative starting at the month cannot take back)
    Detector(
        "date",
        rf"{MONTH_WORD}(?:{YEAR_AFTER_MONTH}|,?[ \t]+{DAY_AFTER_MONTH}(?:{YEAR_AFTER_DAY})?"
        rf"|{SECOND_MONTH})?\b",
        before=r"\b(?i:around|about|(?:end|beginning|start|middle|weeks?|days|month)[ \t]+of"
        r"|likely|probably|maybe)[ \t]+",
        gate=SPOKEN_GATE,
    ),
    # "December third nineteen ninety five", "December the third", "January, on the
    # thirteenth", "June thirty two thousand and four", "may seventeenth"
    Detector(
        "date",
        rf"(?:{MONTH_WORD},?[ \t]+{DAY_AFTER_MONTH}|may {ORDINAL_3})(?:{YEAR_AFTER_DAY})?\b",
        before=r"\b",
        gate=SPOKEN_GATE,
    ),
    # "twenty eighth of February", "the third of December", "seventh August in two thousand
    # and one" (a lower-case "may" after "of" only: "the first may be")
    Detector(
        "date",
        rf"{ORDINAL}[ \t]+(?:(?i:of)[ \t]+{MONTH_WORD}|(?i:of) may|{MONTH_WORD})(?:{YEAR_AFTER_DAY})?\b",
        before=r"\b",
        gate=SPOKEN_GATE,
    ),
    # a day after a month was named earlier in its line (a speaker's turn): "in March. then
    # on the eleventh.", "since the twenty fifth," (not "on the third floor": the clause ends
    # after it; nor "after the first, ...", "you'd be the first."). The month is in the
    # regex, not only in the gate: a gated scan must equal an ungated one (gates.py)
    Detector(
        "date",
        ORDINAL,
        before=rf"\b{MONTH_WORD}\b[^\n]*?\b(?i:on|since|from|until|till)[ \t]+the[ \t]+",
        after=r"[ \t]*(?:[.,;:?!]|\r?\n|$)",
        gate=SPOKEN_GATE,
    ),
    # a birth date read out number by number: "date of birth , 5 , 7 , 1961", "DOB 3 6 49"
    Detector(
        "date",
        rf"{MD}{NUM_SEP}{MD}(?:{NUM_SEP}(?:(?:19|20)[0-9]{{2}}|[0-9]{{2}}))?",
        before=BIRTH,
        after=NUM_AFTER,
        gate=SPOKEN_GATE,
    ),
    # a month-day and a year read in pairs: "mammoplasty on 10-10 20-20" (was a phone)
    Detector(
        "date",
        rf"{MD}-{MD} (?:19|20)-[0-9]{{2}}",
        before=r"\b(?i:on|since|from|until|by|dated?|of|in)[ \t]+",
        after=NUM_AFTER,
        gate=SPOKEN_GATE,
    ),
]
