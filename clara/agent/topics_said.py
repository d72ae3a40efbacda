"""The words a technician's message is read by: what it is about (standards, documents, the day, contacts, a site's
rules, a job's status, a unit's inventory, the trade at all) and what form it takes (a question, a request, a
remark). Vocabulary only: `clara.agent.routing` decides which tool a message asks for from these.

Each pattern is written for what speech recognition produces as well as what is typed: no punctuation, contractions
without apostrophes, numbers as words.
"""

from __future__ import annotations

import re

STANDARD = re.compile(r"\bnfpa[\s-]*\d+[a-z]?\b", re.IGNORECASE)
SPEC_TOPIC = re.compile(
    r"\b(amp|amps|amperage|draw|current|mca|mocp|rla|fla|lra|breaker|fuse|voltage|volts|phase|refrigerant|"
    r"(?<!in )charge|"  # "who's in charge there" asks for a person
    r"weigh\w*|dimensions?|size|seer2?|eer2?|hspf2?|efficiency|capacity|tonnage|tons?|btu\w*|pressure|psi|flow|gpm|cfm|"
    r"airflow|rpm|horsepower|hp|specs?|specifications?|service notes?|locked rotor|full load|overcurrent|churn|"
    r"freon|rated|ratings?|(?:heat(?:ing)?|gas)(?: heat)? input|"
    r"(?:150|hundred (?:and )?fifty|one fifty)\s*(?:percent|pct))\b",
    re.IGNORECASE,
)
PRONOUN = re.compile(r"\b(its|it|that unit|this unit|the unit|that one|this one|that model|this model|that thing|"
                      r"this thing)\b|\b(?:on|for|of|in|about) (?:that|this)\s*[?.!]*$", re.IGNORECASE)
NAMEPLATE = re.compile(r"\b(?:name ?plate|data ?plate|rating plate|(?:the|this|that) plate)\b", re.IGNORECASE)
FOLLOW_UP = re.compile(r"^\s*(?:and|also|what about|how about|plus)\b", re.IGNORECASE)
KNOWLEDGE = re.compile(
    r"\b(requirements?|required|require|code|standard|section|how often|frequency|interval|allowed|maximum|"
    r"minimum|clearance|procedure|troubleshoot\w*|what causes|why (?:is|does|would|do)|symptoms?|test(?:ing)? "
    r"(?:procedure|frequency)|annual|quarterly|monthly|weekly|semi-?annual)\b",
    re.IGNORECASE,
)
# the thing asked for, so it goes to the knowledge base before any place or job tool can take the "at X".
DOCUMENT = re.compile(
    r"\b(?:manuals?|standards?|nfpa|per (?:the )?(?:manual|standard)|what does (?:the |nfpa )?\w+ say|"
    r"code (?:says?|requires?|requirements?)|(?:per|by|to) code|how often|frequency|intervals?|procedures?|"
    # an interval said as a period ("flow test it every year", "twice a year", "each quarter")
    r"(?:every|each|once a|twice a|per) (?:other )?(?:\w+ )?(?:years?|months?|quarters?|weeks?)|"
    r"steps? (?:to|for)|troubleshoot\w*|what causes|"
    # a time allowed ("how long do we get to fix a critical deficiency"), not a drive
    r"how long (?:do|does|did) (?:we|i|you|they|it) (?:get|have) to (?!get\b|drive\b|be\b|leave\b)\w+|"
    r"how (?:do|should|would|can) (?:i|you|we) (?:test|reset|inspect|check|troubleshoot|drain|replace|service)|"
    r"why (?:is|does|would|do|did|won'?t|isn'?t|doesn'?t|keeps?)|what (?:do|should) i check)\b",
    re.IGNORECASE,
)
# A limit a document sets, asked as a distance or a height ("how far away can it be max", "how high can I hang a
# pull station"): not a trip.
LIMIT = re.compile(r"\bhow (?:far|high|low|close|long|big)\b[^?]*\b(?:can|may|must|should|allowed to)\s+"
                    r"(?:it|they|the|an?|you|i|we|one|those|these)\b[^?]*\b(?:be|go|mount\w*|hang|hung|put|place\w*|"
                    r"install\w*|sit)\b",
                    re.IGNORECASE)
