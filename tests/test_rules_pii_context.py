"""Issue 18: what the real exports showed redacted wrongly (precision) or not at all (recall).

Each case is a sentence from (or shaped like) CUAD, the IBM/twcs support sets and the clinical
sets; the old rules got every one of them wrong.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

from curate.cli import main
from curate.rules import load_rule_pack
from curate.rules.pii import PiiEngine

DEFAULT = PiiEngine(load_rule_pack("default").pii)
CLINICAL = PiiEngine(load_rule_pack("clinical").pii)
CONTRACTS = PiiEngine(load_rule_pack("contracts").pii)


def redact(engine: PiiEngine, text: str) -> str:
    return str(engine.scan(pl.Series([text])).placeholders()[0])


KEPT = [
    # CUAD: clause labels, places, defined terms, companies, section numbers
    "The Company shall grant Most Favored Nation pricing to Customer.",
    "This Agreement is governed by the laws of the State of New York.",
    "as set forth in Section 8.3.2.1 of this Agreement",
    'the "Stock" and the “Contractor” and the Merchant shall comply with Rule 433(h).',
    "Janssen shall pay Cisco and Burger King the amounts.",
    # support: brands and products
    "my Apple Pay is broken on Windows 10.",
    "Please reach out to the Apple Pay Support team.",
    # clinical: scores, instruments, eponyms
    "Grade 2/6 systolic ejection murmur. She rates her pain at 7/10.",
    "Mayo scissors and Babcock forceps were used. An 8-French catheter was placed.",
    "Gleason 6 adenocarcinoma. Call Poison Control. History of Charcot-Marie-Tooth.",
    "Murphy's sign negative. Cheyne-Stokes respirations noted.",
    "upgrade to version 1.2.3.4 of the app",
    # nursing notes: a census name before a word of the note ("Max temp", "Brown soft stool")
    "ID- Max temp 102.2, team aware. Hypoactive BS. Brown soft stool in rectal bag.",
]


@pytest.mark.parametrize("text", KEPT)
def test_terms_brands_places_and_scores_are_kept(text: str) -> None:
    assert redact(DEFAULT, text) == text
    assert redact(CLINICAL, text) == text


@pytest.mark.parametrize(
    ("engine", "text", "expected"),
    [
        (
            DEFAULT,
            "@AppleSupport @dave_99 thanks! mail me at x@y.com",
            "@AppleSupport [USER] thanks! mail me at [EMAIL]",  # a brand's account stays
        ),
        (DEFAULT, "my account number is 676505", "my account number is [ACCOUNT]"),
        (DEFAULT, "Hospital No. 3937199", "Hospital No. [MRN]"),
        (DEFAULT, "customer ID 91241998914", "customer ID [ACCOUNT]"),
        (DEFAULT, "member ID: XGH449923", "member ID: [ACCOUNT]"),
        (
            DEFAULT,
            "dates 2023/08/20 and 20210411 and 24.5.22 and 09/2021",
            "dates [DATE] and [DATE] and [DATE] and [DATE]",
        ),
        (
            DEFAULT,
            "Flat 2, 10 Downing Street, London SW1A 2AA",
            "[ADDRESS]",
        ),  # the flat and the town too
        (DEFAULT, "Hauptstraße 5, 10115 Berlin", "[ADDRESS]"),
        (DEFAULT, "12 rue de Rivoli, 75001 Paris", "[ADDRESS]"),
        (DEFAULT, "Calle Mayor 5, Madrid", "[ADDRESS], Madrid"),
        (DEFAULT, "Mumbai - 400001", "Mumbai - [ZIP]"),
        (DEFAULT, "[doctor] hi diane , how are you ?", "[doctor] hi [PERSON] , how are you ?"),
        (DEFAULT, "this is diana btw", "this is [PERSON] btw"),
        (
            CLINICAL,
            "patient is a 92 year old male; age 94",
            "patient is a [AGE] year old male; age [AGE]",
        ),
        (CLINICAL, "SMITH, JOHN\nDOB 01/02/1960", "[PERSON]\nDOB [DATE]"),
        (
            CLINICAL,
            "Brown was seen by Dr. Miller. Mrs. Stokes called.",
            "[PERSON] was seen by Dr. [PERSON]. Mrs. [PERSON] called.",
        ),
    ],
)
def test_recall(engine: PiiEngine, text: str, expected: str) -> None:
    assert redact(engine, text) == expected


def test_first_name_found_in_dialogue_is_redacted_in_its_note() -> None:
    """A record's dialogue and note are scanned as one group: "hi diane" names "DIANE" in the
    note, which alone is no name (an upper-case word); in another record it stays."""
    texts = pl.Series(["[doctor] hi diane , how are you ?", "DIANE reports a cough."])
    out = DEFAULT.scan(texts, [0, 0]).placeholders().to_list()
    assert out == ["[doctor] hi [PERSON] , how are you ?", "[PERSON] reports a cough."]
    other = DEFAULT.scan(texts, [0, 1]).placeholders().to_list()
    assert other[1] == "DIANE reports a cough."


def test_hyphenated_given_name_is_still_a_name() -> None:
    assert "Jean" not in redact(DEFAULT, "Jean-Luc Picard called")
    assert redact(DEFAULT, "Mary-Kate called") == "[PERSON] called"


def test_contracts_pack_keeps_terms_and_redacts_signatories() -> None:
    text = (
        "The Company shall grant Most Favored Nation pricing. Section 8.3.2.1. "
        'the "Stock"; Janssen shall pay Cisco $1,250,000 by March 3, 2020.\n'
        "By: /s/ John A. Smith\nName: John A. Smith\nTitle: Chief Executive Officer\n"
        "Attention: Mary Jones, 100 Main Street, Boston, MA 02110, tel. (617) 555-0100, "
        "mary.jones@acme.com\nMr. Robert Brown shall serve as the Executive."
    )
    assert redact(CONTRACTS, text) == (
        "The Company shall grant Most Favored Nation pricing. Section 8.3.2.1. "
        'the "Stock"; Janssen shall pay Cisco $1,250,000 by March 3, 2020.\n'
        "By: /s/ [PERSON]\nName: [PERSON]\nTitle: Chief Executive Officer\n"
        "Attention: [PERSON], [ADDRESS], tel. [PHONE], [EMAIL]\n"
        "Mr. [PERSON] shall serve as the Executive."
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '[pii]\ntypes = ["emial"]\n',
            "pii.types: unknown PII type 'emial' (did you mean 'email'?)",
        ),
        ('[pii]\nstyle = "blur"\n', "pii.style: Input should be"),
    ],
)
def test_cli_unknown_type_or_style_names_file_and_key(
    tmp_path: Path, text: str, message: str
) -> None:
    pack = tmp_path / "mine.toml"
    pack.write_text(text)
    res = CliRunner().invoke(main, ["rules", "show", str(pack)])
    assert res.exit_code == 2
    assert res.output.startswith(f"Error: {pack}: {message}")


def test_held_out_classes_from_half_a_misses() -> None:
    """Classes seen in half A of presidio's set (tuned there, measured on half B): a labelled
    phone in groups, a dotted French number (was an IP inside it), a given name before an
    initial and a surname."""
    engine = PiiEngine(load_rule_pack("default").pii)
    texts = [
        "Phone: 0490 75 40 81\nX",
        "Mobile: 03.93.92.16.85 or Fax: 94987771",
        "Hanne I. Kreutzmann from Can Capital is the keynote speaker",
        "When I. Smith came, the server was 10.0.0.1.",
    ]
    out = engine.scan(pl.Series(texts), keep_values=True).placeholders().to_list()
    assert out == [
        "Phone: [PHONE]\nX",
        "Mobile: [PHONE] or Fax: [PHONE]",
        "[PERSON] from Can Capital is the keynote speaker",
        "When [PERSON] came, the server was [IP].",
    ]


def test_places_and_versioned_products_from_the_support_run_are_no_persons() -> None:
    """From [PERSON] contexts read on IBM's support tweets: a census name before a place word
    is a place of several words, before a version number a product (a dose is no version)."""
    engine = PiiEngine(load_rule_pack("default").pii)
    texts = [
        "Will it be available in South Africa?",
        "New macbook. Catalina 10.15.3 with Lightroom; I run Sierra 10.12 at home.",
        "Michael Jackson sang. Smith 10.5 mg given.",
    ]
    out = engine.scan(pl.Series(texts), keep_values=True).placeholders().to_list()
    assert out == [texts[0], texts[1], "[PERSON] sang. [PERSON] 10.5 mg given."]


def test_companies_terms_and_connectives_from_the_labelled_sample_are_no_persons() -> None:
    """Classes among the false [PERSON]s of tests/data/pii_labels (not its strings): "its X"
    is no greeting ("its Owners"), a name before ", Inc." is a company, a connective opening
    a sentence before a comma is no name called ("Meanwhile, you can")."""
    engine = PiiEngine(load_rule_pack("default").pii)
    texts = [
        "If Franchisee (or its Owners) shall at any time",
        "the agreement is signed by Flextronics, Inc. as a purchaser",
        "Check your spam folder. Meanwhile, you can read this. Hi Maria, thanks!",
    ]
    out = engine.scan(pl.Series(texts), keep_values=True).placeholders().to_list()
    assert out == [*texts[:2], texts[2].replace("Maria", "[PERSON]")]


def test_contracts_pack_keeps_parties_acting_in_clauses() -> None:
    """On CUAD's clauses hardly one [PERSON] in 30 was a person: parties and terms as the
    subject of a clause or after "by"/"MD". The contracts pack finds persons in signature and
    notice blocks and after personal titles only."""
    texts = [
        "for the Valeant Activities performed by Valeant, Dova shall pay Valeant a fee",
        "the sole remedy of Kitov; MD Anderson hereby assigns; approved by AbbVie.",
        "Mr. John Smith agrees. Notices to Ms. Jones and Dr. Mary K. Lee.",
    ]
    out = CONTRACTS.scan(pl.Series(texts), keep_values=True).placeholders().to_list()
    assert out == [*texts[:2], "Mr. [PERSON] agrees. Notices to Ms. [PERSON] and Dr. [PERSON]."]


def test_regions_and_titles_after_greetings_from_the_clinical_run() -> None:
    """From [PERSON] contexts read on MTS-Dialog/ACI-Bench: a compass word and a capitalized
    word is a region ("West Coast"), a title after a greeting is no name but the word after
    it is ("Hello Mister Strange" left "Strange" in the text)."""
    engine = PiiEngine(load_rule_pack("clinical").pii)
    texts = [
        "They moved from the West Coast to the East Coast.",
        "Doctor: Hello Mister Strange, can you please confirm your age?",
    ]
    out = engine.scan(pl.Series(texts), keep_values=True).placeholders().to_list()
    assert out == [texts[0], texts[1].replace("Strange", "[PERSON]")]


def test_lower_case_transcripts_names_after_titles_and_afternoon_greetings() -> None:
    """ACI-Bench writes its dialogues in lower case: "hey , ms. hill", "mrs . peterson",
    "good afternoon , beverly" kept the patient's name (8 of 45 greeted-by-name examples)."""
    import polars as pl

    from curate.rules import load_rule_pack
    from curate.rules.pii.engine import PiiEngine

    engine = PiiEngine(load_rule_pack("clinical").pii)
    texts = [
        "[doctor] hey , ms. hill . nice to see you .",
        "i'm seeing mrs . peterson , here , she's a 43-year-old",
        "good afternoon , beverly . good to see you .",
        "the mr. coffee machine broke",  # not a census name: kept
        "ms. however said",
    ]
    assert engine.scan(pl.Series(texts)).placeholders().to_list() == [
        "[doctor] hey , ms. [PERSON] . nice to see you .",
        "i'm seeing mrs . [PERSON] , here , she's a 43-year-old",
        "good afternoon , [PERSON] . good to see you .",
        "the mr. coffee machine broke",
        "ms. however said",
    ]


