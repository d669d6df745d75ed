"""CONTRACT.md §3 as one set-based statement per scheme.

Exact arithmetic: a standard's score is T / D with
  D = 300 × Π n_q                       (n_q: number of scores of qualitative criterion q)
  T = Σ_core w × tier × 100 × Π n_q  +  Σ_qual w × Σscores_q × 3 × (Π n_q / n_q)
so that T / D = Σ w × tier / 3 + Σ w × mean_q / 100 exactly. Every term is an exact decimal
(weights and scores have two places, Π n_q / n_q is a whole number), and half-up rounding to
two places is the whole-number division div(200·T + D, 2·D) / 100: no binary floats and no
rounded intermediate quotient anywhere.

Ordering uses COLLATE "C" (code-point order), the order any auditor's script gets from a plain
sort of uscc and standard_no.
"""

COMPILE_RANKING = """
WITH scheme AS (
    SELECT id, category_id, cutoff_date, max_leaders, min_participants
    FROM evaluators_scheme
    WHERE id = %(scheme_id)s
),
entrants AS (
    SELECT st.id AS standard_id, st.standard_no, e.uscc
    FROM declarations_standard st
    JOIN scheme ON st.category_id = scheme.category_id
    JOIN enterprises_enterprise e ON e.id = st.enterprise_id
    WHERE st.status = 'public' AND st.published_on <= scheme.cutoff_date
),
core AS (
    SELECT c.criterion_code, c.indicator_id, c.weight, c.baseline, c.advanced, c.leading,
           i.direction = 'higher' AS higher
    FROM evaluators_schemecriterion c
    JOIN catalog_indicator i ON i.id = c.indicator_id
    WHERE c.scheme_id = %(scheme_id)s AND c.kind = 'core'
),
core_values AS (
    SELECT en.standard_id, core.criterion_code, core.weight, v.value,
           CASE
               WHEN core.higher THEN
                   CASE WHEN v.value >= core.leading THEN 3
                        WHEN v.value >= core.advanced THEN 2 ELSE 1 END
               ELSE
                   CASE WHEN v.value <= core.leading THEN 3
                        WHEN v.value <= core.advanced THEN 2 ELSE 1 END
           END AS tier,
           CASE WHEN core.higher THEN v.value < core.baseline
                ELSE v.value > core.baseline END AS below
    FROM entrants en
    CROSS JOIN core
    LEFT JOIN declarations_indicatorvalue v
           ON v.standard_id = en.standard_id AND v.indicator_id = core.indicator_id
),
core_per_standard AS (
    SELECT standard_id,
           bool_or(value IS NULL) AS missing,
           coalesce(bool_or(below), false) AS below,
           sum(weight * tier) AS weighted_tiers,
           min(tier) AS min_tier,
           jsonb_object_agg(criterion_code, tier) AS tiers
    FROM core_values
    GROUP BY standard_id
),
qual AS (
    SELECT id, weight
    FROM evaluators_schemecriterion
    WHERE scheme_id = %(scheme_id)s AND kind = 'qualitative'
),
qual_scores AS (
    SELECT a.standard_id, a.criterion_id, sum(a.score) AS total, count(*)::numeric AS n
    FROM evaluators_assessment a
    JOIN qual ON qual.id = a.criterion_id
    WHERE a.scheme_id = %(scheme_id)s AND a.decision = 'accept'
    GROUP BY a.standard_id, a.criterion_id
),
qual_values AS (
    SELECT en.standard_id, qual.weight, qs.total, qs.n
    FROM entrants en
    CROSS JOIN qual
    LEFT JOIN qual_scores qs ON qs.standard_id = en.standard_id AND qs.criterion_id = qual.id
),
qual_product AS (
    SELECT standard_id,
           bool_or(n IS NULL) AS not_assessed,
           leaders_product(coalesce(n, 1)) AS product
    FROM qual_values
    GROUP BY standard_id
),
qual_per_standard AS (
    SELECT q.standard_id, p.not_assessed, p.product,
           sum(q.weight * q.total * 3 * div(p.product, q.n)) AS weighted_scores
    FROM qual_values q
    JOIN qual_product p USING (standard_id)
    GROUP BY q.standard_id, p.not_assessed, p.product
),
rejected AS (
    SELECT DISTINCT standard_id
    FROM evaluators_assessment
    WHERE scheme_id = %(scheme_id)s AND decision = 'reject'
),
classified AS (
    SELECT en.standard_id, en.uscc, en.standard_no, c.tiers, c.min_tier,
           CASE
               WHEN r.standard_id IS NOT NULL THEN 'rejected'
               WHEN c.standard_id IS NULL OR c.missing THEN 'missing_indicator'
               WHEN c.below THEN 'below_baseline'
               WHEN coalesce(q.not_assessed, false) THEN 'not_assessed'
           END AS excluded_reason,
           c.weighted_tiers * 100 * coalesce(q.product, 1)
               + coalesce(q.weighted_scores, 0) AS t,
           300 * coalesce(q.product, 1) AS d
    FROM entrants en
    LEFT JOIN core_per_standard c ON c.standard_id = en.standard_id
    LEFT JOIN qual_per_standard q ON q.standard_id = en.standard_id
    LEFT JOIN rejected r ON r.standard_id = en.standard_id
),
scored AS (
    SELECT standard_id, uscc, standard_no, excluded_reason,
           CASE WHEN excluded_reason IS NULL THEN tiers END AS tiers,
           CASE WHEN excluded_reason IS NULL THEN min_tier END AS min_tier,
           CASE WHEN excluded_reason IS NULL
                THEN (div(200 * t + d, 2 * d) / 100)::numeric(6, 2) END AS score
    FROM classified
),
ranked AS (
    SELECT s.*,
           CASE WHEN excluded_reason IS NULL
                THEN rank() OVER (PARTITION BY excluded_reason IS NULL ORDER BY score DESC)
           END AS rank
    FROM scored s
),
participation AS (
    SELECT count(DISTINCT uscc) AS participants FROM ranked WHERE excluded_reason IS NULL
)
INSERT INTO leaders_rankingentry
    (ranking_id, standard_id, position, rank, score, tiers, candidate, excluded_reason)
SELECT %(ranking_id)s,
       ranked.standard_id,
       row_number() OVER (
           ORDER BY ranked.excluded_reason IS NOT NULL, ranked.score DESC NULLS LAST,
                    ranked.uscc COLLATE "C", ranked.standard_no COLLATE "C"),
       ranked.rank,
       ranked.score,
       ranked.tiers,
       coalesce(ranked.excluded_reason IS NULL
                AND participation.participants >= scheme.min_participants
                AND ranked.rank <= scheme.max_leaders
                AND ranked.min_tier >= 2, false),
       ranked.excluded_reason
FROM ranked CROSS JOIN participation CROSS JOIN scheme
"""

RANKING_TOTALS = """
SELECT count(*), count(DISTINCT st.enterprise_id) FILTER (WHERE e.rank IS NOT NULL)
FROM leaders_rankingentry e
JOIN declarations_standard st ON st.id = e.standard_id
WHERE e.ranking_id = %(ranking_id)s
"""
