import sys, copy, pickle, gc, weakref; sys.path.insert(0, "/work/main")
import attrs
from qonto_async import models, serde
from qonto_async.serde import structure, _fast_function, converter, warm_up
from qonto_async.models import webhooks as W
from qonto_async.webhooks import parse_event
import json
print("WebhookEvent subclasses before:", len(W.WebhookEvent.__subclasses__()))
warm_up() if callable(warm_up) else None
subs = W.WebhookEvent.__subclasses__()
print("WebhookEvent subclasses after warm_up:", len(subs), [c.__name__ for c in subs if c.__name__.startswith("_Mutable")][:20])
print("object subclasses named _Mutable*:", sum(1 for c in object.__subclasses__() if c.__name__.startswith("_Mutable")))
body = {"id": "e1", "type": "v1/transactions", "organization_id": "o", "created_at": "2024-01-01T00:00:00Z",
        "data": {"id": "t", "event": "created"}}
print(attrs.fields(W.WebhookEvent))