def test_pain_scores_along_their_clause_and_fish_oil_are_kept() -> None:
    """From the labelled clinical sample: scores a few words after "pain" were [DATE], and
    "Fish oil" a [PERSON]; a date after "pain" with a number between is still a date."""
    import polars as pl

    from curate.rules import load_rule_pack
    from curate.rules.pii.engine import PiiEngine

    engine = PiiEngine(load_rule_pack("clinical").pii)
    kept = [
        "• Average Pain Intensity Over the Past Week: 4/10.\n• Pain at Worst: 7/10.",
        "VAS pain scale is rated as 6/10 for her average pain, and 3/10 for her least pain.",
        "CURRENT MEDICATIONS\nVitamin C.\nFish oil.\n",
    ]
    assert engine.scan(pl.Series(kept)).placeholders().to_list() == kept
    dates = ["seen on 4/10 for pain", "pain started 3/4/2021"]
    assert engine.scan(pl.Series(dates)).placeholders().to_list() == [
        "seen on [DATE] for pain",
        "pain started [DATE]",
    ]


# classes of the IBM [PERSON] finds that were no person (not the labelled sample's own texts)
PRODUCTS_AND_PLACES = [
    # a product of several words with a census name in it (products list, not_person.toml)
    "Premiere Rush crashed again after the update.",
    "my Creative Cloud plan renews today",
    "my PS Vita will not charge",
    "the Hewlett Packard printer is offline",
    # a store's possessive with either apostrophe
    "I returned it at Macy’s and at Kohl's",
    # a brand written in CamelCase, and a brand's account name that is no census name
    "Thanks PlayStation for nothing",
    "hi Ryanair my flight is late",
]


