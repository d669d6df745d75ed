"""The leaders app's writes, one module per sub-domain: `titles`, `rankings` (the compile),
`jobs` (compile jobs), `candidate_lists`, `objections`. Import from the module that owns
the function."""
