{{- define "extensionlib.names.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- define "extensionlib.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}
{{- define "extensionlib.protocol" -}}
{{- if or .Values.tls.server.certificate.fromSecret .Values.tls.server.certificate.path -}}https{{- else -}}http{{- end -}}
{{- end -}}