@pytest.mark.parametrize("text", PRODUCTS_AND_PLACES)
def test_products_brands_and_places_are_no_persons(text: str) -> None:
    assert redact(DEFAULT, text) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a town with its state: an address (HIPAA: smaller than a state), never a person
        ("internet is down in Alexandria, VA today", "internet is down in [ADDRESS] today"),
        ("visiting my son in Cheyenne, Wyoming, then", "visiting my son in [ADDRESS], then"),
        ("we drove to Chicago IL and", "we drove to [ADDRESS] and"),
        # the state code may end the sentence (the held-out twcs labels found "Everett, WA.")
        ("I live in Everett, WA.", "I live in [ADDRESS]."),
        ("Contact Jordan, VA.gov says", "Contact [PERSON], VA.gov says"),
        # a census name before a place's last word: a town
        ("the branch in Maple Valley is closed", "the branch in [ADDRESS] is closed"),
        # but a credential after a name is no state, and "Head CT" no town
        ("Dr. John Smith, MD saw her", "Dr. [PERSON], MD saw her"),
        ("Head CT done, no bleed", "Head CT done, no bleed"),
        # given names in CamelCase stay names
        ("Hi MaryAnn, thanks", "Hi [PERSON], thanks"),
        ("Thanks DeShawn", "Thanks [PERSON]"),
    ],
)
def test_towns_with_their_state_and_camelcase_names(text: str, expected: str) -> None:
    assert redact(DEFAULT, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a surname's particle and a generation are part of the name (not "[PERSON] ten Pas")
        ("Willemine ten Pas will be talking today", "[PERSON] will be talking today"),
        ("Hi Maria de la Cruz!", "Hi [PERSON]!"),
        ("was called Kevin Veitonen II, and", "was called [PERSON], and"),
        # a particle before no name is text; "II" after a comma is no generation
        ("Hi Anna, de facto we", "Hi [PERSON], de facto we"),
        ("Thanks John, II think", "Thanks [PERSON], II think"),
    ],
)
def test_particles_and_generations_in_names(text: str, expected: str) -> None:
    assert redact(DEFAULT, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("PMH: '09 PTCA to LCX, CVA 74'. prostate CA'88.", "PMH: [DATE] PTCA to LCX, CVA [DATE]. prostate CA[DATE]."),
        ("quit smoking (quit '92)", "quit smoking (quit [DATE])"),
        ("in the '90s she was 5' 10\" tall", "in the '90s she was 5' 10\" tall"),  # a decade, a height
    ],
)  # fmt: skip
def test_years_with_an_apostrophe_in_notes(text: str, expected: str) -> None:
    assert redact(CLINICAL, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a dialogue's speakers: the one before a census given name's line is a name too
        ("Ubul: What a wife.\nNicole: Remember me.", "[PERSON]: What a wife.\n[PERSON]: Remember me."),
        # labelled lines that are no dialogue
        ("Chrome: Version 80\nFirefox: Version 70", "Chrome: Version 80\nFirefox: Version 70"),
        ("Subject: Refund\nStatus: Open", "Subject: Refund\nStatus: Open"),
    ],
)  # fmt: skip
def test_dialogue_speakers(text: str, expected: str) -> None:
    assert redact(DEFAULT, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # where a person gives a name: any word that is no common one, in lower case too
        ("my name is vitoria", "my name is [PERSON]"),
        ("sometimes people call me višeslav", "sometimes people call me [PERSON]"),
        ("her maiden name is nyberg", "her maiden name is [PERSON]"),
        ("call me back when you can", "call me back when you can"),
        ("my name is not important", "my name is not important"),
    ],
)
def test_lower_case_names_where_a_name_is_given(text: str, expected: str) -> None:
    assert redact(DEFAULT, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("eva kleist lives at the corner", "[PERSON] lives at the corner"),
        ("olga krylova's killers were sentenced", "[PERSON]'s killers were sentenced"),
        ("the company's address is on the site", "the company's address is on the site"),
        ("my mom's house is near", "my mom's house is near"),
    ],
)
def test_lower_case_names_before_a_persons_verb_or_possessive(text: str, expected: str) -> None:
    assert redact(DEFAULT, text) == expected


