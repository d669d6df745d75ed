"""The experts app's writes: `profiles` (the roster, the expert workflow, accounts,
conflicts) and `reviews` (draws, opinions, reminders). Import from the module that owns the
function."""