# A rule asked as an age ("how old can a sprinkler head get before it has to be tested"): of any unit of a kind (an
# article, not "it"), under a limit or an obligation. "How old is it" is the unit's own plate.
AGE_RULE = re.compile(r"\bhow old\b(?=.*\b(?:an?|any)\s)(?=.*\b(?:ha(?:ve|s) to|must|can|could|should|need\w* to|"
                       r"allowed|before|max\w*|oldest)\b)", re.IGNORECASE)
TODAY = re.compile(r"\b(?:today|tonight|this (?:morning|afternoon)|my day|the day)\b", re.IGNORECASE)
SCHEDULE = re.compile(r"\b(?:plan|schedule|line-?up|agenda|jobs?|work orders?|stops|calls|appointments|visits|"
                       r"got|have|on|doing|working|up to)\b", re.IGNORECASE)
# Who to reach at a place: the customer's contact.
# A person asked for by their role at the place ("who's the facilities guy there", "the chief engineer's cell")
# is the customer's contact: the card names each contact with their title.
CONTACT = re.compile(r"\b(?:customer|client|owner|owns|who(?:'s| is) at|contact|phone|number for|call|ask for|"
                      r"(?:their|his|her) (?:number|cell|mobile|phone)|"
                      r"who(?:'?s| is) (?:the|their|your) (?!(?:next|first|last|final|previous)\b)\w+|"
                      r"talk to|speak (?:to|with)|manager|point of contact|who do i (?:see|meet|report to)|"
                      # who hears that the work is done: "who do I let know here when it's done", "who do we tell"
                      r"who (?:do|should|shall|can|must) (?:i|we) (?:let know|tell|notify|inform|check (?:in|out) with|"
                      r"hand (?:it |this |the keys )?(?:off|over) to|sign (?:off |out )?with)|"
                      r"who (?:runs|manages|is in charge of|looks after|takes care of)|who(?:'?s| is)? in charge|"
                      # the person meant, in the words people use: "the name of the guy here", "the lady to ask"
                      r"name of (?:the|their|that|my) (?:guy|person|lady|fella|man|woman|contact)|"
                      r"(?:the|a) (?:guy|person|lady|fella) (?:here|there|on site|to (?:ask|call|see|talk to)))\b",
                      re.IGNORECASE)
# What the customer or site asks of a visitor, when a place is named or meant.
SITE_RULES = re.compile(r"\b(?:rules?|requirements?|restrictions?|access|badge|check.?in|escort|insurance|permits?|"
                         r"get (?:in(?:side)?|into|through|past)\b(?! (?:touch|trouble)\b)|let (?:me|us) in|"
                         r"ppe|hours|anything (?:special|i should know)|should i know|need to know|contractors?|"
                         # what to be careful of there: "anything i need to mind", "anything to watch out for"
                         r"(?:need|have|got|ought) to (?:mind|watch (?:out )?for|look out for|be aware of)|"
                         r"vendors?)\b", re.IGNORECASE)
# "starting" as a unit's words ("starting method of the XR300", "starting current"), not the technician starting
_NOT_A_NOUN = (r"(?!\s+(?:method|current|amps?|torque|sequence|capacitor|procedure|relay|contactor|voltage|pressure|"
               r"point|circuit|winding|switch|type|mode|kva|code|time)\b)")
