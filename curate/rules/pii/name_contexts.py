"""The words around a person's name that the name detectors look for: titles, relatives and
roles, speakers' labels, greetings, verbs and the contexts after a name (split out of
``patterns.py``, which holds the candidates' own shapes and the other types' detectors)."""

from __future__ import annotations

from curate.rules.pii.detector import ASCII_B, Gate
from curate.rules.pii.patterns import LOWER, NAME_TOKEN, UPPER

TITLES = (
    r"(?i:dr|drs|doctor|mr|mrs|ms|miss|mx|prof|professor|mister|madam|dame|sir|lady|lord|rabbi"
    r"|reverend|pastor|imam)"
)
# titles after which a common word is still a name ("Dr. Small"), when written in the same
# case as the title; not Mr/Ms, which are also mitral regurgitation and mental status in notes
# (a plural's apostrophe too: "Drs' Walker and Cahillane pronounced")
STRONG_TITLE = (
    r"\b(?i:dr|drs|doctor|prof|professor|rabbi|reverend|pastor|imam|drs['’])(?:\.[ \t]*|[ \t]+)"
)
# the title and the "." or blank after it: "dr" alone is in "address" and "drive"
TITLE_GATE = Gate(
    r"(?:drs?|doctor|mrs?|ms|miss|mx|prof|professor|mister|madam|dame|sir|lady|lord|rabbi"
    r"|reverend|pastor|imam)[. \t]",
    fold=True,
)
STRONG_TITLE_GATE = Gate(
    r"(?:drs?['’]?|doctor|prof(?:essor)?|rabbi|reverend|pastor|imam)[. \t]", fold=True
)
RELATIVES = (
    r"(?i:son|daughter|wife|husband|sister|brother|mother|father|mom|dad|niece|nephew|aunt|uncle"
    r"|grand[ -]?(?:son|daughter|mother|father)|(?:son|daughter|sister|brother|mother|father)"
    r"-in-law|cousin|fiance|fiancee|partner|friend|neighbor|neighbour|boyfriend|girlfriend"
    r"|dtr|dau|sis|bro|hubby|caregiver|step(?:son|daughter|mother|father)|kid|child|baby)\b"
)
ROLES = (
    r"(?:NP|RN|PA|LPN|RRT|CNA|MD|(?i:nurse|attending|resident|intern|fellow|surgeon"
    r"|physician|caseworker|case manager|social worker|chaplain|house officer|house staff"
    r"|therapist|pharmacist|technician|tech|dietitian|nutritionist))"
)
# Labels of speakers' turns in dialogues and transcripts, and of roles in a header: after
# "Patient:" comes a name in a header ("Patient: Smith, John") but a turn in a dialogue
# ("Patient: That's right."). Check "name" tells them apart by what is around (_peek).
SPEAKERS = (
    "Patient|Customer|Client|Physician|Doctor|Nurse|Provider|Agent|Attending|Resident|Caller"
    "|Employee|Member|Parent|Guardian"
)
# a thing's name after "named"/"called": "the bacteria named Enterococcus" (an MTS-Dialog
# dialogue: its note's "secondary to Enterococcus species" became [PERSON] with it), "a
# drug called Lyrica", "a dog named Max": taken first and given back (check "reject")
THING_NAMED = (
    r"\b(?i:bacteri(?:a|um)|organisms?|virus|germs?|fungus|yeast|drugs?|medications?|medicines?"
    r"|pills?|anti-?[a-z]+s?|stimulants?|steroids?|creams?|ointments?|inhalers?|vaccines?"
    r"|supplements?|products?|apps?|games?|songs?|bands?|shows?|company|brand|dogs?|cats?"
    r"|pets?|horses?|puppy|kitten|boats?|ships?|towns?|hotels?|restaurants?|stores?|shops?)"
    r"[ \t]+(?i:named|called)[ \t]+"
)
# Context that introduces a person's name; the name must pass the checks in _name_span.
NAME_CONTEXTS = [
    # fields: "Name:", "From:", "Patient name:", and speakers' labels (see SPEAKERS)
    r"(?:^|\n)[ \t>]*(?:Name|Contact|From|To|Cc|Attn|Signed|Author|Guarantor|Emergency contact"
    rf"|Next of kin|Insured|Subscriber|Owner|{SPEAKERS})(?:[ \t]+(?i:name))?[ \t]*:[ \t]*",
    r"(?:^|\n)[ \t>]*(?i:first|last|full|given|family|middle|maiden|sur)[ \t]*name[ \t]*:[ \t]*",
    r"\b(?:Dear|Hi|Hello|Hey|Thanks|Thank you|Thx|Attn:?|Attention:?|Congratulations)[ \t,]+",
    # a vocative closing a thanks or an apology: "Thank you for the feedback, Faith, we will"
    r"\b(?:Thanks|Thank you|Sorry)[ \t]+(?:for|about)[ \t]+[^.!?\n,]*,[ \t]+",
    r"\b(?i:my name is|my name's|this is|i am|i'm|call me|named(?: him| her)?|called|signed by|seen by"
    r"|referred by|says|said|asked|replied|wrote|told|according to|starring|featuring|married"
    r"|(?:first|last|maiden|middle|full|sur) ?name is|name on the account is)[ \t]+"
    rf"(?:{TITLES}\.?[ \t]*)?",
    # "spoke with", "spoken extensively with", "follow up with"
    r"\b(?i:(?:spoke|spoken|speak|speaking|talk|talked|talking|met|meet|meeting|follow(?:ed)? up"
    r"|consulted|conferred|checked)(?:[ \t]+[A-Za-z]+ly)?[ \t]+(?:with|to))[ \t]+",
    # "song by X", "Directed By: X"
    r"\b(?i:(?:directed|written|produced|performed|sung|composed|arranged|created|painted"
    r"|designed|founded|invented|illustrated|edited|translated|narrated|hosted|presented|signed"
    r"|approved|authored|recorded|released|song|songs|novel|book|album|film|movie|poem|play"
    r"|painting|track|article|story|lyrics|version|not)[ \t]+by)[ \t]*:?[ \t]*",
    r"[\"”][ \t]+(?i:by)[ \t]+",
    # "What's your name? X", "name on the account? User: X", "it's under X"
    r"\b(?i:name)\b[^?\n]{0,25}\?[ \t]*(?:(?i:user|customer|client|caller)[ \t]*:[ \t]*)?",
    r"\b(?i:it'?s under|under the name(?: of)?|under (?:my|his|her|their|our) [A-Za-z]+'s name"
    r"|in the name of|(?:change|changed|update|updated) (?:it|the name|my name) to"
    r"|(?:assistant|secretary|deputy|successor|tribute|married|engaged) to)[ \t]+",
    # occupations before a name: "Producer X", "songwriter X", "tennis player X"
    r"\b(?i:producer|songwriter|singer|player|actor|actress|author|writer|director|composer"
    r"|artist|musician|poet|novelist|journalist|reporter|senator|governor|mayor|minister|president"
    r"|ceo|founder|co-founder|chairman|chairwoman|judge|detective|coach|captain|sergeant"
    r"|lieutenant|colonel|ex-[A-Za-z]+)[ \t]+",
    r"\b(?i:regards|thanks|thank you|sincerely|cheers|best|best wishes|yours truly|cordially)"
    r"[ \t]*[,!.]?[ \t]*\r?\n[ \t]*",
    rf"\b(?:my|her|his|their|your|the|pt'?s|patient'?s)[ \t]+{RELATIVES}[ \t,]+",
    rf"\b{RELATIVES}[ \t]*(?:[,:]|-+)[ \t]*",
    rf"\b{ROLES}[ \t]+",
    r"\b(?i:contact(?: person)?|caller|proxy)[ \t]*[:-]?[ \t]*",
]
# a verb of meeting or speaking with a person ("spoke with oprea", "talked with linnéa")
MET_WITH = (
    r"(?:spoke|spoken|speak|talk|talked|met|meet|discussed|follow(?:ed)? up)"
    r"(?:[ \t]+[A-Za-z]+ly)?[ \t]+with"
)
# clinical notes: upper- and lower-case names after strong contexts ("DR. DISANGRO", "son bill")
CASED_CONTEXTS = [  # not NP/PA/MD/PT: in notes they are also nasal prongs, artery, ...
    # (an arrow or equals sign after the relative: "DAUGHTER->KRISSY", "SON=JIM"; a bracket:
    # "mother and daughter (Ossi Mudri) called")
    # (two relatives: "mother and daughter", else a find of "and daughter" hid the name)
    rf"\b(?i:(?:my|her|his|their|the|pt'?s|patient'?s)[ \t]+)?{RELATIVES}"
    rf"(?:[ \t]+(?i:and|&)[ \t]+{RELATIVES})?[ \t]*(?:[,:=(]|-+>?)?[ \t]*",
    r"(?:\b(?i:nurse|attending|resident|fellow|caseworker|case manager|social worker|chaplain"
    r"|house officer|house staff|therapist|pharmacist|dietitian)(?:[ \t]+|[ \t]*\([ \t]*)"
    # a nurse's or house officer's credential before a census given name: "RN KAREN", "per
    # HO Domenico" (check "known": a given name in lower or upper case; not NP, nasal prongs)
    r"|\b(?:RN|rn|HO)(?:[ \t]+|[ \t]*\([ \t]*))"
    # and the verb of meeting after the role: "case manager spoke with oprea" (else the
    # role's find took "spoke with oprea", which the check gave back)
    r"(?:(?i:spoke|spoken|talked|met|discussed)[ \t]+with[ \t]+)?",
    rf"\b(?i:{MET_WITH}|my name is|call me|contact(?: person)?:?)[ \t]+",
]
# where a person gives a name, any word not a common one is a name, in lower case too:
# "my name is vitoria", "people call me višeslav", "her maiden name is nyberg" (check "name")
NAME_GIVEN = (
    r"\b(?i:my[ \t]+name[ \t]+is|my[ \t]+name's|calls?[ \t]+me"
    r"|(?:first|last|maiden|middle|full|sur|given|family)[ \t]?name[ \t]+is)[ \t]+"
)
# a person's role in apposition: "Hijacinta Godina, the Technical writer, said" (a noun of a
# person's trade last: "-er", "-ist", "-ant"; "Microsoft Word, the text editor," has a word)
APPOSITION_AFTER = (
    r"[ \t]*,[ \t]+(?:the|a|an|our|my|his|her|their)[ \t]+(?:[A-Za-z-]+[ \t]+){0,3}"
    r"[A-Za-z-]+(?:er|or|ist|ian|ant|ent|ee|man|woman|person|nurse|chef|coach|clerk|agent"
    r"|analyst|architect|specialist|technician|assistant|planner|surgeon),"
)
# a verb with two objects, the first a person: "had given Hakuba his address", "told Ana her"
GIVEN_TO = r"\b(?:given|gave|handed|showed|shown|sent|told|offered|promised|lent)[ \t]+"
LOWER_NAME = rf"[{LOWER}][{LOWER}'’-]+(?:[ \t]+[{LOWER}][{LOWER}'’-]+)?"
# chats and dialogues in lower case: "hi diane", "[doctor] hello larry", "this is diana btw";
# a lower-case word here must be a census first name (check "known")
GREETING_CASED = (
    r"\b(?i:hi|hello|hey|dear|morning|afternoon|evening|thanks|thank you|bye|goodbye|this is|i am|i'm"
    r"|it's|(?:see|meet|seeing|meeting)[ \t]+you)[ \t,]+"
)
# a turn that opens with a greeting (after the handle it answers: "@115712 Hi Jo,"), before a
# capitalised word and a comma: the person greeted, a word too ("Hey Bill,", "Hi Jo,", read in
# the support export); not "Hi there,", "Hi Team," (pii_words.toml not_names), nor a brand
# ("Hey Delta,"): engine._name_passes, check "name_given"
GREETED_TURN = (
    r"(?:^|\n)[ \t>]*(?:@[A-Za-z0-9_]+[ \t]+)?(?i:hi|hello|hey|dear|heya|hiya|howdy|hola)"
    r"[ \t]*,?[ \t]+"
)
GREETED_AFTER = r"[ \t]*[,!]"
# a greeting's word before a name called (not "this is", "i'm": "i'm french"): after one a
# given name that names a thing too is a name ("hey bruce so see here", ACI-Bench; "Bruce"
# is an exercise protocol's eponym), engine._greeted_names
VOCATIVE_CASED = (
    r"\b(?i:hi|hello|hey|dear|bye|goodbye|(?:see|meet|seeing|meeting)[ \t]+you)[ \t]*,?[ \t]+"
)
# a note's header: "SMITH, JOHN", "O'BRIEN, MARY K" at the start of a line
CAPS_LAST_FIRST = r"[A-Z]{2,}(?:['-][A-Z]+)?,[ \t]*[A-Z]{2,}(?:[ \t]+[A-Z]\b\.?)?\b"
# After a name: the verb of a person at the start of a sentence ("Enrico shouted at"), a
# possessive of a personal noun ("Asya's kid"), a role ("as a beneficiary", "(son)"), "family".
PERSON_VERBS = (  # not "said"/"thinks"/"told": companies do those in support tickets
    r"(?:shouted|yelled|whispered|lives|lived|spent[ \t]+(?:a|an|the|\d+)|was born|is from|died"
    r"|will be (?:talking|speaking|presenting)|is the keynote|began[ \t]+[a-z]+ing)"
)
PERSONAL_NOUNS = (
    r"(?:address|phone|number|e-?mail|account|birthday|house|home|car|kid|kids|child|children|son"
    r"|daughter|wife|husband|mom|dad|mother|father|brother|sister|family|friend|boss|lawyer"
    r"|death|funeral|killers?|murder|wedding|parents|grave|office"
    # a person's works: "(though Ranta's song was", "Guiry's novel"
    # (not "album", "lyrics", "concert": a band's too, "all Weezer albums" in support tweets)
    r"|songs?|novels?|poems?|biography|memoir)"
)
SENTENCE_START = r"(?:^|\n|[.!?][\"”]?[ \t]+)[ \t>\"“]*"
AFTER_NAME = [
    rf"[ \t]+{PERSON_VERBS}\b",
    rf"['’]s[ \t]+{PERSONAL_NOUNS}\b",
    r"[ \t]+as[ \t]+(?:(?:a|an|the|my|our|his|her)[ \t]+)?(?:beneficiary|guardian|dependent|co-?signer"
    r"|authorized user|joint|secondary|emergency contact|nominee|trustee|executor)\b",
    rf"[ \t]*\((?:{RELATIVES}|{ROLES}|(?i:pcp|hcp|proxy|health care proxy))\)",
    # (not "Morgan Family Practice", "Smith Family Foundation": a capitalised word after
    # "Family" makes it an organisation's name)
    r"[ \t]+(?:(?:family|FAMILY)\b|Family(?:$|[^ \tA-Za-z0-9_]|[ \t]+(?:[^A-Z \t]|$)))",
    # a phone label after a name: "Lopie Certusi cell# 410-..."
    r"[ \t]*[(:-]?[ \t]*(?i:cell|home|work|mobile|phone|tel|pager|beeper)[ \t]*(?:#|:|no\.)",
    # clinical: "lorrie morales is a 70 yo"
    r"[ \t]+(?i:is|was)[ \t]+an?[ \t]+\d{1,3}[ \t-]*(?i:yo|y/o|y\.o\.|yr|year|month)",
]
# a writer's works after the name: "Unlike the Guiry novel" (not "version", "album",
# "concert": "the Android version", "all Weezer albums", a band's; the trailing detector's
# check: no common word, no brand)
WORKS_AFTER = r"[ \t]+(?:novels?|biography|memoir|autobiography)\b"
# a form's addressee: the line after "Billing address:", "Ship to:" opens with a name
# ("Billing address: Yamin Sakarya\n 31401 ul. Słowicza 10"), engine._name_passes' rare pass
ADDRESSEE_BEFORE = (
    r"(?:^|\n)[ \t>]*(?i:(?:billing|shipping|mailing|postal|delivery)[ \t]+address"
    r"|(?:bill|ship|deliver|send)[ \t]+to|recipient|addressee)[ \t]*:[ \t]*(?:\r?\n[ \t]*)?"
)
# a capitalised word with a letter no ASCII holds ("Élisabeth", "Kristýna", "Víctor"): a
# dialogue's next speaker as well as a census given name (DIALOGUE_AFTER; "Chrome:" and
# "Plan:" lines have none)
ACCENTED_NAME = r"(?:[À-ÖØ-ÞĀ-ž][a-zß-öø-ÿā-ž]+|[A-Z][a-z]*[ß-öø-ÿā-ž][a-zß-öø-ÿā-ž]*)"
# after a dialogue's speaker at a line's start: a colon, a line of speech opening with a
# capital or a quote, and the next line opening with another speaker's name ({firsts}: the
# census given names) and a colon
DIALOGUE_AFTER = (
    r"[ \t]*:[ \t]*[\"“]?[A-Z][^\n:]{{0,200}}\r?\n[ \t]*(?:{firsts})[ \t]*:[ \t]*[\"“]?[A-Z]"
)
# "Leif, can I please speak to your boss?": a name called at the start of a sentence
VOCATIVE_AFTER = (
    r",[ \t]+(?:can|could|would|will|please|do|did|are|is|have|I|we|you|thanks|thank)\b"
)

