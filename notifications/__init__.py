"""SMS: templates, the outbox, the dispatcher, the Twilio gateway and reply parsing.
Knows nothing about cases beyond what a message needs. Filled in by the SMS work."""
