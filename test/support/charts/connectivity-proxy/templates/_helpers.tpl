{{- define "cp.tunnelSecret" -}}
{{- $tunnel := .Values.secretConfig.servers.businessDataTunnel -}}
{{- if $tunnel.secretName -}}{{ $tunnel.secretName }}{{- else if $tunnel.secretData.certificate -}}{{ .Release.Name }}-tunnel-tls{{- end -}}
{{- end -}}