def test_a_brand_that_is_a_common_word_is_no_name_part_after_a_title() -> None:
    # "Office" is a brand's account; after a title a brand counts as a name ("Dr. Foley")
    text = "She said she was at Dr. XYZ office today"
    assert redact(CLINICAL, text) == "She said she was at Dr. [PERSON] office today"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a census given name alone, in a note's lower or upper case (issue 18: "lower-case
        # first names"; before, only with a census surname after it or a relative before it)
        ("pt calmer after karen called.", "pt calmer after [PERSON] called."),
        ("SOCIAL: KAREN AT BEDSIDE ALL DAY.", "SOCIAL: [PERSON] AT BEDSIDE ALL DAY."),
        # and the same name elsewhere in the record
        ("per karen pt to go home. karen aware.", "per [PERSON] pt to go home. [PERSON] aware."),
        # but not a nursing word that is also a given name, nor an eponym before its thing
        ("MAE TO COMMAND. max assist to chair.", "MAE TO COMMAND. max assist to chair."),
        ("s/p cardiac arrest, AMI peak CPK 5600.", "s/p cardiac arrest, AMI peak CPK 5600."),
        ("FLUID IN DOUGLAS POUCH ON US.", "FLUID IN DOUGLAS POUCH ON US."),
        # nor a given name that real English text writes as a word (given_names_as_words.txt)
        ("rash from poison ivy this weekend.", "rash from poison ivy this weekend."),
    ],
)
def test_lone_given_name_in_lower_or_upper_case_notes(text: str, expected: str) -> None:
    assert redact(CLINICAL, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        # minutes, degrees or feet with an apostrophe, not a year (issue 18: scores as [DATE])
        "HOB 30'. Drain placed at 15cm above tragus.",
        "family visited x 30' and pt tol well.",
        # pupils' sizes and an assist-control setting, not month/day
        "Neuro: sedated. perrla, 2/2. pupils 3/3 brisk.",
        "Remains on A/C 500 x 14, 5/10, sat 100%.",
    ],
)
def test_clinical_measures_are_not_dates(text: str) -> None:
    assert redact(CLINICAL, text) == text


