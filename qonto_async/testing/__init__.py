"""``qonto_async.testing``: a local Qonto for tests, demos and benchmarks (DESIGN §8).

::

    from qonto_async import QontoClient
    from qonto_async.testing import FakeQonto

    async with FakeQonto() as fake, QontoClient(
        auth=fake.static_key_auth(), environment=fake.environment, staging_token=fake.staging_token
    ) as qonto:
        org = await qonto.organization.get()

For blocking code (``SyncQontoClient``, worker threads), ``with fake_in_thread() as fake:`` runs one on a
background thread. The pytest fixture ``qonto_fake`` lives in :mod:`qonto_async.testing.plugin`; importing this package never
imports pytest.

``await deliver_webhook(fake, url, event_type="v1/transactions", payload={...}, secret=...)`` POSTs a delivery
signed as Qonto signs them, to test a webhook receiver.
"""

from qonto_async.testing._faults import Fault, FaultPlan
from qonto_async.testing._routes.webhooks import WebhookDelivery, broadcast_webhook, deliver_webhook
from qonto_async.testing._server import FakeQonto, JournalEntry, Quirks, ScaSettings
from qonto_async.testing._threaded import fake_in_thread

__all__ = [
    "FakeQonto",
    "Fault",
    "FaultPlan",
    "JournalEntry",
    "Quirks",
    "ScaSettings",
    "WebhookDelivery",
    "broadcast_webhook",
    "deliver_webhook",
    "fake_in_thread",
]
