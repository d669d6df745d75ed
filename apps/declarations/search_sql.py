"""The search index's database side, installed by migration declarations.0002.

`search_document` holds the lower-cased character unigrams and bigrams of each searchable
field (number, name, products, enterprise name). It is computed by triggers inside the
database, so rows written by bulk COPY imports are searchable without Python:
- `declarations_standard_search_insert` / `_update` (BEFORE INSERT, BEFORE UPDATE of a
  searchable column) fill it;
- `declarations_enterprise_name_search` (AFTER UPDATE OF name on enterprises) refreshes the
  enterprise's standards.
`declarations_search_query(q)` turns a query into the AND of its bigrams (or its single
character). A row containing q as a substring (case-insensitively, by the database's own
lower()) contains each bigram of lower(q) within one field, so the index never loses a match;
the caller rechecks the substring to drop rows whose bigrams occur apart.

`search_text` (migration declarations.0003) is the recheck's input: the same four fields,
lower-cased and joined by U+001F, kept current by the same triggers. `strpos(search_text,
lower(q)) > 0` is exactly "some field ILIKE '%q%'" (PostgreSQL's ILIKE lower-cases both sides
in a UTF-8 database, and a q without U+001F cannot match across two fields), and it needs no
lookup of the enterprise's name per candidate row, which was the cost of counting common terms.
"""