# A first-person report of where the technician is with a job: "heading over now", "just got here", "all done here".
# "that's me done" (British) opens a report as "I'm" does; "kicking off now", "making a start", "off to the plant"
# and "setting off" start or set out in other words.
STATUS_SAID = re.compile(
    r"^(?:(?:i'?m|i am|we'?re|we are|i'?ve|i have|we'?ve|just|now|all|finally|ok(?:ay)?|so|right|that'?s me)\s+)*"
    r"(?:kick(?:ing|ed)? (?:it |things )?off|making a start|getting (?:started|going)|off to(?! (?:lunch|bed|home)\b)|"
    r"setting (?:off|out)|"
    # going home ("that's me for today, headed home") takes leave of the day: no job's status
    r"on (?:my|our) way(?! home\b)|omw|head(?:ing|ed)(?! home\b)|driving (?:over|there|to)|"
    r"leaving (?:for|now|\w+(?: \w+)? now)|"
    r"en ?route|arrived|rolling (?:out|over|to)|on the road|closing (?:it |this |this one )?out|"
    rf"got (?:here|there|on ?site|to (?:the )?(?:site|job))|made it|pulled (?:up|in)|on ?site|starting{_NOT_A_NOUN}|"
    r"started|done|"
    r"finished|wrapping (?:up|it up)|wrapped (?:up|it up)|complete[d]?)\b"
    r"|^(?:i'?m|i am|we'?re|we are)\s+(?:just\s+|now\s+)?(?:here|there|on ?site|at the (?:site|job))\b",
    re.IGNORECASE,
)
STATUS_CHANGE = re.compile(
    r"^\s*(?:i'?m|i am|we'?re|i'?ve|i have|just)?\s*(?:on my way|omw|heading (?:over|out|there|to)|en ?route|"
    r"rolling (?:out|over)|"
    rf"arrived|on ?site|here now|starting{_NOT_A_NOUN}|started|done|finished|wrapping up|wrapped up)\b|"
    # the job, or the technician as the one moving: "mark this one complete", "put me en route to the ferry building"
    r"\b(?:mark|set|change|update|move|put)\b.*\b(?:job|status|it|this one|that one|me|us)\b.*"
    r"\b(?:en ?route|on ?site|in progress|on (?:the|my|our) way|"
    r"complete\w*|done|finished|started|cancel\w*)\b|\b(?:cancel) (?:this|the|my|that) job\b|"
    # the job pointed at closed by an imperative: "ok floor six is done, close it out"
    r"(?:^|[,.;]\s*|\b(?:so|now|then|and|go ahead and)\s+)(?:close|wrap) (?:it|this|this one|her) (?:out|up)\b",
    re.IGNORECASE,
)
# A status set on a job named any way: "mark ABC as in progress", "put wework down as done", "set my 1:30 to en route".
SET_STATUS = re.compile(r"\b(?:mark|set|change|update|move|put|flip|switch)\b(?P<job>(?:(?!\bdeficienc)[^,.;?!])+?)"
                         r"\b(?:as|to|down as|in|into)?\s*(?:en ?route|on ?site|in progress|complete[d]?|done|finished|"
                         r"cancel(?:l?ed)?|started|closed(?: out)?)\b", re.IGNORECASE)

# A job's status set by an imperative on the job itself: "close out the plant job", "go ahead and start the job",
# "can you finish up this visit". Said after "I" ("before I start the job") it is not one.
ACT_ON_JOB = re.compile(r"(?:^|\b(?:go ahead and|please|and|then|now|so|let'?s|you)\s+)"
                        r"(?:start|begin|close(?: out| up)?|complete|finish(?: up)?|wrap up|cancel)\s+"
                        r"(?:the|this|my|that)\s+(?P<job>(?:[\w'&-]+\s+){0,3}?)(?:job|visit|work order)\b",
                        re.IGNORECASE)
