{{/*
A platform service: ServiceAccount, Deployment, Service and PodDisruptionBudget, hardened the same
way for all. Arguments (a dict):
  root         the chart's top scope
  name         the service, a key of .Values.services
  env          the service's own environment entries, a YAML list as text
  secretFiles  keys of the platform Secret mounted as files under /var/run/secrets/container-cloud
  writable     folders the service writes besides /tmp: path to the PersistentVolumeClaim that
               holds it, or to "" for an emptyDir
  apiAccess    true: the pod's service-account token is mounted (the service calls this cluster)
*/}}
{{- define "cc.workload" -}}
{{- /* a workload-cluster install runs none of the services */ -}}
{{- if eq .root.Values.components "platform" -}}
{{- $root := .root -}}
{{- $svc := index $root.Values.services .name -}}
{{- $pods := $root.Values.pods -}}
{{- $ctx := dict "root" $root "name" .name -}}
{{- $fullName := include "cc.name" $ctx -}}
apiVersion: v1
kind: ServiceAccount
metadata:
  name: {{ $fullName }}
  labels:
    {{- include "cc.labels" $ctx | nindent 4 }}
automountServiceAccountToken: {{ .apiAccess | default false }}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ $fullName }}
  labels:
    {{- include "cc.labels" $ctx | nindent 4 }}
spec:
  replicas: {{ $svc.replicas }}
  revisionHistoryLimit: 5
  selector:
    matchLabels:
      {{- include "cc.selectorLabels" $ctx | nindent 6 }}
  strategy:
    type: RollingUpdate
    # a new pod is ready before an old one goes: capacity never drops during an upgrade
    rollingUpdate:
      maxSurge: 1
      maxUnavailable: 0
  template:
    metadata:
      labels:
        {{- include "cc.labels" $ctx | nindent 8 }}
      {{- with $pods.annotations }}
      annotations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
    spec:
      serviceAccountName: {{ $fullName }}
      automountServiceAccountToken: {{ .apiAccess | default false }}
      enableServiceLinks: false
      securityContext:
        runAsNonRoot: true
        runAsUser: {{ $pods.runAsUser }}
        runAsGroup: {{ $pods.runAsUser }}
        fsGroup: {{ $pods.runAsUser }}
        seccompProfile:
          type: RuntimeDefault
      {{- with $root.Values.imagePullSecrets }}
      imagePullSecrets:
        {{- range . }}
        - name: {{ . }}
        {{- end }}
      {{- end }}
      {{- with $pods.nodeSelector }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $pods.tolerations }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      affinity:
        podAntiAffinity:
          {{- if eq $pods.podAntiAffinity "hard" }}
          requiredDuringSchedulingIgnoredDuringExecution:
            - topologyKey: kubernetes.io/hostname
              labelSelector:
                matchLabels:
                  {{- include "cc.selectorLabels" $ctx | nindent 18 }}
          {{- else }}
          preferredDuringSchedulingIgnoredDuringExecution:
            - weight: 100
              podAffinityTerm:
                topologyKey: kubernetes.io/hostname
                labelSelector:
                  matchLabels:
                    {{- include "cc.selectorLabels" $ctx | nindent 20 }}
          {{- end }}
      # graceful shutdown (server.shutdown) finishes requests in flight within this
      terminationGracePeriodSeconds: 45
      containers:
        - name: {{ .name }}
          image: {{ include "cc.image" $ctx }}
          imagePullPolicy: {{ $root.Values.image.pullPolicy }}
          ports:
            - name: http
              containerPort: {{ $svc.port }}
          env:
            - name: SERVER_PORT
              value: {{ $svc.port | quote }}
            # the heap follows the container's memory limit
            - name: JAVA_TOOL_OPTIONS
              value: "-XX:MaxRAMPercentage={{ $pods.heapPercentage }} -XX:+ExitOnOutOfMemoryError"
            - name: PLATFORM_JWKS_URI
              value: {{ printf "%s/.well-known/jwks.json" (include "cc.url" (dict "root" $root "name" "gateway")) }}
            {{- with .env }}
            {{- . | nindent 12 }}
            {{- end }}
            {{- range $key, $value := $svc.env }}
            - name: {{ $key }}
              value: {{ $value | quote }}
            {{- end }}
          securityContext:
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            capabilities:
              drop: [ALL]
          # a cold JVM on a busy node may take a minute or two before its first answer
          startupProbe:
            httpGet:
              path: /actuator/health/liveness
              port: http
            periodSeconds: 5
            failureThreshold: 36
          livenessProbe:
            httpGet:
              path: /actuator/health/liveness
              port: http
            periodSeconds: 10
            timeoutSeconds: 3
            failureThreshold: 3
          readinessProbe:
            httpGet:
              path: /actuator/health/readiness
              port: http
            periodSeconds: 5
            timeoutSeconds: 3
            failureThreshold: 3
          resources:
            {{- toYaml $svc.resources | nindent 12 }}
          volumeMounts:
            - name: tmp
              mountPath: /tmp
            {{- range $dir, $claim := .writable }}
            - name: {{ printf "data%s" ($dir | replace "/" "-") }}
              mountPath: {{ $dir }}
            {{- end }}
            {{- if .secretFiles }}
            - name: secrets
              mountPath: /var/run/secrets/container-cloud
              readOnly: true
            {{- end }}
      volumes:
        - name: tmp
          emptyDir:
            sizeLimit: 256Mi
        {{- range $dir, $claim := .writable }}
        - name: {{ printf "data%s" ($dir | replace "/" "-") }}
          {{- if $claim }}
          persistentVolumeClaim:
            claimName: {{ $claim }}
          {{- else }}
          emptyDir: {}
          {{- end }}
        {{- end }}
        {{- if .secretFiles }}
        - name: secrets
          secret:
            secretName: {{ include "cc.secretName" $root }}
            defaultMode: 0440
            items:
              {{- range .secretFiles }}
              - key: {{ . }}
                path: {{ . }}
              {{- end }}
        {{- end }}
