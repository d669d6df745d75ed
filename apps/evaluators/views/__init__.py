"""The evaluators app's pages, one module per audience: `staff` (bureau staff), `workspace`
(an agency's evaluators), `scoring` (evaluators scoring a scheme), `public` (anyone),
`enterprise` (an enterprise's own results)."""
