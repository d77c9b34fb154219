"""Pure code: no Flask, no database session. Anonymity checks, readable text, school and first
names, public bodies, matching scores, heat maps, terms and text rendering."""