def test_clinical_years_with_an_apostrophe_are_still_dates() -> None:
    assert redact(CLINICAL, "PMH: CVA 74'. s/p CABG '09.") == "PMH: CVA [DATE]. s/p CABG [DATE]."


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # given names of other countries (issue 18: en_IN 0.68, de 0.75), from
        # given_names_intl.txt: the census lists knew none of these
        (
            "The keys are with Mette at the front desk.",
            "The keys are with [PERSON] at the front desk.",
        ),
        (
            # (two finds since the unseen names' slots: "to Petr", then "and Akifumi")
            "I forwarded it to Petr and Akifumi yesterday.",
            "I forwarded it to [PERSON] and [PERSON] yesterday.",
        ),
        ("Sorry for the wait. ^Kieran", "Sorry for the wait. ^[PERSON]"),
        # and not the products or firms that carry such a name
        ("Ask Siri to open Pandora Premium.", "Ask Siri to open Pandora Premium."),
        ("By: Apollo Capital Management GP, LLC", "By: Apollo Capital Management GP, LLC"),
    ],
)
def test_given_names_of_other_countries(text: str, expected: str) -> None:
    assert redact(DEFAULT, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a given name that is also a common word, right after a relative, in a note's case
        ("son bill in to visit, updated.", "son [PERSON] in to visit, updated."),
        ("WIFE SUE AT BEDSIDE.", "WIFE [PERSON] AT BEDSIDE."),
        ("daughter, grace, aware of plan.", "daughter, [PERSON], aware of plan."),
        # not an auxiliary or a month after the relative, nor the word elsewhere
        ("son will visit in may.", "son will visit in may."),
        ("there is hope for recovery.", "there is hope for recovery."),
    ],
)
def test_given_names_that_are_words_after_a_relative(text: str, expected: str) -> None:
    assert redact(CLINICAL, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a capitalised census given name that is a nursing word, alone in a note
        ("Foley draining. Amber urine, 40cc/hr.", "Foley draining. Amber urine, 40cc/hr."),
        ("Responds to tactile stimulation. Pearl. Plan to transfer.", None),
        # but a name after a relative, and in the default pack everywhere
        ("Daughter Pearl at bedside.", "Daughter [PERSON] at bedside."),
    ],
)
def test_nursing_words_that_are_given_names(text: str, expected: str | None) -> None:
    assert redact(CLINICAL, text) == (text if expected is None else expected)
    assert redact(DEFAULT, "I spoke to Pearl yesterday.") == "I spoke to [PERSON] yesterday."


def test_dates_glued_to_the_word_before() -> None:
    """A note's typing: no space between a word and a date (issue 18: more date forms)."""
    got = redact(CLINICAL, "s/p pelvic fx4/97, hct 28 on10/14/82. L4/5 disc, C5/6 ok.")
    assert got == "s/p pelvic fx[DATE], hct 28 on[DATE]. L4/5 disc, C5/6 ok."
    assert redact(DEFAULT, "labs drawn on10/14/2022 at noon") == "labs drawn on[DATE] at noon"


@pytest.mark.parametrize("engine", [DEFAULT, CLINICAL])
def test_a_thing_called_x_is_no_person(engine: PiiEngine) -> None:
    """'called' introduces a name ("a guy called Mikkel Jensen"), but after a thing's noun it
    names the thing: a drug and a town were [PERSON] in the clinical run's export."""
    text = "I was taking something called Lyrica. I live in a town called Tullahoma."
    assert redact(engine, text) == text
    assert redact(engine, "a guy called Mikkel Jensen answered") == "a guy called [PERSON] answered"


def test_names_after_a_nurses_credential() -> None:
    """ "RN" or "HO" (house officer) before a name in a note, in the note's case."""
    got = redact(CLINICAL, "pt seen by RN Sallese, then per HO KAREN. plan d/w team.")
    assert got == "pt seen by RN [PERSON], then per HO [PERSON]. plan d/w team."


def test_two_month_days_run_together_in_a_note() -> None:
    got = redact(CLINICAL, "HAD TREATMENTS 10/03/10/04 AND DUE FOR XRT AGAIN TOMORROW.")
    assert got == "HAD TREATMENTS [DATE] AND DUE FOR XRT AGAIN TOMORROW."


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a surname with a letter beyond ASCII after a known given name: the census-name pass
        # (ASCII) left "ý" / "öm" behind ("[PERSON]ý")
        (
            "You can tell he was a huge Michal Horký fan.",
            "You can tell he was a huge [PERSON] fan.",
        ),
        ("the verses from Emmie Ström's tales", "the verses from [PERSON]'s tales"),
        # no given name first: German nouns, a firm
        (
            "Meine Größe ist gut. Die Bestätigung fehlt.",
            "Meine Größe ist gut. Die Bestätigung fehlt.",
        ),
    ],
)
def test_accented_surnames_after_a_given_name(text: str, expected: str) -> None:
    assert redact(DEFAULT, text) == expected