---
apiVersion: v1
kind: Service
metadata:
  name: {{ $fullName }}
  labels:
    {{- include "cc.labels" $ctx | nindent 4 }}
spec:
  type: {{ dig "service" "type" "ClusterIP" $svc }}
  selector:
    {{- include "cc.selectorLabels" $ctx | nindent 4 }}
  ports:
    - name: http
      port: {{ $svc.port }}
      targetPort: http
      {{- with (dig "service" "nodePort" nil $svc) }}
      nodePort: {{ . }}
      {{- end }}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ $fullName }}
  labels:
    {{- include "cc.labels" $ctx | nindent 4 }}
spec:
  # a drain takes one pod at a time; a single replica may go (its Deployment brings it back)
  maxUnavailable: 1
  selector:
    matchLabels:
      {{- include "cc.selectorLabels" $ctx | nindent 6 }}
{{- end -}}
{{- end -}}

{{/* Environment entries shared by several services */}}
{{- define "cc.env.database" -}}
- name: PLATFORM_DB_URL
  value: {{ printf "%s/%s" (trimSuffix "/" (include "cc.databaseUrl" .root)) .database | quote }}
- name: PLATFORM_DB_USER
  value: {{ .root.Values.database.username | quote }}
- name: PLATFORM_DB_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ include "cc.databaseSecretName" .root }}
      key: password
{{- end -}}

{{- define "cc.env.kafka" -}}
- name: PLATFORM_KAFKA_BOOTSTRAP
  value: {{ include "cc.kafkaBootstrap" . | quote }}
{{- end -}}

{{- define "cc.env.etcd" -}}
- name: PLATFORM_ETCD_ENDPOINTS
  value: {{ include "cc.etcdEndpoints" . | quote }}
{{- end -}}

{{/* An environment variable from the platform Secret: (dict "root" $ "env" "NAME" "key" "key") */}}
{{- define "cc.env.secret" -}}
- name: {{ .env }}
  valueFrom:
    secretKeyRef:
      name: {{ include "cc.secretName" .root }}
      key: {{ .key }}
{{- end -}}