# an initial and a name: "J. Miller" after a space; in capitals, where any sentence may end
# in a one-letter abbreviation ("N/V. ABD"), only after "per"/"by"/... or before "aware"
INITIAL_CONTEXT = r"\b(?i:per|by|to|with|from|and|paged|called|notified|informed|meet|w/)[ \t]+"
# (with the given name before it: "Hanne I. Kreutzmann"; the check keeps only name-like tokens)
INITIAL_NAME = (
    # (the surname's letters Unicode: "Erlendur G. Hafliðason" lost "ðason" to ASCII's \b)
    rf"{ASCII_B}(?:{NAME_TOKEN}[ \t]+)?[A-Z]\.[ \t]*[A-Z][{LOWER}]+(?:['’-][A-Za-z]+)?{ASCII_B}"
)
# (accents of Latin-1 and Extended-A in the surname: "H. FÜLÖP AWARE", "C. KJÆR"; a name
# that ends in one still fails the ASCII bound after it)
_ACC_U, _ACC_L = "À-ÖØ-ÞĀ-ž", "ß-öø-ÿĀ-ž"
INITIAL_CAPS = (
    rf"{ASCII_B}[A-Z]\.[ \t]*(?:[A-Z{_ACC_U}][a-z{_ACC_L}]+|[A-Z{_ACC_U}]{{2,}})"
    rf"(?:['’-][A-Za-z]+)?{ASCII_B}"
)
INITIAL_AFTER = r"[ \t]+(?i:aware|notified|paged|called|informed|updated|in to|at bedside)\b"
COORDINATED = (
    rf"{NAME_TOKEN}(?:[ \t]*,[ \t]*{NAME_TOKEN}){{0,6}},?[ \t]+(?:and|&)[ \t]+{NAME_TOKEN}"
)
# three or more: "Moen, Bognár and Kjær" (engine._name_passes)
COORDINATED_THREE = (
    rf"{NAME_TOKEN}(?:[ \t]*,[ \t]*{NAME_TOKEN}){{1,6}},?[ \t]+(?:and|&)[ \t]+{NAME_TOKEN}"
)
TITLE_CONTEXT = rf"\b{TITLES}(?:\.[ \t]*|[ \t]+)"
# a credential that ends its line: "Q. LANDER RRT", "V. Finn, RRT" (not "Stoma RN following")
SIGNOFF_AFTER = (
    r",?[ \t]+(?:RN|RRT|MD|NP|PA|LPN|BSN|CNA|CRT|(?i:rn|rrt|md|np|bsn|crt))[ \t.]*(?:\r?\n|$)"
)
# after a title, common words are names ("Dr. Small", "Dr. Will Cole") but not these

