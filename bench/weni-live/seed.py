# Extra seed data for the weni-live bench (bench/weni-live), on top of /work/shared/weni-server/seed.py.
# Run in the server's venv from its checkout:
#   python manage.py shell -c "exec(open('<this file>').read())"
# Idempotent: does nothing when the "Bench Many" group exists.
#
# What it adds, and why (the columns are the ones the API v2 read serializers expose):
# - 260 contacts in the static group "Bench Many": listContacts has to page (its page is 250; contacts_lean
#   is drained with limit=100).
# - contacts with NULL name and language, an empty name, a non-ASCII name, the longest name the column
#   holds (Contact.name max_length=128), a NULL last_seen_on, a NULL-valued field and no URN.
# - a channel with NULL name, address and country (Channel.name/address/country null=True).
# - messages with NULL channel and contact_urn, an empty text, NULL sent_on, NULL msg_type, an attachment,
#   the longest text (Msg.MAX_TEXT_LEN), a NULL modified_on, and WhatsApp template metadata.
# - a broadcast with NULL text and base_language (Broadcast.text null=True), one with NULL raw_urns.
# - a flow label with and without parent, an active run (NULL exited_on, exit_type), a run with NULL
#   results/path, a flow start with NULL urns/query/extra/created_by.
# - a ticketer, topics, tickets (open unassigned, closed, empty body), a classifier with intents,
#   a channel event with NULL extra and NULL contact_urn, archives (daily/monthly, empty hash),
#   admin boundaries (a root with NULL parent and geometry, a child), a template with translations
#   (NULL country/external_id, empty namespace), resthook events, a global with an empty value,
#   an external service, a catalog with products, WhatsApp flows.
import os
from datetime import date, timedelta

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from temba.api.models import APIToken, Resthook, WebHookEvent
from temba.archives.models import Archive
from temba.channels.models import Channel, ChannelEvent
from temba.classifiers.models import Classifier, Intent
from temba.contacts.models import ContactGroup
from temba.flows.models import Flow, FlowLabel, FlowRun, FlowStart
from temba.globals.models import Global
from temba.locations.models import AdminBoundary
from temba.msgs.models import Broadcast, Msg
from temba.templates.models import Template, TemplateTranslation
from temba.tests.mailroom import create_contact_locally, decrement_credit
from temba.tickets.models import Ticket, Ticketer, Topic

TOKEN = os.environ.get("WENI_API_TOKEN", "5eed0000000000000000000000000000000000a1")
token = APIToken.objects.get(key=TOKEN, is_active=True)
org, admin = token.org, token.user

if ContactGroup.user_groups.filter(org=org, name="Bench Many", is_active=True).exists():
    print("SEED-BENCH: already seeded")
