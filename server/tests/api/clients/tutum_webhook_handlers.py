"""Drives Hookhub's Tutum dialect with the official `python-tutum` client, as a Tutum user would.

Usage: tutum_webhook_handlers.py <hookhub base URL> <username> <API token> <service uuid>
Prints the handlers left at the end as JSON; raises (exit status 1) on anything unexpected.
"""
import json
import sys

import tutum
from tutum.api.exceptions import TutumApiError

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

# Tutum's filters, through the client's own list(): by name, by the start of the uuid.
assert [h["uuid"] for h in webhook.list(name="mywebhook_name")] == [first["uuid"]]
extras = webhook.list(name__exact="extra-7")
assert [h["name"] for h in extras] == ["extra-7"], extras
prefix = first["uuid"][:9]
assert first in webhook.list(uuid__startswith=prefix)
assert all(h["uuid"].startswith(prefix) for h in webhook.list(uuid__startswith=prefix))
assert webhook.list(name="nobody") == [] and webhook.list(uuid__startswith="zz") == []
# Filtered lists page like the others.
assert len(webhook.list(uuid__startswith="", limit=5)) == 25
# Other filters are refused as Tastypie refuses them.
for refused, message in [
    ({"state": "Running"}, "The 'state' field does not allow filtering."),
    ({"name__startswith": "extra"}, "'startswith' is not an allowed filter on the 'name' field."),
    ({"limit": "ten"}, "Invalid limit 'ten' provided. Please provide a positive integer."),
]:
    try:
        webhook.list(**refused)
        raise AssertionError(f"{refused} was accepted")
    except TutumApiError as error:
        status, response = str(error).split(" Response: ")
        assert status.startswith("Status 400") and json.loads(response) == {"error": message}

assert webhook.call(first["uuid"])
for handler in handlers[1:]:
    assert webhook.delete(handler["uuid"])
print(json.dumps(webhook.list()))