def test_nasal_prongs_are_no_nurse_practitioner() -> None:
    """ "NP" after an oxygen flow is nasal prongs: "Sats" was a [PERSON] after it."""
    got = redact(CLINICAL, "On 2L NP Sats 96%. Seen by NP Sallese today.")
    assert got == "On 2L NP Sats 96%. Seen by NP [PERSON] today."


@pytest.mark.parametrize("engine", [DEFAULT, CLINICAL])
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the clinical run's export: a census name before capitalised words that end in an
        # organisation's word names the organisation ("[PERSON] Orthopedic Group")
        (
            "He was initially seen at Sierra Pacific Orthopedic Group where an MRI showed",
            "He was initially seen at Sierra Pacific Orthopedic Group where an MRI showed",
        ),
        ("we went to Sierra Orthopedic Group last week.", None),
        # "Family" before a capitalised word: a practice, not the Morgans
        ("Seen at Morgan Family Practice yesterday.", None),
        # the run of capitals must end in the organisation's word: persons stay persons
        (
            "Spoke with Mary Smith at Mass General Hospital. The Morgan family visited.",
            "Spoke with [PERSON] at Mass General Hospital. The [PERSON] family visited.",
        ),
        ("Mary Smith Clinic Nurse called.", "[PERSON] Clinic Nurse called."),
    ],
)
def test_a_name_before_an_organisation_word_is_the_organisation(
    engine: PiiEngine, text: str, expected: str | None
) -> None:
    assert redact(engine, text) == (text if expected is None else expected)


def test_a_family_in_capitals_is_still_a_persons() -> None:
    """Only "Family" before a capitalised word is a practice's: a note's capitals are not."""
    got = redact(CLINICAL, "KEEP ROMERO FAMILY AWARE OF PLAN OF CARE.")
    assert got == "KEEP [PERSON] FAMILY AWARE OF PLAN OF CARE."


@pytest.mark.parametrize("engine", [DEFAULT, CLINICAL])
def test_a_latin_genitive_is_no_greek_surname(engine: PiiEngine) -> None:
    """ "-idis" is a Greek surname's ending and Latin's genitive of anatomy (an MTSamples
    exam: "[PERSON] are grossly within normal limits"): alone it is no name, after a given
    name it is."""
    text = "There is mild atrophy.  Epididymidis are grossly within normal limits bilaterally."
    assert redact(engine, text) == text
    got = redact(engine, "the verses from Eleni Konstantinidis's tales")
    assert got == "the verses from [PERSON]'s tales"


@pytest.mark.parametrize("engine", [DEFAULT, CLINICAL])
def test_a_country_is_no_address(engine: PiiEngine) -> None:
    """A country is larger than a state (HIPAA's geographic PHI is smaller), though a US
    town has its name (Mexico, Maine): "I was in [ADDRESS] earlier this year" in the clinical
    run's export; a town stays an address where the pack makes one."""
    for text in ("I was in Mexico earlier this year.", "I live in Mexico now."):
        assert redact(engine, text) == text
    assert redact(engine, "She lives in Springfield.") == "She lives in [ADDRESS]."


def test_a_notes_list_line_without_a_census_name_is_no_name() -> None:
    """A note's list of problems or orders, one a line ("Cor Pulmonale", "Cont Abx"): a
    line of its own is a name there only with a census name in it."""
    text = "PMH:\n COPD \n Cor Pulmonale \n Cont Abx \n Kathleen Smith \n"
    assert redact(CLINICAL, text) == "PMH:\n COPD \n Cor Pulmonale \n Cont Abx \n [PERSON] \n"


@pytest.mark.parametrize("engine", [DEFAULT, CLINICAL])
def test_a_gerund_before_a_number_is_no_german_ring_street(engine: PiiEngine) -> None:
    """ "-ring" ends German streets ("Kaiserring 4") and English gerunds ("Wearing 40% face
    tent" was an [ADDRESS], so was "During 1971" in the presidio set)."""
    text = "Wearing 40% face tent. During 2010 he was fine. Hearing 2 of 5."
    assert redact(engine, text) == text
    got = redact(engine, "Ich wohne am Kaiserring 4 und in der Hauptstraße 5.")
    assert got == "Ich wohne am [ADDRESS] und in der [ADDRESS]."


def test_a_unit_before_a_credential_is_no_name() -> None:
    """ "ON 2 LITERS NP": oxygen by nasal prongs, "LITERS" no name before a credential."""
    text = "O2 SATS- >96% ON 2 LITERS NP. \nCOMFORTABLE EXCEPT FOR SOB EVENT."
    assert redact(CLINICAL, text) == text


def test_a_given_name_that_is_a_place_after_a_nurse_or_relative() -> None:
    """A given name that is also a state ("Virginia", "Georgia") leaves the census list,
    but after "nurse" or a relative it is the person's name."""
    got = redact(CLINICAL, "IV NURSE VIRGINIA SALLESE CALLED. Spoke with daughter Georgia.")
    assert got == "IV NURSE [PERSON] CALLED. Spoke with daughter [PERSON]."
    assert redact(CLINICAL, "Pt moved from Georgia.") == "Pt moved from Georgia."


