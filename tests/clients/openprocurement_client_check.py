"""Runs the official OpenProcurement client, unchanged, against a server.

Usage: python openprocurement_client_check.py BASE_URL BROKER_KEY FIXTURE ACTIVATION

FIXTURE is a priceQuotation creation request ({"data": ...}); ACTIVATION
the PATCH that activates it. Exits non-zero (with the client's exception)
on the first operation that fails, and prints one line per operation.
"""

import json
import sys

import requests
from munch import munchify
from openprocurement_client.client import TendersClient


def check(label, condition, detail=""):
    if not condition:
        raise SystemExit("FAILED: {} {}".format(label, detail))
    print("ok: {}".format(label))


def main():
    base, key, fixture_path, activation_path = sys.argv[1:5]
    with open(fixture_path) as fixture_file:
        fixture = json.load(fixture_file)
    with open(activation_path) as activation_file:
        activation = json.load(activation_file)

    # The constructor sends HEAD /api/2.5/spore and authenticates with HTTP
    # Basic (the key as user name); the feed is read with mode=_all_.
    client = TendersClient(key, host_url=base, api_version="2.5")
    check("construct the client (HEAD /api/2.5/spore)", True)

    created = []
    for _ in range(3):
        tender = client.create_tender({"data": fixture["data"], "config": fixture.get("config", {})})
        check("create a draft tender", tender.data.status == "draft", tender.data.status)
        created.append(tender)

    first = created[0]
    read = client.get_tender(first.data.id)
    check("read the tender", read.data.id == first.data.id)

    # patch_tender sends the object back as given: data with its own id,
    # and the access block, whose token travels in X-Access-Token.
    patched = client.patch_tender(
        munchify({"data": {"id": first.data.id, "title": "Змінена назва"}, "access": first.access})
    )
    check("patch the draft", patched.data.title == "Змінена назва", patched.data.title)

    for tender in created:
        # Activation needs the buyer's notice signature. The body goes to
        # the CDB's document storage first (the client's own upload speaks
        # to a separate document service); the client then attaches it by
        # its metadata.
        uploaded = requests.post(
            "{}/api/2.5/documents".format(base),
            params={"title": "sign.p7s"},
            headers={"Authorization": "Bearer " + key, "Content-Type": "application/pkcs7-signature"},
            data="signature of {}".format(tender.data.id).encode(),
        )
        check("upload a signature", uploaded.status_code == 201, uploaded.text)
        signature = dict(uploaded.json()["data"], documentType="notice")
        attached = client.create_thin_document(tender, {"data": signature})
        check("attach the notice signature", attached.data.documentType == "notice", attached.data)
        active = client.patch_tender(
            munchify({"data": dict(activation["data"], id=tender.data.id), "access": tender.access})
        )
        check("activate the tender", active.data.status == "active.tendering", active.data.status)

    documents = client.get_documents(first)
    check("read its documents", isinstance(documents.data, list))
    awards = client.get_awards(first)
    check("read its awards", awards.data == [], awards.data)

    # Page the feed forward to its end, then backward from a fresh client.
    seen = []
    while True:
        page = client.get_tenders()
        if not page:
            break
        seen.extend(item.id for item in page)
    wanted = [tender.data.id for tender in created]
    check("page the feed forward", all(i in seen for i in wanted), seen)
    check("each tender once", len(seen) == len(set(seen)), seen)

    backward = TendersClient(key, host_url=base, api_version="2.5", params={"descending": "1"})
    seen_back = []
    while True:
        page = backward.get_tenders()
        if not page:
            break
        seen_back.extend(item.id for item in page)
    check("page the feed backward", seen_back == list(reversed(seen)), seen_back)


if __name__ == "__main__":
    main()
