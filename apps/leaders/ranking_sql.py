"""CONTRACT.md §3 as set-based SQL for any set of schemes (one, or a whole year).

Exact arithmetic: a standard's score is T / D with
  D = 300 × L       (L: a common multiple of every n_q, the number of scores of qualitative
                     criterion q: lcm(1..E), E the most evaluators scoring any one scheme)
  T = Σ_core w × tier × 100 × L  +  Σ_qual w × Σscores_q × 3 × (L / n_q)
so that T / D = Σ w × tier / 3 + Σ w × mean_q / 100 exactly. Every term is an exact decimal
(weights and scores have two places, L / n_q is a whole number), and half-up rounding to
two places is the whole-number division div(200·T + D, 2·D) / 100: no binary floats and no
rounded intermediate quotient anywhere.

Two statements, both grouped or partitioned by scheme, so compiling a year is one pass over
the data with hash joins, like any hand-written query would be:
1. `CORE_PER_STANDARD` (CREATE TEMP TABLE ... AS, which PostgreSQL runs with parallel
   workers, unlike INSERT ... SELECT): every entrant of every scheme joined with its core
   values — the 15 million-row part at national scale — aggregated per standard. The tiers
   are packed into one number (tier × 4^slot, slot = the criterion's place among the
   scheme's core criteria), so every aggregate has a parallel combine step.
2. `QUAL_PER_STANDARD` (also a temporary table): the evaluators' assessments per standard:
   rejected or not, how many qualitative criteria are scored, and
   Σ w × Σscores_q × 3 × (L / n_q).
   Weights and scores are summed in whole cents (integers are cheap to aggregate), so the
   statement's T and D are the formula's, times 100.
3. `RANK_AND_INSERT`: the exclusion reason, the exact score, the ranks (one sort serves both
   window functions) and candidates, written as ranking entries (tiers unpacked into
   {criterion_code: tier}), returning each ranking's totals.

Ordering uses COLLATE "C" (code-point order), the order any auditor's script gets from a plain
sort of uscc and standard_no.
"""

CORE_PER_STANDARD = """
CREATE TEMP TABLE ranking_compile_core ON COMMIT DROP AS
SELECT sc.id AS scheme_id, st.id AS standard_id, st.standard_no, st.enterprise_id,
       bool_or(v.value IS NULL) AS missing,
       coalesce(bool_or(CASE WHEN c.higher THEN v.value < c.baseline_value
                             ELSE v.value > c.baseline_value END), false) AS below,
       sum(c.weight_cents * t.tier) AS weighted_tiers_cents,
       min(t.tier) AS min_tier,
       sum(t.tier * c.slot_value) AS packed_tiers
FROM evaluators_scheme sc
JOIN declarations_standard st
  ON st.category_id = sc.category_id AND st.status = 'public'
 AND st.published_on <= sc.cutoff_date
LEFT JOIN unnest(%(criterion_scheme_ids)s::bigint[], %(indicator_ids)s::bigint[],
                 %(weight_cents)s::integer[], %(baselines)s::numeric[], %(advanced)s::numeric[],
                 %(leading)s::numeric[], %(higher)s::boolean[], %(slot_values)s::{slot_type}[])
       AS c(scheme_id, indicator_id, weight_cents, baseline_value, advanced_value, leading_value,
            higher, slot_value)
  ON c.scheme_id = sc.id
LEFT JOIN declarations_indicatorvalue v
       ON v.standard_id = st.id AND v.indicator_id = c.indicator_id
CROSS JOIN LATERAL (
    SELECT CASE
               WHEN c.higher THEN
                   CASE WHEN v.value >= c.leading_value THEN 3
                        WHEN v.value >= c.advanced_value THEN 2 ELSE 1 END
               ELSE
                   CASE WHEN v.value <= c.leading_value THEN 3
                        WHEN v.value <= c.advanced_value THEN 2 ELSE 1 END
           END AS tier
) t
WHERE sc.id = ANY(%(scheme_ids)s)
GROUP BY sc.id, st.id
"""

QUAL_PER_STANDARD = """
CREATE TEMP TABLE ranking_compile_qual ON COMMIT DROP AS
SELECT pc.scheme_id, pc.standard_id,
       bool_or(pc.rejected) AS rejected,
       count(q.weight) AS scored,
       sum(CASE WHEN q.weight IS NOT NULL
                THEN q.weight * pc.total_cents * 3 * div(%(common_multiple)s::numeric, pc.n)
           END) AS weighted_scores_cents
FROM (
    SELECT a.scheme_id, a.standard_id, a.criterion_id,
           bool_or(a.decision = 'reject') AS rejected,
           sum((a.score * 100)::integer) FILTER (WHERE a.decision = 'accept') AS total_cents,
           count(*) FILTER (WHERE a.decision = 'accept') AS n
    FROM evaluators_assessment a
    WHERE a.scheme_id = ANY(%(scheme_ids)s)
    GROUP BY a.scheme_id, a.standard_id, a.criterion_id
) pc
LEFT JOIN unnest(%(qual_ids)s::bigint[], %(qual_weights)s::numeric[]) AS q(id, weight)
       ON q.id = pc.criterion_id AND pc.n > 0
GROUP BY pc.scheme_id, pc.standard_id
"""