# a lower-case word's end, maybe in letters no ASCII holds: "roland h mészáros" whole
# (a letter no ASCII holds first: "barkovi|ć" has an ASCII edge; the word's end is an ASCII
# edge after an ASCII letter, none after another: (?-u:\B))
NON_ASCII_LOWER = "ß-öø-ÿā-ž"
LOWER_END = (
    rf"(?:[{NON_ASCII_LOWER}](?:[a-z{NON_ASCII_LOWER}]*[a-z]{ASCII_B}|[a-z{NON_ASCII_LOWER}]*[{NON_ASCII_LOWER}](?-u:\B)"
    rf"|(?-u:\B))|{ASCII_B})"
)
# the person a verb of speaking or feeling is aimed at: "Barbu shouted at Ankica", "talked
# to Oyelaran": a capitalised word no list holds, spelt like a name (a brand or a place is
# there too: "spoke to Comcast"; check "unseen_shape")
_OBJECT_TOKEN = rf"(?:[{UPPER}]['’])?[{UPPER}][{LOWER}]{{2,}}(?:-[{UPPER}][{LOWER}]+)?"
OBJECT_NAME = rf"{_OBJECT_TOKEN}(?:[ \t]+(?:[{UPPER}]\.?[ \t]+)?{_OBJECT_TOKEN}){{0,2}}"
OBJECT_BEFORE = (
    r"\b(?:shouted|yelled|screamed|smiled|waved|winked|talked|spoke|speaking|talking|wrote|said"
    r"|whispered|listened|married|engaged|introduced|apologi[sz]ed|lied)[ \t]+(?:at|to|with)[ \t]+"
    # the speaker named between: "said Garcia to Ayaan", "whispered Leon to Akinwale"
    # (the speaker's name maybe found already, in a find's markers: \S)
    r"|\b(?:said|asked|replied|whispered|shouted|yelled|cried)[ \t]+\S+(?:[ \t]+\S+)?[ \t]+to[ \t]+"
)
# a note's sentence opening (or a clause's after a comma) and the verbs that only a person does
# there: name_detectors._note_subjects
NOTE_SUBJECT_BEFORE = r"(?:^|\n|[.!?][ \t]+|,[ \t]+)[ \t>\"“]*"
NOTE_SUBJECT_AFTER = (
    r"[ \t]+(?:reports|reported|wishes|wished|states|stated|phoned|called|agrees|agreed|requests"
    r"|requested|understands|expressed|explained|visited|verbalized|verbalizes|declined|refused"
    r"|was (?:contacted|called|updated|informed)|is aware|aware)\b"
)
# a greeting's or an apology's word that opens a message before a name ("Apologies Adam,",
# "Hiya Mike", "Hola Carmen"): text, never the name's first token (names._listed_span)
GREETING_WORDS = frozenset(
    ["Hi", "Hello", "Hey", "Heya", "Hiya", "Howdy", "Hola", "Hallo", "Hej", "Bonjour", "Ciao",
     "Salut", "Servus", "Oye", "Aloha", "Namaste", "Shalom", "Salaam", "Ola", "Olá", "Yo", "Dear",
     "Greetings", "Morning", "Afternoon", "Evening", "Thanks", "Thank", "Thx", "Ty", "Cheers",
     "Apologies", "Sorry", "Welcome", "Congrats", "Congratulations", "Bye", "Goodbye", "Cya"]
)  # fmt: skip
# months that are given names too: after a title and before a surname a name ("Dr. April
# Smith", "Ms. June Lee"; names._name_span), else a date's word
MONTH_GIVEN = frozenset(["April", "May", "June", "August"])
