"""The search index's database side, installed by migration 0002 (and re-run by tests).

`search_document` holds the lower-cased character unigrams and bigrams of each searchable
field (number, name, products, enterprise name). It is computed by triggers inside the
database, so rows written by bulk COPY imports are searchable without Python:
- `declarations_standard_search` (BEFORE INSERT / UPDATE of a searchable column) fills it;
- `declarations_enterprise_name_search` (AFTER UPDATE OF name on enterprises) refreshes the
  enterprise's standards.
`declarations_search_query(q)` turns a query into the AND of its bigrams (or its single
character). A row containing q as a substring (case-insensitively, by the database's own
lower()) contains each bigram of lower(q) within one field, so the index never loses a match;
the caller rechecks with ILIKE to drop rows whose bigrams occur apart.
"""

INSTALL = r"""
CREATE OR REPLACE FUNCTION declarations_ngrams(t text) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT coalesce(array_agg(DISTINCT g), '{}')
  FROM (SELECT lower(coalesce(t, '')) AS l) s,
       LATERAL generate_series(1, length(s.l)) AS i,
       LATERAL unnest(ARRAY[substr(s.l, i, 1),
                            CASE WHEN i < length(s.l) THEN substr(s.l, i, 2) END]) AS g
  WHERE g IS NOT NULL
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
CREATE TRIGGER declarations_standard_search
  BEFORE INSERT OR UPDATE OF standard_no, name, products, enterprise_id, search_document
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

UNINSTALL = r"""
DROP TRIGGER IF EXISTS declarations_enterprise_name_search ON enterprises_enterprise;
DROP TRIGGER IF EXISTS declarations_standard_search ON declarations_standard;
DROP FUNCTION IF EXISTS declarations_enterprise_name_trigger();
DROP FUNCTION IF EXISTS declarations_standard_search_trigger();
DROP FUNCTION IF EXISTS declarations_search_query(text);
DROP FUNCTION IF EXISTS declarations_search_document(text, text, text, text);
DROP FUNCTION IF EXISTS declarations_ngrams(text);
ALTER TABLE declarations_standard ALTER COLUMN search_document SET STATISTICS -1;
"""
