{{/* The release's name prefix of every object: "<release>" when it already says container-cloud. */}}
{{- define "cc.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 40 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/* One service's object name: (dict "root" $ "name" "gateway") */}}
{{- define "cc.name" -}}
{{- printf "%s-%s" (include "cc.fullname" .root) .name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "cc.selectorLabels" -}}
app.kubernetes.io/name: {{ .name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
{{- end -}}

{{- define "cc.labels" -}}
{{ include "cc.selectorLabels" . }}
app.kubernetes.io/part-of: container-cloud
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version }}
{{- end -}}

{{- define "cc.image" -}}
{{- $image := .root.Values.image -}}
{{- printf "%s/%s/%s:%s" $image.registry $image.repository .name (default .root.Chart.AppVersion $image.tag) -}}
{{- end -}}

{{/* The Secret of generated keys, or the operator's own */}}
{{- define "cc.secretName" -}}
{{- default (printf "%s-secrets" (include "cc.fullname" .)) .Values.secrets.existingSecret -}}
{{- end -}}

{{- define "cc.databaseSecretName" -}}
{{- default (printf "%s-database" (include "cc.fullname" .)) .Values.database.existingSecret -}}
{{- end -}}

{{/* An in-cluster URL of a service: (dict "root" $ "name" "gateway") */}}
{{- define "cc.url" -}}
{{- printf "http://%s:%v" (include "cc.name" .) (index .root.Values.services .name).port -}}
{{- end -}}
