"""Drives Hookhub's Tutum dialect with the official `python-tutum` client, as a Tutum user would.

Usage: tutum_webhook_handlers.py <hookhub base URL> <username> <API token> <service uuid>
Prints the handlers left at the end as JSON; raises (exit status 1) on anything unexpected.
"""
import json
import sys

import tutum

host, username, token, service_uuid = sys.argv[1:]
tutum.base_url = f"{host}/api/v1/"
tutum.user, tutum.apikey = username, token  # sent as `Authorization: ApiKey user:key`

service = tutum.Service.fetch(service_uuid)
assert service.name == "web" and service.resource_uri == f"/api/v1/service/{service_uuid}/"

webhook = tutum.WebhookHandler.fetch(service)
assert webhook.list() == []

webhook.add("mywebhook_name")
assert webhook.save()
# Several at once, enough to span Tastypie pages of 20: list() must follow `meta.next`.
webhook.add([f"extra-{n}" for n in range(24)])
assert webhook.save()

handlers = webhook.list()
assert len(handlers) == 25, len(handlers)
first = handlers[0]
assert first["name"] == "mywebhook_name", first
assert first["url"] == f"{first['resource_uri']}call/", first

assert webhook.call(first["uuid"])
for handler in handlers[1:]:
    assert webhook.delete(handler["uuid"])
print(json.dumps(webhook.list()))