def test_a_capitals_name_ends_at_its_surname() -> None:
    """ "DR MADDEN PICC IN SVC": after a surname that is no given name, a word in capitals
    that is no census name is the note's (PICC), not the name's; it was also spread to
    'ASSESS [PERSON] PLACEMENT'."""
    text = "CXR TO ASSESS PICC PLACEMENT. PER DR MADDEN PICC IN SVC. DR GARCIA LOPEZ AWARE."
    got = redact(CLINICAL, text)
    assert got == "CXR TO ASSESS PICC PLACEMENT. PER DR [PERSON] PICC IN SVC. DR [PERSON] AWARE."


def test_assist_control_with_a_tidal_volume_is_a_vent_setting() -> None:
    """ "ON AC 500TV/50 / 5/10": assist control, its pressures no date; "R AC 11/17" is the
    antecubital (a PICC placed there on a date)."""
    got = redact(CLINICAL, "ON AC 500TV/50 / 5/10 ,SAT 100 %. PICC PLACED IN R AC 11/17, OK.")
    assert got == "ON AC 500TV/50 / 5/10 ,SAT 100 %. PICC PLACED IN R AC [DATE], OK."


@pytest.mark.parametrize("engine", [DEFAULT, CLINICAL])
@pytest.mark.parametrize(
    "text",
    [
        # anatomy and techniques named after a person (MTSamples, read in the clinical export)
        "The gland was freed down to the level of the Berry's ligament inferiorly.",
        "The port was placed and the Hasson technique was used.",
        # devices named after a person or a maker
        "A catheter with a hole cut in the tip with a Cook cutter. The Fogarty balloon was "
        "passed. She has a Codman shunt set at 90. Chordee release (Nesbit tuck).",
        # a pair of eponyms sharing their noun
        "Exposed with a Richardson and Deaver retractors. Used Kelly and Metzenbaum scissors.",
    ],
)
def test_eponyms_of_anatomy_techniques_and_paired_instruments(engine: PiiEngine, text: str) -> None:
    assert redact(engine, text) == text


def test_a_rare_surname_after_a_census_name_before_a_role() -> None:
    """ "DICK CUCCHIARA (RESIDENT)": before a role in parentheses, a census name in capitals
    and a surname no list holds are one name; a lone unknown word stays text."""
    text = "PLAN INCLUDES CT GUIDED TAP...DICK CUCCHIARA (RESIDENT) WORKING ON THIS."
    got = redact(CLINICAL, text)
    assert got == "PLAN INCLUDES CT GUIDED TAP...[PERSON] (RESIDENT) WORKING ON THIS."
    text = "PLAN INCLUDES CT GUIDED TAP...CARING TEAM (RESIDENT) WORKING ON THIS."
    assert redact(CLINICAL, text) == text


