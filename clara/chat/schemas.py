"""The chat routes' OpenAPI components: the JSON chat request and reply, the frames both ways, status and stats."""

from __future__ import annotations

from typing import Any

from clara.chat.frames import IMAGE_MIMES, MAX_FRAME_BYTES, MAX_IMAGE_BASE64, MAX_IMAGE_BYTES
from clara.chat.turns import MAX_MESSAGE
from clara.web.openapi import register_schemas

_TOOL_CALL = {
    "type": "object",
    "required": ["name", "arguments", "ok"],
    "properties": {"name": {"type": "string"}, "arguments": {"type": "object"}, "ok": {"type": "boolean"}},
}
_LATITUDE = {"type": "number", "minimum": -90, "maximum": 90}
_LONGITUDE = {"type": "number", "minimum": -180, "maximum": 180}
CITATION: dict[str, Any] = {
    "type": "object",
    "required": ["id", "document_id", "title", "citation", "answer"],
    "properties": {"id": {"type": "integer"}, "document_id": {"type": "integer"}, "title": {"type": "string"},
                   "section": {"type": ["string", "null"]}, "page": {"type": ["integer", "null"]},
                   "citation": {"type": "string", "description": "As Clara says it: 'NFPA 25, section 5.2.4.2'"},
                   "answer": {"type": ["string", "null"]}, "confidence": {"type": "number"},
                   "text": {"type": "string", "description": "The passage, up to 800 characters"}},
}
DRAFT: dict[str, Any] = {
    "type": "object",
    "description": "What Clara will save once the technician confirms (she also says it). Confirm with a `confirm` "
                   "frame or by saying yes; a correction (\"no, severity high\") sends a new draft.",
    "required": ["type", "draft_id", "kind", "fields", "text"],
    "properties": {
        "type": {"const": "draft"},
        "draft_id": {"type": "string", "format": "uuid"},
        "kind": {"enum": ["deficiency", "job_status"]},
        "fields": {"type": "object", "description": "deficiency: job_id, site_id, site, equipment {id, type, "
                   "manufacturer, model, location} or null, severity (inoperable|deficient|suggested), description, "
                   "location; job_status: job_id, site, status, previous_status"},
        "text": {"type": "string", "description": "The read-back Clara says"},
    },
}
SAVED: dict[str, Any] = {
    "type": "object",
    "required": ["type", "kind", "id"],
    "properties": {"type": {"const": "saved"}, "kind": {"enum": ["deficiency", "job_status"]},
                   "id": {"type": "integer", "description": "The deficiency's id, or the job's"}},
}

