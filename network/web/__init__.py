"""The HTTP side: views (a blueprint per area), forms, security (CSP, sessions), form keys,
form recovery, templating, error pages and request logs."""
