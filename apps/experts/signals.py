"""Sent when every drawn expert has given an opinion; the app that owns the reviewed object
(e.g. evaluators for schemes) reacts. Defined here so this app never imports upward."""

import django.dispatch

# sender: the Review model; kwargs: review, actor
review_closed = django.dispatch.Signal()