INSTALL = r"""
-- The functions on the per-row path are single SELECTs without FROM, so the planner inlines
-- them into the trigger's cached expression: no per-row planning of SQL function bodies.
-- (declarations_ngrams_plain, the rare fallback, is not inlined.)
CREATE OR REPLACE FUNCTION declarations_ngrams_plain(l text) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT ARRAY(
    SELECT substr(l, i, n)
    FROM generate_series(1, length(l)) AS i, (VALUES (1), (2)) AS w(n)
    WHERE i + n - 1 <= length(l))
$$;

CREATE OR REPLACE FUNCTION declarations_ngrams_lower(l text) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  -- Unigrams, then the bigrams starting at odd and at even positions, each cut in C by
  -- regexp_replace/string_to_array. The cut marks pairs with U+001F; a text that itself
  -- contains one takes the plain path.
  SELECT CASE
    WHEN l = '' THEN '{}'::text[]
    WHEN strpos(l, E'\x1f') = 0 THEN array_remove(
      regexp_split_to_array(l, '')
      || string_to_array(regexp_replace(l, '(..)', E'\\1\x1f', 'g'), E'\x1f')
      || string_to_array(regexp_replace(substr(l, 2), '(..)', E'\\1\x1f', 'g'), E'\x1f'),
      '')
    ELSE declarations_ngrams_plain(l)
  END
$$;

CREATE OR REPLACE FUNCTION declarations_ngrams(t text) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT declarations_ngrams_lower(lower(coalesce(t, '')))
$$;

CREATE OR REPLACE FUNCTION declarations_search_document(
  standard_no text, name text, products text, enterprise text
) RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT array_to_tsvector(
    declarations_ngrams(standard_no) || declarations_ngrams(name)
    || declarations_ngrams(products) || declarations_ngrams(enterprise))
$$;

CREATE OR REPLACE FUNCTION declarations_search_query(q text) RETURNS tsquery
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE
    WHEN length(lower(q)) = 0 THEN NULL
    ELSE (
      SELECT string_agg(
               '''' || replace(replace(g, '\', '\\'), '''', '''''') || '''', ' & ')
      FROM (SELECT lower(q) AS l) s,
           LATERAL generate_series(1, greatest(length(s.l) - 1, 1)) AS i,
           LATERAL (SELECT substr(s.l, i, least(2, length(s.l))) AS g) x
    )::tsquery
  END
$$;

-- The same AND restricted to the `terms` rarest bigrams by the column's statistics: a bigram
-- found in nearly every row ("有限", "公司") filters nothing but costs the GIN index a walk
-- through millions of entries. Rows are rechecked with ILIKE, so any subset stays exact.
CREATE OR REPLACE FUNCTION declarations_search_query_selective(q text, terms integer)
RETURNS tsquery
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  WITH grams AS (
    SELECT DISTINCT substr(lower(q), i, least(2, length(lower(q)))) AS g
    FROM generate_series(1, greatest(length(lower(q)) - 1, 1)) AS i
    WHERE length(lower(q)) > 0
  ), frequencies AS (
    SELECT e.elem, e.freq
    FROM pg_stats s,
         LATERAL unnest(s.most_common_elems::text::text[], s.most_common_elem_freqs)
           AS e(elem, freq)
    WHERE s.schemaname = current_schema() AND s.tablename = 'declarations_standard'
      AND s.attname = 'search_document'
  )
  SELECT string_agg(
           '''' || replace(replace(g, '\', '\\'), '''', '''''') || '''', ' & ')::tsquery
  FROM (
    SELECT g FROM (
      SELECT grams.g, coalesce(f.freq, 0) AS freq,
             row_number() OVER (ORDER BY coalesce(f.freq, 0), grams.g) AS rank
      FROM grams LEFT JOIN frequencies f ON f.elem = grams.g
    ) ranked
    -- The rarest always; others only if they still narrow (in under 10 % of rows).
    WHERE rank = 1 OR freq < 0.1
    ORDER BY rank
    LIMIT terms
  ) chosen
$$;

CREATE OR REPLACE FUNCTION declarations_standard_search_trigger() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  NEW.search_document := declarations_search_document(
    NEW.standard_no, NEW.name, NEW.products,
    (SELECT e.name FROM enterprises_enterprise e WHERE e.id = NEW.enterprise_id));
  RETURN NEW;
END
$$;

DROP TRIGGER IF EXISTS declarations_standard_search ON declarations_standard;
DROP TRIGGER IF EXISTS declarations_standard_search_insert ON declarations_standard;
DROP TRIGGER IF EXISTS declarations_standard_search_update ON declarations_standard;
-- An INSERT that already supplies the document (the scale generator computes it set-based
-- with declarations_search_document) is left alone; every other write is (re)computed.
CREATE TRIGGER declarations_standard_search_insert
  BEFORE INSERT ON declarations_standard
  FOR EACH ROW WHEN (NEW.search_document IS NULL)
  EXECUTE FUNCTION declarations_standard_search_trigger();
CREATE TRIGGER declarations_standard_search_update
  BEFORE UPDATE OF standard_no, name, products, enterprise_id, search_document
  ON declarations_standard
  FOR EACH ROW EXECUTE FUNCTION declarations_standard_search_trigger();

CREATE OR REPLACE FUNCTION declarations_enterprise_name_trigger() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  -- Writing the column fires the standards trigger, which recomputes it with the new name.
  UPDATE declarations_standard SET search_document = NULL WHERE enterprise_id = NEW.id;
  RETURN NULL;
END
$$;

DROP TRIGGER IF EXISTS declarations_enterprise_name_search ON enterprises_enterprise;
CREATE TRIGGER declarations_enterprise_name_search
  AFTER UPDATE OF name ON enterprises_enterprise
  FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name)
  EXECUTE FUNCTION declarations_enterprise_name_trigger();

-- Per-bigram frequencies let the planner choose between the GIN index (rare terms) and an
-- ordered scan that stops at the first page (very common terms).
ALTER TABLE declarations_standard ALTER COLUMN search_document SET STATISTICS 1000;

UPDATE declarations_standard SET search_document = NULL;
"""