RANK_AND_INSERT = """
WITH schemes AS (
    SELECT *
    FROM unnest(%(scheme_ids)s::bigint[], %(ranking_ids)s::bigint[],
                %(max_leaders)s::integer[], %(min_participants)s::integer[],
                %(qual_counts)s::integer[], %(core_codes)s::jsonb[])
         AS t(scheme_id, ranking_id, max_leaders, min_participants, qual_count, core_codes)
),
scored AS (
    SELECT co.scheme_id, sc.ranking_id, sc.max_leaders, sc.min_participants,
           co.standard_id, co.standard_no, co.enterprise_id, e.uscc,
           co.packed_tiers, co.min_tier, x.excluded_reason,
           CASE WHEN x.excluded_reason IS NULL
                THEN div(200 * x.t + x.d, 2 * x.d)::integer END AS score_cents
    FROM ranking_compile_core co
    JOIN schemes sc ON sc.scheme_id = co.scheme_id
    JOIN enterprises_enterprise e ON e.id = co.enterprise_id
    LEFT JOIN ranking_compile_qual q
           ON q.scheme_id = co.scheme_id AND q.standard_id = co.standard_id
    CROSS JOIN LATERAL (
        SELECT CASE
                   WHEN coalesce(q.rejected, false) THEN 'rejected'
                   WHEN co.missing THEN 'missing_indicator'
                   WHEN co.below THEN 'below_baseline'
                   WHEN coalesce(q.scored, 0) < sc.qual_count THEN 'not_assessed'
               END AS excluded_reason,
               co.weighted_tiers_cents * 100 * %(common_multiple)s::numeric
                   + coalesce(q.weighted_scores_cents, 0) AS t,
               30000 * %(common_multiple)s::numeric AS d
    ) x
),
participation AS (
    SELECT scheme_id, count(DISTINCT enterprise_id) AS participants
    FROM scored
    WHERE excluded_reason IS NULL
    GROUP BY scheme_id
),
tier_objects AS (
    -- Each scheme's distinct tier combinations (at most 3^k), unpacked once each.
    SELECT combination.scheme_id, combination.packed_tiers,
           (SELECT jsonb_object_agg(
                       u.code,
                       mod(div(combination.packed_tiers::numeric,
                               power(4::numeric, u.slot - 1)), 4)::integer)
            FROM jsonb_array_elements_text(sc.core_codes) WITH ORDINALITY AS u(code, slot)
           ) AS tiers
    FROM (SELECT DISTINCT scheme_id, packed_tiers
          FROM scored WHERE excluded_reason IS NULL) combination
    JOIN schemes sc ON sc.scheme_id = combination.scheme_id
),
ranked AS (
    -- Both windows share one sort: the listing order refines the ranking order. Excluded
    -- entries have no score, so they come last.
    SELECT s.*,
           rank() OVER (per_scheme ORDER BY s.score_cents DESC NULLS LAST) AS score_rank,
           row_number() OVER (per_scheme ORDER BY s.score_cents DESC NULLS LAST,
                                                  s.uscc COLLATE "C",
                                                  s.standard_no COLLATE "C") AS position
    FROM scored s
    WINDOW per_scheme AS (PARTITION BY s.scheme_id)
),
inserted AS (
    INSERT INTO leaders_rankingentry
        (ranking_id, standard_id, position, rank, score, tiers, candidate, excluded_reason)
    SELECT r.ranking_id,
           r.standard_id,
           r.position,
           CASE WHEN r.excluded_reason IS NULL THEN r.score_rank END,
           (r.score_cents / 100.0)::numeric(6, 2),
           t.tiers,
           coalesce(r.excluded_reason IS NULL
                    AND coalesce(p.participants, 0) >= r.min_participants
                    AND r.score_rank <= r.max_leaders
                    AND r.min_tier >= 2, false),
           r.excluded_reason
    FROM ranked r
    LEFT JOIN participation p ON p.scheme_id = r.scheme_id
    LEFT JOIN tier_objects t
           ON r.excluded_reason IS NULL
          AND t.scheme_id = r.scheme_id AND t.packed_tiers = r.packed_tiers
    RETURNING ranking_id, candidate
),
totals AS (
    SELECT ranking_id, count(*) AS entrants, count(*) FILTER (WHERE candidate) AS candidates
    FROM inserted
    GROUP BY ranking_id
)
SELECT sc.ranking_id, coalesce(t.entrants, 0), coalesce(p.participants, 0),
       coalesce(t.candidates, 0)
FROM schemes sc
LEFT JOIN totals t ON t.ranking_id = sc.ranking_id
LEFT JOIN participation p ON p.scheme_id = sc.scheme_id
"""
