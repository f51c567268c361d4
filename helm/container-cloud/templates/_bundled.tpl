{{/*
A bundled server for a trial install: a headless Service and a one-replica StatefulSet with its
data on a claim. Arguments (a dict):
  root     the chart's top scope
  name     the server, a key of .Values.bundled
  port     its port (the Service's and the probe's)
  user     the user id its image runs as
  command  the container's command and arguments, a YAML list as text (none: the image's)
  env      environment entries, a YAML list as text
  mounts   extra volume mounts and volumes: {"mounts": text, "volumes": text}
  dataPath where its data lives in the container
  probe    the readiness probe, YAML as text (none: a TCP check of the port)
*/}}
{{- define "cc.bundled" -}}
{{- $root := .root -}}
{{- $settings := index $root.Values.bundled .name -}}
{{- $ctx := dict "root" $root "name" .name -}}
{{- $fullName := include "cc.name" $ctx -}}
apiVersion: v1
kind: Service
metadata:
  name: {{ $fullName }}
  labels:
    {{- include "cc.labels" $ctx | nindent 4 }}
spec:
  clusterIP: None
  selector:
    {{- include "cc.selectorLabels" $ctx | nindent 4 }}
  ports:
    - name: main
      port: {{ .port }}
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: {{ $fullName }}
  labels:
    {{- include "cc.labels" $ctx | nindent 4 }}
spec:
  replicas: 1
  serviceName: {{ $fullName }}
  selector:
    matchLabels:
      {{- include "cc.selectorLabels" $ctx | nindent 6 }}
  template:
    metadata:
      labels:
        {{- include "cc.labels" $ctx | nindent 8 }}
    spec:
      automountServiceAccountToken: false
      enableServiceLinks: false
      securityContext:
        runAsUser: {{ .user }}
        runAsGroup: {{ .user }}
        fsGroup: {{ .user }}
        seccompProfile:
          type: RuntimeDefault
      containers:
        - name: {{ .name }}
          image: {{ $settings.image }}
          {{- with .command }}
          command:
            {{- . | nindent 12 }}
          {{- end }}
          ports:
            - name: main
              containerPort: {{ .port }}
          {{- with .env }}
          env:
            {{- . | nindent 12 }}
          {{- end }}
          securityContext:
            allowPrivilegeEscalation: false
          readinessProbe:
            {{- if .probe }}
            {{- .probe | nindent 12 }}
            {{- else }}
            tcpSocket:
              port: main
            {{- end }}
            periodSeconds: 10
          resources:
            {{- toYaml $settings.resources | nindent 12 }}
          volumeMounts:
            - name: data
              mountPath: {{ .dataPath }}
            {{- with .mounts }}
            {{- .mounts | nindent 12 }}
            {{- end }}
      {{- with .mounts }}
      volumes:
        {{- .volumes | nindent 8 }}
      {{- end }}
  volumeClaimTemplates:
    - metadata:
        name: data
      spec:
        accessModes: [ReadWriteOnce]
        resources:
          requests:
            storage: {{ $settings.storage }}
{{- end -}}

{{/* Where the services find each server: the bundled one when it is on, else the value given. */}}
{{- define "cc.bundledHost" -}}
{{- include "cc.name" (dict "root" .root "name" .name) -}}
{{- end -}}

{{- define "cc.databaseUrl" -}}
{{- if .Values.bundled.mariadb.enabled -}}
{{- printf "jdbc:mysql://%s:3306" (include "cc.bundledHost" (dict "root" . "name" "mariadb")) -}}
{{- else -}}
{{- .Values.database.url -}}
{{- end -}}
{{- end -}}

{{- define "cc.kafkaBootstrap" -}}
{{- if .Values.bundled.kafka.enabled -}}
{{- printf "%s:9092" (include "cc.bundledHost" (dict "root" . "name" "kafka")) -}}
{{- else -}}
{{- .Values.kafka.bootstrap -}}
{{- end -}}
{{- end -}}

{{- define "cc.etcdEndpoints" -}}
{{- if .Values.bundled.etcd.enabled -}}
{{- printf "http://%s:2379" (include "cc.bundledHost" (dict "root" . "name" "etcd")) -}}
{{- else -}}
{{- .Values.etcd.endpoints -}}
{{- end -}}
{{- end -}}

{{- define "cc.elasticsearchUris" -}}
{{- if .Values.bundled.elasticsearch.enabled -}}
{{- printf "http://%s:9200" (include "cc.bundledHost" (dict "root" . "name" "elasticsearch")) -}}
{{- else -}}
{{- .Values.elasticsearch.uris -}}
{{- end -}}
{{- end -}}

{{- define "cc.bindHost" -}}
{{- if .Values.bundled.bind.enabled -}}
{{- include "cc.bundledHost" (dict "root" . "name" "bind") -}}
{{- else -}}
{{- .Values.bind.host -}}
{{- end -}}
{{- end -}}

{{- define "cc.registryHost" -}}
{{- if .Values.bundled.registry.enabled -}}
{{- printf "%s:5000" (include "cc.bundledHost" (dict "root" . "name" "registry")) -}}
{{- else -}}
{{- .Values.registry.host -}}
{{- end -}}
{{- end -}}
