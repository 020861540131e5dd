"""Numbers of a contract's tables and clauses that look like phones: held whole (check "hold",
in a pass before every number's), so that no phone detector takes them.

Read in the CUAD export of session 13 (issue 18): "Frequency 2085 2115 Hz" (a table's minimum
and maximum before its unit) became "Frequency [PHONE] Hz"; "RUB 50 000 000" an amount written
with blanks between its thousands; "DFARS 252.227-7013" a regulation's clause number. A value
run ends in a unit or a currency, an amount follows a currency, a regulation's number follows
its code's name, a row of small values another value or a blank cell's "--". Years side by
side and a US date's shape are told by ``detectors.phone_ok`` (they need no context).
"""

from __future__ import annotations

from curate.rules.pii.detector import NUM_BEFORE, Detector, Gate

# units and currencies a table's values stand before (as written in CUAD's exhibits)
_UNITS = (
    r"Hz|kHz|MHz|GHz|dB|dBm0?|dBi|ms|msec|sec|secs|seconds|minutes|mins|hours|hrs|days|weeks"
    r"|months|years|units|pcs|pieces|kg|g|mg|lb|lbs|tons|tonnes|km|m|mm|cm|ft|feet|inches"
    r"|percent|MW|kW|kWh|MWh|GWh|V|kV|mA|W|bbl|barrels|gallons|liters|litres|ml|acres|hectares"
    r"|dollars|euros|RUB|EUR|USD|GBP|CHF|JPY|CNY|RMB|INR|CAD|AUD|HKD|SGD|SEK|NOK|DKK|PLN|BRL"
    r"|MXN|KRW|ILS|NIS|ZAR"
)
_CURRENCY = (
    r"(?:\b(?:RUB|EUR|USD|GBP|CHF|JPY|CNY|RMB|INR|CAD|AUD|HKD|SGD|SEK|NOK|DKK|PLN|BRL|MXN|KRW"
    r"|ILS|NIS|ZAR|Rs|Euro|euros?|roubles?|rubles?|US\$)\.?|[$€£¥₽₹])[ \t]*"
)

# what each form holds: two numbers apart by blanks, or a dotted clause number
_GATE = Gate(r"[0-9][ \t]+[0-9]|[0-9]\.[0-9]{3}", ascii=True)

TABLE_NUMBERS = [
    # values side by side before their unit: "2085 2115 Hz", "1200 1350 kg", "10 20 %"
    Detector(
        "phone",
        r"\d{1,6}(?:[ \t]+\d{1,6}){1,5}",
        before=NUM_BEFORE,
        after=rf"[ \t]*(?:%|(?:{_UNITS})\b)",
        check="hold",
        gate=_GATE,
    ),
    # a row of a table's values after another value or a blank cell's "--": "13 1740 -- 10 14
    # 1860 --", "1,115 6 Chambersburg 2,311 18 10 48 194 43" (a store table); it starts with
    # one or two digits, so a phone after a postcode ("94608 510 555 1234") is none
    Detector(
        "phone",
        r"\d{1,2}[ \t]+\d{1,6}(?:[ \t]+\d{1,6})+",
        # (a value with a thousands' comma or a decimal point, or "--": a plain number before
        # may be the phone's own first group, "(33) 5 62 21 60 80", "+ 41 61 935 5353")
        before=r"(?:[0-9],[0-9]{3}|[0-9]\.[0-9]+|--)[ \t]+",
        check="hold",
        gate=_GATE,
    ),
    # an amount after its currency, thousands set apart by blanks: "RUB 50 000 000"
    Detector(
        "phone",
        r"\d{1,3}(?:[ \t\u00a0]\d{3})+(?:[.,]\d{1,2})?\b",
        before=_CURRENCY,
        check="hold",
        gate=_GATE,
    ),
    # a regulation's clause: "DFARS 252.227-7013", "FAR 52.227-19", "48 C.F.R. 12.212"
    Detector(
        "phone",
        r"\d{1,3}\.\d{3,4}(?:-\d{1,5})?\b",
        before=r"\b(?:DFARS|DFAR|FAR|CFR|C\.F\.R\.?)[ \t]*(?:§+[ \t]*)?(?:(?i:section|sec\.)[ \t]*)?",
        check="hold",
        gate=_GATE,
    ),
]