else:
    with transaction.atomic():
        now = timezone.now()
        many = ContactGroup.create_static(org, admin, "Bench Many")

        # ---- contacts: 260 plain ones, then the awkward ones
        for i in range(260):
            c = create_contact_locally(org, admin, f"Bench Contact {i:03d}", "eng", [f"tel:+55829777{i:05d}"], {}, [])
            many.contacts.add(c)
        awkward = [
            create_contact_locally(org, admin, None, None, ["tel:+5582966600001"], {"age": None}, []),
            create_contact_locally(org, admin, "", None, ["tel:+5582966600002"], {}, []),
            create_contact_locally(org, admin, "Zoë Ñandú 北京 🙂 Ω", "por", ["tel:+5582966600003"], {"city": "São Luís ☀"}, []),
            create_contact_locally(org, admin, "W" * 128, "eng", ["tel:+5582966600004"], {"city": "C" * 640}, []),
            create_contact_locally(org, admin, "No URN", None, [], {}, [], last_seen_on=None),
        ]
        no_name, empty_name, non_ascii, longest, no_urn = awkward
        many.contacts.add(*awkward)
        alice = org.contacts.get(name="Alice")
        vips = ContactGroup.user_groups.get(org=org, name="VIPs")

        # ---- a channel with NULL name, address, country (and never seen)
        bare = Channel.objects.create(
            org=org, channel_type="EX", name=None, address=None, country=None, config={},
            role=Channel.DEFAULT_ROLE, schemes=["ext"], created_by=admin, modified_by=admin,
        )
        ex = Channel.objects.get(org=org, address="+5582999990000")

        # ---- messages
        def msg(contact, text, direction, channel, **kw):
            kw.setdefault("status", Msg.STATUS_HANDLED)
            kw.setdefault("msg_type", Msg.TYPE_INBOX)
            return Msg.objects.create(
                org=org, direction=direction, contact=contact, text=text, channel=channel,
                topup_id=decrement_credit(org), visibility=Msg.VISIBILITY_VISIBLE, **kw
            )

        msg(no_urn, "no channel, no urn", Msg.DIRECTION_IN, None, contact_urn=None, created_on=now - timedelta(minutes=30))
        msg(empty_name, "", Msg.DIRECTION_IN, ex, contact_urn=empty_name.get_urn(), created_on=now - timedelta(minutes=29))
        msg(non_ascii, "Olá 👋 ção", Msg.DIRECTION_IN, bare, contact_urn=non_ascii.get_urn(), msg_type=None,
            attachments=["image/jpeg:https://example.com/a%20b.jpg", "geo:-9.66,-35.73"], created_on=now - timedelta(minutes=28))
        msg(longest, "L" * Msg.MAX_TEXT_LEN, Msg.DIRECTION_OUT, ex, contact_urn=longest.get_urn(), status=Msg.STATUS_QUEUED,
            msg_type=Msg.TYPE_FLOW, created_on=now - timedelta(minutes=27))
        m_null_mod = msg(no_name, "modified_on NULL", Msg.DIRECTION_IN, ex, contact_urn=no_name.get_urn(), created_on=now - timedelta(minutes=26))
        Msg.objects.filter(id=m_null_mod.id).update(modified_on=None)
        templating = {"templating": {"template": {"uuid": "9c22b594-fcab-4b29-9bcb-ce4404894a80", "name": "bench_tpl"}, "language": "por", "variables": []}}
        msg(alice, "Template text for Alice", Msg.DIRECTION_OUT, ex, contact_urn=alice.get_urn(), status=Msg.STATUS_SENT,
            sent_on=now - timedelta(minutes=20), template="bench_tpl", metadata=templating, created_on=now - timedelta(minutes=20))
        msg(no_name, "Template text, never sent", Msg.DIRECTION_OUT, ex, contact_urn=no_name.get_urn(), status=Msg.STATUS_QUEUED,
            sent_on=None, template="bench_tpl", metadata=templating, created_on=now - timedelta(minutes=19))
        msg(no_urn, "Template to no URN", Msg.DIRECTION_OUT, None, contact_urn=None, status=Msg.STATUS_QUEUED,
            template="bench_tpl", metadata=templating, created_on=now - timedelta(minutes=18))

        # ---- broadcasts: NULL text / base_language; NULL raw_urns
        Broadcast.objects.create(org=org, text=None, base_language=None, raw_urns=None, created_by=admin, modified_by=admin,
                                 status=Broadcast.STATUS_SENT)
        b = Broadcast.objects.create(org=org, text={"por": "Olá ✓", "eng": "Hi"}, base_language="por", raw_urns=None,
                                     created_by=None, modified_by=admin, status=Broadcast.STATUS_QUEUED)
        b.contacts.add(no_name)
        b.groups.add(vips)

        # ---- flows: labels, runs, starts
        flow = Flow.objects.get(org=org, name="Local Survey")
        parent_label = FlowLabel.objects.create(org=org, name="Bench flow label")
        FlowLabel.objects.create(org=org, name="Bench child ☂", parent=parent_label)
        flow.labels.add(parent_label)
        FlowRun.objects.create(org=org, flow=flow, contact=non_ascii, status=FlowRun.STATUS_ACTIVE, responded=False,
                               created_on=now - timedelta(minutes=3), modified_on=now)
        FlowRun.objects.create(org=org, flow=flow, contact=no_name, status=FlowRun.STATUS_WAITING, responded=True,
                               results=None, path=None, created_on=now - timedelta(minutes=2), modified_on=now)
        FlowStart.objects.create(org=org, flow=flow, start_type=FlowStart.TYPE_API, urns=None, query=None, extra=None,
                                 created_by=None, status=FlowStart.STATUS_PENDING)

        # ---- tickets
        ticketer = Ticketer.create(org, admin, "internal", "Bench Ticketer ✉", {})
        topic = Topic.get_or_create(org, admin, "Bench Topic")
        Topic.get_or_create(org, admin, "T" * Topic.MAX_NAME_LEN)
        Ticket.objects.create(org=org, ticketer=ticketer, contact=alice, topic=topic, body="Preciso de ajuda ☎",
                              status=Ticket.STATUS_OPEN, assignee=None)
        Ticket.objects.create(org=org, ticketer=ticketer, contact=no_name, topic=topic, body="",
                              status=Ticket.STATUS_CLOSED, assignee=admin, closed_on=now)

        # ---- classifier with intents
        cl = Classifier.objects.create(org=org, classifier_type="wit", name="Bench Classifier", config={},
                                       created_by=admin, modified_by=admin)
        Intent.objects.create(classifier=cl, name="greeting", external_id="g1", created_on=now)

        # ---- channel events: NULL extra, NULL contact_urn
        ChannelEvent.objects.create(org=org, channel=ex, event_type=ChannelEvent.TYPE_NEW_CONVERSATION, contact=alice,
                                    contact_urn=None, extra=None, occurred_on=now)
        ChannelEvent.objects.create(org=org, channel=bare, event_type=ChannelEvent.TYPE_REFERRAL, contact=non_ascii,
                                    contact_urn=non_ascii.get_urn(), extra={"source": "ad ☆"}, occurred_on=now)

        # ---- archives
        Archive.objects.create(org=org, archive_type=Archive.TYPE_MSG, period=Archive.PERIOD_DAILY, start_date=date(2024, 1, 2),
                               record_count=0, size=0, hash="", url="", build_time=0)
        Archive.objects.create(org=org, archive_type=Archive.TYPE_FLOWRUN, period=Archive.PERIOD_MONTHLY, start_date=date(2024, 1, 1),
                               record_count=2**31 - 1, size=2**63 - 1, hash="f" * 32,
                               url="https://archives.example.com/runs.jsonl.gz", build_time=12)

        # ---- boundaries: a country (NULL parent, NULL geometry) and a state
        br = AdminBoundary.objects.create(osm_id="R59470", name="Brasil", level=0, path="Brasil")
        AdminBoundary.objects.create(osm_id="R303781", name="Alagoas", level=1, parent=br, path="Brasil > Alagoas")
        org.country = br
        org.save(update_fields=("country",))

        # ---- template with translations
        tpl = Template.objects.create(org=org, name="bench_tpl", category=None)
        TemplateTranslation.objects.create(template=tpl, channel=ex, content="Olá {{1}}", variable_count=1,
                                           status=TemplateTranslation.STATUS_APPROVED, language="por", country=None,
                                           namespace="", external_id=None)
        TemplateTranslation.objects.create(template=tpl, channel=bare, content="", variable_count=0,
                                           status=TemplateTranslation.STATUS_PENDING, language="eng", country="US",
                                           namespace="ns", external_id="e1")

        # ---- resthook events, globals
        hook = Resthook.objects.get(org=org, slug="new-lead")
        WebHookEvent.objects.create(org=org, resthook=hook, data={"contact": {"name": "Zoë"}, "n": None})
        WebHookEvent.objects.create(org=org, resthook=hook, data={})
        Global.get_or_create(org, admin, "empty_value", "Empty value", "")
        Global.get_or_create(org, admin, "long_value", "Long value", "V" * 10000)

        print(f"SEED-BENCH: created 265 contacts, channel {bare.uuid}, tickets, archives, boundaries, template")

