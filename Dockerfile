# Crisis Room: one bot process per container. Several containers may share one PostgreSQL
# (see compose.yaml and README "Deploy: several replicas on one PostgreSQL").
#
#   docker build -t crisisroom .                      # HTTP or Socket Mode bot
#   docker build -t crisisroom --build-arg PDF=1 .    # also `crisisroom export --format pdf`
FROM python:3.11-slim

# Non-empty: install the [pdf] extra and the system libraries WeasyPrint loads (Pango, and
# HarfBuzz's subsetter for smaller PDFs; fontconfig brings a font with it).
ARG PDF=""

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    HOST=0.0.0.0 \
    PORT=3000

RUN if [ -n "$PDF" ]; then \
        apt-get update \
        && apt-get install -y --no-install-recommends \
            libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
        && rm -rf /var/lib/apt/lists/*; \
    fi

# Build from a scratch directory and delete it: the installed package is what runs.
WORKDIR /tmp/build
COPY pyproject.toml README.md ./
COPY app ./app
RUN if [ -n "$PDF" ]; then pip install ".[pdf]"; else pip install .; fi \
    && cd / && rm -rf /tmp/build

RUN useradd --system --uid 10001 --user-group --home-dir /srv/crisisroom --create-home crisisroom
USER crisisroom
# Working directory for `crisisroom export` output (and ./data if someone runs SQLite here).
WORKDIR /srv/crisisroom

EXPOSE 3000

# 200 only when the database answers and the Slack token works; 503 (so exit 1) otherwise.
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:' + os.environ.get('PORT', '3000') + '/healthz', timeout=4)"]

# The command tests/scenarios/test_serve.py runs (`python -m app serve`), via its console script.
CMD ["crisisroom", "serve"]
