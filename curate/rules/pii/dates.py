"""The date forms of the PII detectors: months, numeric dates in their orders, and the
clinical look-alikes (ventilator settings, pain scores, murmur grades) given back as text.

Strings and ``Detector`` lists only; ``patterns.STATIC`` names them per pass and the engine
(``engine.py``) compiles them.
"""

from __future__ import annotations

from curate.rules.pii.detector import DIGIT_GATE, NUM_AFTER, NUM_BEFORE, Detector, Gate

MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)
# a month named alone: full names in any case but "may"; abbreviations capitalized only
# ("dec" is "decreased" and "mar" a record in notes), and "sept"
MONTH_FULL = (
    r"(?i:january|february|march|april|june|july|august|september|october|november|december)"
)
MONTH_ABBR = (
    r"(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec|JAN|FEB|MAR|APR|JUN|JUL|AUG|SEPT?|OCT"
    r"|NOV|DEC|sept)"
)
MONTH_ALONE = f"(?:{MONTH_FULL}|{MONTH_ABBR})"
# a month after a day number: "may" capitalised only ("2 may need", "1-2/52 may worsen")
MONTH_DM = (
    r"(?:(?i:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)|May|MAY)"
)
M_ = r"(?:0?[1-9]|1[0-2])"
D_ = r"(?:0?[1-9]|[12]\d|3[01])"
YEAR4 = r"(?:19|20)\d{2}"
CLOCK = r"(?:[01][0-9]|2[0-3])[03]0"  # 24-hour, on the hour or half hour: 0800, 1430
# a note's label of blood sugar readings: "BS", "FSBS", "BGL", "fingersticks", "glucose"
SUGAR_LABEL = (
    r"(?i:f?s?bs|bgl?s?|bsls?|cbgs?|fs?bgs?|glucoses?|sugars?|finger[ -]?sticks?"
    r"|accu-?checks?|fs)"
)

# Gates of the date forms in a pass of their own ("date:more"), tested on the lower-cased text:
# a month's name ("12-Mar-2020", "in Sept."), "the" before a day ("on the 11th."), the slash of a
# month/day (notes). Most texts have none, and the pass costs a full scan.
MONTH_GATE = Gate("jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec", fold=True)
ORDINAL_GATE = Gate(r"the[ \t]+\d", fold=True)
SLASH_GATE = Gate("/")

