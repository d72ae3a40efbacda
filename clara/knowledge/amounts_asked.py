"""What amount a question asks for and how a sentence states one: "how long do we keep the records" wants a
duration, "what pressure" a figure in psi, "how often" a frequency said with or without a figure ("quarterly"),
"when does it end" a date. `clara.knowledge.spans` prefers the sentence giving the kind of amount asked.
"""

from __future__ import annotations

import re

from clara.knowledge.spoken_models import NUMBER_WORDS as SPOKEN_NUMBERS, TENS_WORDS

# "zero" to "twenty" as the digits a manual writes ("oh" is a zero only inside a spoken model number)
NUMBER_WORDS = {w: str(n) for w, n in SPOKEN_NUMBERS.items() if n <= 20 and w != "oh"}

# How often, said without a figure ("every alternate year", "each shift", "twice a year", "annually"), and a date
# ("December 31, 2027", "31 December 2027"): a time, when the question asks one.
_FREQUENCY = (r"\b(?:(?:every|each|per|once\s+a|twice\s+a|a)\s+(?:(?:other|alternate|second|third|fourth|fifth|sixth"
              r"|few|couple\s+of)\s+)?(?:years?|months?|weeks?|days?|shifts?|hours?|minutes?|visits?|service)"
              r"|(?:hourly|daily|weekly|monthly|quarterly|(?:semi-?|bi)?annual(?:ly)?|yearly|biennial(?:ly)?"
              r"|triennial(?:ly)?))\b")
_MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?"
          r"|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
_DATE = (rf"\b(?:{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}|\d{{1,2}}\s+{_MONTH}\s+\d{{4}}"
         rf"|\d{{4}}-\d{{2}}-\d{{2}})\b")

# A figure in digits or in words ("30 seconds", "thirty seconds", "10 to 15 psi"), before its unit.
_WORDS = "|".join([*NUMBER_WORDS, *TENS_WORDS, "hundred"])
_QUANTITY = rf"(?:\d+(?:[.,]\d+)*|(?:{_WORDS})(?:[\s-](?:{_WORDS}))?)"
_NUMBER = rf"(?<![\w.]){_QUANTITY}(?:\s*(?:to|-|and|or)\s*{_QUANTITY})?\s*"

# A question whose answer is an amount: a duration, a count, a setting, a limit. Classic question answering's answer
# type: of two sentences on the asked subject, the one giving a number answers "how long do we keep the records".
AMOUNT_QUESTION = re.compile(
    r"\b(?:how\s+(?:long|often|many|much|far|high|low|big|small|large|tall|deep|wide|close|quick|fast|soon|hot|cold"
    r"|heavy|old|frequently)|at\s+what|(?:what|which)(?:\s+\w+)?\s+(?:size|pressure|temperature|temp|voltage|volts"
    r"|current|amps?|amperage|setting|set\s*point|setpoint|level|rating|distance|interval|frequency|range|torque"
    r"|charge|capacity|flow|weight|spacing|clearance|time|delay|length|speed|rpm|cfm|psi|percent(?:age)?"
    r"|concentration|number|value|limit|height|gauge)|max(?:imum)?|min(?:imum)?"
    # a superlative asks for the limit a figure sets ("biggest dry system it is rated for": "up to 200 gallons"); a
    # cost and a design density are amounts too ("what will it cost": "$960 plus tax")
    r"|biggest|largest|smallest|highest|lowest|longest|shortest|heaviest|tallest|deepest|widest|farthest|furthest"
    r"|fewest|density|cost|costs|price|fee|set\s*points?|timer)\b", re.IGNORECASE)
# A number, not part of a code ("T14", "XR-200") nor a clause reference ("(f)(2)"); the span's own label is cut off
# first. A frequency is an amount written without one: "how often are tamper switches tested" is answered by
# "quarterly".
AMOUNT = re.compile(rf"(?<![\w(.])(?<![A-Za-z]-)\d+(?:[.,]\d+)*(?![\d)])|\b(?:{_WORDS}|once|twice|half|dozen)\b"
                    rf"|{_FREQUENCY}", re.IGNORECASE)

