"""How technicians say what is wrong with a unit, for the write-up readers (`clara.agent.deficiency_said`): the parts
a fault is said of, the verbs and states that say it ("is leaking", "keeps tripping", "seized", "relief valve
dumping"), so a report is told from a question and a unit from what is said of it.
"""

from __future__ import annotations

import re

# Parts of a unit a problem is said of when the unit itself goes unnamed ("the riser gauge", "the FDC cap").
PART = re.compile(r"\b(?:gauges?|caps?|pins?|seals?|tags?|heads?|hoses?|nozzles?|belts?|filters?|coils?|"
                  r"switch\w*|links?|cylinders?|cabinets?|signs?|brackets?|covers?|plugs?|packing|relief|riser|fdc|"
                  r"piping|pipe)\b",
                  re.IGNORECASE)
# What "it's" (speech recognition writes "its") says of a unit just named: a state, not a possession ("its pin").
STATE = (r"(?:(?!(?:packing|fitting|piping|housing|bearing|wiring|tubing|ceiling|coupling|opening|building|"
         r"flashing|casing|lining|ring|spring|string|thing|sprinkler)\b)\w+ing|\w+ed|not|no|out|still|got|been|all|"
         r"short|constantly|always|barely|already|now|kinda|kind of|sort of|"
         r"way|totally|completely|really|pretty|super|badly|bad|broken|busted|shot|dead|missing|down|stuck|"
         r"gone|off|loose|empty|flat|overdue|past|expired|red[- ]?tagged)\b")
# What a unit is doing, said without "is": "relief valve dumping", "packing running a steady stream".
DOING = re.compile(r"\b(?!(?:packing|fitting|piping|housing|bearing|wiring|tubing|ceiling|coupling|opening|building|"
                   r"flashing|casing|lining|ring|spring|string|thing|sprinkler|nothing|something|anything)\b)"
                   r"\w{2,}ing\b",
                   re.IGNORECASE)
# "the alarm valve in the riser room its weeping": a new clause, in writing "..., it's weeping".
ITS_STATE = re.compile(rf"(?<=\w)\s+(?:it'?s|its|it is)\s+(?={STATE})", re.IGNORECASE)
PREDICATE = re.compile(r"\s+(?:has|have|is|are|was|were|shows?|needs?|won'?t|doesn'?t|can'?t|isn'?t|leaks?|"
                       r"leaking|missing|keeps?|had|reads?|reading|with|fails?|failed|tripped|trips|got|gets|"
                       rf"(?:it'?s|its|it is)\s+(?={STATE}|low\b|high\b))\b", re.IGNORECASE)
# What is wrong with a unit, as troubleshooting puts it: "keeps tripping", "won't start", "short cycling", "leaking".
TROUBLE = re.compile(
    r"\b(?:keeps?|kept)\s+\w+|\b(?:won'?t|wont|doesn'?t|doesnt|isn'?t|isnt|can'?t|cant|not|never)\s+(?:start|run|work|"
    r"hold|reset|clear|stop|shut|come|turn|cool|heat|build|close|open|drain|trip|restore)\w*|\b(?:trip\w*|leak\w*|"
    r"drip\w*|weep\w*|spit\w*|short.?cycl\w*|fail\w*|fault\w*|trouble|alarm\w*|broke\w*|busted|stuck|nois\w*|"
    r"squeal\w*|vibrat\w*|overheat\w*|froze\w*|freez\w*|icing|kicking (?:on|off)|cycling|discharg\w*|corrod\w*|"
    r"cracked|dead|low|high|red)\b", re.IGNORECASE)
# What is wrong said as a state, without a verb: "seized", "toast", "cap missing", "gauge cracked".
FAULT_STATE = re.compile(r"\b(?:\w+ed|missing|gone|shot|toast|busted|broken|bad|dead|worn|loose|dirty|plugged|"
                         r"clogged|rusted|rusty|corroded|damaged|out|off|open|empty|flat|frozen|seized|bent|torn)\b",
                         re.IGNORECASE)

# A rule about writing up asked ("how fast do I file a report with a critical deficiency", "when do we have to report
# a deficiency to the owner"), or its time limit named ("deadline for reporting impairments to the building owner",
# "how many days to report a deficiency"): the standards answer it; nothing is written.
ASKS_WHEN_TO_WRITE = re.compile(r"\b(?:how (?:fast|soon|quickly|long|often)|when|within how long|by when)\b[^,.;?]*"
                                r"\b(?:do|does|must|should|have to|has to|need to|got to)\b|"
                                r"\b(?:deadline|time ?limit|time ?frame|how many (?:days|hours|weeks))\b[^,.;?]*"
                                r"\b(?:to|for)\b", re.IGNORECASE)
