"""Requests Clara answers in words alone: taking back a status change just saved ("undo that", "scratch that"),
passing something on to a person ("flag this for the owner", "let the customer know"), and what was saved last
("what did I just save": the saved record said again, with the description its read-back gave).

Clara has no channel to customers, owners or building staff: such a request is answered plainly (she cannot send
it; the saved record is what the customer's report shows; she can give the contact to call), never with the
customer's card, which would read as if the message had gone. An undo is the jobs service's to allow
(`clara.jobs.transitions`): offline, it is read only right after a status change was saved, so "scratch that" after
anything else never touches a job.
"""

from __future__ import annotations

import re
from typing import Sequence

from livekit.agents import llm

from clara.agent.answers import DEFICIENCY_SAVED, STATUS_SAVED

_OPENER = r"^\W*(?:(?:ok(?:ay)?|and|also|so|oh|oops|shoot|wait|sorry|ah|dang|crap|no|hey|clara|actually)\W+)*" \
          r"(?:(?:please|can you|could you|would you|will you|go ahead and|just)\s+)*"
_UNDO = re.compile(_OPENER + r"(?:undo(?: (?:that|it|this|the (?:last )?(?:status|change|status change)))?|"
                   r"scratch that|take (?:that|it) back|revert(?: (?:that|it|the status))?|"
                   r"(?:change|put|set) (?:it|that|the job|the status) back|i didn'?t mean (?:to|that)|"
                   r"that was (?:a mistake|an accident|wrong)|wrong button|(?:i )?mis-?tapped|"
                   r"(?:i )?(?:hit|tapped|pressed) (?:that|it|the wrong \w+) by (?:accident|mistake))\b",
                   re.IGNORECASE)
# Someone on the customer's side, to whom something would be passed on.
_PERSON = r"(?:the\s+|their\s+|my\s+)?(?:owner|customer|client|building(?: (?:manager|engineer|owner))?|facilit\w+" \
          r"(?: (?:manager|team|people))?|property (?:manager|management)|manager|tenant|super(?:intendent)?|" \
          r"landlord|management|site contact|contact|front desk|security)\b"
_RELAY = re.compile(_OPENER + rf"(?:(?:let|tell|notify|inform|message|text|e-?mail|ping|warn|alert|update)\s+{_PERSON}|"
                    rf"give\s+{_PERSON}\s+a\s+heads[- ]up|(?:flag|send|forward|pass|report|escalate)\s+"
                    rf"(?:(?:this|it|that|them)\s+)?(?:(?:on|along|up)\s+)?(?:for|to|with)\s+{_PERSON})",
                    re.IGNORECASE)


def takes_back(text: str, earlier: Sequence[llm.ChatItem]) -> bool:
    """Whether a message takes back the status change saved by the conversation's last tool call."""
    return bool(_UNDO.match(text)) and _last_saved(earlier) == "job_status"


def passes_on(text: str) -> bool:
    """Whether a message asks Clara to pass something on to the customer's side ("let the owner know")."""
    return bool(_RELAY.match(text))


def cannot_pass_on(earlier: Sequence[llm.ChatItem]) -> str:
    """The plain answer to a request to pass something on: what Clara cannot do, and what she can."""
    saved = "The deficiency you saved is on the site's record, which the customer's inspection report shows. " \
        if _last_saved(earlier) == "deficiency" else ""
    return (f"I can't send messages to the customer or anyone at the site. {saved}Ask me for the site contact and "
            "I'll give you their number to call.")


# What the conversation saved last, asked back: "what did I just save", "read me back what we logged", "what was
# the last thing I wrote up".
_SAVED_ASKED = re.compile(
    r"\bwhat (?:did|have) (?:i|we|you) (?:just |last |already )?(?:save|saved|log|logged|write up|wrote up|written up|"
    r"put (?:in|down)|record|recorded|enter|entered|submit|submitted)\b|"
    r"\bread (?:me |that |it )?back (?:what|the (?:last|one))|"
    r"\bwhat(?:'s| was| is) the last (?:thing|one|write.?up|deficiency|record|entry) (?:i |we |you )?"
    r"(?:saved|logged|wrote up|put in|entered)\b|\bwhat (?:got|was|just got) saved\b|"
    r"\bdid (?:both|all|each|those|they|these|it|that)(?: (?:of )?(?:those|them|these))?(?: both| all)? "
    r"(?:go in|go through|get (?:saved|logged|in|entered)|save)\b", re.IGNORECASE)
# The read-back's description: "... severity deficient (needs correction): Gauge in the red. Save it?"
_READ_BACK = re.compile(r"^Here's the deficiency for .*?, severity [^:]+: (?P<description>.+?)\. Save it\?$")


def saved_read_back(text: str, earlier: Sequence[llm.ChatItem]) -> str | None:
    """The record the conversation saved last, said again with the description read back before its yes, when
    `text` asks what was saved; every record saved when it asks for all of them ("what have I logged so far", "did
    both of those go in"); None when it does not ask. The replies are read, as `_last_saved` reads them."""
    if not _SAVED_ASKED.search(text):
        return None
    saves = _saves(earlier)
    if not saves:
        return "Nothing has been saved in this conversation yet."
    if len(saves) > 1 and _ALL_ASKED.search(text):
        return f"You've saved {len(saves)} so far: " + "; ".join(record for record in saves) + "."
    return f"You last saved {saves[-1]}."


# All of them asked for, not only the last: "so far", "both", "all", "everything", "those".
_ALL_ASKED = re.compile(r"\b(?:so far|both|all|everything|those|them|today)\b", re.IGNORECASE)


def _saves(earlier: Sequence[llm.ChatItem]) -> list[str]:
    """Each record the conversation saved, oldest first: what the save said ("deficiency 22 at ..."), with the
    description read back before its yes."""
    saves: list[str] = []
    for index, item in enumerate(earlier):
        said = item.text_content or "" if isinstance(item, llm.ChatMessage) and item.role == "assistant" else ""
        if not said.startswith((STATUS_SAVED, DEFICIENCY_SAVED)):
            continue
        description = None
        for before in reversed(earlier[:index]):  # the read-back that yes answered
            read = _READ_BACK.match(before.text_content or "") if isinstance(before, llm.ChatMessage) and \
                before.role == "assistant" else None
            if read is not None:
                description = read.group("description")
                break
        record = said.removeprefix("Saved").lstrip(": ").rstrip(".")  # "deficiency 22 at ...", "job 2 at ... en route"
        saves.append(f"{record}: {description}" if said.startswith(DEFICIENCY_SAVED) and description else record)
    return saves


def _last_saved(earlier: Sequence[llm.ChatItem]) -> str | None:
    """The kind of record Clara's last reply said was saved ("job_status", "deficiency"), if it said so. The reply,
    not the tool call, is read: the session drops a confirm call from its context once the draft tools go."""
    for item in reversed(earlier):
        if isinstance(item, llm.FunctionCallOutput):
            return None  # a tool ran after the last reply's words: something else was done since
        if isinstance(item, llm.ChatMessage) and item.role == "assistant":
            said = item.text_content or ""
            return "job_status" if said.startswith(STATUS_SAVED) else \
                "deficiency" if said.startswith(DEFICIENCY_SAVED) else None
        if isinstance(item, llm.ChatMessage) and item.role == "user":
            return None
    return None
