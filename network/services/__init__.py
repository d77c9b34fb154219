"""Units of work: each function takes the actor first, checks access, changes models, commits."""
