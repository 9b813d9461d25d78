"""Model API: a data scientist lists their models and gets a short-lived download link."""