def test_a_relative_with_an_arrow_or_equals_before_the_name() -> None:
    """Nursing notes write "SOCIAL: SON->JOHN", "DAUGHTER=MARY" (an arrow or equals sign
    between the relative and the name)."""
    got = redact(CLINICAL, "SOCIAL: SON->JOHN CALLED. DAUGHTER=MARY IN TO VISIT.")
    assert got == "SOCIAL: SON->[PERSON] CALLED. DAUGHTER=[PERSON] IN TO VISIT."


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a lower-case full name anywhere (presidio half A's class): a given name, maybe an
        # initial, then a census surname or a surname's ending; neither a common word
        ("next patient is grace ross", "next patient is [PERSON]"),
        ("naomi ryan\nsewer pipe cleaner", "[PERSON]\nsewer pipe cleaner"),
        (
            "the verses from eric g. samoylova's cautionary tales",
            "the verses from [PERSON]'s cautionary tales",
        ),
        ("follow up with benjamin a seiler soon", "follow up with [PERSON] soon"),
        ("i will smith it", "i will smith it"),
        ("john said hi", "john said hi"),
        ("anna young is here", "anna young is here"),
        ("hope springs eternal", "hope springs eternal"),
        ("grace period ends", "grace period ends"),
    ],
)
def test_lower_case_full_names_anywhere(text: str, expected: str) -> None:
    assert redact(DEFAULT, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a census name's neighbour with a Latin letter outside ASCII (presidio half A's class)
        ("Jožef Albin had given him a ride", "[PERSON] had given him a ride"),
        ("Have you been to a Calquín Cazares concert?", "Have you been to a [PERSON] concert?"),
        # an initial between a census name and its surname; then a word-surname too
        ("the film also features Kate M Begum.", "the film also features [PERSON]."),
        ("a film directed by Brad L Key and others", "a film directed by [PERSON] and others"),
        # a surname after an initial ends at a word's end, not at its first non-ASCII letter
        ("notes by Erlendur G. Hafliðason here", "notes by [PERSON] here"),
        ("I spoke with John F. The rest is fine", "I spoke with [PERSON] F. The rest is fine"),
    ],
)
def test_census_names_with_initials_and_latin_letters(text: str, expected: str) -> None:
    assert redact(DEFAULT, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # where a person gives a name, a word in title case is one too (presidio half A)
        ("Her maiden name is Key", "Her maiden name is [PERSON]"),
        ("my name is Will and i need help", "my name is [PERSON] and i need help"),
        # the first of two objects, then "his"/"her": the person given something
        ("Hakuba had given Hakuba his address.", "[PERSON] had given [PERSON] his address."),
        ("She told Mark his car was ready", "She told [PERSON] his car was ready"),
        ("I gave Apple his card", "I gave Apple his card"),
        ("they sent Customer Service her receipt", "they sent Customer Service her receipt"),
    ],
)
def test_names_given_and_persons_given_something(text: str, expected: str) -> None:
    assert redact(DEFAULT, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a name with a person's trade in apposition (presidio half A's class)
        (
            'Hijacinta Godina, the Technical writer, said: "I am glad"',
            '[PERSON], the Technical writer, said: "I am glad"',
        ),
        ("I met Anna Kowalczyk, our new nurse, today", "I met [PERSON], our new nurse, today"),
        ("Microsoft Word, the text editor, crashed", "Microsoft Word, the text editor, crashed"),
    ],
)
def test_a_name_with_a_trade_in_apposition(text: str, expected: str) -> None:
    assert redact(DEFAULT, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a chat's speakers in lower case (presidio half A's class), both of them, and a full
        # name on the line between them
        (
            'mika: "who are you?"\ntracy:"i am his daughter".',
            '[PERSON]: "who are you?"\n[PERSON]:"i am his daughter".',
        ),
        ("kevin: call john smith now\nmaria: ok", "[PERSON]: call [PERSON] now\n[PERSON]: ok"),
        ("max: 3\nmin: 1", "max: 3\nmin: 1"),
        ("customer: hi\nagent: hello", "customer: hi\nagent: hello"),
        ("kevin: hi there\nnote: none", "kevin: hi there\nnote: none"),  # no second name
    ],
)
def test_lower_case_chat_speakers(text: str, expected: str) -> None:
    assert redact(DEFAULT, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a list of surnames: a surname's ending and a surname that is a word count, with one
        # census name at least (presidio half A's class); a word is not spread
        (
            "the brainchild of our 3 founders: Šušulić, Bowman and White. The idea",
            "the brainchild of our 3 founders: [PERSON]. The idea",
        ),
        ("colours: Black, White and Green", "colours: Black, White and Green"),
        (
            "Šušulić, Bowman and White met. White Stripes played.",
            "[PERSON] met. White Stripes played.",
        ),
    ],
)
def test_coordinated_surnames_with_endings_and_words(text: str, expected: str) -> None:
    assert redact(DEFAULT, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a text's first line alone, a census given name and any surname in lower case
        ("leone mazzi\n\nnurse\n\npersonal info:", "[PERSON]\n\nnurse\n\npersonal info:"),
        ("maria thanks\nfor the help", "maria thanks\nfor the help"),
        ("the leone mazzi\nline", "the leone mazzi\nline"),
    ],
)
def test_a_lower_case_name_alone_on_a_texts_first_line(text: str, expected: str) -> None:
    assert redact(DEFAULT, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # an operation named after its surgeons (read in session 10's clinical export:
        # "appendectomy, [PERSON] cystourethropexy")
        ("appendectomy, Marshall-Marchetti-Krantz cystourethropexy, and", None),
        ("then Smith-Jones colectomy was", None),
        # a person's name before an operation stays a name: a given name opens it
        ("Mary-Kate colectomy", "[PERSON] colectomy"),
        ("John Smith colectomy scheduled", "[PERSON] colectomy scheduled"),
        ("Dr. Smith colectomy", "Dr. [PERSON] colectomy"),
    ],
)
def test_an_operations_eponym_is_no_person(text: str, expected: str | None) -> None:
    assert redact(CLINICAL, text) == (text if expected is None else expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a given name that is a common word, after a greeting (read in session 10's support
        # export: an agent's "Hey Don, help's here", "Hi Faith, sorry for the trouble")
        ("Hey Don, help's here.", "Hey [PERSON], help's here."),
        ("Hi Faith, sorry for the trouble", "Hi [PERSON], sorry for the trouble"),
        ("Hello Grace Ross, welcome", "Hello [PERSON], welcome"),
        ("my name is Hope and I", "my name is [PERSON] and I"),
        # the words as words stay
        ("I hope that works, thanks", None),
        ("Hi Chase customer service", None),
    ],
)
def test_a_given_name_that_is_a_word_after_a_greeting(text: str, expected: str | None) -> None:
    engine = PiiEngine(load_rule_pack("default").pii)
    assert redact(engine, text) == (text if expected is None else expected)
