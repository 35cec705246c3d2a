# The Rasa server with this project's model, Japanese NLU components and channels.
# Build from the repository root after `make train`:
#   docker build -f deploy/docker/rasa.Dockerfile -t amazon-support-bot/rasa:latest .
FROM rasa/rasa:3.6.21

USER root
# The stock image has no spaCy; versions as in requirements.lock.
RUN pip install --no-cache-dir spacy==3.4.4 sudachipy==0.7.0 sudachidict_core==20261015
COPY --chown=1001:0 scripts/build_spacy_pipeline.py /app/scripts/build_spacy_pipeline.py
RUN python /app/scripts/build_spacy_pipeline.py /app/build/spacy_ja --split-mode C \
    && chown -R 1001:0 /app/build
COPY --chown=1001:0 nlu_components /app/nlu_components
COPY --chown=1001:0 policies /app/policies
COPY --chown=1001:0 channels /app/channels
# The channels render their apologies from the knowledge file and mask personal data (common/);
# the actions run in the action server's image (deploy/docker/actions.Dockerfile).
COPY --chown=1001:0 common /app/common
COPY --chown=1001:0 knowledge /app/knowledge
COPY --chown=1001:0 stores /app/stores
# Every patch of Rasa's internals and the in-process actions, imported when the model loads.
COPY --chown=1001:0 server /app/server
COPY --chown=1001:0 credentials.yml endpoints.production.yml /app/
COPY --chown=1001:0 models/bot.tar.gz /app/models/bot.tar.gz
USER 1001

# Production profile: PostgreSQL tracker store and Redis lock store from the environment
# (see endpoints.production.yml). The HTTP API is not enabled: only the channels are served.
CMD ["run", "--model", "/app/models/bot.tar.gz", "--endpoints", "/app/endpoints.production.yml", \
     "--credentials", "/app/credentials.yml", "--port", "5005"]
