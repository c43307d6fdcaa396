# The image docker-compose.yml runs: dependencies from uv.lock, static files collected.
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 UV_PROJECT_ENVIRONMENT=/opt/venv PATH=/opt/venv/bin:$PATH
# WeasyPrint (PDFs) draws text with Pango; DejaVu gives it fonts with å, ä and ö; it subsets
# the embedded fonts with HarfBuzz-Subset (without it, with fontTools: 0.25-0.3 s per document).
RUN apt-get update && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*
RUN pip install --no-cache-dir uv==0.13.9
WORKDIR /app
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev --no-install-project
COPY . .
RUN DEBUG=false SECRET_KEY=build-only-collectstatic python manage.py collectstatic --noinput
RUN useradd --create-home kulturportal && mkdir -p var && chown -R kulturportal var
USER kulturportal
EXPOSE 8000
