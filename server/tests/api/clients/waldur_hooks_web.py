"""Drives Hookhub's Waldur dialect with the official `waldur-api-client`, as a Waldur user would.

Usage: waldur_hooks_web.py <hookhub base URL> <API token> <receiver URL>
Raises (exit status 1) on the first thing that is not as the Waldur documentation shows.
"""
import datetime
import json
import sys
import uuid

from waldur_api_client.api.hooks_web import (
    hooks_web_count,
    hooks_web_create,
    hooks_web_destroy,
    hooks_web_list,
    hooks_web_partial_update,
    hooks_web_retrieve,
    hooks_web_update,
)
from waldur_api_client import errors
from waldur_api_client.client import AuthenticatedClient
from waldur_api_client.models.event_groups_enum import EventGroupsEnum
from waldur_api_client.models.event_types_enum import EventTypesEnum
from waldur_api_client.models.patched_web_hook_request import PatchedWebHookRequest
from waldur_api_client.models.web_hook_content_type_enum import WebHookContentTypeEnum
from waldur_api_client.models.web_hook_content_type_enum_1 import WebHookContentTypeEnum1
from waldur_api_client.models.web_hook_request import WebHookRequest
from waldur_api_client.types import UNSET

host, token, receiver = sys.argv[1:]
client = AuthenticatedClient(base_url=host, token=token)

first = hooks_web_create.sync(
    client=client,
    body=WebHookRequest(
        destination_url=receiver,
        event_types=[EventTypesEnum.CUSTOMER_UPDATE_SUCCEEDED],
    ),
)
assert first.is_active and first.hook_type == "webhook", first
assert first.content_type == "json", first.content_type
assert first.author_username == "admin" and first.author_fullname == "Ada Admin", first
assert first.url.endswith(f"/api/hooks-web/{first.uuid.hex}/"), first.url

# Twelve more, so that the list spans pages of ten.
for n in range(12):
    hooks_web_create.sync(
        client=client,
        body=WebHookRequest(
            destination_url=f"{receiver}?n={n}",
            event_groups=[EventGroupsEnum.CUSTOMERS],
            content_type=WebHookContentTypeEnum.FORM,
            is_active=n % 2 == 0,
        ),
    )

assert hooks_web_count.sync(client=client) == 13
page_one = hooks_web_list.sync(client=client)
assert len(page_one) == 10, len(page_one)
everything = hooks_web_list.sync_all(client=client)
assert len(everything) == 13 and len({h.uuid for h in everything}) == 13
forms = hooks_web_list.sync_all(client=client, content_type=WebHookContentTypeEnum1.VALUE_2)
assert len(forms) == 12 and all(h.content_type == "form" for h in forms)
assert len(hooks_web_list.sync_all(client=client, is_active=False)) == 6
assert len(hooks_web_list.sync_all(client=client, author_username="admin")) == 13
assert len(hooks_web_list.sync_all(client=client, query="ada")) == 13
assert len(hooks_web_list.sync_all(client=client, author_username="nobody")) == 0
assert [h.uuid for h in hooks_web_list.sync_all(client=client, destination_url=receiver)] == [first.uuid]
# Nothing has been published (delivered) yet.
since = datetime.datetime(2020, 1, 1, tzinfo=datetime.timezone.utc)
assert hooks_web_list.sync_all(client=client, last_published=since) == []

fetched = hooks_web_retrieve.sync(uuid=first.uuid, client=client)
assert fetched.uuid == first.uuid and fetched.destination_url == receiver, fetched

patched = hooks_web_partial_update.sync(
    uuid=first.uuid,
    client=client,
    body=PatchedWebHookRequest(event_groups=[EventGroupsEnum.CUSTOMERS]),
)
assert [g.value for g in patched.event_groups] == ["customers"], patched.event_groups
assert [t.value for t in patched.event_types] == ["customer_update_succeeded"]

replaced = hooks_web_update.sync(
    uuid=first.uuid,
    client=client,
    body=WebHookRequest(destination_url=receiver, is_active=True),
)
assert replaced.is_active and replaced.modified >= first.modified, replaced



def refused(call, status, expected):
    """Waldur (Django REST framework) answers `status` with the body `expected` describes:
    a dict of field → list of messages, or {"detail": …}."""
    try:
        call()
    except errors.UnexpectedStatus as error:
        body = json.loads(error.content)
        assert error.status_code == status, (error.status_code, body)
        assert set(body) == set(expected), body
        for field, check in expected.items():
            assert check(body[field]), (field, body)
        return
    raise AssertionError(f"accepted what Waldur refuses: {expected}")


def messages(value):
    return isinstance(value, list) and value and all(isinstance(m, str) for m in value)


def create(**extra):
    """A hook for `receiver` with the customers group, fields in `extra` sent as they are —
    also values the client's types would not let through."""
    destination = extra.pop("destination_url", receiver)
    body = WebHookRequest(destination_url=destination, event_groups=[EventGroupsEnum.CUSTOMERS])
    for field, value in extra.items():
        setattr(body, field, UNSET)
        body.additional_properties[field] = value
    return lambda: hooks_web_create.sync(client=client, body=body)


# Invalid input is a 400 naming Waldur's fields, never a 5xx.
refused(create(destination_url="ftp://nope"), 400, {"destination_url": messages})
refused(create(destination_url="not a url"), 400, {"destination_url": messages})
refused(create(event_types=["not_a_waldur_event"]), 400, {"event_types": messages})
refused(create(event_groups=["customers", "nope"]), 400, {"event_groups": messages})
refused(create(event_types="customer_update_succeeded"), 400, {"event_types": messages})
refused(create(is_active="yes"), 400, {"is_active": messages})
refused(create(content_type="xml"), 400, {"content_type": messages})
refused(
    lambda: hooks_web_create.sync(client=client, body=WebHookRequest(destination_url=receiver)),
    400,
    {"non_field_errors": lambda m: m == ["Please specify list of event_types or event_groups."]},
)
refused(lambda: hooks_web_retrieve.sync(uuid=uuid.uuid4(), client=client), 404, {"detail": str})
refused(lambda: hooks_web_list.sync(client=client, page=99), 404, {"detail": lambda d: d == "Invalid page."})

# Every event type and group Waldur's schema knows is a choice.
known = list(EventTypesEnum)
for start in range(0, len(known), 64):
    chunk = hooks_web_create.sync(
        client=client,
        body=WebHookRequest(destination_url=receiver, event_types=known[start : start + 64]),
    )
    hooks_web_destroy.sync_detailed(uuid=chunk.uuid, client=client)
groups = hooks_web_create.sync(
    client=client,
    body=WebHookRequest(destination_url=receiver, event_groups=list(EventGroupsEnum)),
)
assert len(groups.event_groups) == len(EventGroupsEnum)
hooks_web_destroy.sync_detailed(uuid=groups.uuid, client=client)

for hook in everything:
    if hook.uuid != first.uuid:
        assert hooks_web_destroy.sync_detailed(uuid=hook.uuid, client=client).status_code == 204
assert hooks_web_count.sync(client=client) == 1
print(first.uuid)
