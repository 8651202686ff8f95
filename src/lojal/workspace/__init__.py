"""The staff workspace: My day and the call-list worker, pages that gather every app's work in one place.

It has no models of its own; it reads through the other apps' selectors and writes through their
services, so it sits above all of them."""