# ---- Weni-only models, each in its own transaction (their schema differs more between versions)
def weni_extra():
    from temba.externals.models import ExternalService
    from temba.wpp_flows.models import WhatsappFlow
    from temba.wpp_products.models import Catalog, Product

    if ExternalService.objects.filter(org=org, name="Bench Service").exists():
        return
    # catalogs and WhatsApp flows belong to a WhatsApp Cloud (WAC) channel
    ex = Channel.objects.create(
        org=org, channel_type="WAC", name="Bench WhatsApp", address="5582999990009", country="BR",
        config={"wa_number": "5582999990009", "wa_waba_id": "100"}, role=Channel.DEFAULT_ROLE,
        schemes=["whatsapp"], created_by=admin, modified_by=admin,
    )
    ExternalService.objects.create(org=org, external_service_type="omie", name="Bench Service", config={},
                                   created_by=admin, modified_by=admin)
    cat = Catalog.objects.create(org=org, channel=ex, facebook_catalog_id="1234", name="Bench Catalog", is_active=True)
    Product.objects.create(catalog=cat, facebook_product_id="fb1", title="Café ☕", product_retailer_id="sku-1")
    Product.objects.create(catalog=cat, facebook_product_id="fb2", title="", product_retailer_id="sku-2")
    WhatsappFlow.objects.create(org=org, channel=ex, facebook_flow_id="1001", status="PUBLISHED", name="Bench WA flow",
                                validation_errors=[], screens=[],
                                variables={"screens": ["WELCOME", "FIM"], "variables": ["nome", "idade"]}, category=["OTHER"])
    WhatsappFlow.objects.create(org=org, channel=ex, facebook_flow_id="1002", status="DRAFT", name="Fluxo ✓",
                                validation_errors=[], screens=[], category=[])  # variables: the column default []

try:
    with transaction.atomic():
        weni_extra()
        print("SEED-BENCH: Weni-only models created")
except Exception as e:  # noqa
    print(f"SEED-BENCH: Weni-only models FAILED: {e!r}")