# Migration declarations.0003: the recheck text, computed by the same triggers.
SEARCH_TEXT_INSTALL = r"""
CREATE OR REPLACE FUNCTION declarations_search_text(
  standard_no text, name text, products text, enterprise text
) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT lower(coalesce(standard_no, '') || E'\x1f' || coalesce(name, '') || E'\x1f'
               || coalesce(products, '') || E'\x1f' || coalesce(enterprise, ''))
$$;

CREATE OR REPLACE FUNCTION declarations_standard_search_trigger() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  enterprise_name text := (SELECT e.name FROM enterprises_enterprise e
                           WHERE e.id = NEW.enterprise_id);
BEGIN
  NEW.search_document := declarations_search_document(
    NEW.standard_no, NEW.name, NEW.products, enterprise_name);
  NEW.search_text := declarations_search_text(
    NEW.standard_no, NEW.name, NEW.products, enterprise_name);
  RETURN NEW;
END
$$;

DROP TRIGGER IF EXISTS declarations_standard_search_insert ON declarations_standard;
DROP TRIGGER IF EXISTS declarations_standard_search_update ON declarations_standard;
-- An INSERT that supplies both (the scale generator computes them set-based) is left alone.
CREATE TRIGGER declarations_standard_search_insert
  BEFORE INSERT ON declarations_standard
  FOR EACH ROW WHEN (NEW.search_document IS NULL OR NEW.search_text IS NULL)
  EXECUTE FUNCTION declarations_standard_search_trigger();
CREATE TRIGGER declarations_standard_search_update
  BEFORE UPDATE OF standard_no, name, products, enterprise_id, search_document, search_text
  ON declarations_standard
  FOR EACH ROW EXECUTE FUNCTION declarations_standard_search_trigger();

-- Existing rows: only the new column is written, so the update trigger does not fire.
UPDATE declarations_standard s
SET search_text = declarations_search_text(s.standard_no, s.name, s.products, e.name)
FROM enterprises_enterprise e
WHERE e.id = s.enterprise_id;
"""

SEARCH_TEXT_UNINSTALL = r"""
CREATE OR REPLACE FUNCTION declarations_standard_search_trigger() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  NEW.search_document := declarations_search_document(
    NEW.standard_no, NEW.name, NEW.products,
    (SELECT e.name FROM enterprises_enterprise e WHERE e.id = NEW.enterprise_id));
  RETURN NEW;
END
$$;
DROP TRIGGER IF EXISTS declarations_standard_search_insert ON declarations_standard;
DROP TRIGGER IF EXISTS declarations_standard_search_update ON declarations_standard;
CREATE TRIGGER declarations_standard_search_insert
  BEFORE INSERT ON declarations_standard
  FOR EACH ROW WHEN (NEW.search_document IS NULL)
  EXECUTE FUNCTION declarations_standard_search_trigger();
CREATE TRIGGER declarations_standard_search_update
  BEFORE UPDATE OF standard_no, name, products, enterprise_id, search_document
  ON declarations_standard
  FOR EACH ROW EXECUTE FUNCTION declarations_standard_search_trigger();
DROP FUNCTION IF EXISTS declarations_search_text(text, text, text, text);
"""

UNINSTALL = r"""
DROP TRIGGER IF EXISTS declarations_enterprise_name_search ON enterprises_enterprise;
DROP TRIGGER IF EXISTS declarations_standard_search_insert ON declarations_standard;
DROP TRIGGER IF EXISTS declarations_standard_search_update ON declarations_standard;
DROP FUNCTION IF EXISTS declarations_enterprise_name_trigger();
DROP FUNCTION IF EXISTS declarations_standard_search_trigger();
DROP FUNCTION IF EXISTS declarations_search_query(text);
DROP FUNCTION IF EXISTS declarations_search_query_selective(text, integer);
DROP FUNCTION IF EXISTS declarations_search_document(text, text, text, text);
DROP FUNCTION IF EXISTS declarations_ngrams(text);
DROP FUNCTION IF EXISTS declarations_ngrams_lower(text);
DROP FUNCTION IF EXISTS declarations_ngrams_plain(text);
ALTER TABLE declarations_standard ALTER COLUMN search_document SET STATISTICS -1;
"""

