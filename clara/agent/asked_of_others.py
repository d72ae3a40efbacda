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

from clara.agent.answers import DEFICIENCY_SAVED, STATUS_SAVED, nothing_pending
from clara.agent.draft_said import draft_answer

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


# All of them asked for, not only the last: "so far", "both", "all", "everything", "those", "today".
_ALL_ASKED = re.compile(r"\b(?:so far|both|all|every(?:thing)?|those|them|today|this morning|this afternoon)\b",
                        re.IGNORECASE)
# What Clara offers after saying a record was saved ("... severity deficient. Want me to look something up?"): no
# part of the record.
_OFFERS = re.compile(r"(?:\s+[^.?!]*\?)+\s*$")


def saved_read_back(text: str, earlier: Sequence[llm.ChatItem]) -> str | None:
    """What the conversation saved, said again (a deficiency with the description read back before its yes), when
    `text` asks what was saved: the last record, or every one, oldest first, when it asks for all of them ("what have
    I logged so far", "did both of those go in", "what did I log today"); None when it does not ask. The replies are
    read, as `_last_saved` reads them."""
    if not _SAVED_ASKED.search(text):
        return None
    saves = _saves(earlier)
    if not saves:
        return "Nothing has been saved in this conversation yet."
    if len(saves) > 1 and _ALL_ASKED.search(text):
        return f"You've saved {len(saves)} so far: " + "; ".join(saves) + "."
    return f"The last thing you saved: {saves[-1]}."


def regraded_after_saving(text: str, earlier: Sequence[llm.ChatItem]) -> str | None:
    """A severity said as a read-back's correction when none waits ("change it to high severity", "make that
    critical" after the yes): there is nothing to correct, and the record saved stands as it was, so that is said
    rather than the words being searched for in the standards. None when nothing was saved in this conversation or
    the message grades nothing."""
    saves = _saves(earlier)
    answer = draft_answer(text, "deficiency") if saves else None
    if answer is None or answer.tool != "edit_draft" or set(answer.arguments) != {"severity"}:
        return None
    return f"{nothing_pending()} The last thing you saved: {saves[-1]}."


def _saves(earlier: Sequence[llm.ChatItem]) -> list[str]:
    """Each record Clara's replies said was saved, oldest first, as the save said it ("deficiency 22 at ... severity
    inoperable", "job 2 at ... is en route"), a deficiency with the description read back before its yes."""
    saves: list[str] = []
    description = None  # the last read-back's, for the save after it
    for item in earlier:
        said = item.text_content or "" if isinstance(item, llm.ChatMessage) and item.role == "assistant" else ""
        read = _READ_BACK.match(said)
        if read is not None:
            description = read.group("description")
        elif said.startswith((STATUS_SAVED, DEFICIENCY_SAVED)):
            record = _OFFERS.sub("", said).removeprefix("Saved").lstrip(": ").rstrip(".")
            saves.append(f"{record}: {description}" if said.startswith(DEFICIENCY_SAVED) and description else record)
            description = None
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