_TIME = r"seconds?|secs?|s|minutes?|mins?|hours?|hrs?|h|days?|weeks?|months?|years?"
# The quantity a question asks for, by the words that ask it, and how a figure of that quantity is written. "How long"
# is a time or a length; "what size breaker" a current as much as a size, so a question may ask for several.
QUANTITIES: tuple[tuple[re.Pattern[str], re.Pattern[str]], ...] = tuple(
    (re.compile(rf"(?:\b|^)(?:{asks})\b", re.IGNORECASE),
     re.compile(rf"{_NUMBER}(?:{unit})(?![a-z])" + (f"|{also[0]}" if also else ""), re.IGNORECASE))
    for asks, unit, *also in (
        # "at the same time" asks no time
        (r"how\s+(?:long|soon|quick(?:ly)?|fast)|(?<!same\s)time|timers?|delay|duration|wait|minutes?|seconds?|hours?"
         r"|days?|weeks?|months?|years?", _TIME),
        # how often, or when: also a frequency without a figure, or a date; "how long" asks a duration, which
        # "monthly inspection" is not; "when I test it, how fast ..." opens with a condition, not a time asked
        (r"how\s+(?:often|frequently)|^\s*when(?!\s+(?:i|we|you|they|it|he|she|the|a|an|my|our|your|this|that)\b)"
         r"|when\s+(?:do|does|did|is|are|was|were|should|must|can|could|will|would"
         r"|has|have|had|to)|deadline|interval|frequency", _TIME, _FREQUENCY + "|" + _DATE),
        (r"pressure|psi|psig|bar|kpa|cut[\s-]?in|cut[\s-]?out",
         r"psi[ga]?|bar|kpa|in\.?\s*w\.?c\.?|inches\s+of\s+water"),
        # subcooling and superheat are temperature differences: "12 deg F subcooling"
        (r"temperature|temp|hot|cold|warm|degrees?|freeze|freezing|subcool\w*|superheat\w*",
         r"deg(?:rees?)?\.?(?:\s*[fc])?|°\s*[fc]?|[fc]"),
        (r"amps?|amperage|current|draw|breaker|fuse|circuit|charger", r"a|amps?|amperes?|ma"),
        (r"resistance|ohms?|insulation|megg?(?:er|ing)?", r"(?:k|kil|kilo|meg|mega|m)?\s?(?:ohms?|Ω)"),
        (r"volts?|voltage|vac|vdc", r"v|volts?|vac|vdc"),
        (r"flow|gpm|cfm|airflow", r"gpm|cfm|l/min|l/s"),
        (r"how\s+(?:long|far|high|low|deep|wide|big|tall|close)|size|distance|clearance|height|length|spacing",
         r"in\.?|inch(?:es)?|ft|feet|foot|mm|cm|m|\""),
        (r"weight|heavy|weigh", r"lbs?|pounds?|kg|oz"),
        (r"torque|tighten", r"lb[\s-]?ft|ft[\s-]?lbs?|in[\s-]?lbs?|lb[\s-]?in|n[\s·-]?m"),
        (r"percent|percentage|concentration|load|efficiency|co2|o2|oxygen|humidity", r"percent|%"),
        (r"how\s+much\s+(?:oil|water|agent|refrigerant|charge|fuel)|capacity|gallons?|quarts?|liters?",
         r"gal(?:lons?)?|quarts?|qt|liters?|l|oz"),
        # a sprinkler design density: "0.50 gpm/ft²", "0.2 gpm per square foot", "20 mm/min"
        (r"density|densities", r"gpm\s*(?:/|per)\s*(?:ft|sq\.?\s*ft|square\s+f(?:oo|ee)t)|mm/min|l/min/m"),
        # money is written before its figure: "$960 plus tax"
        (r"cost|costs|price|priced|fee|fees|charge\s+(?:us|me|them)|quote|quoted|how\s+much\s+(?:is|are|was|will|would"
         r"|does|do)\b(?!.*\b(?:weigh|hold|take|draw|pull))", r"dollars|usd", r"\$\s?\d[\d,]*(?:\.\d+)?"),
    ))
