"""Election administration: the service-layer operations of a territorial commission.

Each public function takes a session inside one transaction and an Actor,
checks the actor's role and territory, applies the law (``saylau.law``), writes the change and
its audit entry. Errors are :class:`AdminError` values with a code, the field and a message in
three languages.
"""
