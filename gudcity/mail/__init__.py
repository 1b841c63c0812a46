"""Mail delivery: the outbox worker (worker.py), the outbox rows it claims (outbox.py),
and SMTP (smtp.py). Composing and queueing a mail is services/mail.py."""
