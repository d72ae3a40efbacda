-- Place matching for "who's the customer at 123 Main Street?": one normalised form for customer names, site names
-- and street addresses, compared with trigram similarity so typos, case, punctuation and abbreviations still match.

CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- Lower case, apostrophes dropped ("Levi's" -> "levis"), other punctuation to spaces, and the usual US street,
-- direction and business abbreviations spelled out, so "456 Industrial Pkwy." and "456 industrial parkway" agree.
CREATE FUNCTION crm_place_key(raw text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$
    SELECT coalesce(string_agg(coalesce(a.expansion, w.word), ' ' ORDER BY w.n), '')
    FROM regexp_split_to_table(
             regexp_replace(
                 regexp_replace(replace(lower(raw), '&', ' and '), '[''’`]', '', 'g'),
                 '[^[:alnum:]]+', ' ', 'g'),
             ' ') WITH ORDINALITY AS w (word, n)
    LEFT JOIN (VALUES
        ('st', 'street'), ('str', 'street'), ('ave', 'avenue'), ('av', 'avenue'), ('blvd', 'boulevard'),
        ('pkwy', 'parkway'), ('pky', 'parkway'), ('rd', 'road'), ('dr', 'drive'), ('ln', 'lane'),
        ('ct', 'court'), ('hwy', 'highway'), ('pl', 'place'), ('sq', 'square'), ('ter', 'terrace'),
        ('cir', 'circle'), ('expy', 'expressway'), ('fwy', 'freeway'), ('hts', 'heights'), ('ste', 'suite'),
        ('n', 'north'), ('s', 'south'), ('e', 'east'), ('w', 'west'), ('mt', 'mount'), ('ft', 'fort'),
        ('ctr', 'center'), ('cntr', 'center'), ('centre', 'center'), ('bldg', 'building'),
        ('mfg', 'manufacturing'), ('mfr', 'manufacturing'), ('co', 'company'), ('corp', 'corporation'),
        ('intl', 'international'), ('natl', 'national'), ('univ', 'university'), ('hosp', 'hospital'),
        ('med', 'medical'), ('dept', 'department'), ('hq', 'headquarters')
    ) AS a (abbr, expansion) ON a.abbr = w.word
    WHERE w.word <> ''
$$;

CREATE INDEX customers_place_key_trgm ON customers USING gin (crm_place_key(name) gin_trgm_ops);
CREATE INDEX sites_place_key_trgm ON sites USING gin (crm_place_key(name || ' ' || address || ' ' || city) gin_trgm_ops);
