"""Drives Hookhub's UbiOps dialect with the official `ubiops` client, as a UbiOps user would.

Usage: ubiops_webhooks.py <hookhub base URL> <API token> <receiver URL>
Raises (exit status 1) on the first thing that is not as the UbiOps documentation shows; prints
the secret its webhook test was signed with.
"""
import json
import sys
import time

import ubiops

host, token, receiver = sys.argv[1:]
configuration = ubiops.Configuration(host=f"{host}/v2.1")
configuration.api_key["Authorization"] = f"Token {token}"
client = ubiops.ApiClient(configuration)
api = ubiops.CoreApi(client)
project = "default"

created = api.webhooks_create(
    project,
    ubiops.WebhookCreate(
        name="webhook-1",
        url=receiver,
        object_type="deployment",
        object_name="deployment-1",
        version="v1",
        event="deployment_request_finished",
        headers=[ubiops.WebhookHeader(key="Authorization", value="Token 123", protected=True)],
        labels={"event-type": "request-finished"},
    ),
)
assert created.name == "webhook-1", created
assert created.timeout == 10 and created.enabled and not created.retry, created
assert created.headers[0].value is None and created.headers[0].protected, created.headers
assert created.labels == {"event-type": "request-finished"}, created.labels

api.webhooks_create(
    project,
    ubiops.WebhookCreate(
        name="webhook-2",
        url=receiver,
        object_type="pipeline",
        object_name="pipeline-1",
        event="pipeline_request_failed",
        timeout=15,
    ),
)
assert [w.name for w in api.webhooks_list(project)] == ["webhook-1", "webhook-2"]
assert [w.name for w in api.webhooks_list(project, object_type="pipeline")] == ["webhook-2"]
assert [w.name for w in api.webhooks_list(project, labels="event-type:request-finished")] == [
    "webhook-1"
]
assert [w.name for w in api.webhooks_list(project, event="pipeline_request_failed")] == [
    "webhook-2"
]

fetched = api.webhooks_get(project, "webhook-1")
assert fetched.id == created.id and fetched.version == "v1", fetched

# A PATCH that sends the protected header without its value keeps the stored value.
updated = api.webhooks_update(
    project,
    "webhook-1",
    ubiops.WebhookUpdate(
        name="webhook-renamed",
        timeout=20,
        headers=[ubiops.WebhookHeader(key="Authorization", protected=True)],
    ),
)
assert updated.name == "webhook-renamed" and updated.timeout == 20, updated


def refused(call, field):
    """UbiOps refuses invalid input with 400 and `{"error": "…"}` naming the field."""
    try:
        call()
    except ubiops.exceptions.ApiException as error:
        assert error.status == 400, (error.status, error.body)
        message = error.get_body_message()
        assert field in message and json.loads(error.body) == {"error": message}, error.body
        return
    raise AssertionError(f"accepted what UbiOps refuses ({field})")


def webhook(**fields):
    fields = {"name": "refused", "url": receiver, "object_type": "deployment",
              "object_name": "deployment-1", "event": "e", **fields}
    return lambda: api.webhooks_create(project, ubiops.WebhookCreate(**fields))


refused(webhook(timeout=31), "timeout")
# Only the kinds of object UbiOps has webhooks for, in a webhook and in a list's filter.
refused(webhook(object_type="model"), "object_type")
refused(lambda: api.webhooks_list(project, object_type="model"), "object_type")
# A webhook's name identifies it.
try:
    webhook(name="webhook-2", object_type="pipeline")()
    raise AssertionError("a second webhook-2 was accepted")
except ubiops.exceptions.ApiException as error:
    assert error.status == 409 and "webhook-2" in error.get_body_message(), error.body

# A test is signed like a delivery; a test of a bare URL with a secret of its own, which the
# answer carries beside UbiOps' fields (the client reads those and leaves the secret).
started = api.webhook_tests_create(
    project,
    ubiops.WebhookTestCreate(
        url=receiver,
        object_type="deployment",
        object_name="deployment-1",
        event="deployment_request_finished",
    ),
    _preload_content=False,
).json()
assert started["status"] == "pending" and started["secret"].startswith("whsec_"), started
test = api.webhook_tests_get(project, started["id"])
for _ in range(200):
    test = api.webhook_tests_get(project, test.id)
    if test.status != "pending":
        break
    time.sleep(0.05)
assert test.status == "completed" and test.error_message is None, test

refused(
    lambda: api.webhook_tests_create(
        project,
        ubiops.WebhookTestCreate(url=receiver, object_type="pipe", object_name="p", event="e"),
    ),
    "object_type",
)

api.webhooks_delete(project, "webhook-2")
assert [w.name for w in api.webhooks_list(project)] == ["webhook-renamed"]
client.close()
print(started["secret"])
