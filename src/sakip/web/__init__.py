"""The Django project: settings, root URLs, WSGI. The apps live beside it by cycle step."""
