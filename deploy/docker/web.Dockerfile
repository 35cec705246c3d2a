# The chat page on nginx (served with deploy/helm/support-bot/templates/web-nginx.yaml).
# Build from the repository root, naming the page's public origin (the chart's `host`):
#   docker build -f deploy/docker/web.Dockerfile --build-arg ORIGIN=https://support.example.com \
#     -t registry.example.com/amazon-support-bot/web:1.0.1-page .

# The widget's bundle, from the npm registry at the version of web/package-lock.json.
FROM node:20.18.1-bookworm-slim AS widget
WORKDIR /web
COPY web/package.json web/package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund --ignore-scripts --loglevel=error

# config.js, made by the same code as `make run`'s (scripts/serve_web.py): the page's
# wording, the offline notice rendered from the knowledge file, and the bot's address,
# which on Kubernetes is the page's own origin (the ingress sends /socket.io/ to Rasa).
FROM python:3.10.16-slim-bookworm AS config
# PyYAML as in requirements.lock; nothing else is imported.
RUN pip install --no-cache-dir PyYAML==6.0.4
WORKDIR /src
COPY scripts/__init__.py scripts/serve_web.py scripts/
COPY actions actions
COPY knowledge knowledge
COPY web/page.yml web/
ARG ORIGIN
RUN test -n "$ORIGIN" || { echo "--build-arg ORIGIN=https://<host> is required" >&2; exit 1; }; \
    python -c 'import sys; from scripts.serve_web import config_js; sys.stdout.buffer.write(config_js(sys.argv[1]))' \
      "$ORIGIN" > /src/config.js

# Only the files scripts/serve_web.py serves (public_file), each with a .gz for gzip_static.
FROM nginxinc/nginx-unprivileged:1.27.4-alpine
COPY web/index.html web/style.css web/favicon.svg web/no-webfont.js web/a11y.js web/chat.js /usr/share/nginx/html/
COPY --from=config /src/config.js /usr/share/nginx/html/config.js
COPY --from=widget /web/node_modules/rasa-webchat/lib/index.js /usr/share/nginx/html/node_modules/rasa-webchat/lib/index.js
USER root
RUN find /usr/share/nginx/html -type f \( -name '*.js' -o -name '*.css' -o -name '*.svg' -o -name '*.html' \) \
      -exec gzip -9 -k -n {} \;
USER 101