# When the technician is expected somewhere: the job's scheduled start, not a drive time or a document.
WHEN_DUE = re.compile(
    r"\b(?:when|what time)\b.*\b(?:(?:supposed|meant|due|need|have|got|gotta) (?:to )?be (?:there|here|at|on)"
    # arriving said as a verb: "what time am I supposed to roll in", "when do they want me to show up"
    r"|(?:supposed|meant|due|expected|need|have|got|gotta|want me|want us|expecting me|expecting us) (?:to )?"
    r"(?:roll (?:in|up)|show up|get (?:there|here|in|on ?site)|arrive|pull (?:in|up)|be in)"
    r"|be (?:there|here)"
    r"|(?:want|need|expect|expecting) (?:me|us) (?:there|here|at|on ?site)"  # "what time do they want me there"
    # "what time was the ferry one again": a job named, then only when
    r"|(?:is|was) (?:the|my) [\w' &-]+ (?:one|job|visit|appointment|stop)(?:\s+again)?\s*[?.!]*$"
    r"|(?:is|was) (?:that|it|this) (?:one|job|visit|appointment|stop)?\s*$"
    r"|(?<=when)'?s (?:that|it|this)(?: one| job| visit| appointment| stop)?\s*$"
    r"|(?:that|the|this|my) (?:job|visit|appointment|one) (?:start|begin)s?"
    r"|does (?:that|the|it) (?:job|visit|appointment) (?:start|begin)|am i (?:due|expected|scheduled)"
    r"|(?:do|will|should|can|must) (?:i|we) (?:start|begin|get started|kick off))\b"
    # the time booked at a job ("how much time do I have at ABC", "how long do I get there")
    r"|\bhow (?:long|much time) (?:do|will|did) (?:i|we) (?:have|get|got)(?: booked)? (?:at|there|here|on|for)\b"
    # whether a hold-up makes them late: "if I'm stuck here till ten am I gonna be late for the plant" asks its time
    r"|\b(?:am i|are we|will i|would i|will we|is that)\s+(?:(?:gonna|going to)\s+)?(?:be|make me|run)\s+"
    r"late (?:for|to)\b"
    # the time someone else gave them there: "how long have they given me for the ferry", "how long have I got at
    # ABC", "how long have they got me there" ("how long have they given us to fix it" asks a deadline)
    r"|\bhow (?:long|much time) (?:have|did|do|will|are|were) (?:they|you|dispatch|the office) (?:give|given|gave|"
    r"giving|book|booked|booking|put|putting|allow|allowed|allowing|allott?ed|allotting|got|have|had) (?:me|us)\b"
    r"(?! to\b)|\bhow (?:long|much time) (?:have|has) (?:i|we) got (?:at|there|"
    r"here|on ?site)\b"
    # "how long do they have me booked there", "how much time am I scheduled for at ABC"
    r"|\bhow (?:long|much time)\b(?![\w' ]*\b(?:drive|driving|trip|ride|commute|travel)\b)[\w' ]*"
    r"\b(?:booked|scheduled|slotted|blocked(?: out)?|set aside|allotted)\b"
    # how long the technician is booked at a job ("how long am I at the Ferry Building"): its length, not a drive
    # ("how long am I allowed to leave it impaired" asks a rule: what follows "am I" is a place or "booked", not a verb)
    r"|\bhow long (?:(?:am i|are we|will i be)(?=\s+(?:at|in|on|over|out|there|here|onsite|with|for|booked|"
    r"scheduled|supposed to be)\b|\s*[?.!]*\s*$)"
    r"|is (?:the|my|that|this) (?![\w' ]*\b(?:drive|driving|trip|ride|commute|travel|from|get)\b)[\w' ]*?"
    r"(?:job|visit|stop|appointment|one))\b"
    r"(?! (?:driving|going to drive|on the road))",
    re.IGNORECASE)
# What a job is about, asked of a place ("what am I doing there", "what's the problem at ABC", "what's going on
# here"): the job's work, its problem and its notes, not the customer card.
JOB_ASKED = re.compile(r"\bwhat(?:'?s| is| am i| are we| do i| do we)?\s+(?:am i |are we |i'?m |we'?re )?(?:doing|working on|fixing|"
                        r"(?:going )?(?:there|in) for|the (?:problem|issue|complaint|trouble|call|work|scope|ticket|"
                        r"story|deal)|wrong|going on)\b", re.IGNORECASE)
# An area of a site ("on the roof", "in the riser room"): a question about it asks about the units there.
AREA = re.compile(r"\b(?:roof|room|closet|vault|basement|attic|mezzanine|garage|kitchen|hall(?:way)?|corridor|"
                   r"warehouse|lobby|yard)\b", re.IGNORECASE)

# "what time's ABC", "when's the Ferry Building": a time asked of a place on its own is that place's job today.
# (`mine`: asked of the technician's own arrival, "what time am i there", which "there" may point at)
WHEN_AT = re.compile(r"^\s*(?:and\s+)?(?:when|what time)(?:'?s|\s+is|\s+was|(?P<mine>\s+am i) (?:at|in|there|due|"
                     r"booked|(?:supposed|meant|expected) to be))\b", re.IGNORECASE)
WRITTEN_UP = re.compile(r"\b(?:already (?:written up|logged|on (?:file|record))|written up|write[- ]?ups|"
                         # how bad one on record was called: "how bad did they call the controller one"
                         r"how (?:bad|serious|severe) (?:did|do|was|is|were|has) (?:they|it|that|the [\w-]+(?: one)?) "
                         r"(?:call|rate|mark|grade|class|list|log|written)\w*|"
                         r"on the books(?! for (?:me|us)\b| (?:today|tomorrow)\b)|"
                         r"still open|outstanding (?:items|issues|deficienc(?:y|ies))|"
                         r"open (?:deficienc(?:y|ies)|items|issues)|existing deficienc(?:y|ies)|"
                         r"deficiencies (?:on file|there|here)|"
                         # a unit's state on record: "is the fire pump there still down", "is that valve still leaking"
                         r"still (?:down|broken|out(?: of service)?|impaired|red.?tagged|not working|dead|leaking|"
                         r"open|bad|an issue|a problem))\b", re.IGNORECASE)


