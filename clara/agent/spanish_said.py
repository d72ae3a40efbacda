"""Spanish said mid-sentence, in the words a bilingual technician mixes in, read as the English every rule knows.

Crews switch languages inside a sentence: "sí, guárdalo", "the corridor one is missing its pin, es grave",
"voy en camino a WeWork", "qué tengo hoy", "cuántos trabajos me quedan". The rules after this one read English, so a
message with Spanish in it is first put into English, word group by word group, from a glossary of the field's
words: answers to a read-back (yes, save it, don't save it), severities (grave, leve, moderado), statuses (en camino,
ya llegué, terminé), the day (hoy, mañana, cuántos trabajos), people and places (el contacto, su teléfono, aquí,
allí), units and places (extintor, cocina, pasillo, bomba) and
the few function words that glue them ("el de la cocina" is "the one in the kitchen"). A message with no Spanish word
in it comes back untouched: the function words ("la", "el", "y") are only read as Spanish in a Spanish sentence.
Accents are optional (recognisers and phone keyboards drop them).
"""

from __future__ import annotations

import re
import unicodedata

# Words that only a Spanish sentence holds: one of them makes the message read as mixed Spanish.
_MARKERS = frozenset("""
si guardalo guardala guardelo guardes guarda grave leve moderado moderada mediano mediana tengo hoy manana voy camino
cuantos cuantas trabajos quedan queda direccion otra vez esta estoy tiene roto rota vacio vacia bomba gracias favor
borralo cancelalo olvidalo dejalo repite repitelo llegue termine acabe extintor extintores cocina pasillo etiqueta
manometro techo azotea gotea fuga funciona que donde cual cuando quien tambien ahorita necesita reparacion urgente
critico critica trabajo sitio primero primera ultimo ultima siguiente despues numero telefono mas dale vale claro
contacto encargado aqui alli ahi
""".split())