register_schemas({
    "ChatReply": {
        "type": "object",
        "required": ["reply", "session_id", "tool_calls"],
        "properties": {
            "reply": {"type": "string"},
            "session_id": {"type": "string", "format": "uuid"},
            "turn_id": {"type": "string", "format": "uuid"},
            "tool_calls": {"type": "array", "items": _TOOL_CALL},
            "draft": {**DRAFT, "description": "Present when this turn read back a write waiting for a yes"},
            "saved": {**SAVED, "description": "Present when this turn stored a confirmed write"},
        },
    },
    "ChatDraft": DRAFT,
    "ChatSaved": SAVED,
    "ClientFrame": {
        "description": "What the app sends on WS /voice/ws/{user_id}",
        "oneOf": [
            {"type": "object", "required": ["type", "text"],
             "properties": {"type": {"const": "message"}, "text": {"type": "string", "maxLength": MAX_MESSAGE}}},
            {"type": "object", "required": ["type"], "properties": {"type": {"const": "ping"}}},
            {"type": "object", "required": ["type", "token"], "description": "First frame, within 5 s, when the "
             "handshake carried no token", "properties": {"type": {"const": "auth"}, "token": {"type": "string"}}},
            {"type": "object", "required": ["type", "latitude", "longitude"],
             "properties": {"type": {"const": "location"}, "latitude": _LATITUDE, "longitude": _LONGITUDE,
                            "accuracy_m": {"type": "number", "minimum": 0}}},
            {"type": "object", "required": ["type"], "description": "Start a new conversation; answered by a "
             "`session` frame", "properties": {"type": {"const": "new_session"},
                                                "job_id": {"type": ["integer", "null"], "minimum": 1}}},
            {"type": "object", "required": ["type", "draft_id", "accept"], "description": "Same as saying yes or no "
             "to the read-back", "properties": {"type": {"const": "confirm"}, "draft_id": {"type": "string"},
                                                 "accept": {"type": "boolean"}}},
            {"type": "object", "required": ["type", "data"], "description": "A nameplate photo: a turn that reads "
             "it (tool_call and tool_result `read_nameplate`, a `nameplate` frame, delta, done) and makes its unit "
             "the conversation's current one, so \"how old is it?\" is about it. Spends one request of the budget. "
             "A bad photo gets an `error` frame with `field` `data` (or `mime`) and the socket stays open; a frame "
             f"over {MAX_FRAME_BYTES} bytes is closed by the protocol (1009).",
             "properties": {"type": {"const": "image"},
                            "data": {"type": "string", "contentEncoding": "base64", "maxLength": MAX_IMAGE_BASE64,
                                     "description": f"The JPEG or PNG bytes, standard base64 with padding, at most "
                                                    f"{MAX_IMAGE_BYTES} bytes decoded; about 1600 pixels on the "
                                                    "long side is plenty"},
                            "mime": {"enum": list(IMAGE_MIMES), "description": "Optional: the bytes decide"}}},
        ],
    },
    "ServerFrame": {
        "description": "What Clara sends on WS /voice/ws/{user_id} (the same events stream as SSE)",
        "oneOf": [
            {"type": "object", "required": ["type", "name", "arguments"],
             "properties": {"type": {"const": "tool_call"}, "name": {"type": "string"}, "arguments": {"type": "object"}}},
            {"type": "object", "required": ["type", "name", "ok"],
             "properties": {
                 "type": {"const": "tool_result"}, "name": {"type": "string"}, "ok": {"type": "boolean"},
                 "duration_ms": {"type": "number", "description": "How long the tool ran, measured by the server"},
                 "citations": {"type": "array", "items": CITATION, "description": "knowledge_search only: the "
                               "passages the answer was read from, best first (`id` is the passage's)"}}},
            DRAFT,
            SAVED,
            {"type": "object", "required": ["type", "text"],
             "properties": {"type": {"const": "delta"}, "text": {"type": "string"}}},
            {"type": "object", "required": ["type", "text", "turn_id"],
             "properties": {"type": {"const": "done"}, "text": {"type": "string"}, "turn_id": {"type": "string"}}},
            {"description": "What an `image` frame's photo shows (the identify route's answer), sent before "
             "Clara says it",
             "type": "object", "required": ["type"], "properties": {"type": {"const": "nameplate"}},
             "allOf": [{"$ref": "#/components/schemas/Identification"}]},
            {"type": "object", "required": ["type", "session_id"], "description": "Answer to `new_session`",
             "properties": {"type": {"const": "session"}, "session_id": {"type": "string", "format": "uuid"},
                            "job_id": {"type": ["integer", "null"]}}},
            {"type": "object", "required": ["type"], "properties": {"type": {"const": "pong"}}},
            {"type": "object", "required": ["type", "code", "message"], "description": "The socket stays open; "
             "`field` names a bad frame's field, `retry_after` (seconds) comes with code rate_limited",
             "properties": {"type": {"const": "error"}, "code": {"type": "string"}, "message": {"type": "string"},
                            "field": {"type": "string"}, "retry_after": {"type": "integer"}}},
        ],
    },
    "VoiceStatus": {
        "type": "object",
        "required": ["user_id", "sessions", "voice_room", "conversations"],
        "properties": {
            "user_id": {"type": "integer"},
            "sessions": {"type": "array", "items": {
                "type": "object", "required": ["session_id", "channel", "job_id", "turns"],
                "properties": {"session_id": {"type": "string"}, "channel": {"enum": ["text", "voice"]},
                               "job_id": {"type": ["integer", "null"]}, "turns": {"type": "integer"}},
            }},
            "voice_room": {"type": ["object", "null"], "properties": {
                "room": {"type": "string"}, "job_id": {"type": ["integer", "null"]}, "session_id": {"type": "string"},
            }},
            "conversations": {"type": "array", "items": {
                "type": "object", "required": ["session_id", "channel", "job_id", "turns", "updated_at"],
                "properties": {"session_id": {"type": "string"}, "channel": {"enum": ["text", "voice"]},
                               "job_id": {"type": ["integer", "null"]}, "turns": {"type": "integer"},
                               "updated_at": {"type": ["string", "null"], "format": "date-time"}},
            }},
        },
    },
    "VoiceStats": {
        "type": "object",
        "required": ["sessions", "turns", "tool_calls", "llm", "agent_worker"],
        "properties": {
            "sessions": {"type": "object", "required": ["text", "voice"],
                         "properties": {"text": {"type": "integer"}, "voice": {"type": "integer"}}},
            "turns": {"type": "integer", "description": "Turns held by the open sessions"},
            "tool_calls": {"type": "integer", "description": "Tool calls made in the open text sessions"},
            "llm": {"type": "object", "required": ["in_use", "primary", "state"], "properties": {
                "in_use": {"enum": ["gemini", "offline"]}, "primary": {"enum": ["gemini", "offline"]},
                "state": {"type": "string"}, "detail": {"type": "string"}, "fallbacks": {"type": "integer"},
            }},
            "agent_worker": {"type": "object", "required": ["state"], "properties": {
                "state": {"type": "string"}, "detail": {"type": "string"}}},
        },
    },
})