# What the trade talks about: equipment, its parts and faults, the work and its paperwork. A statement with none of
# it, and no question or request in it, is a remark ("man it's freezing up on this roof", "traffic was brutal"):
# acknowledged, never searched for, never stored.
TRADE = re.compile(
    r"\b(?:pumps?|valves?|panels?|alarms?|sprinklers?|extinguishers?|compressors?|motors?|fans?|coils?|filters?|belts?|"
    r"breakers?|fuses?|pressure|leak\w*|drip\w*|faults?|trouble|errors?|codes?|trip\w*|fail\w*|broke\w*|damage\w*|"
    r"corrod\w*|rust\w*|smell\w*|nois\w*|heads?|pipes?|piping|risers?|drains?|gauges?|tags?|batter\w+|strobes?|horns?|"
    r"detectors?|smoke|heat\w*|cool\w*|flow|switch\w*|relays?|contactors?|capacitors?|refrigerant|charge|wir\w+|"
    r"inspect\w*|test\w*|deficien\w*|jobs?|customers?|sites?|units?|systems?|models?|specs?|permits?|schedule)\b",
    re.IGNORECASE)
ASKS = re.compile(r"\b(?:can you|could you|would you|please|i need|i want|tell me|show me|help|remind|let me know)\b",
                   re.IGNORECASE)


# Which unit of a kind a site has: "what rooftop unit do they have here", "which fire panel is at this site", "what
# panel does ABC have", "which pump's at the plant".
# A lead-in may come first, as speech runs on: "ok im at main street what backflow preventers they got here".
INVENTORY = re.compile(r"(?:^\s*(?:and\s+)?|\b)(?:what|which|whats|what's)\b.*\b(?:do (?:they|we|you) (?:have|got)|"
                        r"(?:does|do|did) (?!i\b|we\b)[\w' &.-]+ (?:have|got)\b(?! to\b)|(?:have|has) (?:they|we|it|\w+) got|"
                        r"'?s (?:at|on|in)|(?:they|we) (?:have|got)|(?:is|are) (?:at|on|in|here|there)|here|there|"
                        r"at this|on ?site|"
                        r"installed)\b", re.IGNORECASE)
# Which unit of a kind it is: "the RTU on the roof, what model is it", "the FACP here, which one is it".
WHICH_UNIT = re.compile(r"\b(?:what|which|whats|what's)\s+(?:model|make|brand|one|unit)\b|\bwhich (?:one|unit)\b|"
                        r"\b(?:what|whats|what's|what is) the (?:model|make|brand)(?: number)? (?:of|on)\b|"
                        # what a unit of a kind named is: "what kind of pump is that", "the panel in the electrical
                        # room, what is that one"
                        r"\bwhat (?:kind|type|sort) of (?:[\w-]+ )?(?:is|are|have|do)\b|"
                        r"\b(?:what|whats|what's)\s+(?:is\s+)?(?:that|this|it)(?: one| thing| unit)?\s*[?.!]*$",
                        re.IGNORECASE)
# What a site asks before a kind of work: "what do I need before welding here", "anything I gotta do before I start",
# "ok to drill there or do I need sign-off": the customer's special requirements, not a standard.
BEFORE_WORK = re.compile(r"\b(?:before|prior to)\s+(?:i\s+|we\s+)?(?:(?:can\s+)?(?:start|begin|get started|do any|"
                          r"go (?:up|in|on)|work|touch|open|cut|drill|weld|core|grind|test|impair|show up|arrive|"
                          r"get there|pull up|head|come(?: in| out| over)?)\b|(?!anything|something|nothing)\w+ing\b)"
                          # any work the technician means to do: "before I braze a line", "before we solder"
                          r"|\b(?:before|prior to)\s+(?:i|we)\s+(?:can\s+|go\s+|get to\s+)?(?!(?:forget|leave)\b)"
                          r"[a-z]{4,}\b"
                          # "before" said as "first": "I need to cut a hanger there, anything to sort out first?"
                          r"|\b(?:do|sort(?: out)?|take care of|arrange|line up|set up|square away|get (?:sorted|"
                          r"signed|cleared|approved)|know)\b[\w' ]*\bfirst\s*[?.!]*$", re.IGNORECASE)
