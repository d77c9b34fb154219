"""The baseline for `make bench`: a one-route Flask app served exactly like the real one.

    gunicorn -c gunicorn.conf.py bench.hello:app
"""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    """Answer with a short greeting and nothing else."""
    return "Hello, world!"