# Spanish word groups and what they say in English, longest first within each kind; accents stripped beforehand.
_GLOSSARY: tuple[tuple[str, str], ...] = (
    # answers to a read-back
    (r"no,? no lo guardes|no la guardes|no lo guardes|no guardes nada|no guardes", "no, don't save it"),
    (r"guardalo|guardala|guardelo|guardela|guarda(?:lo)? ya", "save it"),
    (r"borralo|borrala|cancelalo|cancelala|olvidalo|olvidala|dejalo|dejala", "forget it"),
    (r"^\W*si\b|(?<=\W)si(?=\s*[,.!]|\s*$)", "yes"),
    (r"\bdale\b|\bvale\b|\bclaro\b|\bde acuerdo\b|\besta bien\b", "okay"),
    # severities
    (r"fuera de servicio", "out of service"),
    (r"muy grave|es grave|grave|critico|critica|urgente", "critical"),
    (r"necesita reparacion|necesita arreglo|moderado|moderada|mediano|mediana", "needs repair"),
    (r"es leve|leve|menor|poca cosa", "minor"),
    # statuses
    (r"voy en camino (?:a la|al|a|para)|voy (?:a la|al|para)", "I'm on my way to"),
    (r"voy en camino|en camino", "on my way"),
    (r"ya llegue|llegue|estoy en el sitio|ya estoy aqui|estoy aqui", "I'm on site"),
    (r"ya termine|termine|ya acabe|acabe", "I'm done"),
    # the day
    (r"que tengo (?:para )?hoy", "what do I have today"),
    (r"que tengo (?:para )?manana", "what do I have tomorrow"),
    (r"cuantos trabajos me quedan|cuantos me quedan|cuantas me quedan", "how many jobs do I have left"),
    (r"cuantos trabajos tengo|cuantos tengo", "how many jobs do I have"),
    (r"cuantos|cuantas", "how many"),
    (r"trabajos", "jobs"), (r"trabajo", "job"), (r"me quedan|quedan", "left"),
    (r"\bhoy\b", "today"), (r"\bmanana\b", "tomorrow"),
    (r"el (?:primero|primer trabajo)|la primera", "the first one"),
    (r"el (?:ultimo|ultimo trabajo)|la ultima", "the last one"),
    (r"el siguiente|la siguiente|el proximo|la proxima", "the next one"),
    (r"la direccion|direccion", "the address"),
    # whose number: "y su teléfono?" asks the contact's just named, as "and his number?" does
    (r"su (?:numero|telefono)(?: de telefono)?", "their number"), (r"el numero|numero|telefono", "the number"),
    # people and places: "quién es el contacto aquí" asks who to call here
    (r"el contacto|la contacta|contacto|el encargado|la encargada|encargado|encargada", "the contact"),
    (r"\baqui\b|\baca\b", "here"), (r"\balli\b|\bahi\b|\balla\b", "there"),
    (r"otra vez|de nuevo|repitelo|repite", "again"),
    # units, parts and places
    (r"los extintores|extintores", "the extinguishers"), (r"el extintor|extintor", "the extinguisher"),
    (r"el de la cocina|la de la cocina", "the kitchen one"), (r"el del pasillo|la del pasillo", "the corridor one"),
    (r"de la cocina|en la cocina", "in the kitchen"), (r"la cocina|cocina", "the kitchen"),
    (r"del pasillo|en el pasillo", "in the corridor"), (r"el pasillo|pasillo", "the corridor"),
    (r"en el techo|en la azotea", "on the roof"), (r"el techo|la azotea|techo|azotea", "the roof"),
    (r"la bomba contra incendios|la bomba|bomba", "the fire pump"),
    (r"la etiqueta|etiqueta", "the tag"), (r"el manometro|manometro", "the gauge"),
    (r"el pasador|el seguro", "the pin"),
    (r"the (\w+) (?:rotos?|rotas?)", r"a broken \1"),  # "la etiqueta rota": the adjective after its noun
    (r"esta vacio|esta vacia|vacio|vacia", "is empty"), (r"esta roto|esta rota|roto|rota", "is broken"),
    (r"esta goteando|gotea|tiene una fuga|fuga", "is leaking"), (r"no funciona", "doesn't work"),
    # glue
    (r"por favor", "please"), (r"gracias", "thanks"), (r"tambien", "also"), (r"ahorita|ahora", "now"),
    (r"tiene", "has"), (r"\bquien es\b", "who is"), (r"\bes\b", "it's"), (r"\besta\b", "it's"), (r"\by\b", "and"), (r"\bel de\b", "the one at"),
    (r"\bque\b", "what"), (r"\bdonde\b", "where"), (r"\bcuando\b", "when"), (r"\bquien\b", "who"),
    # articles left before an English noun ("el safety guy"), read once the Spanish nouns above are English
    (r"\b(?:el|la|los|las)\b", "the"),
)
_COMPILED = tuple((re.compile(rf"(?<![\w']){pattern}(?![\w'])", re.IGNORECASE), english)
                  for pattern, english in _GLOSSARY)
_WORD = re.compile(r"[a-z]+")


def _plain(text: str) -> str:
    """The text without accents ("guárdalo" -> "guardalo", "mañana" -> "manana"), other characters kept."""
    return unicodedata.normalize("NFC", "".join(c for c in unicodedata.normalize("NFD", text)
                                                if unicodedata.category(c) != "Mn"))


def speaks_spanish(text: str) -> bool:
    """Whether a message has a Spanish word in it (or Spanish punctuation: "¿", "¡")."""
    plain = _plain(text).lower()
    return "¿" in plain or "¡" in plain or any(word in _MARKERS for word in _WORD.findall(plain))


def in_english(text: str) -> str:
    """The message with its Spanish word groups said in English; a message with no Spanish comes back as is."""
    if not speaks_spanish(text):
        return text
    said = _plain(text).replace("¿", "").replace("¡", "")
    for pattern, english in _COMPILED:
        said = pattern.sub(english, said)
    return " ".join(said.split())