# Migration declarations.0008: bigrams only, one document from the recheck text. A character
# no longer has a unigram of its own (a third of the entries, and the costliest to maintain:
# each common character's posting list spans the table). Every field is followed by a space,
# so every character starts some bigram and a one-character query is the prefix query
# `'c':*`, exact as before: a bigram "c?" is in the document exactly when c is in some field.
# A query is stripped, so no one- or two-character query starts or ends with a space, and
# the pairs that do (" n", "o ", from the space joining two fields) never answer one alone.
# U+001F (the recheck text's separator, a field may hold one) becomes a space on both sides:
# such a query is rechecked field by field (search.py), so the index only has to keep it.
BIGRAM_INSTALL = r"""
CREATE OR REPLACE FUNCTION declarations_bigrams(l text) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  -- The pairs starting at odd and at even positions, cut in C by regexp_replace and
  -- string_to_array (U+001F marks the cut; `l` holds none). `l` ends in a space, so the one
  -- character left over by either cut is that space.
  SELECT array_remove(array_remove(
    string_to_array(regexp_replace(l, '(..)', E'\\1\x1f', 'g'), E'\x1f')
    || string_to_array(regexp_replace(substr(l, 2), '(..)', E'\\1\x1f', 'g'), E'\x1f'),
    ' '), '')
$$;

CREATE OR REPLACE FUNCTION declarations_search_document(
  standard_no text, name text, products text, enterprise text
) RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT array_to_tsvector(declarations_bigrams(
    translate(declarations_search_text(standard_no, name, products, enterprise), E'\x1f', ' ')
    || ' '))
$$;

CREATE OR REPLACE FUNCTION declarations_search_lexeme(g text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT '''' || replace(replace(g, '\', '\\'), '''', '''''') || ''''
    || CASE WHEN length(g) = 1 THEN ':*' ELSE '' END
$$;

CREATE OR REPLACE FUNCTION declarations_search_query(q text) RETURNS tsquery
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE
    WHEN length(s.l) = 0 THEN NULL
    WHEN length(s.l) = 1 THEN declarations_search_lexeme(s.l)::tsquery
    ELSE (
      SELECT string_agg(declarations_search_lexeme(substr(s.l, i, 2)), ' & ')
      FROM generate_series(1, length(s.l) - 1) AS i
    )::tsquery
  END
  FROM (SELECT translate(lower(q), E'\x1f', ' ') AS l) s
$$;

-- The rarest bigram always; others while they still narrow (in under 10 % of rows), or, when
-- even the rarest leaves `many` candidates or more, while in under `wide` of rows: walking a
-- long posting list costs less than fetching and rechecking that many rows (search_stats.py).
DROP FUNCTION IF EXISTS declarations_search_query_selective(text, integer);
CREATE OR REPLACE FUNCTION declarations_search_query_selective(
  q text, terms integer, many float8 DEFAULT 5000, wide float8 DEFAULT 0.3
) RETURNS tsquery
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  WITH lowered AS (
    SELECT translate(lower(q), E'\x1f', ' ') AS l
  ), grams AS (
    SELECT DISTINCT substr(l, i, 2) AS g
    FROM lowered, generate_series(1, length(l) - 1) AS i
  ), frequencies AS (
    SELECT e.elem, e.freq
    FROM pg_stats s,
         LATERAL unnest(s.most_common_elems::text::text[], s.most_common_elem_freqs)
           AS e(elem, freq)
    WHERE s.schemaname = current_schema() AND s.tablename = 'declarations_standard'
      AND s.attname = 'search_document'
  ), ranked AS (
    SELECT grams.g, coalesce(f.freq, 0) AS freq,
           row_number() OVER (ORDER BY coalesce(f.freq, 0), grams.g) AS rank
    FROM grams LEFT JOIN frequencies f ON f.elem = grams.g
  ), candidates AS (
    SELECT r.freq * c.reltuples AS rows
    FROM ranked r, pg_class c
    WHERE r.rank = 1 AND c.oid = 'declarations_standard'::regclass
  )
  SELECT CASE
    WHEN length(l) <= 1 THEN declarations_search_query(q)
    ELSE (
      SELECT string_agg(declarations_search_lexeme(g), ' & ')::tsquery
      FROM (
        SELECT g FROM ranked
        WHERE rank = 1 OR freq < 0.1
           OR (freq < wide AND (SELECT rows FROM candidates) >= many)
        ORDER BY rank
        LIMIT terms
      ) chosen
    )
  END
  FROM lowered
$$;

DROP FUNCTION IF EXISTS declarations_ngrams(text);
DROP FUNCTION IF EXISTS declarations_ngrams_lower(text);
DROP FUNCTION IF EXISTS declarations_ngrams_plain(text);
"""

