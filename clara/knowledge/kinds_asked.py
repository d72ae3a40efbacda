"""What kind of sentence a question asks for: "can I ..." a rule, "how do I ..." an instruction, "why ..." a cause,
"does pressing it ..." a sentence saying what it does not, or only, do; and what else it asks about (a place, a
colour). `clara.knowledge.spans` prefers the sentence of the kind asked, as classic extractive question answering
prefers an answer of the question's type.
"""

from __future__ import annotations

import re

# An instruction starts, after its label and a leading condition ("With the panel in standby, disconnect ..."), with
# one of the verbs service instructions are written with.
INSTRUCTION = re.compile(
    r"(?:^|[,;:]\s+)(?:then\s+)?(?:check|replace|remove|install|connect|disconnect|open|close|turn|set|adjust|verify"
    r"|test|clean|inspect|tighten|reset|press|push|pull|drain|fill|measure|record|swap|reverse|interchange|call|contact"
    r"|ensure|make|use|apply|shut|start|stop|restore|wait|lubricate|recharge|refill|isolate|locate|find|trace|route"
    r"|reroute|move|mount|secure|cut|add|insert|select|program|enable|disable|bleed|purge|vent|flush|operate|confirm"
    r"|allow|keep|do\s+not|never|look|listen|hold|release|lift|lower|rotate|loosen|align|level|label|tag|notify"
    r"|report|order|return|discard|dispose|wipe|rinse|blow|repair|splice|update|upgrade|raise|reduce|increase"
    r"|decrease|calibrate|bypass|jumper|power|de-energize|energize|cycle|clear|silence|acknowledge)\b",
    re.IGNORECASE)

# Question kinds, each with the sentences that answer it. A question is of at most one kind, the first that matches.
KINDS: tuple[tuple[re.Pattern[str], re.Pattern[str]], ...] = (
    # permission: "can I ...", "am I allowed to ...", "is it ok to ...": a rule answers, not a description
    (re.compile(r"^\s*(?:so\s+|and\s+|but\s+)?(?:can|could|may|should|must|do|does)\s+(?:i|we|you|they|it|one)\b"
                r"|\b(?:am\s+i|are\s+we|is\s+it)\s+(?:allowed|permitted|ok|okay|safe|legal|required)\b"
                r"|\bis\s+it\s+(?:ok|okay|safe|fine)\b", re.IGNORECASE),
     re.compile(r"\b(?:never|not|no|only|must|shall|prohibited|permitted|allowed|required|do\s+not|don't)\b",
                re.IGNORECASE)),
    # instruction: "how do I ...", "what do I do ...", "how to ...": a sentence telling what to do
    (re.compile(r"\b(?:how\s+(?:do|can|should|would)\s+(?:i|we|you)|how\s+to|what\s+(?:do|should|can)\s+(?:i|we)"
                r"\s+(?:do|check|swap|change|replace|use)|steps?\s+to|procedure)\b", re.IGNORECASE),
     INSTRUCTION),
    # cause: "why ...", "how come ...", "what causes ...", or a complaint ("keeps tripping", "won't start", "takes
    # forever to close"): a sentence giving a reason or a mechanism
    (re.compile(r"\b(?:why|how\s+come|what\s+(?:causes|caused|makes)|reason|keeps|won'?t|doesn'?t|does\s+not"
                r"|isn'?t|takes\s+forever|too\s+(?:slow|long|fast))\b", re.IGNORECASE),
     re.compile(r"\b(?:because|due\s+to|caused?\s+by|causes?|results?\s+(?:in|from)|so\s+that|since|can|may|if"
                r"|when)\b", re.IGNORECASE)),
    # yes or no about a thing: "does pressing acknowledge silence the horns", "is the sidewall model included": a
    # sentence saying what it does not, or only, do settles it, where one describing the neighbouring thing does not
    (re.compile(r"^\s*(?:so\s+|and\s+|but\s+)?(?:does|do|did|is|are|was|were|will|would|has|have|can|could|may"
                r"|should|must)\s+(?:the|a|an|this"
                r"|that|these|those|pressing|turning|using|running|setting|\w+ing)\b", re.IGNORECASE),
     re.compile(r"\b(?:not|no|never|only|n't|neither|nor|except|unless)\b|n't\b", re.IGNORECASE)),
)


# What a question asks about besides its kind, each with the sentences that tell it; a question may ask several.
ASPECTS: tuple[tuple[re.Pattern[str], re.Pattern[str]], ...] = (
    # place: "where does the sensing line tee in" is told by "between the discharge check valve and ..."
    (re.compile(r"\bwhere\b", re.IGNORECASE),
     re.compile(r"\b(?:between|above|below|beneath|under(?:neath)?|behind|inside|outside|next\s+to|near|beside"
                r"|upstream|downstream|adjacent|opposite|located|mounted|from\s+a\s+point|on\s+the\s+(?:top|bottom"
                r"|side|left|right|front|back|rear)|at\s+the\s+(?:top|bottom|side|end|front|back|rear|inlet|outlet))\b"
                r"|\w\s*>\s*\w", re.IGNORECASE)),  # or in a menu: "where do I set it" is "Program > Zones > Zone Type"
    # colour: "what colour tag" is told by the sentence naming one
    (re.compile(r"\bcolou?rs?\b", re.IGNORECASE),
     re.compile(r"\b(?:red|green|yellow|amber|orange|blue|white|black|grey|gray|brown|purple|violet|pink)\b",
                re.IGNORECASE)),
)
