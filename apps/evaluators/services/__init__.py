"""The evaluators app's writes: `agencies` (agencies, evaluators, key-area applications),
`schemes` (the scheme workflow) and `scoring` (conflicts and assessments). Import from the
module that owns the function."""
