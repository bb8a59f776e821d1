#!/bin/sh
# compose.yaml's one-shot broker set-up: import the generated definitions (exchanges, queues,
# bindings, users, permissions) into the cluster, then give each service user the password from
# its KADA_<SERVICE>_BROKER_PASSWORD variable (definitions carry no password).
set -eu
node="${RABBITMQ_NODE:?}"
rabbitmqctl -n "$node" await_startup
# import_definitions returns before the import is done on 3.10, so import in one synchronous call
# (as scripts/broker-setup.ts does), and only then set the passwords of the users it created.
encoded=$(base64 -w0 /kada/definitions.json)
result=$(rabbitmqctl -q -n "$node" eval "rabbit_definitions:import_raw(base64:decode(<<\"$encoded\">>)).")
[ "$result" = ok ] || { echo "importing the definitions failed: $result" >&2; exit 1; }
for user in $(sed -n 's/.*"name": *"\(svc-[a-z]*\)".*/\1/p' /kada/definitions.json | sort -u); do
  service=$(echo "${user#svc-}" | tr '[:lower:]' '[:upper:]')
  password=$(printenv "KADA_${service}_BROKER_PASSWORD" || true)
  if [ -z "$password" ]; then echo "KADA_${service}_BROKER_PASSWORD is not set" >&2; exit 1; fi
  rabbitmqctl -n "$node" change_password "$user" "$password" >/dev/null
done
echo "broker set-up done"
