"""Resource namespaces of :class:`~qonto_async.QontoClient`, one module per API area."""