NEEDS = re.compile(r"\b(?:need|needs|gotta|got to|have to|has to|must|should|required|anything)\b", re.IGNORECASE)
PERMISSION = re.compile(r"\b(?:ok(?:ay)?|allowed|alright|cleared) to (?:drill|cut|weld|core|penetrate|braze|solder|"
                         r"grind|shut|impair|test|work|start)\b|\bsign.?off\b|\bhot work\b|\b(?:permission|approval)\b",
                         re.IGNORECASE)
# Work the technician means to do, asked whether the site allows it: "when am I allowed to set off the horns here",
# "can we shut the water off there at noon", "I may need to braze a line there, is that a problem". With a place
# said, the site's rules answer it, whatever unit or trade words it carries.
WORK_ALLOWED = re.compile(r"\b(?:allowed|permitted) to \w+|^(?:and\s+|so\s+)?(?:can|may|could) (?:i|we) (?:drill|cut|weld|"
                          r"core|penetrate|braze|solder|grind|shut|impair|test|work|start|set off|trip|sound|activate)\b|"
                          r"\b(?:i|we)\b[\w' ]*\b(?:might|may|will|need to|have to|gotta|got to|going to|gonna)\b"
                          r"[\w' ,]*\b(?:is|would) (?:that|it|this) (?:be )?(?:a problem|an issue|ok(?:ay)?|allowed|"
                          r"alright|a big deal)\b", re.IGNORECASE)
# A question as speech recognition writes it: no question mark, contractions without their apostrophe.
ASKED = re.compile(r"^\s*(?:and\s+|so\s+|but\s+)?"
                    r"(?:what|whats|who|whos|whose|where|wheres|when|whens|why|how|hows|which|"
                    r"is|isnt|are|arent|am|was|were|will|would|should|shall|can|cant|could|do|dont|does|did|have|has|"
                    r"any|anything|got)\b", re.IGNORECASE)


# A remark is a clause about how things are ("traffic was brutal", "man its freezing up here"): it has a finite verb.
# A phrase without one ("torque on the ground bar", "max line set length on a korrin 12k") is what a search box gets,
# and one ending in a question tag ("..., is that normal") is a question.
FINITE = re.compile(r"\b(?:is|was|are|were|its|it's|thats|that's|im|i'm|we're|they're|been|am|feel|feels|felt|"
                     r"love|hate|got|gets|getting|looks|looking|seems)\b", re.IGNORECASE)
# Marking a deficiency fixed is the one write stored without a read-back, so it takes a request ("mark it fixed")
# or a report ("the leak was repaired"), never a question that mentions a repair ("how long can a critical deficiency
# go before it must be fixed?", "is deficiency 12 fixed?").
# The verb takes an object ("mark it", "close 12 out"); "is there a mark on it" names a stamp.
MARK = re.compile(r"\b(?:mark|set|close)\s+(?:it|that|this|them|those|deficiency|deficiencies|number|no\.?|#|\d+|the|"
                  r"as|out|off|up|my|our|item|one)\b")
REPORTED = re.compile(r"\b(?:it'?s|is|was|been|deficiency)\b")
QUESTION_FORM = re.compile(r"\?\s*$|^\s*(?:what|who|whose|where|when|how|why|which|is|are|was|were|can|could|"
                            r"does|do|did|should|must|will|would|has|have|had)\b", re.IGNORECASE)
# A request put as a question ("can you mark wework complete?"): asked of Clara, so it is still a request.
POLITE_REQUEST = re.compile(r"^\s*(?:(?:ok(?:ay)?|so|and|hey|clara)\W+)*(?:please\b|(?:can|could|would|will) you\b)",
                             re.IGNORECASE)
TAG_QUESTION = re.compile(r"\b(?:is|are|was|does|do|should|can|could|will)\s+(?:that|it|this|they|he|she)\b[\w\s]*$",
                           re.IGNORECASE)


# A question inside a longer utterance: "so like what do I got going on today", "I was wondering who's there".
EMBEDDED_QUESTION = re.compile(r"\b(?:what|who|where|when|which|how)(?:'?s)?\s+(?:do|does|did|is|are|was|were|have|"
                                r"has|had|can|could|should|would|will|am|time|about|else|long|far|many|much|often)\b",
                                re.IGNORECASE)