DATES: list[Detector] = [
    Detector(
        "date",
        rf"\b{YEAR4}-{M_}-{D_}"
        r"(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?\b",
    ),
    Detector(
        "date",
        rf"{M_}/{D_}/(?:{YEAR4}|\d{{2}})|{D_}/{M_}/(?:{YEAR4}|\d{{2}})|{M_}-{D_}-(?:{YEAR4}|\d{{2}})"
        rf"|{D_}-{M_}-(?:{YEAR4}|\d{{2}})|{D_}\.{M_}\.{YEAR4}",
        before=NUM_BEFORE,
        after=NUM_AFTER,
    ),
    Detector(
        "date",
        rf"\b(?i:{MONTH})\.?[ \t]+\d{{1,2}}(?:st|nd|rd|th)?\b(?:,?[ \t]+\d{{4}}\b)?",
    ),
    Detector(
        "date",
        rf"\b{D_}(?:st|nd|rd|th)?[ \t]+(?:of[ \t]+)?{MONTH_DM}\b\.?(?:,?[ \t]+\d{{4}}\b)?",
    ),
    Detector("date", rf"\b(?i:{MONTH})\.?,?[ \t]+(?:(?i:of)[ \t]+)?\d{{4}}\b"),
    # a run of 24-hour clock times on the hour or half hour, not a phone: a dose's schedule
    # or the rounds of a chart ("Desmopressin 100 microg BD 0800 2000", "obs 0400 0800
    # 1200", "turned q2h 0200-0400-0600"); given back as text in the date/phone pass, before
    # the phones' detectors
    Detector(
        "date",
        rf"{CLOCK}(?:[ \t]+{CLOCK})+|{CLOCK}(?:-{CLOCK}){{2,}}",
        before=NUM_BEFORE,
        after=r"[ \t]*(?:$|[^0-9 \t])",
        check="reject",
    ),
    # a run of lab values with a decimal among them, not a phone: "Chem 7: 140 4.0 105 25 20
    # 1.0 110" (a phone's groups have no decimal point)
    Detector(
        "date",
        r"(?:\d{1,3}[ \t]+)*\d{1,3}\.\d+(?:[ \t]+\d{1,3}(?:\.\d+)?)+",
        before=NUM_BEFORE,
        after=NUM_AFTER,
        check="reject",
    ),
    # a run of blood sugars after their label, not a phone: "BS 245 135 185 covered per SSI"
    Detector(
        "date",
        r"\d{2,3}(?:(?:[ \t]*,[ \t]*|[ \t]+)\d{2,3})+",
        before=rf"\b{SUGAR_LABEL}[ \t:=-]*",
        after=NUM_AFTER,
        check="reject",
    ),
]
# more date forms, in a pass of their own: one more case-insensitive month alternation in
# the date/phone pass overflows Rust's lazy DFA cache there (100x slower)
DATES_MORE: list[Detector] = [
    # 12-Mar-2020, 12/Mar/20, 12.Mar.2020
    Detector("date", rf"\b{D_}[-/.](?i:{MONTH})[-/.](?:\d{{4}}|\d{{2}})\b", gate=MONTH_GATE),
    # a month alone after a preposition of time: "in Sept.", "since MARCH" (not "may")
    Detector(
        "date",
        # (an abbreviation's full stop is the find's, a sentence's is not: "back in October.")
        rf"(?:{MONTH_FULL}\b|{MONTH_ABBR}\b\.?)(?:[ \t]+(?i:and|or|to|through|thru)[ \t]+"
        rf"(?:{MONTH_FULL}\b|{MONTH_ABBR}\b\.?|May\b))?",
        before=r"\b(?i:in|since|during|early|late|mid|until|till|through|last|next)[ \t-]+",
        gate=MONTH_GATE,
    ),
    # an ordinal day: "on the 11th." (not "the 4th floor")
    Detector(
        "date",
        r"\d{1,2}(?:st|nd|rd|th)\b",
        before=r"\b(?i:on|since|from|until|till|by|before|after)[ \t]+the[ \t]+",
        after=r"[ \t]*(?:[.,;:)!?]|\r?\n|$)",
        gate=ORDINAL_GATE,
    ),
]
# more numeric dates, scanned with the date/phone pass (split off once when a Unicode \w
# there overflowed Rust's lazy DFA; with ASCII word classes the same finds, one scan
# less): 2023/08/20, 2023.08.20, 24.5.22 and the US order 7.22.11, 09/2021, 20210411
DATES_NUM: list[Detector] = [
    Detector(
        "date",
        rf"{YEAR4}[/.]{M_}[/.]{D_}|(?:{D_}\.{M_}|{M_}\.{D_})\.\d{{2}}|{M_}/{YEAR4}"
        rf"|{YEAR4}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])",
        before=NUM_BEFORE,
        after=NUM_AFTER,
        gate=DIGIT_GATE,
    ),
    # a month/day/year glued to the word before it: "labs on10/14/82", "fx4/97/03" (its before
    # starts with NUM_BEFORE, so the engine does not require a non-word character there)
    Detector(
        "date",
        rf"{M_}/{D_}/(?:{YEAR4}|\d{{2}})",
        before=rf"{NUM_BEFORE}|[A-Za-z]",
        after=NUM_AFTER,
        gate=DIGIT_GATE,
    ),
]
# A procedure or event of a note's history, before or after the year it happened, in two
# digits and no apostrophe: "PMH: NQWMI 13.", "s/p CABG 09, stent 13", "MI in 92", "09 PTCA to
# LCX" (a year or a month is a date in these notes' gold). Not a count or a dose: the year is
# followed by the end of a clause or a joining word only ("CVA 10 days ago", "MI 2 yrs").
HISTORY_EVENT = (
    r"(?i:n?q?wmi|[ai]?mi|n?stemi|cabg|ptca|pci|stents?|cva|tia|cath|avr|mvr|ppm|aicd|dvt"
    r"|appy|chole|turp|tah|bso|pacer|pacemaker|ablation|cardioversion)"
)
# (a gate of the pass's case-folded kind: one of a kind of its own would be one regex more)
HISTORY_GATE = Gate(
    r"\b(?:[a-z]*mi|stemi|cabg|ptca|pci|stents?|cva|tia|cath|avr|mvr|ppm|aicd|dvt|appy|chole|turp"
    r"|tah|bso|pacer|pacemaker|ablation|cardioversion)\b",
    fold=True,
)
YEAR_END = r"(?:$|[ \t]*(?:[.,;:)]|\r?\n|[ \t](?i:and|with|w/|s/p|at|to|complicated|c)\b))"
# a feast day names a date (HIPAA: all elements of dates but the year); a season with its year
HOLIDAY = (
    r"(?:Christmas(?:[ \t]+(?:Eve|Day))?|Xmas|Thanksgiving(?:[ \t]+Day)?|Easter(?:[ \t]+Sunday)?"
    r"|New[ \t]+Year['’]?s(?:[ \t]+(?:Eve|Day))?|Halloween|Memorial[ \t]+Day|Labor[ \t]+Day"
    r"|Independence[ \t]+Day|Valentine['’]?s[ \t]+Day|Veterans['’]?[ \t]+Day"
    r"|Mother['’]?s[ \t]+Day|Father['’]?s[ \t]+Day|St\.?[ \t]+Patrick['’]?s[ \t]+Day)"
)
# (not "fall": "s/p fall 2019" is a fall in 2019; "fall of 2019" is the season)
SEASON_YEAR = (
    rf"(?:(?i:spring|summer|autumn|winter)[ \t]+(?:(?i:of)[ \t]+)?|(?i:fall)[ \t]+(?i:of)[ \t]+)"
    rf"(?:{YEAR4}|['’][0-9]{{2}})"
)
CLINICAL_DATES = [
    # a month/day and a year after a dot, "11/21.93"; a list of month/days with a comma or a
    # space only, "TLC placed 7/22,8/1 and 8/3", "CXR 7/20 7/22 unchanged"; and a date after
    # another and one space, "Review 03/05/2023 15/08/2024" (the first find's context took
    # the space the second needs before it: this pass sees the text with the space given back)
    Detector(
        "date",
        rf"{M_}/{D_}(?:\.[0-9]{{2}}|(?:[, \t]{M_}/{D_})+)|{M_}/{D_}/(?:{YEAR4}|[0-9]{{2}})"
        rf"|{D_}/{M_}/(?:{YEAR4}|[0-9]{{2}})",
        before=NUM_BEFORE,
        after=NUM_AFTER,
        gate=SLASH_GATE,
    ),
    # a month/day glued to its am or pm ("labs 7/22am", "seen 8/14PM"), to the word before
    # it or after an ellipsis, as typed in a hurry ("cxr on7/22", "ADMIT 7/20...7/22 CATH")
    Detector(
        "date",
        r"\d{1,2}/\d{1,2}",
        before=rf"{NUM_BEFORE}|(?:^|[^A-Za-z0-9_])(?i:on|since|from|until|till|thru|by)|\.\.",
        after=rf"(?i:am|pm)\b|{NUM_AFTER}",
        check="month_day",
        gate=SLASH_GATE,
    ),
    Detector(
        "date",
        r"[0-9]{2}",
        before=rf"\b{HISTORY_EVENT}(?:[ \t]*x[ \t]*[0-9])?[ \t]+(?:(?i:in|of)[ \t]+)?",
        after=YEAR_END,
        gate=HISTORY_GATE,
    ),
    Detector(
        "date",
        r"[0-9]{2}",
        before=r"(?:^|[\n.,;:(]|(?i:s/p|pmh|hx))[ \t]*",
        after=rf"[ \t]+{HISTORY_EVENT}\b",
        gate=HISTORY_GATE,
    ),
    Detector(
        "date",
        rf"{HOLIDAY}\b|{SEASON_YEAR}\b",
        before=r"\b",
        gate=Gate(
            "christmas|xmas|thanksgiving|easter|new year|halloween|memorial|labor day"
            "|independence|valentine|veteran|mother|father|patrick|spring|summer|fall|autumn"
            "|winter",
            fold=True,
        ),
    ),
]
# 7/22, 8/87 or 6/30-7/2 in clinical notes; validated by month_day_ok
MONTH_DAY = r"\d{1,2}/\d{1,2}(?:-\d{1,2}/\d{1,2})?"
# a year of two digits with an apostrophe in a note's history: "'09 PTCA", "CA'88", "CVA 74'."
# (not a decade, "the '90s"; after a number only as "74'." at a word's end: clinical packs
# only, where "20' container" is no concern)
APOSTROPHE_YEARS = [  # (and a month/year glued to a word: clinical packs, like these)
    # two month/days run together: "TREATMENTS 10/03/10/04" (each part a month and a day)
    Detector(
        "date",
        rf"{M_}/{D_}/{M_}/{D_}",
        before=NUM_BEFORE,
        after=NUM_AFTER,
        gate=SLASH_GATE,
    ),
    # a month and a two-digit year that no day can be, glued to a word: "s/p pelvic fx4/97"
    # (not a spine level, "L4/5", nor a ratio)
    Detector(
        "date",
        rf"{M_}/(?:3[2-9]|[4-9][0-9])",
        before=r"[A-Za-z]",
        after=NUM_AFTER,
        gate=SLASH_GATE,
    ),
    # minutes, degrees or feet, not a year: "HOB 30'", "family visited X 30'", "for 20'"
    Detector(
        "date",
        r"(?i:hob|x|for)[ \t]*[0-9]{2}['’]",
        before=r"\b",
        check="reject",
        gate=Gate("[0-9]['’]"),
    ),
    Detector(
        "date",
        r"['’][0-9]{2}",
        before=r"(?:^|[^0-9'’])",
        after=r"(?:$|[^0-9A-Za-z'’%])",
        gate=Gate("['’][0-9]"),
    ),
    Detector(
        "date",
        r"[0-9]{2}['’]",
        before=r"(?:^|[ \t(,])",
        after=r"(?:$|[ \t.,;:)])",
        gate=Gate("[0-9]['’]"),
    ),
    # (no month-day with a hyphen, "[**7-22**]" or "on 7-22.": two detectors for them cost
    # this pass 0.025 s of 0.45 on PhysioNet, for no find on the real notes; see
    # bench/bench_pii_clinical_dev.py forms)
    *CLINICAL_DATES,
]
# Clinical settings and scores written like a month/day: ventilator pressures ("PSV 10/5",
# "CPAP 5/5, 40%", "ON AC 500TV/50 / 5/10": "AC" with a tidal volume, not "R AC 11/17", the
# antecubital), pain scores ("pain 3/10", "#9/10"), culture bottles ("2/4 bottles").
# These detectors match them first and give them back as text (check "reject").
VENT_SETTING = (
    r"\b(?i:psv?|cpap|bi-?pap|a/c|ac[ \t]*[0-9]{3}[a-z]*|assist[ \t-]*control|prvc|aprv|peep"
    r"|ipap|epap|pressure support|flow-?by|simv|imv|vent[a-z]*|settings?"
    r"|(?:wean|chang|increas|decreas)[a-z]*(?:[ \t]+(?:down|up|back))?[ \t]+to|trial[a-z]*(?:[ \t]+on)?"
    r"|tried[ \t]+on)\b"
)
# after the setting's name, in the same sentence, with no word longer than 3 letters between
# ("SIMV/PS, 40%, 600X4, & 5/10" but not "VENT VIA TRACH (PLACED 8/14)"; unbounded: a {0,30}
# bound multiplied the lazy DFA's states, 0.19 s of the pass on PhysioNet)
# (nor "on" before a date: "Weaned to 40% on 8/14")
SETTING_GAP = (
    r"(?:[^\n;.A-Za-z]|\.\d|(?:[A-Za-z]|[A-NP-Za-np-z][A-Za-z]|[Oo][A-MO-Za-mo-z]|[A-Za-z]{3})\b"
    r"|[A-Za-z]{1,3}\d)"
)
# UK and Australian notes' durations: days, months and weeks as x/7, x/12 and x/52 ("review
# in 6/52", "~3/12 ago", "amoxicillin BD 7/7", "Med cert 2/7"); a range before a slash is a
# range of scores or durations ("HA 2–3/10", "3–5/7 post discharge"); visual acuity ("VA 6/6
# R 6/9 L"); a day of a course ("day 7/10"). Not after "for": "scheduled for 3/12" is a date.
# (Words such as "duration", "at least", "total", "further" before a duration cost this pass
# 0.03 s of 0.45 on PhysioNet for a few finds of the GP notes: their x/7 and x/12 need the
# record's evidence, a day-first date or an x/52 elsewhere in it, not more words here.)
DURATION_BEFORE = (
    r"(?:[~<>≥≤]|\b(?i:x|over|past|last|within|up[ \t]+to|max|first|next|every|approx"
    r"|cert|review|r/?v|f/?u|follow[ -]?up|rtc|in|onset|beyond|complete[ds]?|bd|bid|tds|tid|qid"
    r"|mane|nocte|daily|q"
    # an amount of time, not a day: "at least 6/12 apixaban", "up to total 3/12", "further
    # 7/7", "additional 3/7 from today", "remaining 5/7", "Prev amoxil 7/7" is the drug's
    r"|least|total|further|additional|another|extra|remaining|prev(?:ious)?|duration)"
    r"(?:[ \t]+for)?)[ \t]*~?"  # "Med cert for 2/7", "review for 3/12"
)
# what follows an amount of time: "~3/12 ago", "3/12 supply", "10/7 Augmentin course", "2/7
# off work", "4/7 left", "5/7 window", "for 2/7 only", "6/12 bloods" (a day's date is not
# followed so: "CXR 7/22 clear", "Echo 3/12: EF 55%")
DURATION_AFTER = (
    r"[ \t]*(?i:ago|hx|history|h/o|then|later|post|prior|duration|course|since|review|r/?v"
    r"|supply|off[ \t]+work|absent|left|onset|window|only|sx|ongoing|bloods|from[ \t]+today)\b"
)
SNELLEN = r"6/(?:5|6|7\.5|9|12|18|24|36|60)\b"
NOT_MONTH_DAY = [
    # a day an event is set for: "scheduled for 3/12 cath", "booked for 7/7" (first: this
    # match starts at the verb, before the amount of time's "for" below can)
    Detector(
        "date",
        r"\d{1,2}/(?:7|12)\b",
        before=r"\b(?i:scheduled|planned|booked|set|due|appt|appointment|arranged|slated)[ \t]+for[ \t]+",
        check="month_day",
        gate=SLASH_GATE,
    ),
    Detector(
        "date",
        r"\d{1,2}/(?:7|12)\b",
        # an amount of time after "for" ("Abstained for 7/7", "certificate provided for 2/7",
        # "bloods ordered for 3/12")
        before=rf"{DURATION_BEFORE}|\b(?i:for)[ \t]+~?",
        check="reject",
        gate=SLASH_GATE,
    ),
    Detector(
        "date",
        r"\d{1,2}/(?:7|12)",
        before=NUM_BEFORE,
        after=DURATION_AFTER,
        check="reject",
        gate=SLASH_GATE,
    ),
    Detector(
        "date",
        r"\d{1,2}/52\b|\d{1,2}[ \t]*[-–][ \t]*\d{1,2}/\d{1,2}\b",
        before=rf"{NUM_BEFORE}|[A-Za-z]",
        check="reject",
        gate=SLASH_GATE,
    ),
    Detector(
        "date",
        # ("VA approx 6/9 OU": a word of measure between)
        rf"(?i:va|acuity|vision|pinhole|both|r|l|re|le|od|os|ou)[ \t:=~]*(?i:approx\.?[ \t]*)?"
        rf"{SNELLEN}"
        r"|(?i:day|cycle)[ \t#]*\d{1,2}/\d{1,2}\b",
        before=r"\b",
        check="reject",
        gate=SLASH_GATE,
    ),
    Detector(
        "date",
        rf"{VENT_SETTING}{SETTING_GAP}*?\d{{1,2}}/\d{{1,2}}\b",
        check="reject",
        gate=SLASH_GATE,
    ),
    Detector(
        "date",
        r"\d{1,2}/\d{1,2}",
        before=NUM_BEFORE,
        after=r"[ \t]*[,@]?[ \t]*(?:\d{2,3}[ \t]*%|(?i:peep|fio2|psv?|cpap|bi-?pap|pain|cp"
        r"|bottles?|cores?|nodes?|lymph|specimens?|samples?|biops[a-z]*|all[ \t]+(?:limbs|four|4)"
        r"|mix(?:ture)?|ratio|dilution|tabs?|tablets?|pills?|caps?|inch(?:es)?|ns|nss|amps?|units?|strength"
        r"|of[ \t]+(?:[a-z]+[ \t]+)?(?:meals?|tray|breakfast|lunch|dinner|supper|diet|food))\b)",
        check="reject",
        gate=SLASH_GATE,
    ),
    Detector(
        "date",
        r"\d{1,2}/10\b",
        before=r"(?:\b(?i:pain|c/o|cp|score|rated?|rates|scale|level)[ \t:=-]*|#)",
        check="reject",
        gate=SLASH_GATE,
    ),
    # pupils' sizes: "perrla, 2/2", "pupils 3/3 brisk"; Apgar scores: "apgars 8/9"
    Detector(
        "date",
        r"(?i:perrla?|perl|pupils?|apgars?(?:[ \t]+(?:scores?|of|were|was|at))*)[ \t:,=-]*\d/\d\b",
        before=r"\b",
        check="reject",
        gate=SLASH_GATE,
    ),
    # a pain score further along its clause: "Pain at Worst: 7/10", "Average Pain Intensity
    # Over the Past Week: 4/10", "pain, and 3/10 for her least pain" (no number in between;
    # "pain. Mild dull ache calves PM ~3/10"): the line's end bounds the gap, not a count:
    # {0,60} made 60 lazy-DFA states of each of the pass's others (0.44 -> 0.33 s, PhysioNet)
    Detector(
        "date",
        r"(?i:pain|vas|intensity)[^\n\d/]*?\d{1,2}/10\b",
        before=r"\b",
        check="reject",
        gate=SLASH_GATE,
    ),
    # a score: "pain at 7/10", "rates her pain a 5/10", "Grade 2/6 murmur", "3/6 SEM", "5/5
    # strength", "2+/4 pulses"; "out of" scales (x/10, x/6, x/5, x/4) after such a word or a
    # sum ("Gleason 3 + 4 = 7/10")
    Detector(
        "date",
        r"(?:(?i:pain|score|scale|rate[sd]?|rating|grade|gr|strength|power|motor|grip|murmur"
        r"|level|up[ \t]+to|worst|flares?|severity|headache|ha)|[0-9][ \t]*="
        r"|[RLB][LU]E|UL|LL)"  # a limb: "RLE 4/5, LLE 5/5"
        # (short words between, or a limb's capitals: "Power UL 5/5", "strength RLE 4/5")
        r"(?:[ \t]+(?:[a-z]{1,5}|[A-Z]{1,3})){0,3}[ \t:=-]*\d{1,2}\+?/(?:10|6|5|4)\b",
        before=r"\b",
        check="reject",
        gate=SLASH_GATE,
    ),
    Detector(
        "date",
        r"\d\+?/(?:[456]|10)\b",
        before=NUM_BEFORE,
        after=r"[ \t]+(?:[a-z]+[ \t]+){0,3}(?i:murmur|sem|strength|grips|grasps|pulses?|reflexes|dtrs?|motor"
        r"|holosystolic|systolic|diastolic|bilaterally|throughout|ul|ll|globally|prox[a-z]*"
        r"|distal|at[ \t]+(?:worst|best|rest)|baseline|rest)\b"
        # the pain it rates, after a site or a quality only ("4/10 abd pain"; not "seen on
        # 4/10 for pain")
        r"|[ \t]+(?:(?i:abd|abdominal|chest|back|incisional|head|neck|leg|knee|hip|joint|flank"
        r"|epigastric|rib|shoulder|low|lower|upper|sharp|dull|burning|crampy|generali[sz]ed|mid"
        r"|r|l|right|left|sternal|substernal|pleuritic)[ \t]+){0,2}(?i:pain|discomfort|aches?)\b",
        check="reject",
        gate=SLASH_GATE,
    ),
]
