# The action server: the custom actions and the knowledge file they render from.
#   docker build -f deploy/docker/actions.Dockerfile -t amazon-support-bot/actions:latest .
FROM rasa/rasa-sdk:3.6.2

WORKDIR /app
COPY --chown=1001:0 actions /app/actions
COPY --chown=1001:0 common /app/common
COPY --chown=1001:0 knowledge /app/knowledge
# rasa-sdk's plugin hook: the shared-secret check. The image has no endpoints.yml, so the
# server refuses to start without ACTION_SERVER_TOKEN.
COPY --chown=1001:0 rasa_sdk_plugins /app/rasa_sdk_plugins
ENV SANIC_HOST=0.0.0.0
USER 1001
CMD ["start", "--actions", "actions", "--port", "5055"]