# Every standard's document again, set-based (the update trigger stands aside, as for an
# import: migration declarations.0007), with the GIN index built afresh afterwards rather than
# maintained row by row (the index of models.Standard.Meta, same name and definition), then
# fresh statistics for the plan (search_stats.py).
REBUILD_DOCUMENTS = r"""
DROP INDEX IF EXISTS standard_search_gin;
SELECT set_config('declarations.search_batch', 'on', true);
UPDATE declarations_standard s
SET search_document = declarations_search_document(s.standard_no, s.name, s.products, e.name)
FROM enterprises_enterprise e
WHERE e.id = s.enterprise_id;
SELECT set_config('declarations.search_batch', 'off', true);
CREATE INDEX standard_search_gin ON declarations_standard USING gin (search_document);
ANALYZE declarations_standard;
"""

# Back to migration 0002's functions (its text up to the triggers), then the old documents.
BIGRAM_UNINSTALL = (
    "DROP FUNCTION IF EXISTS declarations_search_query_selective(text, integer, float8, float8);"
    + INSTALL.split("CREATE OR REPLACE FUNCTION declarations_standard_search_trigger()")[0]
    + """
DROP FUNCTION IF EXISTS declarations_search_lexeme(text);
DROP FUNCTION IF EXISTS declarations_bigrams(text);
"""
)

# Migration declarations.0009: a bulk import leaves the document to a background job. The
# import writes `search_text` (the recheck text, cheap) and leaves `search_document` NULL
# under `declarations.search_batch`; the insert trigger then stands aside as the update
# trigger already does. Such rows are found by search through the partial index
# `standard_search_pending` and the recheck text (search.py) until `INDEX_PENDING` has given
# them their document (services.search_index_pending). Every other write is unchanged.
SEARCH_BATCH = "declarations.search_batch"

DEFERRED_INSTALL = r"""
CREATE OR REPLACE TRIGGER declarations_standard_search_insert
  BEFORE INSERT ON declarations_standard
  FOR EACH ROW WHEN (NEW.search_text IS NULL OR (NEW.search_document IS NULL
    AND current_setting('declarations.search_batch', true) IS DISTINCT FROM 'on'))
  EXECUTE FUNCTION declarations_standard_search_trigger();
"""

DEFERRED_UNINSTALL = r"""
CREATE OR REPLACE TRIGGER declarations_standard_search_insert
  BEFORE INSERT ON declarations_standard
  FOR EACH ROW WHEN (NEW.search_document IS NULL OR NEW.search_text IS NULL)
  EXECUTE FUNCTION declarations_standard_search_trigger();
"""

# One batch of standards without a document, oldest first, skipping rows another transaction
# holds (a second run, or a person editing one: their own write computes it). The recheck
# text is written again too, from the enterprise's name as it is now.
INDEX_PENDING = r"""
UPDATE declarations_standard s
SET search_document = declarations_search_document(s.standard_no, s.name, s.products, e.name),
    search_text = declarations_search_text(s.standard_no, s.name, s.products, e.name)
FROM enterprises_enterprise e
WHERE e.id = s.enterprise_id AND s.id IN (
  SELECT p.id FROM declarations_standard p WHERE p.search_document IS NULL
  ORDER BY p.id LIMIT %s FOR UPDATE SKIP LOCKED)
"""
