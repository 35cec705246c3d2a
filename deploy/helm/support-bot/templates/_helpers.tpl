{{/* The name of one component's objects: <release>-<component>. */}}
{{- define "support-bot.name" -}}
{{ .root.Release.Name }}-{{ .component }}
{{- end }}

{{/* Labels of one component; the first two also select its pods. */}}
{{- define "support-bot.selector" -}}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "support-bot.labels" -}}
{{ include "support-bot.selector" . }}
app.kubernetes.io/name: support-bot
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
helm.sh/chart: {{ .root.Chart.Name }}-{{ .root.Chart.Version }}
{{- end }}

{{/* An environment variable read from the one documented secret (values.yaml: existingSecret). */}}
{{- define "support-bot.secretEnv" -}}
- name: {{ .env }}
  valueFrom:
    secretKeyRef: {name: {{ .root.Values.existingSecret }}, key: {{ .key }}}
{{- end }}

{{/* The action server's webhook, through its Service (the Service and the URL share one port). */}}
{{- define "support-bot.actionUrl" -}}
http://{{ include "support-bot.name" (dict "root" . "component" "actions") }}:{{ .Values.actions.port }}/webhook
{{- end }}

{{/* Containers run as the images' non-root user, with no privileges to gain; the argument
says whether the root file system can be read-only (Rasa and rasa-sdk were not tried so). */}}
{{- define "support-bot.containerSecurity" -}}
securityContext:
  readOnlyRootFilesystem: {{ . }}
  runAsNonRoot: true
  allowPrivilegeEscalation: false
  capabilities: {drop: [ALL]}
  seccompProfile: {type: RuntimeDefault}
{{- end }}
