"""CONTRACT.md §3 as one set-based statement for any set of schemes (one, or a whole year).

Exact arithmetic: a standard's score is T / D with
  D = 300 × Π n_q                       (n_q: number of scores of qualitative criterion q)
  T = Σ_core w × tier × 100 × Π n_q  +  Σ_qual w × Σscores_q × 3 × (Π n_q / n_q)
so that T / D = Σ w × tier / 3 + Σ w × mean_q / 100 exactly. Every term is an exact decimal
(weights and scores have two places, Π n_q / n_q is a whole number), and half-up rounding to
two places is the whole-number division div(200·T + D, 2·D) / 100: no binary floats and no
rounded intermediate quotient anywhere.

The schemes come in as parallel arrays (id, its new ranking's id, category, cutoff, leader cap,
minimum participants) and every step is grouped or partitioned by scheme, so compiling a
year is one pass over the data with hash joins, like any hand-written query would be.
Indicator values are read only for the schemes' own indicators.

Ordering uses COLLATE "C" (code-point order), the order any auditor's script gets from a plain
sort of uscc and standard_no.
"""

COMPILE_RANKINGS = """
WITH schemes AS (
    SELECT *
    FROM unnest(%(scheme_ids)s::bigint[], %(ranking_ids)s::bigint[],
                %(category_ids)s::bigint[], %(cutoff_dates)s::date[],
                %(max_leaders)s::integer[], %(min_participants)s::integer[])
         AS t(scheme_id, ranking_id, category_id, cutoff_date, max_leaders, min_participants)
),
entrants AS (
    SELECT sc.scheme_id, st.id AS standard_id, st.standard_no, st.enterprise_id
    FROM schemes sc
    JOIN declarations_standard st
      ON st.category_id = sc.category_id AND st.status = 'public'
     AND st.published_on <= sc.cutoff_date
),
core AS (
    SELECT c.scheme_id, c.criterion_code, c.indicator_id, c.weight, c.baseline, c.advanced,
           c.leading, i.direction = 'higher' AS higher
    FROM evaluators_schemecriterion c
    JOIN catalog_indicator i ON i.id = c.indicator_id
    WHERE c.scheme_id = ANY(%(scheme_ids)s) AND c.kind = 'core'
),
scheme_values AS (
    SELECT v.standard_id, v.indicator_id, v.value
    FROM declarations_indicatorvalue v
    WHERE v.indicator_id = ANY(%(indicator_ids)s)
),
core_per_standard AS (
    SELECT en.scheme_id, en.standard_id,
           bool_or(v.value IS NULL) AS missing,
           coalesce(bool_or(CASE WHEN core.higher THEN v.value < core.baseline
                                 ELSE v.value > core.baseline END), false) AS below,
           sum(core.weight * t.tier) AS weighted_tiers,
           min(t.tier) AS min_tier,
           jsonb_object_agg(core.criterion_code, t.tier) AS tiers
    FROM entrants en
    JOIN core ON core.scheme_id = en.scheme_id
    LEFT JOIN scheme_values v
           ON v.standard_id = en.standard_id AND v.indicator_id = core.indicator_id
    CROSS JOIN LATERAL (
        SELECT CASE
                   WHEN core.higher THEN
                       CASE WHEN v.value >= core.leading THEN 3
                            WHEN v.value >= core.advanced THEN 2 ELSE 1 END
                   ELSE
                       CASE WHEN v.value <= core.leading THEN 3
                            WHEN v.value <= core.advanced THEN 2 ELSE 1 END
               END AS tier
    ) t
    GROUP BY en.scheme_id, en.standard_id
),
qual AS (
    SELECT id, scheme_id, weight
    FROM evaluators_schemecriterion
    WHERE scheme_id = ANY(%(scheme_ids)s) AND kind = 'qualitative'
),
assessed AS (
    SELECT a.scheme_id, a.standard_id,
           bool_or(a.decision = 'reject') AS rejected
    FROM evaluators_assessment a
    WHERE a.scheme_id = ANY(%(scheme_ids)s)
    GROUP BY a.scheme_id, a.standard_id
),
qual_scores AS (
    SELECT a.scheme_id, a.standard_id, a.criterion_id,
           sum(a.score) AS total, count(*)::numeric AS n
    FROM evaluators_assessment a
    WHERE a.scheme_id = ANY(%(scheme_ids)s) AND a.decision = 'accept'
      AND a.criterion_id IS NOT NULL
    GROUP BY a.scheme_id, a.standard_id, a.criterion_id
),
qual_values AS (
    SELECT en.scheme_id, en.standard_id, qual.weight, qs.total, qs.n
    FROM entrants en
    JOIN qual ON qual.scheme_id = en.scheme_id
    LEFT JOIN qual_scores qs
           ON qs.scheme_id = en.scheme_id AND qs.standard_id = en.standard_id
          AND qs.criterion_id = qual.id
),
qual_product AS (
    SELECT scheme_id, standard_id,
           bool_or(n IS NULL) AS not_assessed,
           leaders_product(coalesce(n, 1)) AS product
    FROM qual_values
    GROUP BY scheme_id, standard_id
),
qual_per_standard AS (
    SELECT q.scheme_id, q.standard_id, p.not_assessed, p.product,
           sum(q.weight * q.total * 3 * div(p.product, q.n)) AS weighted_scores
    FROM qual_values q
    JOIN qual_product p USING (scheme_id, standard_id)
    GROUP BY q.scheme_id, q.standard_id, p.not_assessed, p.product
),
classified AS (
    SELECT en.scheme_id, en.standard_id, en.standard_no, en.enterprise_id, c.tiers, c.min_tier,
           CASE
               WHEN coalesce(a.rejected, false) THEN 'rejected'
               WHEN c.standard_id IS NULL OR c.missing THEN 'missing_indicator'
               WHEN c.below THEN 'below_baseline'
               WHEN coalesce(q.not_assessed, false) THEN 'not_assessed'
           END AS excluded_reason,
           c.weighted_tiers * 100 * coalesce(q.product, 1)
               + coalesce(q.weighted_scores, 0) AS t,
           300 * coalesce(q.product, 1) AS d
    FROM entrants en
    LEFT JOIN core_per_standard c
           ON c.scheme_id = en.scheme_id AND c.standard_id = en.standard_id
    LEFT JOIN qual_per_standard q
           ON q.scheme_id = en.scheme_id AND q.standard_id = en.standard_id
    LEFT JOIN assessed a
           ON a.scheme_id = en.scheme_id AND a.standard_id = en.standard_id
),
scored AS (
    SELECT cl.scheme_id, cl.standard_id, cl.standard_no, cl.enterprise_id, e.uscc,
           cl.excluded_reason,
           CASE WHEN cl.excluded_reason IS NULL THEN cl.tiers END AS tiers,
           CASE WHEN cl.excluded_reason IS NULL THEN cl.min_tier END AS min_tier,
           CASE WHEN cl.excluded_reason IS NULL
                THEN (div(200 * cl.t + cl.d, 2 * cl.d) / 100)::numeric(6, 2) END AS score
    FROM classified cl
    JOIN enterprises_enterprise e ON e.id = cl.enterprise_id
),
ranked AS (
    SELECT s.*,
           CASE WHEN excluded_reason IS NULL
                THEN rank() OVER (PARTITION BY scheme_id, excluded_reason IS NULL
                                  ORDER BY score DESC)
           END AS rank
    FROM scored s
),
participation AS (
    SELECT scheme_id, count(DISTINCT enterprise_id) AS participants
    FROM scored
    WHERE excluded_reason IS NULL
    GROUP BY scheme_id
)
INSERT INTO leaders_rankingentry
    (ranking_id, standard_id, position, rank, score, tiers, candidate, excluded_reason)
SELECT sc.ranking_id,
       r.standard_id,
       row_number() OVER (
           PARTITION BY r.scheme_id
           ORDER BY r.excluded_reason IS NOT NULL, r.score DESC NULLS LAST,
                    r.uscc COLLATE "C", r.standard_no COLLATE "C"),
       r.rank,
       r.score,
       r.tiers,
       coalesce(r.excluded_reason IS NULL
                AND coalesce(p.participants, 0) >= sc.min_participants
                AND r.rank <= sc.max_leaders
                AND r.min_tier >= 2, false),
       r.excluded_reason
FROM ranked r
JOIN schemes sc ON sc.scheme_id = r.scheme_id
LEFT JOIN participation p ON p.scheme_id = r.scheme_id
"""

RANKING_TOTALS = """
SELECT e.ranking_id, count(*),
       count(DISTINCT st.enterprise_id) FILTER (WHERE e.rank IS NOT NULL),
       count(*) FILTER (WHERE e.candidate)
FROM leaders_rankingentry e
JOIN declarations_standard st ON st.id = e.standard_id
WHERE e.ranking_id = ANY(%(ranking_ids)s)
GROUP BY e.ranking_id
"""
